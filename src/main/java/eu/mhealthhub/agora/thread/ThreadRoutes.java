package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.attachment.Attachments;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Threads and posts in HTML. Every form works without JavaScript; previews are a second submit
 * button. Forms carry a client token so a double submission stores one post.
 *
 * <pre>
 * GET  /groups/:slug/threads/new      form to start a thread
 * POST /groups/:slug/threads          start it (multipart: title, body, files; action=preview shows a preview)
 * GET  /threads/:id                   a page of posts (?page=)
 * GET  /threads/:id/unread            to the first unread post
 * GET  /threads/:id/reply             reply form (?to= a post, ?quote= a post)
 * POST /threads/:id/posts             reply (multipart: body, to, files; action=preview)
 * POST /threads/:id/pin | /lock       a moderator pins or locks (on=true|false, reason optional)
 * POST /threads/:id/move              a moderator moves it (group=slug, reason optional)
 * POST /threads/:id/split             a moderator splits it from a post onward (post=id, title, group=slug, reason)
 * POST /threads/:id/merge             a moderator merges it into another (into=id or link, reason); it then answers 301
 * POST /threads/:id/subscription      watch or mute (level=watching|muted|normal)
 * GET  /posts/:id                     permalink: to the page and anchor of the post
 * GET  /posts/:id/fragment            the post's HTML alone, for pages that update themselves
 * GET  /posts/:id/edit, POST          edit (body, revision; a moderator editing another's post: note)
 * GET  /posts/:id/history             every revision with a word diff
 * POST /posts/:id/delete | /restore   soft delete (reason) and restore
 * POST /posts/:id/reactions           toggle a reaction (kind)
 * GET  /posts/:id/reactions           who reacted how
 * </pre>
 */
public final class ThreadRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final ThreadService threads;
  private final Attachments attachments;
  private final I18n i18n;
  private final DocumentService documents;

  public ThreadRoutes(Pages pages, GroupService groups, ThreadService threads, Attachments attachments, I18n i18n,
      DocumentService documents) {
    this.documents = documents;
    this.pages = pages;
    this.groups = groups;
    this.threads = threads;
    this.attachments = attachments;
    this.i18n = i18n;
  }

  /**
   * The two routes that accept files. They parse their own body, after the viewer is known and
   * only for members, then check the CSRF token that came in that body.
   */
  public void mountUploads(Router router, Handler<RoutingContext> uploadBody, Handler<RoutingContext> csrf) {
    // Vert.x wants body handlers before any other on a route; this one must come after the member
    // check so that nobody anonymous can write a file, hence the wrapping.
    Handler<RoutingContext> membersThenBody = ctx -> {
      if (Forms.requireMember(ctx)) {
        uploadBody.handle(ctx);
      }
    };
    router.post("/groups/:slug/threads").handler(membersThenBody).handler(csrf).handler(this::create);
    router.post("/threads/:id/posts").handler(membersThenBody).handler(csrf).handler(this::reply);
  }

  public void mount(Router router) {
    router.get("/groups/:slug/threads/new").handler(Forms::members).handler(this::newThread);
    router.get("/threads/:id").handler(this::show);
    router.get("/threads/:id/unread").handler(Forms::members).handler(this::unread);
    router.get("/threads/:id/reply").handler(Forms::members).handler(this::replyForm);
    router.post("/threads/:id/pin").handler(Forms::members).handler(ctx -> flag(ctx, ThreadFlag.PINNED));
    router.post("/threads/:id/lock").handler(Forms::members).handler(ctx -> flag(ctx, ThreadFlag.LOCKED));
    router.post("/threads/:id/move").handler(Forms::members).handler(this::move);
    router.post("/threads/:id/split").handler(Forms::members).handler(this::split);
    router.post("/threads/:id/merge").handler(Forms::members).handler(this::merge);
    router.post("/threads/:id/subscription").handler(Forms::members).handler(this::subscribe);
    router.get("/posts/:id").handler(this::permalink);
    router.get("/posts/:id/fragment").handler(this::fragment);
    router.get("/posts/:id/edit").handler(Forms::members).handler(this::editForm);
    router.post("/posts/:id/edit").handler(Forms::members).handler(this::edit);
    router.get("/posts/:id/history").handler(this::history);
    router.post("/posts/:id/delete").handler(Forms::members).handler(this::delete);
    router.post("/posts/:id/restore").handler(Forms::members).handler(this::restore);
    router.post("/posts/:id/approve").handler(Forms::members).handler(this::approve);
    router.post("/posts/:id/reject").handler(Forms::members).handler(this::reject);
    router.post("/posts/:id/reactions").handler(Forms::members).handler(this::react);
    router.get("/posts/:id/reactions").handler(this::whoReacted);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  /** The signed-in member, on routes behind {@link Forms#members}. */
  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static String threadUrl(long threadId, int page, Long postId) {
    return "/threads/" + threadId + (page > 1 ? "?page=" + page : "") + (postId == null ? "" : "#post-" + postId);
  }

  /** Ends a handler whose work is {@code done}: 303 to {@code location}, or the failure's error page. */
  private static void thenRedirect(RoutingContext ctx, Future<?> done, String location) {
    done.onSuccess(v -> Forms.redirect(ctx, location)).onFailure(ctx::fail);
  }

  /** Ends a handler that finds a place: 302 to the location the chain computes. */
  private static void thenFound(RoutingContext ctx, Future<String> location) {
    location.onSuccess(l -> ctx.response().setStatusCode(302).putHeader("Location", l).end()).onFailure(ctx::fail);
  }

  private static String attribute(RoutingContext ctx, String name) {
    return ctx.request().getFormAttribute(name);
  }

  private long maxFileMb() {
    return attachments.maxBytes() / (1024 * 1024);
  }

  // ---- starting a thread

  private void newThread(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> Respond.ifAllowed(GroupPolicy.canPost(viewer(ctx), group), group))
        .map(group -> ViewModel.of(NewThreadPage.empty(group, Tokens.random(16), maxFileMb())))
        .onSuccess(model -> pages.render(ctx, "thread/new", model))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    PostForm form = PostForm.thread(attribute(ctx, "title"), attribute(ctx, "body"), attribute(ctx, "clientToken"),
        attribute(ctx, "action"), attribute(ctx, "language"));
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(group -> Respond.ifAllowed(GroupPolicy.canPost(viewer(ctx), group), group))
        .compose(group -> create(ctx, group, form))
        .onSuccess(result -> result.send(ctx, pages, "thread/new"))
        .onFailure(ctx::fail);
  }

  private Future<FormResult<NewThreadPage>> create(RoutingContext ctx, WorkingGroup group, PostForm form) {
    if (form.preview() || !form.problems().isEmpty()) {
      return Future.succeededFuture(FormResult.previewOrProblems(!form.problems().isEmpty(),
          NewThreadPage.of(group, form, null, maxFileMb())));
    }
    return attachments.check(ctx.fileUploads())
        .compose(files -> threads.createThread(group, member(ctx), form.title(), form.body(), form.clientToken(), files,
            form.languageOr(member(ctx).locale())))
        .map(threadId -> FormResult.<NewThreadPage>done(threadUrl(threadId, 1, null)))
        .recover(e -> FormResult.refused(e, i18n, ctx,
            text -> Future.succeededFuture(NewThreadPage.of(group, form, text, maxFileMb()))));
  }

  // ---- reading

  private void show(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Future<List<ThreadPage.CitedIn>> cited = documents.citedIn(id, viewer).map(all -> all.isEmpty()
        ? List.of() : all.stream().map(c -> new ThreadPage.CitedIn(c.documentId(), c.documentTitle(), c.sectionKey())).toList());
    Future<ThreadService.View> view = threads.view(id, viewer, Forms.page(ctx));
    Map<String, String> labels = PostView.labels(i18n.forLocale(Viewer.of(ctx).locale()));
    // a thread merged into another answers with a permanent redirect to it, once the viewer may read it
    view.compose(v -> v.page().thread().mergedInto() != null
            ? Future.<Runnable>succeededFuture(() -> ctx.response().setStatusCode(301)
                .putHeader("Location", "/threads/" + v.page().thread().mergedInto()).end())
            : cited.map(citations -> ViewModel.of(ThreadPage.of(v, citations, viewer, Tokens.random(16), maxFileMb(),
                post -> postHtml(ctx, post), labels)))
                .<Runnable>map(model -> () -> pages.renderShared(ctx, "thread/show", model, "clientToken")))
        .onSuccess(Runnable::run)
        .onFailure(ctx::fail);
  }

  private void unread(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenFound(ctx, threads.firstUnread(id, member(ctx))
        .map(at -> "/threads/" + id + (at.page() > 1 ? "?page=" + at.page() : "") + "#position-" + at.position()));
  }

  private void permalink(RoutingContext ctx) {
    // a held post is shown to its author and the moderators after the thread's last page
    thenFound(ctx, threads.post(Forms.id(ctx, "id"), viewer(ctx))
        .map(at -> threadUrl(at.thread().id(), at.post().held() ? at.thread().pages()
            : (at.post().position() - 1) / ThreadService.PAGE_SIZE + 1, at.post().id())));
  }

  /**
   * A post's HTML, rendered once per distinct look (revision, counts, what this kind of viewer may
   * do) and reused: a thread page is mostly posts, and Handlebars.java renders them slowly.
   */
  private String postHtml(RoutingContext ctx, PostView v) {
    return pages.fragment(ctx, v, "partials/post", Map.of("post", v.post(), "showBody", v.showBody(),
        "canEdit", v.canEdit(), "canDelete", v.canDelete(), "canRestore", v.canRestore(), "canReact", v.canReact(),
        "reactions", v.reactions(), "canReply", v.canReply(), "canApprove", v.canApprove(),
        "canFlag", v.canFlag()));
  }

  /** One post as the thread page shows it to this viewer; live pages insert or replace it. */
  private void fragment(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    Map<String, String> labels = PostView.labels(i18n.forLocale(Viewer.of(ctx).locale()));
    threads.post(Forms.id(ctx, "id"), viewer)
        .map(at -> postHtml(ctx, PostView.of(at.post(), viewer, at.group(), at.thread(), labels)))
        .onSuccess(html -> pages.sendFragment(ctx, html))
        .onFailure(ctx::fail);
  }

  // ---- replying

  private void replyForm(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Long to = PostForm.optionalId(ctx.request().getParam("to"));
    Long quote = PostForm.optionalId(ctx.request().getParam("quote"));
    // a passage the reader selected in the post (sent by the page's script); the whole post otherwise
    String passage = ctx.request().getParam("passage");
    threads.locate(id, viewer).compose(at -> {
      Future<Post> quoted = threads.inThread(at, quote, viewer);
      Future<Post> target = threads.inThread(at, to, viewer);
      return Future.all(quoted, target).map(both -> ReplyPage.empty(at,
          quoted.result() == null || quoted.result().deleted() ? "" : ReplyPage.quote(quoted.result(), passage),
          target.result(), Tokens.random(16), PostPolicy.canReply(viewer, at.group(), at.thread()), maxFileMb()));
    }).map(ViewModel::of).onSuccess(model -> pages.render(ctx, "thread/reply", model)).onFailure(ctx::fail);
  }

  private void reply(RoutingContext ctx) {
    PostForm form = PostForm.reply(attribute(ctx, "body"), attribute(ctx, "to"), attribute(ctx, "clientToken"),
        attribute(ctx, "action"), attribute(ctx, "language"));
    threads.locate(Forms.id(ctx, "id"), viewer(ctx))
        .compose(at -> reply(ctx, at, form))
        .onSuccess(result -> result.send(ctx, pages, "thread/reply"))
        .onFailure(ctx::fail);
  }

  private Future<FormResult<ReplyPage>> reply(RoutingContext ctx, ThreadService.Located at, PostForm form) {
    if (form.preview() || !form.problems().isEmpty()) {
      return replyPage(ctx, at, form, null).map(view -> FormResult.previewOrProblems(!form.problems().isEmpty(), view));
    }
    return attachments.check(ctx.fileUploads())
        .compose(files -> threads.reply(at, member(ctx), form, files))
        .map(r -> FormResult.<ReplyPage>done(threadUrl(at.thread().id(), r.held() ? at.thread().pages() : r.page(), r.postId())))
        .recover(e -> FormResult.refused(e, i18n, ctx, text -> replyPage(ctx, at, form, text)));
  }

  /** The reply form again, as submitted; the post it replies to is looked up only now that it is shown. */
  private Future<ReplyPage> replyPage(RoutingContext ctx, ThreadService.Located at, PostForm form, String refusal) {
    Optional<Member> viewer = viewer(ctx);
    return threads.inThread(at, form.replyTo(), viewer).recover(e -> Future.succeededFuture(null))
        .map(target -> ReplyPage.of(at, form, target, PostPolicy.canReply(viewer, at.group(), at.thread()), refusal,
            maxFileMb()));
  }

  // ---- moderating threads

  private void flag(RoutingContext ctx, ThreadFlag flag) {
    long id = Forms.id(ctx, "id");
    boolean on = !"false".equals(attribute(ctx, "on"));
    thenRedirect(ctx, threads.setFlag(id, member(ctx), flag, on, reason(ctx)), threadUrl(id, 1, null));
  }

  private void move(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenRedirect(ctx, threads.move(id, member(ctx), attribute(ctx, "group"), reason(ctx)), threadUrl(id, 1, null));
  }

  private static String reason(RoutingContext ctx) {
    String reason = attribute(ctx, "reason");
    return reason == null ? "" : CleanText.body(reason);
  }

  private void split(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Long postId = PostForm.optionalId(attribute(ctx, "post"));
    thenFoundAfterPost(ctx, postId == null ? Future.failedFuture(DomainException.badRequest("thread.error.splitPost"))
        : threads.split(id, member(ctx), postId, attribute(ctx, "title"), attribute(ctx, "group"), reason(ctx))
            .map(newId -> threadUrl(newId, 1, null)));
  }

  private void merge(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenFoundAfterPost(ctx, threads.merge(id, member(ctx), attribute(ctx, "into"), reason(ctx))
        .map(target -> threadUrl(target, 1, null)));
  }

  /** Ends a form's handler whose chain computes where to go: 303 there, or the failure's error page. */
  private static void thenFoundAfterPost(RoutingContext ctx, Future<String> location) {
    location.onSuccess(l -> Forms.redirect(ctx, l)).onFailure(ctx::fail);
  }

  private void subscribe(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenRedirect(ctx, threads.subscribe(id, member(ctx), SubscriptionLevel.fromForm(attribute(ctx, "level"))), threadUrl(id, 1, null));
  }

  // ---- editing, history, deletion, reactions

  private void editForm(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    threads.post(Forms.id(ctx, "id"), viewer)
        .compose(at -> Respond.ifAllowed(PostPolicy.canEditAny(viewer, at.group(), at.post()), at))
        .map(at -> ViewModel.of(EditPage.current(at, moderatorEdit(viewer, at))))
        .onSuccess(model -> pages.render(ctx, "thread/edit", model))
        .onFailure(ctx::fail);
  }

  private void edit(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    PostForm form = PostForm.edit(attribute(ctx, "body"), attribute(ctx, "action"));
    String note = attribute(ctx, "note");
    revision(attribute(ctx, "revision"))
        .compose(revision -> threads.post(id, viewer)
            .compose(at -> Respond.ifAllowed(PostPolicy.canEditAny(viewer, at.group(), at.post()), at))
            .compose(at -> edit(ctx, at, form, revision, moderatorEdit(viewer, at) ? (note == null ? "" : CleanText.body(note)) : null)))
        .onSuccess(result -> result.send(ctx, pages, "thread/edit"))
        .onFailure(ctx::fail);
  }

  private static Future<Integer> revision(String raw) {
    try {
      return Future.succeededFuture(Integer.parseInt(raw == null ? "" : raw.strip()));
    } catch (NumberFormatException e) {
      return Future.failedFuture(DomainException.badRequest("post.error.revision"));
    }
  }

  /** A moderator editing someone else's post: the form asks for a note. */
  private static boolean moderatorEdit(Optional<Member> viewer, ThreadService.PostInContext at) {
    return !PostPolicy.canEdit(viewer, at.group(), at.post()) && PostPolicy.canModeratorEdit(viewer, at.group(), at.post());
  }

  private Future<FormResult<EditPage>> edit(RoutingContext ctx, ThreadService.PostInContext at, PostForm form,
      int revision, String note) {
    boolean noteMissing = note != null && note.isBlank();
    if (form.preview() || !form.problems().isEmpty() || noteMissing) {
      boolean noteProblem = noteMissing && !form.preview();
      return Future.succeededFuture(FormResult.previewOrProblems(!form.problems().isEmpty() || noteProblem,
          EditPage.of(at, form, revision, note, noteProblem)));
    }
    return threads.edit(at, member(ctx), form, revision, note)
        .map(v -> FormResult.<EditPage>done("/posts/" + at.post().id()))
        .recover(e -> {
          if (e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT) {
            // someone saved meanwhile (another tab): show what changed since the base, keep this text
            I18n.Messages m = i18n.forLocale(Viewer.of(ctx).locale());
            return Future.succeededFuture(new FormResult.Problems<>(409,
                EditPage.stale(at, form, note, m.get("diff.deleted"), m.get("diff.inserted"))));
          }
          return Future.failedFuture(e);
        });
  }

  private void history(RoutingContext ctx) {
    I18n.Messages m = i18n.forLocale(Viewer.of(ctx).locale());
    threads.history(Forms.id(ctx, "id"), viewer(ctx))
        .map(h -> ViewModel.of(HistoryPage.of(h, m.get("diff.deleted"), m.get("diff.inserted"))))
        .onSuccess(model -> pages.render(ctx, "thread/history", model))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    String reason = attribute(ctx, "reason");
    thenRedirect(ctx, threads.delete(id, member(ctx), reason == null ? "" : CleanText.body(reason)), "/posts/" + id);
  }

  private void restore(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenRedirect(ctx, threads.restore(id, member(ctx)), "/posts/" + id);
  }

  /** A moderator approves a held post (reason optional): it is published at the end of its thread. */
  private void approve(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    String reason = attribute(ctx, "reason");
    thenRedirect(ctx, threads.approveHeld(member(ctx), id, reason == null ? "" : CleanText.body(reason)), "/posts/" + id);
  }

  /** A moderator rejects a held post with a reason its author reads; the author may edit and resubmit it. */
  private void reject(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    String reason = attribute(ctx, "reason");
    thenRedirect(ctx, threads.rejectHeld(member(ctx), id, reason == null ? "" : CleanText.body(reason)), "/posts/" + id);
  }

  private void react(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    thenRedirect(ctx, threads.toggleReaction(id, member(ctx), attribute(ctx, "kind")), "/posts/" + id);
  }

  private void whoReacted(RoutingContext ctx) {
    threads.reactions(Forms.id(ctx, "id"), viewer(ctx))
        .map(who -> ViewModel.of(ReactionsPage.of(who)))
        .onSuccess(model -> pages.render(ctx, "thread/reactions", model))
        .onFailure(ctx::fail);
  }
}
