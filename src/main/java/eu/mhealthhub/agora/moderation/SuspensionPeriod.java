package eu.mhealthhub.agora.moderation;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/** How long a suspension lasts, as the form offers it. */
public enum SuspensionPeriod {
  DAY("1d", Duration.ofDays(1)),
  THREE_DAYS("3d", Duration.ofDays(3)),
  WEEK("7d", Duration.ofDays(7)),
  MONTH("30d", Duration.ofDays(30)),
  /** Until a moderator or admin lifts it. */
  UNTIL_LIFTED("lifted", null);

  private final String value;
  private final Duration length;

  SuspensionPeriod(String value, Duration length) {
    this.value = value;
    this.length = length;
  }

  public String value() {
    return value;
  }

  /** The message key of its label. */
  public String label() {
    return "suspension.period." + value;
  }

  /** Its end if it starts now, or empty for one that lasts until lifted. */
  public Optional<java.time.Instant> endFrom(java.time.Instant start) {
    return Optional.ofNullable(length).map(start::plus);
  }

  public static Optional<SuspensionPeriod> of(String value) {
    return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
  }
}
