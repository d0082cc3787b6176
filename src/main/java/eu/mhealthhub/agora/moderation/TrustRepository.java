package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** SQL for the trust settings moderators change: a member's level in a group, a group's hold setting, and their audit entries. */
final class TrustRepository {

  Future<Integer> holdFirstPosts(SqlClient db, long groupId, boolean lock) {
    return db.preparedQuery("SELECT hold_first_posts FROM working_groups WHERE id = $1" + (lock ? " FOR UPDATE" : ""))
        .execute(Tuple.of(groupId)).map(rows -> rows.iterator().next().getInteger(0));
  }

  Future<Void> setHoldFirstPosts(SqlClient db, long groupId, int hold) {
    return db.preparedQuery("UPDATE working_groups SET hold_first_posts = $2 WHERE id = $1").execute(Tuple.of(groupId, hold))
        .mapEmpty();
  }

  /** The member's manual level as text ("auto" when none), locked; empty when they are not in the group. */
  Future<Optional<String>> lockLevel(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery("""
            SELECT coalesce(gm.trust_level::text, 'auto') FROM group_memberships gm
             WHERE gm.group_id = $1 AND gm.member_id = $2 FOR UPDATE""").execute(Tuple.of(groupId, memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<Void> setLevel(SqlClient db, long groupId, long memberId, Integer level) {
    return db.preparedQuery("UPDATE group_memberships SET trust_level = $3 WHERE group_id = $1 AND member_id = $2")
        .execute(Tuple.of(groupId, memberId, level == null ? null : level.shortValue())).mapEmpty();
  }

  Future<Void> audit(SqlClient db, long groupId, long actorId, String action, String targetType, long targetId,
      String reason, String before, String after) {
    return db.preparedQuery("""
        INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, before_value, after_value)
        VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
        """).execute(Tuple.from(new Object[] {groupId, actorId, action, targetType, targetId, reason, before, after}))
        .mapEmpty();
  }
}
