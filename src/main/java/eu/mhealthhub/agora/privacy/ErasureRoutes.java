package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Erasing an account.
 *
 * <pre>
 * GET  /me/erase                what happens, the confirmation (signed in within the last five minutes)
 * POST /me/erase                erase my account; the session ends, then /erased
 * GET  /members/:handle/erase   an admin erases a member on request, with a reason (recent sign-in too)
 * POST /members/:handle/erase
 * GET  /erased                  the account is gone
 * </pre>
 *
 * A sign-in older than {@link ErasureService#RECENT_SIGN_IN} gets a page (403) that asks to sign in
 * again and comes back here; nothing is done.
 */
public final class ErasureRoutes {

  private final Pages pages;
  private final ErasureService erasure;
  private final MemberService members;

  public ErasureRoutes(Pages pages, ErasureService erasure, MemberService members) {
    this.pages = pages;
    this.erasure = erasure;
    this.members = members;
  }

  public void mount(Router router) {
    router.get("/me/erase").handler(Forms::members).handler(this::recentSignIn).handler(this::form);
    router.post("/me/erase").handler(Forms::members).handler(this::recentSignIn).handler(this::eraseSelf);
    router.get("/members/:handle/erase").handler(Forms::members).handler(ErasureRoutes::admins)
        .handler(this::recentSignIn).handler(this::adminForm);
    router.post("/members/:handle/erase").handler(Forms::members).handler(ErasureRoutes::admins)
        .handler(this::recentSignIn).handler(this::eraseByAdmin);
    router.get("/erased").handler(ctx -> pages.render(ctx, "privacy/erased", Map.of()));
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static Long signedInAt(RoutingContext ctx) {
    return ctx.session() == null ? null : ctx.session().get(SessionKeys.SIGNED_IN_AT);
  }

  private static void admins(RoutingContext ctx) {
    if (member(ctx).admin()) {
      ctx.next();
    } else {
      ctx.fail(DomainException.forbidden());
    }
  }

  /** A guard: the sign-in must be recent, or a page asks for a new one and nothing is done. */
  private void recentSignIn(RoutingContext ctx) {
    if (erasure.recentEnough(signedInAt(ctx))) {
      ctx.next();
      return;
    }
    String back = ctx.request().path();
    pages.render(ctx, 403, "privacy/reauth", ViewModel.of(new ErasurePage.Reauth(
        "/auth/login?next=" + URLEncoder.encode(back, StandardCharsets.UTF_8))));
  }

  private void form(RoutingContext ctx) {
    Member me = member(ctx);
    pages.render(ctx, "privacy/erase", ViewModel.of(ErasurePage.blank(ErasureForm.blank(me.handle(), false),
        "/me/erase", me.displayName())));
  }

  private void adminForm(RoutingContext ctx) {
    members.findByHandle(ctx.pathParam("handle"))
        .map(m -> ErasurePage.blank(ErasureForm.blank(m.handle(), true), "/members/" + m.handle() + "/erase",
            m.displayName()))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "privacy/erase", model))
        .onFailure(ctx::fail);
  }

  private void eraseSelf(RoutingContext ctx) {
    Member me = member(ctx);
    MultiMap f = ctx.request().formAttributes();
    ErasureForm form = ErasureForm.of(f.get("confirmation"), f.get("deletePosts"), null, me.handle(), false);
    ErasurePage submitted = ErasurePage.submitted(form, "/me/erase", me.displayName());
    Future<FormResult<ErasurePage>> result = submitted.hasProblems()
        ? Future.succeededFuture(new FormResult.Problems<>(400, submitted))
        : erasure.eraseSelf(me, signedInAt(ctx), form).map(v -> {
          ctx.session().destroy();
          return FormResult.<ErasurePage>done("/erased");
        });
    result.onSuccess(r -> r.send(ctx, pages, "privacy/erase")).onFailure(ctx::fail);
  }

  private void eraseByAdmin(RoutingContext ctx) {
    Member admin = member(ctx);
    MultiMap f = ctx.request().formAttributes();
    members.findByHandle(ctx.pathParam("handle")).compose(target -> {
      ErasureForm form = ErasureForm.of(f.get("confirmation"), f.get("deletePosts"), f.get("reason"), target.handle(), true);
      ErasurePage submitted = ErasurePage.submitted(form, "/members/" + target.handle() + "/erase", target.displayName());
      return submitted.hasProblems()
          ? Future.succeededFuture(new FormResult.Problems<>(400, submitted))
          : erasure.eraseByAdmin(admin, signedInAt(ctx), target.handle(), form)
              .map(v -> FormResult.<ErasurePage>done("/erased"));
    }).onSuccess(r -> r.send(ctx, pages, "privacy/erase")).onFailure(ctx::fail);
  }
}
