package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Flags in HTML: a page with a small form per item, linked from the item, so no script is needed.
 *
 * <pre>
 * GET  /flags/:kind/:id     the flag form for an item (kind: post, comment)
 * POST /flags/:kind/:id     flag it (reason, detail); 303 back to the item
 *                           (kind: post, comment, question, message)
 * POST /flags/comment/:id/restore   a moderator shows a comment held after flags again (reason); 303 to it
 * </pre>
 */
public final class FlagRoutes {

  private final Pages pages;
  private final FlagService flags;
  private final I18n i18n;

  public FlagRoutes(Pages pages, FlagService flags, I18n i18n) {
    this.pages = pages;
    this.flags = flags;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/flags/:kind/:id").handler(Forms::members).handler(this::form);
    router.post("/flags/comment/:id/restore").handler(Forms::members).handler(this::restoreComment);
    router.post("/flags/:kind/:id").handler(Forms::members).handler(this::flag);
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private void form(RoutingContext ctx) {
    flags.flaggable(ctx.pathParam("kind"), Forms.id(ctx, "id"), member(ctx))
        .map(item -> ViewModel.of(FlagPage.of(item, new FlagForm("", ""), null)))
        .onSuccess(model -> pages.render(ctx, "moderation/flag", model))
        .onFailure(ctx::fail);
  }

  private void flag(RoutingContext ctx) {
    String kind = ctx.pathParam("kind");
    long id = Forms.id(ctx, "id");
    FlagForm form = new FlagForm(ctx.request().getFormAttribute("reason"), ctx.request().getFormAttribute("detail"));
    flags.flaggable(kind, id, member(ctx))
        .compose(item -> flag(ctx, item, form))
        .onSuccess(result -> result.send(ctx, pages, "moderation/flag"))
        .onFailure(ctx::fail);
  }

  private Future<FormResult<FlagPage>> flag(RoutingContext ctx, FlagService.Flaggable item, FlagForm form) {
    if (!form.problems().isEmpty()) {
      return Future.succeededFuture(FormResult.previewOrProblems(true, FlagPage.of(item, form, null)));
    }
    return flags.flag(item.kind(), item.id(), member(ctx), form)
        .map(v -> FormResult.<FlagPage>done(item.url()))
        .recover(e -> FormResult.refused(e, i18n, ctx, text -> Future.succeededFuture(FlagPage.of(item, form, text))));
  }

  private void restoreComment(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    flags.restoreComment(id, member(ctx), ctx.request().getFormAttribute("reason"))
        .map(url -> FormResult.<FlagPage>done(url))
        .onSuccess(result -> result.send(ctx, pages, "moderation/flag"))
        .onFailure(ctx::fail);
  }
}
