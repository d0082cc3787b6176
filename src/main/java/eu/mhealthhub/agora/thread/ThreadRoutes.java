package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.document.DocumentEvents;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.attachment.Attachments;
import eu.mhealthhub.agora.attachment.Upload;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.text.WordDiff;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
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
 * POST /threads/:id/pin | /lock       a moderator pins or locks (on=true|false)
 * POST /threads/:id/move              a moderator moves it (group=slug)
 * POST /threads/:id/subscription      watch or mute (level=watching|muted|normal)
 * GET  /posts/:id                     permalink: to the page and anchor of the post
 * GET  /posts/:id/fragment            the post's HTML alone, for pages that update themselves
 * GET  /posts/:id/edit, POST          edit (body, revision)
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
    router.get("/groups/:slug/threads/new").handler(this::newThread);
    router.get("/threads/:id").handler(this::show);
    router.get("/threads/:id/unread").handler(this::unread);
    router.get("/threads/:id/reply").handler(this::replyForm);
    router.post("/threads/:id/pin").handler(ctx -> flag(ctx, ThreadFlag.PINNED));
    router.post("/threads/:id/lock").handler(ctx -> flag(ctx, ThreadFlag.LOCKED));
    router.post("/threads/:id/move").handler(this::move);
    router.post("/threads/:id/subscription").handler(this::subscribe);
    router.get("/posts/:id").handler(this::permalink);
    router.get("/posts/:id/fragment").handler(this::fragment);
    router.get("/posts/:id/edit").handler(this::editForm);
    router.post("/posts/:id/edit").handler(this::edit);
    router.get("/posts/:id/history").handler(this::history);
    router.post("/posts/:id/delete").handler(this::delete);
    router.post("/posts/:id/restore").handler(this::restore);
    router.post("/posts/:id/reactions").handler(this::react);
    router.get("/posts/:id/reactions").handler(this::whoReacted);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  private static String threadUrl(long threadId, int page, Long postId) {
    return "/threads/" + threadId + (page > 1 ? "?page=" + page : "") + (postId == null ? "" : "#post-" + postId);
  }

  // ---- starting a thread

  private void newThread(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> Respond.ifAllowed(GroupPolicy.canPost(viewer(ctx), group), group)),
        group -> renderNewThread(ctx, 200, group, "", "", Tokens.random(16), Map.of(), null));
  }

  private void renderNewThread(RoutingContext ctx, int status, WorkingGroup group, String title, String body,
      String token, Map<String, String> problems, String preview) {
    renderNewThread(ctx, status, group, title, body, token, problems, preview, null);
  }

  private void renderNewThread(RoutingContext ctx, int status, WorkingGroup group, String title, String body,
      String token, Map<String, String> problems, String preview, String filesError) {
    Map<String, Object> model = new HashMap<>();
    model.put("filesError", filesError);
    model.put("group", group);
    model.put("title", title);
    model.put("body", body);
    model.put("clientToken", token);
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty() || filesError != null);
    model.put("preview", preview);
    model.put("maxFileMb", attachments.maxBytes() / (1024 * 1024));
    pages.render(ctx, status, "thread/new", model);
  }

  private void create(RoutingContext ctx) {
    Member me = viewer(ctx).orElseThrow();
    String title = CleanText.line(field(ctx, "title"));
    String body = field(ctx, "body");
    String token = field(ctx, "clientToken");
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx)).compose(group -> {
      if (!GroupPolicy.canPost(viewer(ctx), group)) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = ThreadService.problems(title, body, true);
      if ("preview".equals(field(ctx, "action"))) {
        String preview = problems.isEmpty() ? Markdown.toHtml(body) : null;
        return Respond.sending(() -> renderNewThread(ctx, problems.isEmpty() ? 200 : 400, group, title, body, token,
            problems, preview));
      }
      if (!problems.isEmpty()) {
        return Respond.sending(() -> renderNewThread(ctx, 400, group, title, body, token, problems, null));
      }
      return attachments.check(ctx.fileUploads())
          .compose(files -> threads.createThread(group, me, title, body, token, files))
          .<Runnable>map(threadId -> () -> Forms.redirect(ctx, threadUrl(threadId, 1, null)))
          .recover(e -> formFailure(ctx, e, (status, text) ->
              () -> renderNewThread(ctx, status, group, title, body, token, Map.of(), null, text)));
    }));
  }

  /**
   * Refusals about the input (bad or too large files, a locked thread) re-render the form with
   * the input kept and the message, translated; anything else is an error page.
   */
  private Future<Runnable> formFailure(RoutingContext ctx, Throwable e,
      java.util.function.BiFunction<Integer, String, Runnable> rerender) {
    if (e instanceof DomainException d && (d.kind() == DomainException.Kind.BAD_REQUEST
        || d.kind() == DomainException.Kind.TOO_LARGE || d.kind() == DomainException.Kind.CONFLICT)) {
      return Respond.sending(rerender.apply(d.kind().status,
          i18n.message(Viewer.of(ctx).locale(), d.messageKey(), d.args())));
    }
    return Future.failedFuture(e);
  }

  /** A form field as typed, cleaned as multi-line text ({@link CleanText#body}); "" when absent. */
  private static String field(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : CleanText.body(v);
  }

  // ---- reading

  private void show(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    int page = Forms.page(ctx);
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages messages = i18n.forLocale(Viewer.of(ctx).locale());
    Future<List<DocumentEvents.Citation>> cited = documents.citedIn(id, viewer);
    threads.page(id, viewer, page).compose(p -> Future.all(moveTargets(p.group(), viewer), cited).map(both -> {
      List<WorkingGroup> targets = both.resultAt(0);
      Map<String, Object> model = threadModel(p, viewer, messages);
      model.put("moveTargets", targets);
      model.put("citedIn", distinctCitations(both.resultAt(1)));
      model.put("clientToken", Tokens.random(16));
      Map<String, String> labels = reactionLabels(messages);
      int readBefore = p.readBefore();
      List<Map<String, Object>> posts = new ArrayList<>();
      for (Post post : p.posts()) {
        String html = postHtml(ctx, PostView.of(post, viewer, p.group(), p.thread(), labels));
        boolean firstUnread = readBefore > 0 && post.position() == readBefore + 1;
        posts.add(Map.of("html", html, "unreadMarker", firstUnread));
      }
      model.put("posts", posts);
      return model;
    })).onSuccess(model -> pages.renderShared(ctx, "thread/show", model, "clientToken")).onFailure(ctx::fail);
  }

  /** One link per document and section, however often it cites this thread. */
  private static List<DocumentEvents.Citation> distinctCitations(List<DocumentEvents.Citation> all) {
    Map<String, DocumentEvents.Citation> distinct = new java.util.LinkedHashMap<>();
    all.forEach(c -> distinct.putIfAbsent(c.documentId() + ":" + c.sectionKey(), c));
    return List.copyOf(distinct.values());
  }

  private Map<String, Object> threadModel(ThreadService.Page p, Optional<Member> viewer, I18n.Messages messages) {
    Map<String, Object> model = new HashMap<>();
    model.put("group", p.group());
    model.put("thread", p.thread());
    model.put("page", p.page());
    model.put("lastPage", p.page() == p.thread().pages());
    model.put("pages", Forms.pageLinks(p.page(), p.thread().pages()));
    model.put("canReply", PostPolicy.canReply(viewer, p.group(), p.thread()));
    model.put("canModerate", GroupPolicy.canModerate(viewer, p.group()));
    model.put("signedIn", viewer.isPresent());
    model.put("subscription", p.subscription());
    model.put("hasUnread", p.readBefore() >= 0 && p.readBefore() < p.thread().postCount());
    model.put("liveSeq", p.liveSeq());
    model.put("maxFileMb", attachments.maxBytes() / (1024 * 1024));
    return model;
  }

  private Future<List<WorkingGroup>> moveTargets(WorkingGroup current, Optional<Member> viewer) {
    if (!GroupPolicy.canModerate(viewer, current)) {
      return Future.succeededFuture(List.of());
    }
    return groups.visibleTo(viewer).map(all -> all.stream()
        .filter(g -> g.id() != current.id() && GroupPolicy.canModerate(viewer, g)).toList());
  }

  private void unread(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.firstUnread(id, viewer(ctx).orElseThrow())
        .onSuccess(at -> ctx.response().setStatusCode(302)
            .putHeader("Location", "/threads/" + id + (at.page() > 1 ? "?page=" + at.page() : "") + "#position-" + at.position()).end())
        .onFailure(ctx::fail);
  }

  private void permalink(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    threads.findPost(id, viewer(ctx))
        .onSuccess(post -> ctx.response().setStatusCode(302)
            .putHeader("Location", threadUrl(post.threadId(), (post.position() - 1) / ThreadService.PAGE_SIZE + 1, post.id()))
            .end())
        .onFailure(ctx::fail);
  }

  /** The reaction names in the reader's language, looked up once per page rather than per button. */
  private static Map<String, String> reactionLabels(I18n.Messages messages) {
    Map<String, String> labels = new HashMap<>();
    for (Reactions.Kind k : Reactions.KINDS) {
      labels.put(k.name(), messages.get("reaction." + k.name()));
    }
    return labels;
  }

  /**
   * A post's HTML, rendered once per distinct look (revision, counts, what this kind of viewer may
   * do) and reused: a thread page is mostly posts, and Handlebars.java renders them slowly.
   */
  private String postHtml(RoutingContext ctx, PostView v) {
    return pages.fragment(ctx, v, "partials/post", Map.of("post", v.post(), "showBody", v.showBody(),
        "canEdit", v.canEdit(), "canDelete", v.canDelete(), "canRestore", v.canRestore(), "canReact", v.canReact(),
        "reactions", v.reactions(), "canReply", v.canReply()));
  }

  /** One post as the thread page shows it to this viewer; live pages insert or replace it. */
  private void fragment(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages messages = i18n.forLocale(Viewer.of(ctx).locale());
    threads.post(id, viewer)
        .map(at -> postHtml(ctx, PostView.of(at.post(), viewer, at.group(), at.thread(), reactionLabels(messages))))
        .onSuccess(html -> pages.sendFragment(ctx, html))
        .onFailure(ctx::fail);
  }

  // ---- replying

  private void replyForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Long to = optionalId(ctx.request().getParam("to"));
    Long quote = optionalId(ctx.request().getParam("quote"));
    // a passage the reader selected in the post (sent by the page's script); the whole post otherwise
    String passage = ctx.request().getParam("passage");
    threads.locate(id, viewer).compose(at -> {
      Future<String> quoted = quote == null ? Future.succeededFuture("")
          : threads.post(quote, viewer).map(q -> q.thread().id() == id && !q.post().deleted() ? quote(q.post(), passage) : "");
      Future<Post> target = to == null ? Future.succeededFuture(null)
          : threads.post(to, viewer).map(q -> q.thread().id() == id ? q.post() : null);
      return Future.all(quoted, target).map(all -> replyModel(at, quoted.result(), target.result(), Tokens.random(16),
          Map.of(), null, viewer));
    }).onSuccess(model -> pages.render(ctx, "thread/reply", model)).onFailure(ctx::fail);
  }

  private Map<String, Object> replyModel(ThreadService.Located at, String body, Post replyTo, String token,
      Map<String, String> problems, String preview, Optional<Member> viewer) {
    return replyModel(at, body, replyTo, token, problems, preview, viewer, null);
  }

  private Map<String, Object> replyModel(ThreadService.Located at, String body, Post replyTo, String token,
      Map<String, String> problems, String preview, Optional<Member> viewer, String formError) {
    Map<String, Object> model = new HashMap<>();
    model.put("filesError", formError);
    model.put("group", at.group());
    model.put("thread", at.thread());
    model.put("body", body);
    model.put("replyTo", replyTo);
    model.put("clientToken", token);
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty() || formError != null);
    model.put("preview", preview);
    model.put("canReply", PostPolicy.canReply(viewer, at.group(), at.thread()));
    model.put("maxFileMb", attachments.maxBytes() / (1024 * 1024));
    return model;
  }

  /** A quote of the post, or of a passage of it, that names its author and links to the source post. */
  static String quote(Post post, String passage) {
    StringBuilder b = new StringBuilder("> [").append(post.authorName().replace("]", "\\]"))
        .append("](/posts/").append(post.id()).append("):\n");
    String source = passage != null && !passage.isBlank() ? passage.strip() : post.bodyMarkdown();
    String text = source.length() > 2000 ? source.substring(0, 2000) + "…" : source;
    for (String line : text.split("\n")) {
      b.append("> ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }

  private static Long optionalId(String raw) {
    try {
      return raw == null || raw.isBlank() ? null : Long.parseLong(raw);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The thread replied in and the post replied to (null when none or not in that thread). */

  private void reply(RoutingContext ctx) {
    Member me = viewer(ctx).orElseThrow();
    Optional<Member> viewer = viewer(ctx);
    long id = Forms.id(ctx, "id");
    String body = field(ctx, "body");
    String token = field(ctx, "clientToken");
    Long to = optionalId(field(ctx, "to"));
    Respond.to(ctx, threads.locate(id, viewer).compose(at -> {
      Future<Post> replyTo = to == null ? Future.succeededFuture(null)
          : threads.post(to, viewer).map(q -> q.thread().id() == id ? q.post() : null).recover(e -> Future.succeededFuture(null));
      return replyTo.compose(target -> {
        Map<String, String> problems = ThreadService.problems(null, body, false);
        if ("preview".equals(field(ctx, "action"))) {
          Map<String, Object> model = replyModel(at, body, target, token, problems,
              problems.isEmpty() ? Markdown.toHtml(body) : null, viewer);
          return Respond.sending(() -> pages.render(ctx, problems.isEmpty() ? 200 : 400, "thread/reply", model));
        }
        if (!problems.isEmpty()) {
          Map<String, Object> model = replyModel(at, body, target, token, problems, null, viewer);
          return Respond.sending(() -> pages.render(ctx, 400, "thread/reply", model));
        }
        return attachments.check(ctx.fileUploads())
            .compose(files -> threads.reply(id, me, body, to, token, files))
            .compose(postId -> threads.findPost(postId, viewer))
            .<Runnable>map(post -> () -> Forms.redirect(ctx,
                threadUrl(id, (post.position() - 1) / ThreadService.PAGE_SIZE + 1, post.id())))
            .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.FORBIDDEN
                ? Future.failedFuture(e)
                : formFailure(ctx, e, (status, text) -> () -> pages.render(ctx, status, "thread/reply",
                    replyModel(at, body, target, token, Map.of(), null, viewer, text))));
      });
    }));
  }

  // ---- moderating threads

  private void flag(RoutingContext ctx, ThreadFlag flag) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    boolean on = !"false".equals(ctx.request().getFormAttribute("on"));
    threads.setFlag(id, viewer(ctx).orElseThrow(), flag, on)
        .onSuccess(v -> Forms.redirect(ctx, threadUrl(id, 1, null)))
        .onFailure(ctx::fail);
  }

  private void move(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.move(id, viewer(ctx).orElseThrow(), ctx.request().getFormAttribute("group"))
        .onSuccess(g -> Forms.redirect(ctx, threadUrl(id, 1, null)))
        .onFailure(ctx::fail);
  }

  private void subscribe(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.subscribe(id, viewer(ctx).orElseThrow(), SubscriptionLevel.fromForm(ctx.request().getFormAttribute("level")))
        .onSuccess(v -> Forms.redirect(ctx, threadUrl(id, 1, null)))
        .onFailure(ctx::fail);
  }

  // ---- editing, history, deletion, reactions

  private void editForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Respond.to(ctx, threads.post(id, viewer)
            .compose(at -> Respond.ifAllowed(PostPolicy.canEdit(viewer, at.group(), at.post()), at)),
        at -> renderEdit(ctx, 200, at, at.post().bodyMarkdown(), at.post().revision(), Map.of(), null, null));
  }

  private void renderEdit(RoutingContext ctx, int status, ThreadService.PostInContext at, String body, int revision,
      Map<String, String> problems, String preview, String conflictHtml) {
    Map<String, Object> model = new HashMap<>();
    model.put("group", at.group());
    model.put("thread", at.thread());
    model.put("post", at.post());
    model.put("body", body);
    model.put("revision", revision);
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty());
    model.put("preview", preview);
    model.put("conflict", conflictHtml);
    pages.render(ctx, status, "thread/edit", model);
  }

  private void edit(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    String body = field(ctx, "body");
    int revision;
    try {
      revision = Integer.parseInt(field(ctx, "revision"));
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.badRequest("post.error.revision"));
      return;
    }
    Respond.to(ctx, threads.post(id, viewer).compose(at -> {
      if (!PostPolicy.canEdit(viewer, at.group(), at.post())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = ThreadService.problems(null, body, false);
      if ("preview".equals(field(ctx, "action")) || !problems.isEmpty()) {
        String preview = problems.isEmpty() ? Markdown.toHtml(body) : null;
        return Respond.sending(() -> renderEdit(ctx, problems.isEmpty() ? 200 : 400, at, body, revision, problems,
            preview, null));
      }
      return threads.edit(id, viewer.get(), body, revision)
          .<Runnable>map(v -> () -> Forms.redirect(ctx, "/posts/" + id))
          .recover(e -> {
            if (e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT) {
              // someone saved meanwhile (another tab): show what changed since the base, keep this text
              I18n.Messages m = i18n.forLocale(Viewer.of(ctx).locale());
              String diff = WordDiff.inlineHtml(WordDiff.diff(body, at.post().bodyMarkdown()),
                  m.get("diff.deleted"), m.get("diff.inserted"));
              return Respond.sending(() -> renderEdit(ctx, 409, at, body, at.post().revision(),
                  Map.of("body", "post.error.stale"), null, diff));
            }
            return Future.failedFuture(e);
          });
    }));
  }

  private void history(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages m = i18n.forLocale(Viewer.of(ctx).locale());
    threads.post(id, viewer).compose(at -> threads.revisions(id, viewer).map(revisions -> {
      List<Map<String, Object>> items = new ArrayList<>();
      for (int i = revisions.size() - 1; i >= 0; i--) {
        ThreadRepository.Revision r = revisions.get(i);
        String before = i == 0 ? "" : revisions.get(i - 1).bodyMarkdown();
        Map<String, Object> item = new HashMap<>();
        item.put("revision", r.revision());
        item.put("editorName", r.editorName());
        item.put("createdAt", r.createdAt());
        item.put("diff", WordDiff.inlineHtml(WordDiff.diff(before, r.bodyMarkdown()), m.get("diff.deleted"), m.get("diff.inserted")));
        items.add(item);
      }
      return Map.<String, Object>of("group", at.group(), "thread", at.thread(), "post", at.post(), "revisions", items);
    })).onSuccess(model -> pages.render(ctx, "thread/history", model)).onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.delete(id, viewer(ctx).orElseThrow(), field(ctx, "reason"))
        .onSuccess(v -> Forms.redirect(ctx, "/posts/" + id))
        .onFailure(ctx::fail);
  }

  private void restore(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.restore(id, viewer(ctx).orElseThrow())
        .onSuccess(v -> Forms.redirect(ctx, "/posts/" + id))
        .onFailure(ctx::fail);
  }

  private void react(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    threads.toggleReaction(id, viewer(ctx).orElseThrow(), ctx.request().getFormAttribute("kind"))
        .onSuccess(v -> Forms.redirect(ctx, "/posts/" + id))
        .onFailure(ctx::fail);
  }

  private void whoReacted(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    threads.post(id, viewer).compose(at -> threads.whoReacted(id, viewer).map(rows -> {
      List<Map<String, Object>> kinds = new ArrayList<>();
      for (Reactions.Kind k : Reactions.KINDS) {
        List<String> names = rows.stream().filter(r -> r.kind().equals(k.name())).map(r -> r.displayName()).toList();
        if (!names.isEmpty()) {
          kinds.add(Map.of("kind", k.name(), "symbol", k.symbol(), "names", names));
        }
      }
      return Map.<String, Object>of("group", at.group(), "thread", at.thread(), "post", at.post(), "kinds", kinds);
    })).onSuccess(model -> pages.render(ctx, "thread/reactions", model)).onFailure(ctx::fail);
  }
}
