package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Moderators set what trust means in their group: a member's level (or back to automatic), and
 * how many first posts of new members the group holds for approval. Each change is audited with
 * its reason and the value before and after. FORBIDDEN for anyone but the group's moderators and
 * admins; NOT_FOUND for a member who is not in the group; BAD_REQUEST for a value out of range or
 * a missing reason.
 */
public final class TrustService {

  public static final int MAX_HOLD = 20;

  private final Pool pool;

  public TrustService(Pool pool) {
    this.pool = pool;
  }

  /** The group's setting: how many first posts of new members it holds (0 = off). */
  public Future<Integer> holdFirstPosts(WorkingGroup group) {
    return pool.preparedQuery("SELECT hold_first_posts FROM working_groups WHERE id = $1").execute(Tuple.of(group.id()))
        .map(rows -> rows.iterator().next().getInteger(0));
  }

  /**
   * Sets a member's level in the group: {@code level} 0, 1 or 2, or null to let it follow their
   * approved posts again.
   */
  public Future<Void> setLevel(Member moderator, WorkingGroup group, long memberId, Integer level, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (!GroupPolicy.canModerate(Optional.of(moderator), group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (level != null && (level < TrustLevels.NEW || level > TrustLevels.TRUSTED)) {
      return Future.failedFuture(DomainException.badRequest("trust.error.level"));
    }
    if (why.isEmpty() || why.length() > 1000) {
      return Future.failedFuture(DomainException.badRequest("trust.error.reason"));
    }
    return pool.withTransaction(conn -> conn.preparedQuery("""
            SELECT coalesce(gm.trust_level::text, 'auto') FROM group_memberships gm
             WHERE gm.group_id = $1 AND gm.member_id = $2 FOR UPDATE""").execute(Tuple.of(group.id(), memberId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(DomainException.notFound());
          }
          String before = rows.iterator().next().getString(0);
          return conn.preparedQuery("UPDATE group_memberships SET trust_level = $3 WHERE group_id = $1 AND member_id = $2")
              .execute(Tuple.of(group.id(), memberId, level == null ? null : level.shortValue()))
              .compose(v -> audit(conn, group, moderator, "member.trust", "member", memberId, why, before,
                  level == null ? "auto" : level.toString()));
        }));
  }

  /** Sets how many first posts of new members the group holds for approval (0 = off). */
  public Future<Void> setHoldFirstPosts(Member moderator, WorkingGroup group, int hold, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (!GroupPolicy.canModerate(Optional.of(moderator), group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (hold < 0 || hold > MAX_HOLD) {
      return Future.failedFuture(DomainException.badRequest("trust.error.hold"));
    }
    if (why.length() > 1000) {
      return Future.failedFuture(DomainException.badRequest("trust.error.reason"));
    }
    return pool.withTransaction(conn -> conn.preparedQuery(
            "SELECT hold_first_posts FROM working_groups WHERE id = $1 FOR UPDATE").execute(Tuple.of(group.id()))
        .compose(rows -> {
          int before = rows.iterator().next().getInteger(0);
          return conn.preparedQuery("UPDATE working_groups SET hold_first_posts = $2 WHERE id = $1")
              .execute(Tuple.of(group.id(), hold))
              .compose(v -> audit(conn, group, moderator, "group.trust", "group", group.id(), why,
                  Integer.toString(before), Integer.toString(hold)));
        }));
  }

  private static Future<Void> audit(io.vertx.sqlclient.SqlClient db, WorkingGroup group, Member actor, String action,
      String targetType, long targetId, String reason, String before, String after) {
    return db.preparedQuery("""
        INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, before_value, after_value)
        VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
        """).execute(Tuple.from(new Object[] {group.id(), actor.id(), action, targetType, targetId, reason, before, after}))
        .mapEmpty();
  }
}
