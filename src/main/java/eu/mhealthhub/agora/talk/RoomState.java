package eu.mhealthhub.agora.talk;

import java.util.Locale;

/**
 * The life of a Talk's live room: scheduled until a moderator opens it, open for messages and
 * questions, closed once a moderator closed it with a summary. The database carries the
 * lower-case {@link #value()}.
 */
public enum RoomState {
  SCHEDULED, OPEN, CLOSED;

  private final String value = name().toLowerCase(Locale.ROOT);

  /** The state a database value names; fails on a value the schema does not allow. */
  static RoomState of(String value) {
    for (RoomState s : values()) {
      if (s.value.equals(value)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown room state " + value);
  }

  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return value;
  }
}
