package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.thread.SubscriptionLevel;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Working groups: reading, belonging, running them.
 *
 * <pre>
 * GET  /groups                            groups the viewer may read
 * GET  /groups/new                        form to create a group (admins)
 * POST /groups                            create it
 * GET  /groups/:slug                      purpose, moderators, threads (?page=)
 * GET  /groups/:slug/edit                 form to edit or archive (admins)
 * POST /groups/:slug/edit                 save it
 * POST /groups/:slug/archive              archive or bring back (archived=true|false)
 * POST /groups/:slug/join                 join an open group or ask to join (message)
 * POST /groups/:slug/leave                leave
 * GET  /groups/:slug/members              members and roles; open requests for moderators
 * POST /groups/:slug/members              a moderator adds someone by @handle
 * POST /groups/:slug/members/:id/role     a moderator appoints or revokes a moderator (role=moderator|member)
 * POST /groups/:slug/members/:id/remove   a moderator removes a member, with a reason (logged)
 * POST /groups/:slug/requests/:id         a moderator decides a request (decision=approve|decline, reason)
 * POST /groups/:slug/subscription         watch or mute the group (level=watching|muted|normal)
 * </pre>
 */
public final class GroupRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final ThreadService threads;

  public GroupRoutes(Pages pages, GroupService groups, ThreadService threads) {
    this.pages = pages;
    this.groups = groups;
    this.threads = threads;
  }

  public void mount(Router router) {
    router.get("/groups").handler(this::list);
    router.get("/groups/new").handler(this::newForm);
    router.post("/groups").handler(this::create);
    router.get("/groups/:slug").handler(this::show);
    router.get("/groups/:slug/edit").handler(this::editForm);
    router.post("/groups/:slug/edit").handler(this::update);
    router.post("/groups/:slug/archive").handler(this::archive);
    router.post("/groups/:slug/join").handler(this::join);
    router.post("/groups/:slug/leave").handler(this::leave);
    router.get("/groups/:slug/members").handler(this::members);
    router.post("/groups/:slug/members").handler(this::addMember);
    router.post("/groups/:slug/members/:memberId/role").handler(this::setRole);
    router.post("/groups/:slug/members/:memberId/remove").handler(Forms::members).handler(this::removeMember);
    router.post("/groups/:slug/requests/:requestId").handler(this::decide);
    router.post("/groups/:slug/subscription").handler(this::subscribe);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  private void list(RoutingContext ctx) {
    groups.visibleTo(viewer(ctx))
        .map(list -> Map.<String, Object>of("groups", list, "canCreate", GroupPolicy.canAdminister(viewer(ctx))))
        .onSuccess(model -> pages.render(ctx, "group/list", model))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    int page = Forms.page(ctx);
    groups.find(ctx.pathParam("slug"), viewer).compose(group -> {
      Future<List<GroupMember>> members = groups.members(group);
      var list = threads.list(group, viewer, page);
      Future<Optional<JoinRequest>> request = viewer.isPresent() && !group.viewerIsMember()
          ? groups.latestRequest(group, viewer.get()) : Future.succeededFuture(Optional.empty());
      Future<SubscriptionLevel> level = viewer.isPresent() ? threads.groupSubscription(group, viewer.get())
          : Future.succeededFuture(SubscriptionLevel.NORMAL);
      return Future.all(members, list, request, level).map(all -> {
        Map<String, Object> model = new HashMap<>();
        model.put("group", group);
        model.put("moderators", members.result().stream().filter(GroupMember::moderator).toList());
        model.put("threads", list.result());
        model.put("page", page);
        model.put("pages", Forms.pageLinks(page, threads.groupPages(group)));
        model.put("request", request.result().orElse(null));
        model.put("subscription", level.result());
        model.put("canPost", GroupPolicy.canPost(viewer, group));
        model.put("canJoin", GroupPolicy.canJoin(viewer, group)
            && request.result().map(r -> !r.pending()).orElse(true));
        model.put("canModerate", GroupPolicy.canModerate(viewer, group));
        model.put("canAdminister", GroupPolicy.canAdminister(viewer));
        model.put("signedIn", viewer.isPresent());
        return model;
      });
    }).onSuccess(model -> pages.renderShared(ctx, "group/show", model)).onFailure(ctx::fail);
  }

  private void newForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    if (!GroupPolicy.canAdminister(viewer(ctx))) {
      ctx.fail(DomainException.forbidden());
      return;
    }
    renderForm(ctx, 200, GroupForm.of("", "", "", "public", "open"), Map.of(), null);
  }

  private void renderForm(RoutingContext ctx, int status, GroupForm form, Map<String, String> problems, WorkingGroup group) {
    Map<String, Object> model = new HashMap<>();
    model.put("form", form);
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty());
    model.put("creating", group == null);
    if (group != null) {
      model.put("group", group);
    }
    pages.render(ctx, status, "group/form", model);
  }

  private static GroupForm form(MultiMap f) {
    return GroupForm.of(f.get("slug"), f.get("name"), f.get("purpose"), f.get("visibility"), f.get("joinPolicy"));
  }

  private void create(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    GroupForm form = form(ctx.request().formAttributes());
    if (!GroupPolicy.canAdminister(viewer(ctx))) {
      ctx.fail(DomainException.forbidden());
      return;
    }
    Map<String, String> problems = form.problems(true);
    if (!problems.isEmpty()) {
      renderForm(ctx, 400, form, problems, null);
      return;
    }
    Respond.to(ctx, groups.create(viewer(ctx), form)
        .<Runnable>map(slug -> () -> Forms.redirect(ctx, "/groups/" + slug))
        .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT
            ? Respond.sending(() -> renderForm(ctx, 409, form, Map.of("slug", d.messageKey()), null))
            : Future.failedFuture(e)));
  }

  private void editForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> Respond.ifAllowed(GroupPolicy.canAdminister(viewer(ctx)), group)),
        group -> renderForm(ctx, 200, GroupForm.of(group.slug(), group.name(), group.purpose(),
            group.closed() ? "closed" : "public", group.openJoin() ? "open" : "request"), Map.of(), group));
  }

  private void update(RoutingContext ctx) {
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx)).compose(group -> {
      GroupForm form = form(ctx.request().formAttributes().set("slug", group.slug()));
      if (!GroupPolicy.canAdminister(viewer(ctx))) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = form.problems(false);
      if (!problems.isEmpty()) {
        return Respond.sending(() -> renderForm(ctx, 400, form, problems, group));
      }
      return groups.update(group, viewer(ctx), form).<Runnable>map(v -> () -> Forms.redirect(ctx, "/groups/" + group.slug()));
    }));
  }

  private void archive(RoutingContext ctx) {
    boolean archived = !"false".equals(ctx.request().getFormAttribute("archived"));
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.archive(group, viewer(ctx), archived).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug()))
        .onFailure(ctx::fail);
  }

  private void join(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Member me = viewer(ctx).orElseThrow();
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.join(group, me, CleanText.body(ctx.request().getFormAttribute("message"))).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug()))
        .onFailure(ctx::fail);
  }

  private void leave(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Member me = viewer(ctx).orElseThrow();
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.leave(group, me).map(group))
        // a member who leaves a closed group can no longer see it
        .onSuccess(group -> Forms.redirect(ctx, group.closed() ? "/groups" : "/groups/" + group.slug()))
        .onFailure(ctx::fail);
  }

  private void members(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    groups.find(ctx.pathParam("slug"), viewer).compose(group -> {
      Future<List<GroupMember>> members = groups.members(group);
      Future<List<JoinRequest>> pending = GroupPolicy.canModerate(viewer, group)
          ? groups.pendingRequests(group, viewer) : Future.succeededFuture(List.of());
      return Future.all(members, pending).map(all -> {
        Map<String, Object> model = new HashMap<>();
        model.put("group", group);
        model.put("members", members.result());
        model.put("requests", pending.result());
        model.put("canModerate", GroupPolicy.canModerate(viewer, group));
        model.put("viewerId", viewer.map(Member::id).orElse(-1L));
        return model;
      });
    }).onSuccess(model -> pages.render(ctx, "group/members", model)).onFailure(ctx::fail);
  }

  private void addMember(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.addMember(group, viewer(ctx), ctx.request().getFormAttribute("handle")).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug() + "/members"))
        .onFailure(ctx::fail);
  }

  private void setRole(RoutingContext ctx) {
    long memberId = Forms.id(ctx, "memberId");
    boolean moderator = "moderator".equals(ctx.request().getFormAttribute("role"));
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.setRole(group, viewer(ctx), memberId, moderator).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug() + "/members"))
        .onFailure(ctx::fail);
  }

  private void removeMember(RoutingContext ctx) {
    long memberId = Forms.id(ctx, "memberId");
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.removeMember(group, viewer(ctx), memberId, CleanText.body(ctx.request().getFormAttribute("reason"))).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug() + "/members"))
        .onFailure(ctx::fail);
  }

  private void decide(RoutingContext ctx) {
    long requestId = Forms.id(ctx, "requestId");
    String decision = ctx.request().getFormAttribute("decision");
    if (!"approve".equals(decision) && !"decline".equals(decision)) {
      ctx.fail(DomainException.badRequest("group.requests.error.decision"));
      return;
    }
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.decide(group, viewer(ctx), requestId, "approve".equals(decision),
            CleanText.body(ctx.request().getFormAttribute("reason"))).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug() + "/members"))
        .onFailure(ctx::fail);
  }

  private void subscribe(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    SubscriptionLevel level = SubscriptionLevel.fromForm(ctx.request().getFormAttribute("level"));
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> threads.subscribeGroup(group, viewer(ctx).orElseThrow(), level).map(group))
        .onSuccess(group -> Forms.redirect(ctx, "/groups/" + group.slug()))
        .onFailure(ctx::fail);
  }
}
