package eu.mhealthhub.agora.moderation;

import java.util.Arrays;
import java.util.Optional;

/**
 * What kind of illegal content a notice reports. For suspected child sexual abuse material the
 * notifier may stay anonymous (DSA Art. 16(2)(c)); for the others a name and an e-mail are needed.
 */
public enum NoticeCategory {
  CSAM("csam"),
  HATE("hate"),
  PRIVACY("privacy"),
  DEFAMATION("defamation"),
  INTELLECTUAL_PROPERTY("intellectual_property"),
  FRAUD("fraud"),
  OTHER("other");

  private final String value;

  NoticeCategory(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }

  public String label() {
    return "notice.category." + value;
  }

  /** Whether the notifier may leave name and e-mail empty. */
  public boolean anonymousAllowed() {
    return this == CSAM;
  }

  public static Optional<NoticeCategory> fromForm(String raw) {
    return Arrays.stream(values()).filter(c -> c.value.equals(raw)).findFirst();
  }
}
