package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;

/**
 * Suspensions in HTML, for admins and for the moderators of a group the member belongs to or wrote in.
 *
 * <pre>
 * GET  /members/:handle/suspension        the suspension in force, the form to suspend or lift, the history
 * POST /members/:handle/suspension        suspend (period, reason); 303 back to the page
 * POST /members/:handle/suspension/lift   lift the suspension in force (suspension, reason); 303 back
 * </pre>
 */
public final class SuspensionRoutes {

  private final Pages pages;
  private final MemberService members;
  private final SuspensionService suspensions;
  private final I18n i18n;
  private final Clock clock;

  public SuspensionRoutes(Pages pages, MemberService members, SuspensionService suspensions, I18n i18n, Clock clock) {
    this.pages = pages;
    this.members = members;
    this.suspensions = suspensions;
    this.i18n = i18n;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/members/:handle/suspension").handler(Forms::members).handler(this::show);
    router.post("/members/:handle/suspension").handler(Forms::members).handler(this::suspend);
    router.post("/members/:handle/suspension/lift").handler(Forms::members).handler(this::lift);
  }

  private static Member viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static String location(Member m) {
    return "/members/" + m.handle() + "/suspension";
  }

  /** The suspension named in the lift form; anything else names none (0), which is not found. */
  private static long suspensionId(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void show(RoutingContext ctx) {
    Member me = viewer(ctx);
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> suspensions.state(me, m).map(state -> SuspensionPage.of(m.displayName(), m.handle(), state, null, null, null)))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "moderation/suspension", model))
        .onFailure(ctx::fail);
  }

  private void suspend(RoutingContext ctx) {
    Member me = viewer(ctx);
    String period = ctx.request().getFormAttribute("period");
    String reason = ctx.request().getFormAttribute("reason");
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> suspensions.state(me, m).compose(state -> SuspensionPeriod.of(period)
            .map(p -> suspensions.suspend(me, m.id(), p.endFrom(clock.instant()).orElse(null), reason))
            .orElseGet(() -> Future.failedFuture(DomainException.badRequest("suspension.error.period")))
            .map(id -> FormResult.<SuspensionPage>done(location(m)))
            .recover(e -> FormResult.refused(e, i18n, ctx, text -> Future.succeededFuture(
                SuspensionPage.of(m.displayName(), m.handle(), state, period, reason, text))))))
        .onSuccess(result -> result.send(ctx, pages, "moderation/suspension"))
        .onFailure(ctx::fail);
  }

  private void lift(RoutingContext ctx) {
    Member me = viewer(ctx);
    String reason = ctx.request().getFormAttribute("reason");
    long suspensionId = suspensionId(ctx.request().getFormAttribute("suspension"));
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> suspensions.state(me, m).compose(state -> suspensions.lift(me, suspensionId, reason)
            .map(v -> FormResult.<SuspensionPage>done(location(m)))
            .recover(e -> FormResult.refused(e, i18n, ctx, text -> Future.succeededFuture(
                SuspensionPage.of(m.displayName(), m.handle(), state, null, null, text))))))
        .onSuccess(result -> result.send(ctx, pages, "moderation/suspension"))
        .onFailure(ctx::fail);
  }
}
