package eu.mhealthhub.agora.declaration;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.declaration.DeclarationPages.FormPage;
import eu.mhealthhub.agora.declaration.DeclarationPages.HistoryPage;
import eu.mhealthhub.agora.declaration.DeclarationPages.VersionPage;
import eu.mhealthhub.agora.declaration.DeclarationPages.RequirementPage;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Declarations of interest.
 *
 * <pre>
 * GET  /me/declaration                          the member's form (?rows=n offers n more blank rows)
 * POST /me/declaration                          save a new version, or ("more") the form again with more rows
 * POST /me/declaration/confirm                  confirm the latest version unchanged
 * GET  /groups/:slug/declarations               a group's requirement of a current declaration (moderators)
 * POST /groups/:slug/declarations               set it
 * GET  /members/:handle/declarations            every version of a member's declaration
 * GET  /members/:handle/declarations/:version   one version
 * </pre>
 */
public final class DeclarationRoutes {

  private final Pages pages;
  private final DeclarationService declarations;
  private final MemberService members;

  private final GroupService groups;

  public DeclarationRoutes(Pages pages, DeclarationService declarations, MemberService members, GroupService groups) {
    this.groups = groups;
    this.pages = pages;
    this.declarations = declarations;
    this.members = members;
  }

  public void mount(Router router) {
    router.get("/me/declaration").handler(Forms::members).handler(this::form);
    router.post("/me/declaration").handler(Forms::members).handler(this::save);
    router.post("/me/declaration/confirm").handler(Forms::members).handler(this::confirm);
    router.get("/groups/:slug/declarations").handler(Forms::members).handler(this::requirement);
    router.post("/groups/:slug/declarations").handler(Forms::members).handler(this::setRequirement);
    router.get("/members/:handle/declarations").handler(this::history);
    router.get("/members/:handle/declarations/:version").handler(this::version);
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static int extraRows(String rows) {
    try {
      return rows == null ? 0 : Math.max(0, Math.min(Integer.parseInt(rows), DeclarationForm.MAX_ENTRIES));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void form(RoutingContext ctx) {
    boolean saved = ctx.request().getParam("saved") != null;
    boolean confirmed = ctx.request().getParam("confirmed") != null;
    int extra = extraRows(ctx.request().getParam("rows"));
    declarations.latest(member(ctx).id())
        .map(latest -> ViewModel.of(FormPage.of(latest, saved, confirmed, extra)))
        .onSuccess(model -> pages.render(ctx, "declaration/form", model))
        .onFailure(ctx::fail);
  }

  private void save(RoutingContext ctx) {
    Member me = member(ctx);
    DeclarationForm form = DeclarationForm.of(ctx.request().formAttributes());
    boolean more = ctx.request().getFormAttribute("more") != null;
    Map<String, String> problems = form.problems(declarations.thisMonth());
    declarations.latest(me.id()).<FormResult<FormPage>>compose(latest -> {
      if (more) {
        return Future.succeededFuture(new FormResult.Preview<>(
            FormPage.submitted(latest, form, Map.of(), DeclarationPages.BLANK_ROWS)));
      }
      if (!problems.isEmpty()) {
        return Future.succeededFuture(new FormResult.Problems<>(400, FormPage.submitted(latest, form, problems, 0)));
      }
      return declarations.save(me.id(), form).map(d -> FormResult.done("/me/declaration?saved=" + d.version()));
    })
        .onSuccess(result -> result.send(ctx, pages, "declaration/form"))
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    declarations.confirm(member(ctx).id())
        .onSuccess(v -> Forms.redirect(ctx, "/me/declaration?confirmed=" + v))
        .onFailure(ctx::fail);
  }

  /** The group, when the viewer moderates it; a group they may not read does not exist for them. */
  private Future<WorkingGroup> moderated(RoutingContext ctx) {
    Optional<Member> viewer = Viewer.of(ctx).member();
    return groups.find(ctx.pathParam("slug"), viewer).map(g -> {
      if (!GroupPolicy.canModerate(viewer, g)) {
        throw DomainException.forbidden();
      }
      return g;
    });
  }

  private void requirement(RoutingContext ctx) {
    boolean saved = ctx.request().getParam("saved") != null;
    moderated(ctx).compose(g -> declarations.requirement(g.id()).map(r -> new RequirementPage(g, r, saved)))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "declaration/requirement", model))
        .onFailure(ctx::fail);
  }

  private void setRequirement(RoutingContext ctx) {
    boolean required = "1".equals(ctx.request().getFormAttribute("required"));
    moderated(ctx).compose(g -> declarations.setRequirement(g.id(), member(ctx).id(), required).map(g.slug()))
        .onSuccess(slug -> Forms.redirect(ctx, "/groups/" + slug + "/declarations?saved=1"))
        .onFailure(ctx::fail);
  }

  private void history(RoutingContext ctx) {
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> declarations.versions(m.id()).map(list -> new HistoryPage(m, list)))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "declaration/history", model))
        .onFailure(ctx::fail);
  }

  private void version(RoutingContext ctx) {
    int number;
    try {
      number = Integer.parseInt(ctx.pathParam("version"));
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.notFound());
      return;
    }
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> declarations.version(m.id(), number)
            .compose(d -> declarations.latest(m.id())
                .map(latest -> new VersionPage(m, d, latest.map(l -> l.version() > d.version()).orElse(false)))))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "declaration/version", model))
        .onFailure(ctx::fail);
  }
}
