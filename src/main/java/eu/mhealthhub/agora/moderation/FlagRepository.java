package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Flags: SQL and nothing else. */
final class FlagRepository {

  /** Serialises the flags of one item, so that two flags at once count each other. */
  private static final String LOCK_ITEM = "SELECT pg_advisory_xact_lock(hashtext('flag:' || $1 || ':' || $2))";
  private static final String INSERT = """
      INSERT INTO flags (item_type, item_id, group_id, member_id, reason, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (item_type, item_id, member_id) DO NOTHING
      RETURNING id
      """;
  /**
   * Open flags on an item from members with at least one post in the group, against its threshold;
   * for an item of no group (a Talk of none), from members with a post anywhere, against 3.
   */
  private static final String WEIGHTY_FLAGGERS = """
      SELECT count(*) >= COALESCE((SELECT flag_threshold FROM working_groups WHERE id = $3), 3) AS reached
        FROM flags f
       WHERE f.item_type = $1 AND f.item_id = $2 AND f.resolved_at IS NULL
         AND EXISTS (SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
                      WHERE p.author_id = f.member_id AND ($3::bigint IS NULL OR t.group_id = $3)
                        AND p.deleted_at IS NULL AND p.held_at IS NULL)
      """;
  private static final String RESOLVE = """
      UPDATE flags SET resolved_at = now() WHERE item_type = $1 AND item_id = $2 AND resolved_at IS NULL
      """;
  private static final String FLAGGED = "SELECT 1 FROM flags WHERE item_type = $1 AND item_id = $2 AND member_id = $3";

  Future<Void> lockItem(SqlClient db, String itemType, long itemId) {
    return db.preparedQuery(LOCK_ITEM).execute(Tuple.of(itemType, Long.toString(itemId))).mapEmpty();
  }

  /** Whether the member flagged the item already (under the item's lock, so it stays true or false). */
  Future<Boolean> flagged(SqlClient db, String itemType, long itemId, long memberId) {
    return db.preparedQuery(FLAGGED).execute(Tuple.of(itemType, itemId, memberId)).map(rows -> rows.size() > 0);
  }

  /** False when the member flagged the item already. */
  Future<Boolean> insert(SqlClient db, String itemType, long itemId, Long groupId, long memberId, FlagReason reason,
      String detail) {
    return db.preparedQuery(INSERT).execute(Tuple.of(itemType, itemId, groupId, memberId, reason.value(), detail))
        .map(rows -> rows.size() > 0);
  }

  /** Whether enough members who took part in the group flagged the item to hide it. */
  Future<Boolean> thresholdReached(SqlClient db, String itemType, long itemId, Long groupId) {
    return db.preparedQuery(WEIGHTY_FLAGGERS).execute(Tuple.of(itemType, itemId, groupId))
        .map(rows -> rows.iterator().next().getBoolean("reached"));
  }

  /** Marks the item's open flags dealt with. */
  Future<Void> resolve(SqlClient db, String itemType, long itemId) {
    return db.preparedQuery(RESOLVE).execute(Tuple.of(itemType, itemId)).mapEmpty();
  }
}
