package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
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
  private final TrustRepository repository = new TrustRepository();

  public TrustService(Pool pool) {
    this.pool = pool;
  }

  /** The group's setting: how many first posts of new members it holds (0 = off). */
  public Future<Integer> holdFirstPosts(WorkingGroup group) {
    return repository.holdFirstPosts(pool, group.id(), false);
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
    if (level != null && (level < 0 || level > 2)) {
      return Future.failedFuture(DomainException.badRequest("trust.error.level"));
    }
    if (why.isEmpty() || why.length() > 1000) {
      return Future.failedFuture(DomainException.badRequest("trust.error.reason"));
    }
    return pool.withTransaction(conn -> repository.lockLevel(conn, group.id(), memberId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      return repository.setLevel(conn, group.id(), memberId, level)
          .compose(v -> repository.audit(conn, group.id(), moderator.id(), "member.trust", "member", memberId, why,
              found.get(), level == null ? "auto" : level.toString()));
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
    return pool.withTransaction(conn -> repository.holdFirstPosts(conn, group.id(), true)
        .compose(before -> repository.setHoldFirstPosts(conn, group.id(), hold)
            .compose(v -> repository.audit(conn, group.id(), moderator.id(), "group.trust", "group", group.id(), why,
                Integer.toString(before), Integer.toString(hold)))));
  }

}
