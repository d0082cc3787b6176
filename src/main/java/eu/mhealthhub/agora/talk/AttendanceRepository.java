package eu.mhealthhub.agora.talk;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/** The {@code talk_attendance} table: who was present in a Talk's open room, first and last seen. */
final class AttendanceRepository {

  private static final String ROOM_STATE = "SELECT room_state FROM talks WHERE id = $1";
  /** First heartbeat: a new row; later ones move last_seen only when it is a minute old or more. */
  private static final String SEEN = """
      INSERT INTO talk_attendance (talk_id, member_id, first_seen, last_seen) VALUES ($1, $2, $3, $3)
      ON CONFLICT (talk_id, member_id) DO UPDATE SET last_seen = excluded.last_seen
       WHERE talk_attendance.last_seen <= excluded.last_seen - interval '1 minute'
      """;
  private static final String MEMBERS = "SELECT member_id FROM talk_attendance WHERE talk_id = $1";

  Future<Optional<RoomState>> roomState(SqlClient db, long talkId) {
    return db.preparedQuery(ROOM_STATE).execute(Tuple.of(talkId)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(RoomState.of(rows.iterator().next().getString("room_state"))));
  }

  Future<Void> seen(SqlClient db, long talkId, long memberId, Instant now) {
    return db.preparedQuery(SEEN).execute(Tuple.of(talkId, memberId, now.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  /** The members who attended a Talk's room. */
  Future<Set<Long>> members(SqlClient db, long talkId) {
    return db.preparedQuery(MEMBERS).execute(Tuple.of(talkId)).map(rows -> {
      Set<Long> ids = new HashSet<>();
      rows.forEach(r -> ids.add(r.getLong("member_id")));
      return ids;
    });
  }
}
