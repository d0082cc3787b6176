package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Forms;
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
    router.get("/me/export").handler(Forms::members).handler(this::show);
    router.post("/me/export").handler(Forms::members).handler(this::start);
    router.get("/me/export/:id/download").handler(Forms::members).handler(this::download);
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
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
