package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Reading the audit log. A group's log is for that group's moderators and site admins; the
 * site-wide log (every group, and the actions that belong to none, such as a Talk room's) and the
 * yearly transparency summary are for admins. The log itself is written by each feature in the
 * transaction of its action, and the database refuses to change or remove a row of it.
 */
public final class AuditService {

  /** Rows per page. */
  public static final int PAGE_SIZE = 50;
  /** The most rows one CSV export holds; a wider export is narrowed by date. */
  public static final int MAX_EXPORT = 10_000;

  private final Pool pool;
  private final GroupService groups;
  private final AuditRepository repository = new AuditRepository();

  public AuditService(Pool pool, GroupService groups) {
    this.pool = pool;
    this.groups = groups;
  }

  /** One page of entries, the total and the group shown (null for the site-wide log). */
  public record Page(WorkingGroup group, List<AuditEntry> entries, long total, int page, int pages) {}

  /**
   * The group a viewer may read the audit log of: fails with NOT_FOUND when the viewer may not see
   * the group at all (as for a missing one), FORBIDDEN when they see it but do not moderate it.
   */
  public Future<WorkingGroup> auditable(String slug, Optional<Member> viewer) {
    return groups.find(slug, viewer).compose(g -> GroupPolicy.canModerate(viewer, g) ? Future.succeededFuture(g)
            : Future.failedFuture(DomainException.forbidden()));
  }

  private static Future<Void> admin(Optional<Member> viewer) {
    return viewer.map(Member::admin).orElse(false) ? Future.succeededFuture()
        : Future.failedFuture(DomainException.forbidden());
  }

  /** A page of a group's log, newest first. Fails as {@link #auditable}, or BAD_REQUEST for a filter with problems. */
  public Future<Page> groupLog(String slug, Optional<Member> viewer, AuditFilter filter, ZoneId zone) {
    return auditable(slug, viewer).compose(g -> page(g, filter.checked(), zone));
  }

  /** A page of the site-wide log, newest first; admins only (FORBIDDEN otherwise). */
  public Future<Page> siteLog(Optional<Member> viewer, AuditFilter filter, ZoneId zone) {
    return admin(viewer).compose(v -> page(null, filter.checked(), zone));
  }

  /** Every entry of a group's log that the filter selects (up to {@link #MAX_EXPORT}), as CSV. */
  public Future<String> groupCsv(String slug, Optional<Member> viewer, AuditFilter filter, ZoneId zone) {
    return auditable(slug, viewer).compose(g -> csv(g.id(), filter.checked(), zone));
  }

  /** Every entry of the site-wide log that the filter selects (up to {@link #MAX_EXPORT}), as CSV; admins only. */
  public Future<String> siteCsv(Optional<Member> viewer, AuditFilter filter, ZoneId zone) {
    return admin(viewer).compose(v -> csv(null, filter.checked(), zone));
  }

  private Future<Page> page(WorkingGroup group, AuditFilter f, ZoneId zone) {
    Long groupId = group == null ? null : group.id();
    OffsetDateTime from = f.start(zone);
    OffsetDateTime until = f.end(zone);
    return repository.count(pool, groupId, f, from, until).compose(total -> {
      int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
      int page = Math.min(f.page(), pages);
      return repository.page(pool, groupId, f, from, until, PAGE_SIZE, (page - 1) * PAGE_SIZE)
          .map(entries -> new Page(group, entries, total, page, pages));
    });
  }

  private Future<String> csv(Long groupId, AuditFilter f, ZoneId zone) {
    return repository.page(pool, groupId, f, f.start(zone), f.end(zone), MAX_EXPORT, 0).map(AuditCsv::of);
  }

  /** The counts of one year: actions by kind and ground, and decisions that followed a request. */
  public record Summary(int year, List<SummaryRow> actions, long total, long joinDecisions, Double medianJoinHours,
      Transparency dsa) {}

  /**
   * The year's notices (received, by category, decided, median hours to decide), appeals (received,
   * upheld, reversed, median hours), statements of reasons (automated ones apart) and suspensions.
   */
  public record Transparency(long notices, List<SummaryRow> noticeCategories, long noticesDecided, Double noticeMedianHours,
      long appeals, long upheld, long reversed, Double appealMedianHours, long statements, long automated,
      long suspensions) {}

  private static Double hours(Double seconds) {
    return seconds == null ? null : Math.round(seconds / 36.0) / 100.0;
  }

  /** How many times an action was taken on a ground (empty: none given) in the year. */
  public record SummaryRow(String action, String ground, long count) {}

  /**
   * The yearly transparency summary (UTC calendar year); admins only (FORBIDDEN otherwise),
   * BAD_REQUEST for a year outside 2000..9999.
   */
  public Future<Summary> summary(Optional<Member> viewer, int year) {
    if (year < 2000 || year > 9999) {
      return Future.failedFuture(DomainException.badRequest("audit.error.year"));
    }
    OffsetDateTime from = OffsetDateTime.of(year, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    OffsetDateTime until = from.plusYears(1);
    return admin(viewer).compose(v -> repository.summary(pool, from, until))
        .compose(counts -> repository.joinDecisions(pool, from, until).compose(d -> repository.transparency(pool, from, until)
            .map(t -> new Summary(year,
                counts.stream().map(c -> new SummaryRow(c.action(), c.ground(), c.count())).toList(),
                counts.stream().mapToLong(AuditRepository.Count::count).sum(), d.count(), hours(d.medianSeconds()),
                new Transparency(t.notices(), t.noticeCategories().stream()
                    .map(c -> new SummaryRow(c.action(), c.ground(), c.count())).toList(), t.noticesDecided(),
                    hours(t.noticeMedianSeconds()), t.appeals(), t.upheld(), t.reversed(), hours(t.appealMedianSeconds()),
                    t.statements(), t.automated(), t.suspensions())))));
  }
}
