package eu.mhealthhub.agora.declaration;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Declarations of interest: versions, confirmation, whether one is current, and the yearly reminder. */
public final class DeclarationService {

  /** The advisory lock the reminder run holds, so one node at a time sends them. */
  private static final long REMINDER_LOCK = 0x4445434c41524cL;

  private final Pool pool;
  private final Clock clock;
  private final NotificationService notifications;
  private final DeclarationRepository repository = new DeclarationRepository();

  public DeclarationService(Pool pool, Clock clock, NotificationService notifications) {
    this.pool = pool;
    this.clock = clock;
    this.notifications = notifications;
  }

  /** The current month in UTC: no entry may start after it. */
  public YearMonth thisMonth() {
    return YearMonth.now(clock.withZone(ZoneOffset.UTC));
  }

  /**
   * Stores the form as the member's next version, confirmed now. Fails with BAD_REQUEST when the
   * form has problems (callers check {@link DeclarationForm#problems} first), storing nothing.
   */
  public Future<Declaration> save(long memberId, DeclarationForm form) {
    Map<String, String> problems = form.problems(thisMonth());
    if (!problems.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(problems.values().iterator().next()));
    }
    OffsetDateTime now = OffsetDateTime.now(clock);
    return pool.withTransaction(tx -> repository.lockMember(tx, memberId)
        .compose(locked -> repository.insert(tx, memberId, form, now)));
  }

  /** Confirms the latest version unchanged; fails with NOT_FOUND when the member declared nothing yet. */
  public Future<Integer> confirm(long memberId) {
    return repository.confirm(pool, memberId, OffsetDateTime.now(clock))
        .map(v -> v.orElseThrow(DomainException::notFound));
  }

  /** Every version of the member's declaration, newest first, without their entries. */
  public Future<List<Declaration>> versions(long memberId) {
    return repository.versions(pool, memberId);
  }

  /** One version with its entries; fails with NOT_FOUND. */
  public Future<Declaration> version(long memberId, int version) {
    return repository.version(pool, memberId, version).map(d -> d.orElseThrow(DomainException::notFound));
  }

  /** The member's latest version, if any. */
  public Future<Optional<Declaration>> latest(long memberId) {
    return repository.latest(pool, memberId);
  }

  /** Whether the member's declaration was confirmed within the last year. */
  public Future<Boolean> hasCurrent(long memberId) {
    return latest(memberId).map(d -> d.map(x -> x.currentAt(clock.instant())).orElse(false));
  }

  /**
   * The annex of interests of a document: everyone who commented, proposed or endorsed, as declared
   * at the time of each contribution (one row per contributor and version).
   */
  public Future<List<Declaration.Contributor>> documentAnnex(long documentId) {
    return repository.documentAnnex(pool, documentId);
  }

  /** Whether the group asks for a current declaration before posting or endorsing. */
  public Future<Boolean> requirement(long groupId) {
    return repository.requirement(pool, groupId);
  }

  /**
   * Sets whether the group asks for a current declaration (callers check that the actor moderates
   * it), recorded in the audit log. The rule itself is enforced by the schema (V029) where posts
   * and endorsements are written.
   */
  public Future<Void> setRequirement(long groupId, long actorId, boolean required) {
    return pool.withTransaction(tx -> repository.setRequirement(tx, groupId, actorId, required));
  }

  /**
   * Tells every member whose declaration was last confirmed more than a year ago, once a year, by a
   * {@link NotificationKind#DECLARATION_REMINDER}. One node at a time: a run that finds another
   * holding the lock does nothing. Answers how many members were told.
   */
  public Future<Integer> sendReminders() {
    OffsetDateTime now = OffsetDateTime.now(clock);
    return pool.withTransaction(tx -> repository.tryLock(tx, REMINDER_LOCK)
        .compose(locked -> !locked ? Future.succeededFuture(0)
            : repository.takeDueReminders(tx, now).compose(due -> Future.all(due.keySet().stream()
                    .map(member -> notifications.record(tx, Notice.about("declaration", member, "/me/declaration")
                        .tell(member, NotificationKind.DECLARATION_REMINDER)))
                    .toList())
                .map(done -> due.size()))));
  }

  /** A reminder is about the member's own declaration: the ids among {@code ids} that are the viewer's. */
  public Future<Set<Long>> readableDeclarations(Optional<Member> viewer, Set<Long> ids) {
    return Future.succeededFuture(viewer.filter(m -> ids.contains(m.id())).map(m -> Set.of(m.id())).orElse(Set.of()));
  }

  /** Only the member is told about their declaration. */
  public Future<Set<Long>> declarationReaders(long memberId, Set<Long> memberIds) {
    return Future.succeededFuture(memberIds.contains(memberId) ? Set.of(memberId) : Set.of());
  }
}
