package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.Set;

/**
 * Statements of reasons (DSA Art. 17) and appeals. Every moderation decision about a member's
 * item is recorded by {@link #record} in the action's own transaction: what was decided, about
 * which item, on what ground, whether automated, and how to appeal; the affected member is told by
 * a {@link NotificationKind#MODERATION_DECISION} notification (mailed at once by default). The
 * decision page is for the affected member, the group's moderators and admins only (NOT_FOUND to
 * anyone else); the affected member appeals once from it, and another moderator or an admin settles
 * the appeal from the review queue.
 */
public final class DecisionService {

  /** Longest appeal text. */
  public static final int MAX_APPEAL = 5000;

  private final Pool pool;
  private final GroupService groups;
  private final NotificationService notifications;
  private final DecisionRepository repository = new DecisionRepository();

  public DecisionService(Pool pool, GroupService groups, NotificationService notifications) {
    this.pool = pool;
    this.groups = groups;
    this.notifications = notifications;
  }

  /** The decision as its page shows it, and what the viewer may do there. */
  public record Shown(DecisionRepository.Stored decision, boolean affected, boolean canAppeal, boolean appealable) {}

  /**
   * Stores a statement of reasons in the caller's transaction and tells the affected member (not
   * when they decided it themselves). Completes with the decision's id.
   */
  public Future<Long> record(SqlConnection tx, Decision d) {
    return repository.insert(tx, d).compose(id -> {
      if (d.affectedId() == null || d.affectedId().equals(d.decidedBy())) {
        return Future.succeededFuture(id);
      }
      Notice notice = Notice.about("decision", id, "/moderation/decisions/" + id)
          .in("decision", id, d.groupId(), d.title()).detail("decision_" + d.action() + "|" + d.reason())
          .tell(d.affectedId(), NotificationKind.MODERATION_DECISION);
      if (d.decidedBy() != null) {
        notice.by(d.decidedBy());
      }
      return notifications.record(tx, notice).map(id);
    });
  }


  /**
   * Records the automated decision to hide an item because its open flags reached the group's
   * threshold, in the flag's transaction: the ground is the flags' reasons, and the author is told
   * and may appeal as for any decision.
   */
  public Future<Long> recordAutomatedHide(SqlConnection tx, String itemType, long itemId, Long groupId, long authorId,
      String link) {
    return repository.openFlagReasons(tx, itemType, itemId).compose(r -> {
      return record(tx, new Decision(itemType, itemId, groupId, authorId, null, "hide", "flags: " + r.getString("reasons"),
          r.getLong("n") + " open flag(s) reached the group's threshold", "flag threshold reached", true, r.getString("title"), link));
    });
  }

  /** Whether a decision of this action may be appealed: decisions that settle an appeal may not. */
  static boolean appealable(String action) {
    return !action.equals("uphold") && !action.equals("reverse") && !action.equals("approve") && !action.equals("lift");
  }

  /** The decision for its page: NOT_FOUND unless the viewer is the affected member, a moderator of its group or an admin. */
  public Future<Shown> shown(long id, Optional<Member> viewer) {
    return readable(id, viewer).map(d -> {
      boolean affected = viewer.isPresent() && d.affectedId() != null && d.affectedId() == viewer.get().id();
      boolean appealable = appealable(d.action());
      return new Shown(d, affected, affected && appealable && d.appealId() == null, appealable);
    });
  }

  /**
   * The decision for a suspended member's browser that has no sign-in (see SessionKeys.APPELLANT_ID):
   * only the decisions addressed to that member; NOT_FOUND for any other.
   */
  public Future<Shown> shownToAppellant(long id, long memberId) {
    return repository.find(pool, id).compose(found -> {
      if (found.isEmpty() || found.get().affectedId() == null || found.get().affectedId() != memberId) {
        return Future.failedFuture(DomainException.notFound());
      }
      DecisionRepository.Stored d = found.get();
      boolean appealable = appealable(d.action());
      return Future.succeededFuture(new Shown(d, true, appealable && d.appealId() == null, appealable));
    });
  }

  /** A suspended member appeals from a browser without a sign-in; as {@link #appeal} otherwise. */
  public Future<Long> appealAsAppellant(long id, long memberId, String text) {
    return appealShown(id, memberId, shownToAppellant(id, memberId), text);
  }

  private Future<DecisionRepository.Stored> readable(long id, Optional<Member> viewer) {
    if (viewer.isEmpty()) {
      return Future.failedFuture(DomainException.notFound());
    }
    Member m = viewer.get();
    return repository.find(pool, id).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      DecisionRepository.Stored d = found.get();
      if (m.admin() || (d.affectedId() != null && d.affectedId() == m.id())) {
        return Future.succeededFuture(d);
      }
      if (d.groupId() == null) {
        return Future.failedFuture(DomainException.notFound());
      }
      return groups.access(d.groupId(), viewer).compose(g -> GroupPolicy.canModerate(viewer, g)
          ? Future.succeededFuture(d) : Future.<DecisionRepository.Stored>failedFuture(DomainException.notFound()));
    });
  }

  /**
   * The affected member appeals the decision once, with a text. NOT_FOUND as {@link #shown};
   * FORBIDDEN for anyone but the affected member; BAD_REQUEST for an empty or too long text;
   * CONFLICT for a second appeal or a decision that settled an appeal. A refusal stores nothing.
   */
  public Future<Long> appeal(long id, Member member, String text) {
    return appealShown(id, member.id(), shown(id, Optional.of(member)), text);
  }

  private Future<Long> appealShown(long id, long memberId, Future<Shown> shown, String text) {
    String body = text == null ? "" : text.strip();
    return shown.compose(s -> {
      if (!s.affected()) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (body.isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("decision.error.appeal.empty"));
      }
      if (body.length() > MAX_APPEAL) {
        return Future.failedFuture(DomainException.badRequest("decision.error.appeal.long"));
      }
      if (!s.appealable()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "decision.error.appeal.final"));
      }
      return pool.withTransaction(tx -> repository.appeal(tx, id, memberId, body)).compose(stored -> stored
          ? Future.succeededFuture(id)
          : Future.failedFuture(new DomainException(Kind.CONFLICT, "decision.error.appeal.twice")));
    });
  }

  /** The decision with its appeal, for the queue (no access check: the caller has checked the group). */
  Future<Optional<DecisionRepository.Stored>> find(SqlConnection conn, long id) {
    return repository.find(conn, id);
  }

  /** Of these decisions, those the viewer may read in their notifications: those that affect them. */
  public Future<Set<Long>> readableDecisions(Optional<Member> viewer, Set<Long> ids) {
    return viewer.isEmpty() || ids.isEmpty() ? Future.succeededFuture(Set.of())
        : repository.affecting(pool, ids, viewer.get().id());
  }

  /** Of these members, the one a decision's notification may reach: the member it affects. */
  public Future<Set<Long>> decisionReaders(long id, Set<Long> memberIds) {
    return repository.affected(pool, id)
        .map(a -> a.filter(memberIds::contains).map(Set::of).orElse(Set.of()));
  }
}
