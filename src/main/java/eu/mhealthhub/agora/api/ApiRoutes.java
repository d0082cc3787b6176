package eu.mhealthhub.agora.api;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.UnreadInGroup;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.search.SearchQuery;
import eu.mhealthhub.agora.search.SearchRoutes;
import eu.mhealthhub.agora.search.SearchService;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.text.TextLanguage;
import eu.mhealthhub.agora.thread.ForumThread;
import eu.mhealthhub.agora.thread.Post;
import eu.mhealthhub.agora.thread.PostPolicy;
import eu.mhealthhub.agora.thread.Reactions;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.thread.ThreadSummary;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The JSON API, version 1: the same services and the same rules as the pages. Cookie sessions
 * send the CSRF token in the {@code X-CSRF-Token} header. Creating requests accept an
 * {@code Idempotency-Key} header with Stripe's rules (see {@link Idempotency}): a retried request
 * with the same key stores nothing new and answers with what the first one made; the key reused
 * for another request is refused with 422. Described by {@code /api/v1/openapi.json}.
 *
 * <pre>
 * GET    /api/v1/groups                        groups the caller may read
 * GET    /api/v1/groups/:slug                  one group
 * GET    /api/v1/groups/:slug/threads          its threads (?page=)
 * POST   /api/v1/groups/:slug/threads          start a thread {title, body}
 * GET    /api/v1/groups/:slug/mentions?q=      members to suggest after "@"
 * GET    /api/v1/threads/:id                   a thread with a page of posts (?page=)
 * POST   /api/v1/threads/:id/posts             reply {body, replyTo?}
 * GET    /api/v1/posts/:id                     one post
 * PATCH  /api/v1/posts/:id                     edit {body, revision}
 * DELETE /api/v1/posts/:id                     soft delete (?reason=)
 * GET    /api/v1/posts/:id/reactions           who reacted how
 * POST   /api/v1/posts/:id/reactions           toggle {kind}
 * GET    /api/v1/me/unread                     the caller's groups with unread threads (for the header badge)
 * GET    /api/v1/search?q=&kind=&group=&author=&from=&to=&watched=&page=   full-text search (as the /search page)
 * GET    /api/v1/openapi.json                  this API's description
 * </pre>
 */
public final class ApiRoutes {

  private final GroupService groups;
  private final ThreadService threads;
  private final Idempotency idempotency;
  private final SearchService search;

  private final eu.mhealthhub.agora.web.I18n i18n;

  public ApiRoutes(GroupService groups, ThreadService threads, Idempotency idempotency, SearchService search) {
    this(groups, threads, idempotency, search, null);
  }

  /** With {@code i18n} (may be null: no labels), for the stakeholder labels of mention suggestions. */
  public ApiRoutes(GroupService groups, ThreadService threads, Idempotency idempotency, SearchService search,
      eu.mhealthhub.agora.web.I18n i18n) {
    this.i18n = i18n;
    this.groups = groups;
    this.threads = threads;
    this.idempotency = idempotency;
    this.search = search;
  }

  public void mount(Router router) {
    router.get("/api/v1/openapi.json").handler(this::openApi);
    router.get("/api/v1/groups").handler(this::listGroups);
    router.get("/api/v1/groups/:slug").handler(this::getGroup);
    router.get("/api/v1/groups/:slug/threads").handler(this::listThreads);
    router.post("/api/v1/groups/:slug/threads").handler(this::createThread);
    router.get("/api/v1/groups/:slug/mentions").handler(this::mentions);
    router.get("/api/v1/threads/:id").handler(this::getThread);
    router.post("/api/v1/threads/:id/posts").handler(this::reply);
    router.get("/api/v1/posts/:id").handler(this::getPost);
    router.patch("/api/v1/posts/:id").handler(this::editPost);
    router.delete("/api/v1/posts/:id").handler(this::deletePost);
    router.get("/api/v1/posts/:id/reactions").handler(this::reactions);
    router.post("/api/v1/posts/:id/reactions").handler(this::react);
    router.get("/api/v1/me/unread").handler(this::unread);
    router.get("/api/v1/search").handler(this::search);
    router.route("/api/v1/*").handler(ctx -> ctx.fail(DomainException.notFound()));
  }

  static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  static Member member(RoutingContext ctx) {
    return viewer(ctx).orElseThrow(() -> new DomainException(DomainException.Kind.FORBIDDEN, "api.error.signIn"));
  }

  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(body instanceof JsonObject o ? o.encode() : ((JsonArray) body).encode());
  }

  static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject o = ctx.body().asJsonObject();
      if (o == null) {
        throw DomainException.badRequest("api.error.json");
      }
      return o;
    } catch (DecodeException | ClassCastException e) {
      throw DomainException.badRequest("api.error.json");
    }
  }

  /** A text field, cleaned as multi-line text ({@link CleanText#body}) like the forms' fields; null when absent. */
  static String string(JsonObject o, String field) {
    Object v = o.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw DomainException.badRequest("api.error.field", field);
    }
    return CleanText.body((String) v);
  }

  /** The optional {@code language} of a post (english, french, german, spanish, italian, simple); absent: the member's locale. */
  private static TextLanguage language(JsonObject o, Member me) {
    String code = string(o, "language");
    if (code == null) {
      return TextLanguage.ofTag(me.locale());
    }
    return TextLanguage.ofCode(code).orElseThrow(() -> DomainException.badRequest("api.error.field", "language"));
  }

  /** A JSON number without a fractional part: 3, not 3.5. */
  static boolean integral(Object v) {
    return v instanceof Integer || v instanceof Long
        || v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue());
  }

  static String time(Instant i) {
    return i == null ? null : i.toString();
  }

  static JsonObject group(WorkingGroup g) {
    return new JsonObject().put("slug", g.slug()).put("name", g.name()).put("purpose", g.purpose())
        .put("visibility", g.closed() ? "closed" : "public").put("joinPolicy", g.openJoin() ? "open" : "request")
        .put("archived", g.archived()).put("memberCount", g.memberCount()).put("threadCount", g.threadCount())
        .put("role", g.viewerRole()).put("url", "/groups/" + g.slug());
  }

  static JsonObject summary(ThreadSummary t) {
    return new JsonObject().put("id", t.id()).put("title", t.title()).put("author", t.authorName())
        .put("createdAt", time(t.createdAt())).put("lastActivityAt", time(t.lastActivityAt()))
        .put("postCount", t.postCount()).put("lastPoster", t.lastPosterName()).put("pinned", t.pinned())
        .put("locked", t.locked()).put("unread", t.unreadCount()).put("url", "/threads/" + t.id());
  }

  static JsonObject thread(ForumThread t, WorkingGroup g) {
    return new JsonObject().put("id", t.id()).put("group", g.slug()).put("title", t.title()).put("author", t.authorName())
        .put("createdAt", time(t.createdAt())).put("lastActivityAt", time(t.lastActivityAt())).put("pinned", t.pinned())
        .put("locked", t.locked()).put("postCount", t.postCount()).put("pages", t.pages()).put("url", "/threads/" + t.id());
  }

  static JsonObject post(Post p, Optional<Member> viewer, WorkingGroup g) {
    boolean show = !p.deleted() || PostPolicy.canSeeDeleted(viewer, g);
    JsonArray reactions = new JsonArray();
    p.reactions().forEach(r -> reactions.add(new JsonObject().put("kind", r.kind()).put("count", r.count()).put("mine", r.mine())));
    JsonArray files = new JsonArray();
    if (show) {
      p.attachments().forEach(a -> files.add(new JsonObject().put("id", a.id()).put("name", a.fileName())
          .put("contentType", a.contentType()).put("size", a.sizeBytes())
          .put("url", a.url())));
    }
    JsonObject json = new JsonObject().put("id", p.id()).put("threadId", p.threadId()).put("position", Math.max(0, p.position()));
    if (p.held()) {
      json.put("held", p.heldReason());
    }
    return json
        .put("author", new JsonObject().put("name", p.authorName()).put("handle", p.authorHandle()))
        .put("replyTo", p.replyToPostId()).put("revision", p.revision())
        .put("createdAt", time(p.createdAt())).put("editedAt", time(p.editedAt())).put("deleted", p.deleted())
        .put("bodyMarkdown", show ? p.bodyMarkdown() : null).put("bodyHtml", show ? p.bodyHtml() : null)
        .put("reactions", reactions).put("attachments", files).put("url", "/posts/" + p.id());
  }

  private void openApi(RoutingContext ctx) {
    ctx.vertx().fileSystem().readFile("openapi/agora-v1.json")
        .onSuccess(b -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "public, max-age=3600").end(b))
        .onFailure(ctx::fail);
  }

  private void listGroups(RoutingContext ctx) {
    groups.visibleTo(viewer(ctx))
        .map(list -> new JsonObject().put("groups", new JsonArray(list.stream().map(ApiRoutes::group).toList())))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void getGroup(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .map(ApiRoutes::group)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void listThreads(RoutingContext ctx) {
    int page = Forms.page(ctx);
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(g -> threads.list(g, viewer(ctx), page).map(list -> new JsonObject()
            .put("group", g.slug()).put("page", page).put("pages", threads.groupPages(g))
            .put("threads", new JsonArray(list.stream().map(ApiRoutes::summary).toList()))))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void createThread(RoutingContext ctx) {
    Member me = member(ctx);
    String key = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String title = CleanText.line(string(in, "title"));
    String text = string(in, "body");
    TextLanguage language = language(in, me);
    String slug = ctx.pathParam("slug");
    idempotency.once(me, key, "POST /api/v1/groups/" + slug + "/threads", in, () -> groups.find(slug, viewer(ctx))
            .compose(g -> threads.createThread(g, me, title, text, Idempotency.serviceToken(key), List.of(), language))
            .compose(id -> threads.page(id, viewer(ctx), 1))
            .map(p -> Idempotency.Answer.created("/api/v1/threads/" + p.thread().id(),
                thread(p.thread(), p.group()).put("posts",
                    new JsonArray(p.posts().stream().map(x -> post(x, viewer(ctx), p.group())).toList())))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  /** Sends an answer made now or replayed for a retried Idempotency-Key. */
  static void send(RoutingContext ctx, Idempotency.Answer answer) {
    if (answer.location() != null) {
      ctx.response().putHeader("Location", answer.location());
    }
    if (answer.replayed()) {
      ctx.response().putHeader("Idempotent-Replayed", "true");
    }
    ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(answer.body());
  }

  /** Fails the request; a key still held by another request says when to come back. */
  static void failed(RoutingContext ctx, Throwable e) {
    if (e instanceof DomainException d && "api.error.idempotency.inFlight".equals(d.messageKey())) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.fail(e);
  }

  private void mentions(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(g -> threads.mentionSuggestions(g, ctx.request().getParam("q")))
        .map(list -> new JsonObject().put("members", new JsonArray(list.stream()
            .map(m -> suggestion(ctx, m)).toList())))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** A mention suggestion: handle and name, with affiliation and stakeholder type when the member gave them. */
  private JsonObject suggestion(RoutingContext ctx, eu.mhealthhub.agora.thread.MentionSuggestion m) {
    JsonObject o = new JsonObject().put("handle", m.handle()).put("name", m.displayName());
    if (m.affiliation() != null) {
      o.put("affiliation", m.affiliation());
    }
    eu.mhealthhub.agora.StakeholderType.of(m.stakeholderType()).ifPresent(t -> {
      o.put("stakeholderType", t.code());
      if (i18n != null) {
        o.put("stakeholder", i18n.message(Viewer.of(ctx).locale(), t.label()));
      }
    });
    return o;
  }

  private void getThread(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    int page = Forms.page(ctx);
    threads.page(id, viewer(ctx), page)
        .map(p -> thread(p.thread(), p.group()).put("page", p.page()).put("posts",
            new JsonArray(p.posts().stream().map(x -> post(x, viewer(ctx), p.group())).toList())))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void reply(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    String key = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String text = string(in, "body");
    Object replyTo = in.getValue("replyTo");
    if (replyTo != null && !integral(replyTo)) {
      throw DomainException.badRequest("api.error.field", "replyTo");
    }
    Long target = replyTo == null ? null : ((Number) replyTo).longValue();
    TextLanguage language = language(in, me);
    idempotency.once(me, key, "POST /api/v1/threads/" + id + "/posts", in, () ->
            threads.reply(id, me, text, target, Idempotency.serviceToken(key), List.of(), language)
                .compose(postId -> threads.post(postId, viewer(ctx)))
                .map(at -> Idempotency.Answer.created("/api/v1/posts/" + at.post().id(),
                    post(at.post(), viewer(ctx), at.group()))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void getPost(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    threads.post(id, viewer(ctx))
        .map(at -> post(at.post(), viewer(ctx), at.group()))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void editPost(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    JsonObject in = body(ctx);
    Object revision = in.getValue("revision");
    if (!integral(revision)) {
      throw DomainException.badRequest("api.error.field", "revision");
    }
    threads.edit(id, me, string(in, "body"), ((Number) revision).intValue())
        .compose(v -> threads.post(id, viewer(ctx)))
        .map(at -> post(at.post(), viewer(ctx), at.group()))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void deletePost(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    threads.delete(id, me, CleanText.body(ctx.request().getParam("reason")))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  /** Full-text search: the same query, filters, refusals and scope as the /search page. */
  private void search(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    Future.succeededFuture(ctx.queryParams()).map(SearchQuery::parse)
        .compose(query -> search.search(viewer.member(), query, viewer.locale(), viewer.zone()))
        .map(SearchRoutes::json)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void unread(RoutingContext ctx) {
    Member me = member(ctx);
    groups.unreadFor(me).map(rows -> {
      JsonArray list = new JsonArray();
      long total = 0;
      for (UnreadInGroup r : rows) {
        list.add(new JsonObject().put("slug", r.slug()).put("address", "group." + r.groupId())
            .put("unreadThreads", r.threads()));
        total += r.threads();
      }
      return new JsonObject().put("unreadThreads", total).put("groups", list);
    }).onSuccess(o -> json(ctx, 200, o)).onFailure(ctx::fail);
  }

  private void reactions(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    threads.whoReacted(id, viewer(ctx)).map(rows -> {
      JsonArray kinds = new JsonArray();
      for (Reactions.Kind k : Reactions.KINDS) {
        List<String> names = rows.stream().filter(r -> r.kind().equals(k.name())).map(r -> r.displayName()).toList();
        kinds.add(new JsonObject().put("kind", k.name()).put("symbol", k.symbol()).put("count", names.size())
            .put("members", new JsonArray(names)));
      }
      return new JsonObject().put("postId", id).put("reactions", kinds);
    }).onSuccess(o -> json(ctx, 200, o)).onFailure(ctx::fail);
  }

  private void react(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    String kind = string(body(ctx), "kind");
    threads.toggleReaction(id, me, kind)
        .onSuccess(active -> json(ctx, 200, new JsonObject().put("postId", id).put("kind", kind).put("active", active)))
        .onFailure(ctx::fail);
  }
}
