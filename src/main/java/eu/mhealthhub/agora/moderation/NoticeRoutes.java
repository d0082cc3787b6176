package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.web.ClientAddress;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Notices of illegal content (DSA Art. 16), for anyone, signed in or not; every item links here
 * with its address filled in.
 *
 * <pre>
 * GET  /notices/new            the form (?url= the item's address)
 * POST /notices                file it; 303 to its receipt
 * GET  /notices/:reference     the receipt, found by the unguessable reference
 * </pre>
 */
public final class NoticeRoutes {

  private final Pages pages;
  private final NoticeService notices;
  private final String publicOrigin;

  public NoticeRoutes(Pages pages, NoticeService notices, String publicOrigin) {
    this.pages = pages;
    this.notices = notices;
    this.publicOrigin = publicOrigin;
  }

  /**
   * The form's POST, mounted before the CSRF check: a visitor without a session has no token, so
   * a visitor's notice is checked by its Origin only (a forged one would be the forger's own
   * notice), while a signed-in member's needs the session's token like any other form.
   */
  public void mountAnonymous(Router router, Handler<RoutingContext> csrf) {
    router.post("/notices").handler(Forms.visitorOrMember(csrf, publicOrigin)).handler(this::file);
  }

  public void mount(Router router) {
    router.get("/notices/new").handler(this::form);
    router.get("/notices/:reference").handler(this::receipt);
  }

  private void form(RoutingContext ctx) {
    Future.succeededFuture(NoticeForm.prefilled(ctx.request().getParam("url")))
        .map(form -> ViewModel.of(NoticePage.of(form, false)))
        .onSuccess(model -> pages.render(ctx, "moderation/notice-new", model))
        .onFailure(ctx::fail);
  }

  private void file(RoutingContext ctx) {
    var r = ctx.request();
    NoticeForm form = new NoticeForm(r.getFormAttribute("url"), r.getFormAttribute("category"),
        r.getFormAttribute("explanation"), r.getFormAttribute("legalGround"), r.getFormAttribute("name"),
        r.getFormAttribute("email"), r.getFormAttribute("goodFaith") != null, r.getFormAttribute("website"));
    file(ctx, form)
        .onSuccess(result -> result.send(ctx, pages, "moderation/notice-new"))
        .onFailure(ctx::fail);
  }

  private Future<FormResult<NoticePage>> file(RoutingContext ctx, NoticeForm form) {
    if (!form.robot() && !form.problems().isEmpty()) {
      return Future.succeededFuture(FormResult.previewOrProblems(true, NoticePage.of(form, true)));
    }
    Viewer viewer = Viewer.of(ctx);
    return notices.file(form, viewer.locale(), viewer.member(), ClientAddress.of(ctx))
        .map(reference -> FormResult.<NoticePage>done("/notices/" + reference));
  }

  private void receipt(RoutingContext ctx) {
    notices.receipt(ctx.pathParam("reference"))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "moderation/notice-receipt", model))
        .onFailure(ctx::fail);
  }
}
