package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Year;
import java.time.ZoneOffset;

/**
 * The audit log, read-only: nothing here changes it.
 *
 * <pre>
 * GET /groups/:slug/audit      the group's log for its moderators and admins (?kind=, ?actor=, ?from=, ?to=, ?page=,
 *                              ?format=csv for the filtered entries as CSV)
 * GET /admin/audit             the site-wide log for admins, same parameters
 * GET /admin/audit/summary     the yearly transparency summary for admins (?year=, default this year)
 * </pre>
 */
public final class AuditRoutes {

  private final Pages pages;
  private final AuditService audit;
  private final I18n i18n;

  public AuditRoutes(Pages pages, AuditService audit, I18n i18n) {
    this.pages = pages;
    this.audit = audit;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/groups/:slug/audit").handler(Forms::members).handler(this::groupLog);
    router.get("/admin/audit").handler(Forms::members).handler(this::siteLog);
    router.get("/admin/audit/summary").handler(Forms::members).handler(this::summary);
  }

  private static AuditFilter filter(RoutingContext ctx) {
    var q = ctx.request();
    return new AuditFilter(q.getParam("kind"), q.getParam("actor"), q.getParam("from"), q.getParam("to"), Forms.page(ctx));
  }

  private static boolean csv(RoutingContext ctx) {
    return "csv".equals(ctx.request().getParam("format"));
  }

  private void groupLog(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    AuditFilter filter = filter(ctx);
    String slug = ctx.pathParam("slug");
    if (csv(ctx)) {
      Respond.to(ctx, audit.groupCsv(slug, viewer.member(), filter, viewer.zone()), body -> sendCsv(ctx, "audit-" + slug, body));
      return;
    }
    Respond.to(ctx, audit.groupLog(slug, viewer.member(), filter, viewer.zone())
        .map(p -> ViewModel.of(AuditViews.log(i18n.forLocale(viewer.locale()), p, filter))),
        model -> pages.render(ctx, "moderation/audit", model));
  }

  private void siteLog(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    AuditFilter filter = filter(ctx);
    if (csv(ctx)) {
      Respond.to(ctx, audit.siteCsv(viewer.member(), filter, viewer.zone()), body -> sendCsv(ctx, "audit", body));
      return;
    }
    Respond.to(ctx, audit.siteLog(viewer.member(), filter, viewer.zone())
        .map(p -> ViewModel.of(AuditViews.log(i18n.forLocale(viewer.locale()), p, filter))),
        model -> pages.render(ctx, "moderation/audit", model));
  }

  private void summary(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String asked = ctx.request().getParam("year");
    Future<Integer> year;
    try {
      year = Future.succeededFuture(asked == null || asked.isBlank() ? Year.now(ZoneOffset.UTC).getValue() : Integer.parseInt(asked.strip()));
    } catch (NumberFormatException e) {
      year = Future.failedFuture(DomainException.badRequest("audit.error.year"));
    }
    Respond.to(ctx, year.compose(y -> audit.summary(viewer.member(), y))
        .map(s -> ViewModel.of(new AuditViews.SummaryPage(s, s.actions().isEmpty(), s.medianJoinHours() != null, s.year() - 1, s.year() + 1))),
        model -> pages.render(ctx, "moderation/summary", model));
  }

  private static void sendCsv(RoutingContext ctx, String name, String body) {
    ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8; header=present")
        .putHeader("Content-Disposition", "attachment; filename=\"" + name + ".csv\"")
        .putHeader("Cache-Control", "no-store");
    Respond.end(ctx, Buffer.buffer(body));
  }
}
