package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A member's data export. Every route is for signed-in members; an export is its member's only.
 *
 * <pre>
 * GET  /me/export                  the member's recent exports: status, and the link while one is ready
 * POST /me/export                  starts one (or keeps the one being prepared) and comes back to the page
 * GET  /me/export/:id/download     the zip, for its member only, for 24 hours (anything else: 404)
 * </pre>
 */
public final class ExportRoutes {

  private final Pages pages;
  private final ExportService exports;

  public ExportRoutes(Pages pages, ExportService exports) {
    this.pages = pages;
    this.exports = exports;
  }

  public void mount(Router router) {
    // members, and a suspended member's browser in its appeal window: suspended members may still
    // export their own data (issue 13 point 4, GDPR Art. 15 and 20)
    router.get("/me/export").handler(ExportRoutes::membersOrAppellants).handler(this::show);
    router.post("/me/export").handler(ExportRoutes::membersOrAppellants).handler(this::start);
    router.get("/me/export/:id/download").handler(ExportRoutes::membersOrAppellants).handler(this::download);
  }

  private static void membersOrAppellants(RoutingContext ctx) {
    if (ctx.get(SessionKeys.APPELLANT_CONTEXT) != null) {
      ctx.next();
    } else {
      Forms.members(ctx);
    }
  }

  private static long member(RoutingContext ctx) {
    Long appellant = ctx.get(SessionKeys.APPELLANT_CONTEXT);
    return appellant != null ? appellant : Viewer.of(ctx).member().orElseThrow(DomainException::forbidden).id();
  }

  private void show(RoutingContext ctx) {
    exports.page(member(ctx))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "privacy/export", model))
        .onFailure(ctx::fail);
  }

  private void start(RoutingContext ctx) {
    exports.request(member(ctx))
        .onSuccess(id -> Forms.redirect(ctx, "/me/export"))
        .onFailure(ctx::fail);
  }

  private void download(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    exports.download(member(ctx), id)
        .onSuccess(zip -> ctx.response().putHeader("Content-Type", "application/zip")
            .putHeader("Content-Disposition", "attachment; filename=\"agora-export-" + id + ".zip\"")
            .putHeader("Cache-Control", "no-store").end(zip))
        .onFailure(ctx::fail);
  }
}
