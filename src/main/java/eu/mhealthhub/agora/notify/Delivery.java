package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.DomainException;
import java.util.Locale;

/**
 * How a member wants one kind of notification: on the notifications page only, by e-mail at once
 * (still shown on the page), in the daily or the weekly digest, or not at all. The database and
 * forms carry the lower-case {@link #value()}.
 */
public enum Delivery {
  PAGE, IMMEDIATELY, DAILY, WEEKLY, NEVER;

  private final String value = name().toLowerCase(Locale.ROOT);

  public String value() {
    return value;
  }

  /** The delivery a form or a stored row names; fails with BAD_REQUEST on anything else. */
  public static Delivery of(String value) {
    for (Delivery d : values()) {
      if (d.value.equals(value)) {
        return d;
      }
    }
    throw DomainException.badRequest("notifications.error.delivery");
  }
}
