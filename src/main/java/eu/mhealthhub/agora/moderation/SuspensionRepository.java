package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** SQL for member suspensions ({@code member_suspensions}, V019) and their audit log entries. */
final class SuspensionRepository {

  /** The rule of V019: a suspension is in force while this holds (alias {@code s}). */
  private static final String IN_FORCE = "s.lifted_at IS NULL AND s.starts_at <= now() AND (s.ends_at IS NULL OR s.ends_at > now())";

  private static final String ACTIVE_IDS = "SELECT DISTINCT s.member_id FROM member_suspensions s WHERE " + IN_FORCE;
  private static final String COLUMNS = """
      SELECT s.id, s.member_id, a.display_name AS by_name, g.slug, s.reason, s.starts_at, s.ends_at, s.lifted_at,
             l.display_name AS lifted_name, s.lift_reason, (%s) AS in_force,
             (s.lifted_at IS NULL AND s.ends_at IS NOT NULL AND s.ends_at <= now()) AS expired, s.group_id
        FROM member_suspensions s
        LEFT JOIN members a ON a.id = s.suspended_by
        LEFT JOIN members l ON l.id = s.lifted_by
        LEFT JOIN working_groups g ON g.id = s.group_id
      """.formatted(IN_FORCE);
  private static final String CURRENT = COLUMNS + " WHERE s.member_id = $1 AND " + IN_FORCE + " ORDER BY s.id DESC LIMIT 1";
  private static final String HISTORY = COLUMNS + " WHERE s.member_id = $1 ORDER BY s.starts_at DESC, s.id DESC LIMIT 100";
  private static final String ONE_FOR_UPDATE = COLUMNS + " WHERE s.id = $1 FOR UPDATE OF s";
  /** Serialises decisions about one member: two moderators suspending at once make one suspension. */
  private static final String LOCK_MEMBER = "SELECT is_admin FROM members WHERE id = $1 FOR UPDATE";
  private static final String IS_MODERATOR = """
      SELECT EXISTS (SELECT 1 FROM group_memberships WHERE member_id = $1 AND role = 'moderator')
      """;
  /**
   * A group that $1 moderates and in which $2 is a member or wrote a thread or post: the group a
   * moderator's suspension is decided in (the lowest id when there are several).
   */
  private static final String SHARED_GROUP = """
      SELECT mine.group_id FROM group_memberships mine
       WHERE mine.member_id = $1 AND mine.role = 'moderator'
         AND (EXISTS (SELECT 1 FROM group_memberships theirs WHERE theirs.group_id = mine.group_id AND theirs.member_id = $2)
              OR EXISTS (SELECT 1 FROM threads t WHERE t.group_id = mine.group_id AND t.author_id = $2)
              OR EXISTS (SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
                          WHERE t.group_id = mine.group_id AND p.author_id = $2))
       ORDER BY mine.group_id LIMIT 1
      """;
  private static final String MODERATES = """
      SELECT EXISTS (SELECT 1 FROM group_memberships WHERE member_id = $1 AND group_id = $2 AND role = 'moderator')
      """;
  private static final String INSERT = """
      INSERT INTO member_suspensions (member_id, suspended_by, group_id, reason, ends_at)
      VALUES ($1, $2, $3, $4, $5) RETURNING id
      """;
  private static final String LIFT = """
      UPDATE member_suspensions SET lifted_at = now(), lifted_by = $2, lift_reason = $3 WHERE id = $1
      """;
  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, before_value, after_value)
      VALUES ($1, $2, $3, 'member', $4, $5, $6, $7, $8)
      """;

  /** A suspension as stored, with the group it was decided in. */
  record Stored(Suspension suspension, Long groupId) {}

  Future<Set<Long>> activeIds(SqlClient db) {
    return db.query(ACTIVE_IDS).execute().map(rows -> {
      Set<Long> ids = new HashSet<>();
      rows.forEach(r -> ids.add(r.getLong(0)));
      return ids;
    });
  }

  private static final String DECISION_OF = """
      SELECT id FROM moderation_decisions WHERE item_type = 'suspension' AND item_id = $1 AND action = 'suspend'
       ORDER BY id DESC LIMIT 1
      """;

  /** The statement of reasons recorded with a suspension, if any. */
  Future<Long> decisionOf(SqlClient db, long suspensionId) {
    return db.preparedQuery(DECISION_OF).execute(Tuple.of(suspensionId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
  }

  Future<Optional<Suspension>> current(SqlClient db, long memberId) {
    return db.preparedQuery(CURRENT).execute(Tuple.of(memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(suspension(rows.iterator().next())));
  }

  Future<List<Suspension>> history(SqlClient db, long memberId) {
    return db.preparedQuery(HISTORY).execute(Tuple.of(memberId)).map(rows -> {
      List<Suspension> list = new ArrayList<>();
      rows.forEach(r -> list.add(suspension(r)));
      return list;
    });
  }

  Future<Optional<Stored>> lockOne(SqlClient tx, long suspensionId) {
    return tx.preparedQuery(ONE_FOR_UPDATE).execute(Tuple.of(suspensionId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(new Stored(suspension(rows.iterator().next()),
            rows.iterator().next().getLong("group_id"))));
  }

  /** Locks the member's row; completes with whether they are an admin, or empty when there is no such member. */
  Future<Optional<Boolean>> lockMember(SqlClient tx, long memberId) {
    return tx.preparedQuery(LOCK_MEMBER).execute(Tuple.of(memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBoolean(0)));
  }

  Future<Boolean> isModerator(SqlClient db, long memberId) {
    return db.preparedQuery(IS_MODERATOR).execute(Tuple.of(memberId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  Future<Optional<Long>> sharedGroup(SqlClient db, long moderatorId, long memberId) {
    return db.preparedQuery(SHARED_GROUP).execute(Tuple.of(moderatorId, memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  Future<Boolean> moderates(SqlClient db, long memberId, long groupId) {
    return db.preparedQuery(MODERATES).execute(Tuple.of(memberId, groupId)).map(rows -> rows.iterator().next().getBoolean(0));
  }

  Future<Long> insert(SqlClient tx, long memberId, long by, Long groupId, String reason, Instant endsAt) {
    return tx.preparedQuery(INSERT).execute(Tuple.of(memberId, by, groupId, reason, utc(endsAt)))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> lift(SqlClient tx, long suspensionId, long by, String reason) {
    return tx.preparedQuery(LIFT).execute(Tuple.of(suspensionId, by, reason)).mapEmpty();
  }

  /** An audit log entry about a member ({@code member.suspend}, {@code member.lift}). */
  Future<Void> log(SqlClient tx, Long groupId, long actorId, String action, long memberId, String detail, String reason,
      String before, String after) {
    return tx.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, memberId, detail, reason, before, after))
        .mapEmpty();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static Suspension suspension(Row r) {
    return new Suspension(r.getLong("id"), r.getLong("member_id"), r.getString("by_name"), r.getString("slug"),
        r.getString("reason"), instant(r, "starts_at"), instant(r, "ends_at"), instant(r, "lifted_at"),
        r.getString("lifted_name"), r.getString("lift_reason"), r.getBoolean("in_force"), r.getBoolean("expired"));
  }
}
