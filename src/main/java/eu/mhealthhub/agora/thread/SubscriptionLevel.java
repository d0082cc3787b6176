package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.DomainException;
import java.util.Locale;

/**
 * How closely a member follows a thread or a group: watching (told of every post), normal (told
 * of mentions and replies) or muted. Normal is the absence of a subscription row; the database,
 * forms and templates carry the lower-case {@link #value()}.
 */
public enum SubscriptionLevel {
  WATCHING, NORMAL, MUTED;

  private final String value = name().toLowerCase(Locale.ROOT);

  /** The level a form chose (none means normal); fails with BAD_REQUEST on any other value. */
  public static SubscriptionLevel fromForm(String value) {
    if (value == null) {
      return NORMAL;
    }
    for (SubscriptionLevel l : values()) {
      if (l.value.equals(value)) {
        return l;
      }
    }
    throw DomainException.badRequest("error.400.text");
  }

  /** The level a subscription row stores; no row (null) is normal. */
  static SubscriptionLevel ofRow(String value) {
    if (value == null) {
      return NORMAL;
    }
    for (SubscriptionLevel l : values()) {
      if (l.value.equals(value)) {
        return l;
      }
    }
    throw new IllegalArgumentException("unknown subscription level " + value);
  }

  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
