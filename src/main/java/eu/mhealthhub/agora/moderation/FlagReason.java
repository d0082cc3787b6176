package eu.mhealthhub.agora.moderation;

import java.util.Arrays;
import java.util.Optional;

/** Why a member flags an item; {@link #OTHER} needs a few words of the member's own. */
public enum FlagReason {
  OFF_TOPIC("off_topic"),
  INAPPROPRIATE("inappropriate"),
  SPAM("spam"),
  CONFLICT_OF_INTEREST("conflict_of_interest"),
  ILLEGAL("illegal"),
  OTHER("other");

  private final String value;

  FlagReason(String value) {
    this.value = value;
  }

  /** As stored and as the form sends it. */
  public String value() {
    return value;
  }

  /** The message key of its label. */
  public String label() {
    return "flag.reason." + value;
  }

  public static Optional<FlagReason> fromForm(String raw) {
    return Arrays.stream(values()).filter(r -> r.value.equals(raw)).findFirst();
  }
}
