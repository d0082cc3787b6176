package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.auth.SignInSessions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Suspending members site-wide, and lifting suspensions. An admin may suspend anyone but an admin;
 * a group's moderator may suspend a member of, or an author in, a group they moderate, but never a
 * moderator, an admin or themself. Once committed, every node hears of it at once (its set of
 * suspended members, its member cache), the member's sign-ins end (every session is signed out at
 * its next request) and their live sockets close on every node. Both decisions are in the audit log.
 */
public final class SuspensionService {

  /** The longest reason the database keeps. */
  public static final int MAX_REASON = 2000;

  private final Pool pool;
  private final Clock clock;
  private final SuspendedMembers suspended;
  private final SignInSessions signIns;
  private final SuspensionRepository repository = new SuspensionRepository();
  private DecisionService decisions;

  public SuspensionService(Pool pool, Clock clock, SuspendedMembers suspended, SignInSessions signIns) {
    this.pool = pool;
    this.clock = clock;
    this.suspended = suspended;
    this.signIns = signIns;
  }

  /**
   * Records a statement of reasons (DSA Art. 17) with each suspension and lifting, in its
   * transaction: the member is told at once (notification and e-mail, which reach them even while
   * suspended) and may appeal a suspension once. None is recorded when not set.
   */
  public SuspensionService recordingDecisions(DecisionService decisions) {
    this.decisions = decisions;
    return this;
  }

  /** The title a suspension's statement of reasons is filed under: the site, since it is about the account. */
  static final String DECISION_TITLE = "Agora";

  private Future<Long> statement(SqlConnection tx, long suspensionId, Long groupId, long memberId, Long moderatorId,
      String action, String facts, String why) {
    return decisions == null ? Future.succeededFuture(null)
        : decisions.record(tx, new Decision("suspension", suspensionId, groupId, memberId, moderatorId, action,
            Decision.GUIDELINES, facts, why, false, DECISION_TITLE, ""));
  }

  /** What a moderator may do about a member, and what is known of their suspensions. */
  public record State(Optional<Suspension> current, List<Suspension> history, boolean maySuspend, boolean mayLift) {}

  /**
   * Suspends the member until {@code until} (null: until lifted). Completes with the suspension's
   * id. Fails with BAD_REQUEST (no reason, or one too long; an end in the past), NOT_FOUND (no such
   * member), FORBIDDEN (not allowed, see the class), CONFLICT (already suspended); nothing is stored then.
   */
  public Future<Long> suspend(Member moderator, long memberId, Instant until, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("suspension.error.reason"));
    }
    if (until != null && !until.isAfter(clock.instant())) {
      return Future.failedFuture(DomainException.badRequest("suspension.error.period"));
    }
    if (moderator.id() == memberId) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return pool.withTransaction(tx -> repository.lockMember(tx, memberId)
            .compose(admin -> admin.isEmpty() ? Future.failedFuture(DomainException.notFound())
                : admin.get() ? Future.failedFuture(DomainException.forbidden())
                : decidedIn(tx, moderator, memberId))
            .compose(groupId -> repository.current(tx, memberId).compose(current -> current.isPresent()
                ? Future.<Long>failedFuture(new DomainException(DomainException.Kind.CONFLICT, "suspension.error.already"))
                : repository.insert(tx, memberId, moderator.id(), groupId.orElse(null), why, until)
                    .compose(id -> repository.log(tx, groupId.orElse(null), moderator.id(), "member.suspend", memberId,
                        until == null ? "until lifted" : "until " + until, why, "active",
                        until == null ? "suspended until lifted" : "suspended until " + until)
                        .compose(v -> statement(tx, id, groupId.orElse(null), memberId, moderator.id(), "suspend",
                            until == null ? "suspended until lifted" : "suspended until " + until, why))
                        .map(id)))))
        .compose(id -> {
          suspended.announce(memberId, true);
          return signIns.endAllOf(memberId).map(id);
        });
  }

  /**
   * The group a suspension of this member by this moderator is decided in: empty for an admin
   * (site-wide); for a moderator, a group they moderate where the member belongs or wrote, provided
   * the member moderates nowhere. FORBIDDEN otherwise.
   */
  private Future<Optional<Long>> decidedIn(SqlConnection tx, Member moderator, long memberId) {
    if (moderator.admin()) {
      return Future.succeededFuture(Optional.empty());
    }
    return repository.isModerator(tx, memberId).compose(isModerator -> isModerator
        ? Future.failedFuture(DomainException.forbidden())
        : repository.sharedGroup(tx, moderator.id(), memberId).compose(group -> group.isPresent()
            ? Future.succeededFuture(group)
            : Future.failedFuture(DomainException.forbidden())));
  }

  /**
   * Lifts a suspension in force; the member may sign in again. Fails with BAD_REQUEST (no reason),
   * NOT_FOUND (no such suspension), FORBIDDEN (neither an admin nor a moderator of the group it was
   * decided in, or the suspended member themself), CONFLICT (already lifted or ended).
   */
  public Future<Void> lift(Member moderator, long suspensionId, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("suspension.error.reason"));
    }
    return pool.withTransaction(tx -> repository.lockOne(tx, suspensionId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      SuspensionRepository.Stored stored = found.get();
      Suspension s = stored.suspension();
      Future<Boolean> allowed = s.memberId() == moderator.id() ? Future.succeededFuture(false)
          : moderator.admin() ? Future.succeededFuture(true)
          : stored.groupId() == null ? Future.succeededFuture(false)
          : repository.moderates(tx, moderator.id(), stored.groupId());
      return allowed.compose(yes -> {
        if (!yes) {
          return Future.failedFuture(DomainException.forbidden());
        }
        if (!s.inForce()) {
          return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "suspension.error.notInForce"));
        }
        return repository.lift(tx, suspensionId, moderator.id(), why)
            .compose(v -> repository.log(tx, stored.groupId(), moderator.id(), "member.lift", s.memberId(), "", why,
                "suspended", "active"))
            .compose(v -> statement(tx, suspensionId, stored.groupId(), s.memberId(), moderator.id(), "lift",
                "suspension lifted", why))
            .map(s.memberId());
      });
    })).map(memberId -> {
      suspended.announce(memberId, false);
      return null;
    });
  }

  /**
   * Lifts a suspension because an appeal against it was upheld by another moderator or an admin
   * (the review queue has checked who may decide), in the caller's transaction: the audit log says
   * so, and every node hears of it once the transaction commits. Does nothing when the suspension
   * is no longer in force.
   */
  public Future<Void> liftOnAppeal(SqlConnection tx, long suspensionId, Member moderator, String why) {
    return repository.lockOne(tx, suspensionId).compose(found -> {
      if (found.isEmpty() || !found.get().suspension().inForce()) {
        return Future.<Void>succeededFuture();
      }
      SuspensionRepository.Stored stored = found.get();
      long memberId = stored.suspension().memberId();
      return repository.lift(tx, suspensionId, moderator.id(), why)
          .compose(v -> repository.log(tx, stored.groupId(), moderator.id(), "member.lift", memberId, "appeal", why,
              "suspended", "active"))
          .onSuccess(v -> tx.transaction().completion().onSuccess(done -> suspended.announce(memberId, false)))
          .mapEmpty();
    });
  }

  /** Whether the member is suspended now, as the database says. */
  public Future<Boolean> suspended(long memberId) {
    return repository.current(pool, memberId).map(Optional::isPresent);
  }

  /**
   * What the viewer may see and do about this member's suspensions. FORBIDDEN unless the viewer is
   * an admin or moderates a group the member belongs to or wrote in.
   */
  public Future<State> state(Member viewer, Member member) {
    Future<Optional<Long>> group = viewer.admin() ? Future.succeededFuture(Optional.of(0L))
        : repository.sharedGroup(pool, viewer.id(), member.id());
    return group.compose(g -> g.isEmpty() ? Future.failedFuture(DomainException.forbidden())
        : repository.isModerator(pool, member.id()).compose(isModerator -> repository.history(pool, member.id())
            .map(history -> {
              Optional<Suspension> current = history.stream().filter(Suspension::inForce).findFirst();
              boolean notSelf = viewer.id() != member.id();
              boolean maySuspend = notSelf && !member.admin() && (viewer.admin() || !isModerator) && current.isEmpty();
              boolean mayLift = notSelf && current.isPresent()
                  && (viewer.admin() || current.get().groupSlug() != null);
              return new State(current, history, maySuspend, mayLift);
            })));
  }
}
