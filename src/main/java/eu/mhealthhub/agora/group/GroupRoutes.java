package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPages.AboutPage;
import eu.mhealthhub.agora.group.GroupPages.FormPage;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.thread.SubscriptionLevel;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.thread.ThreadSummary;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

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
    router.get("/groups/new").handler(Forms::members).handler(this::newForm);
    router.post("/groups").handler(Forms::members).handler(this::create);
    router.get("/groups/:slug").handler(this::show);
    router.get("/groups/:slug/edit").handler(Forms::members).handler(this::editForm);
    router.post("/groups/:slug/edit").handler(this::update);
    router.post("/groups/:slug/archive").handler(this::archive);
    router.post("/groups/:slug/join").handler(Forms::members).handler(this::join);
    router.post("/groups/:slug/leave").handler(Forms::members).handler(this::leave);
    router.get("/groups/:slug/members").handler(this::members);
    router.post("/groups/:slug/members").handler(this::addMember);
    router.post("/groups/:slug/members/:memberId/role").handler(this::setRole);
    router.post("/groups/:slug/members/:memberId/remove").handler(Forms::members).handler(this::removeMember);
    router.post("/groups/:slug/requests/:requestId").handler(this::decide);
    router.post("/groups/:slug/subscription").handler(Forms::members).handler(this::subscribe);
  }

  /**
   * A group's page: what {@link GroupService#about} says about the group, with a page of its
   * threads and the viewer's subscription to it, which the thread feature owns.
   */
  public record ShowPage(WorkingGroup group, List<GroupMember> moderators, JoinRequest request,
      SubscriptionLevel subscription, List<ThreadSummary> threads, int page, List<Map<String, Object>> pages,
      boolean canPost, boolean canJoin, boolean canModerate, boolean canAdminister, boolean signedIn) {

    static ShowPage of(AboutPage about, List<ThreadSummary> threads, int page, List<Map<String, Object>> pages,
        SubscriptionLevel subscription) {
      return new ShowPage(about.group(), about.moderators(), about.request(), subscription, threads, page, pages,
          about.canPost(), about.canJoin(), about.canModerate(), about.canAdminister(), about.signedIn());
    }
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  /** The signed-in member, on routes behind {@link Forms#members}. */
  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  /** Ends a handler whose chain computes where to go next: 303 there, or the failure's error page. */
  private static void thenRedirect(RoutingContext ctx, Future<String> location) {
    Respond.to(ctx, location, l -> Forms.redirect(ctx, l));
  }

  private static String groupUrl(WorkingGroup group) {
    return "/groups/" + group.slug();
  }

  private static String membersUrl(WorkingGroup group) {
    return groupUrl(group) + "/members";
  }

  // ---- reading

  private void list(RoutingContext ctx) {
    groups.listPage(viewer(ctx))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "group/list", model))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    int page = Forms.page(ctx);
    // two statements, one after the other: the group with what its page says about it (the read rule
    // decided on it), then its threads with the viewer's subscription level to it
    groups.page(ctx.pathParam("slug"), viewer).compose(about -> threads.groupListing(about.group(), viewer, page)
        .map(listing -> ShowPage.of(about, listing.threads(), page,
            Forms.pageLinks(page, threads.groupPages(about.group())), listing.level())))
        .map(ViewModel::of).onSuccess(model -> pages.renderShared(ctx, "group/show", model)).onFailure(ctx::fail);
  }

  private void members(RoutingContext ctx) {
    groups.membersPage(ctx.pathParam("slug"), viewer(ctx))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "group/members", model))
        .onFailure(ctx::fail);
  }

  // ---- creating and editing (admins)

  private void newForm(RoutingContext ctx) {
    groups.createForm(viewer(ctx))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "group/form", model))
        .onFailure(ctx::fail);
  }

  private static GroupForm form(String slug, MultiMap f) {
    return GroupForm.of(slug, f.get("name"), f.get("purpose"), f.get("visibility"), f.get("joinPolicy"));
  }

  /** A slug taken meanwhile shows the form again (409) with the problem at the slug. */
  private void create(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    GroupForm form = form(f.get("slug"), f);
    groups.createForm(viewer(ctx))
        .map(page -> page.filled(form, form.problems(true)))
        .compose(filled -> submit(filled, () -> groups.create(viewer(ctx), form).map(slug -> "/groups/" + slug))
            .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT
                ? Future.succeededFuture(new FormResult.Problems<>(409, filled.filled(form, Map.of("slug", d.messageKey()))))
                : Future.failedFuture(e)))
        .onSuccess(result -> result.send(ctx, pages, "group/form"))
        .onFailure(ctx::fail);
  }

  /** A group form's submission: the form again (400) with its problems, or saved and on to where {@code save} says. */
  private static Future<FormResult<FormPage>> submit(FormPage filled, Supplier<Future<String>> save) {
    if (filled.hasProblems()) {
      return Future.succeededFuture(new FormResult.Problems<>(400, filled));
    }
    return save.get().map(FormResult::<FormPage>done);
  }

  private void editForm(RoutingContext ctx) {
    groups.editForm(ctx.pathParam("slug"), viewer(ctx))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "group/form", model))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    groups.editForm(ctx.pathParam("slug"), viewer(ctx))
        .compose(page -> {
          // the slug names the group and does not change
          GroupForm form = form(page.group().slug(), ctx.request().formAttributes());
          return submit(page.filled(form, form.problems(false)),
              () -> groups.update(page.group(), viewer(ctx), form).map(v -> groupUrl(page.group())));
        })
        .onSuccess(result -> result.send(ctx, pages, "group/form"))
        .onFailure(ctx::fail);
  }

  private void archive(RoutingContext ctx) {
    boolean archived = !"false".equals(ctx.request().getFormAttribute("archived"));
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.archive(group, viewer(ctx), archived).map(v -> groupUrl(group))));
  }

  // ---- belonging

  private void join(RoutingContext ctx) {
    String message = CleanText.body(ctx.request().getFormAttribute("message"));
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.join(group, member(ctx), message).map(joined -> groupUrl(group))));
  }

  private void leave(RoutingContext ctx) {
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        // a member who leaves a closed group can no longer see it
        .compose(group -> groups.leave(group, member(ctx)).map(v -> group.closed() ? "/groups" : groupUrl(group))));
  }

  private void subscribe(RoutingContext ctx) {
    SubscriptionLevel level = SubscriptionLevel.fromForm(ctx.request().getFormAttribute("level"));
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> threads.subscribeGroup(group, member(ctx), level).map(v -> groupUrl(group))));
  }

  // ---- moderators run the membership

  private void addMember(RoutingContext ctx) {
    String handle = ctx.request().getFormAttribute("handle");
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.addMember(group, viewer(ctx), handle).map(v -> membersUrl(group))));
  }

  private void setRole(RoutingContext ctx) {
    long memberId = Forms.id(ctx, "memberId");
    boolean moderator = "moderator".equals(ctx.request().getFormAttribute("role"));
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.setRole(group, viewer(ctx), memberId, moderator).map(v -> membersUrl(group))));
  }

  private void removeMember(RoutingContext ctx) {
    long memberId = Forms.id(ctx, "memberId");
    String reason = CleanText.body(ctx.request().getFormAttribute("reason"));
    thenRedirect(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> groups.removeMember(group, viewer(ctx), memberId, reason).map(v -> membersUrl(group))));
  }

  private void decide(RoutingContext ctx) {
    long requestId = Forms.id(ctx, "requestId");
    String reason = CleanText.body(ctx.request().getFormAttribute("reason"));
    thenRedirect(ctx, approve(ctx.request().getFormAttribute("decision"))
        .compose(approve -> groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> groups.decide(group, viewer(ctx), requestId, approve, reason).map(v -> membersUrl(group)))));
  }

  /** The decision field: true to approve, false to decline, anything else a 400. */
  private static Future<Boolean> approve(String decision) {
    if (!"approve".equals(decision) && !"decline".equals(decision)) {
      return Future.failedFuture(DomainException.badRequest("group.requests.error.decision"));
    }
    return Future.succeededFuture("approve".equals(decision));
  }
}
