package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Graduated trust in HTML, for a group's moderators (forms, no script needed):
 *
 * <pre>
 * GET  /groups/:slug/trust                      the group's trust settings (how many first posts are held)
 * POST /groups/:slug/trust                      set them (hold, reason)
 * POST /groups/:slug/members/:memberId/trust    set a member's level (level: auto, 0, 1, 2; reason)
 * </pre>
 */
public final class TrustRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final TrustService trust;

  public TrustRoutes(Pages pages, GroupService groups, TrustService trust) {
    this.pages = pages;
    this.groups = groups;
    this.trust = trust;
  }

  /** The settings page's model. */
  public record SettingsPage(eu.mhealthhub.agora.group.WorkingGroup group, int hold, int maxHold) {}

  public void mount(Router router) {
    router.get("/groups/:slug/trust").handler(Forms::members).handler(this::settings);
    router.post("/groups/:slug/trust").handler(Forms::members).handler(this::saveSettings);
    router.post("/groups/:slug/members/:memberId/trust").handler(Forms::members).handler(this::setLevel);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  private static Member member(RoutingContext ctx) {
    return viewer(ctx).orElseThrow(DomainException::forbidden);
  }

  private void settings(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> Respond.ifAllowed(GroupPolicy.canModerate(viewer(ctx), group), group))
        .compose(group -> trust.holdFirstPosts(group).map(hold -> new SettingsPage(group, hold, TrustService.MAX_HOLD)))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "moderation/trust", model))
        .onFailure(ctx::fail);
  }

  private void saveSettings(RoutingContext ctx) {
    String reason = CleanText.body(ctx.request().getFormAttribute("reason"));
    Future<String> done = number(ctx.request().getFormAttribute("hold"), "trust.error.hold")
        .compose(hold -> groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> trust.setHoldFirstPosts(member(ctx), group, hold, reason)
                .map(v -> "/groups/" + group.slug() + "/trust")));
    done.onSuccess(l -> Forms.redirect(ctx, l)).onFailure(ctx::fail);
  }

  private void setLevel(RoutingContext ctx) {
    long memberId = Forms.id(ctx, "memberId");
    String raw = ctx.request().getFormAttribute("level");
    String reason = CleanText.body(ctx.request().getFormAttribute("reason"));
    Future<Integer> level = "auto".equals(raw) ? Future.succeededFuture(null) : number(raw, "trust.error.level");
    level.compose(l -> groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> trust.setLevel(member(ctx), group, memberId, l, reason)
                .map(v -> "/groups/" + group.slug() + "/members")))
        .onSuccess(l -> Forms.redirect(ctx, l)).onFailure(ctx::fail);
  }

  private static Future<Integer> number(String raw, String problem) {
    try {
      return Future.succeededFuture(Integer.parseInt(raw == null ? "" : raw.strip()));
    } catch (NumberFormatException e) {
      return Future.failedFuture(DomainException.badRequest(problem));
    }
  }
}
