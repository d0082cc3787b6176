package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attendance in a Talk's live room, from presence (issue 15 point 6): the room's page reports
 * presence on {@code talk.<id>} while the room is open, and every report of a signed-in member
 * lands here first. A member's row is written on their first heartbeat (first and last seen) and
 * its last-seen moved at most once a {@link #EVERY minute}: each node remembers when it last wrote
 * a member's row and skips the database in between, and the statement itself refuses a move of
 * less than a minute, so several nodes write no more often either. A report for a room that is not
 * open fails (409) and records nothing, so presence there is refused too.
 */
public final class TalkAttendance {

  /** How often a present member's last-seen moves at most. */
  public static final Duration EVERY = Duration.ofMinutes(1);
  /** Past this many remembered writes, those older than {@link #EVERY} are forgotten. */
  private static final int REMEMBERED = 10_000;

  private record Key(long talkId, long memberId) {}

  private final Pool pool;
  private final Clock clock;
  private final AttendanceRepository repository = new AttendanceRepository();
  private final Map<Key, Long> written = new ConcurrentHashMap<>();

  public TalkAttendance(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /**
   * A member is present in a Talk's room: succeeds when the room is open (recording them, at most
   * once a minute); fails NOT_FOUND for no such Talk, CONFLICT when its room is not open.
   */
  public Future<Void> seen(long talkId, long memberId) {
    return repository.roomState(pool, talkId).compose(state -> {
      if (state.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      if (state.get() != RoomState.OPEN) {
        return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "talk.attendance.error.closed"));
      }
      long now = clock.millis();
      Key key = new Key(talkId, memberId);
      Long last = written.get(key);
      if (last != null && now - last < EVERY.toMillis()) {
        return Future.succeededFuture();
      }
      return repository.seen(pool, talkId, memberId, clock.instant()).onSuccess(v -> remember(key, now));
    });
  }

  private void remember(Key key, long now) {
    if (written.size() >= REMEMBERED) {
      written.values().removeIf(at -> now - at >= EVERY.toMillis());
    }
    written.put(key, now);
  }
}
