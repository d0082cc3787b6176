package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiRoutes.body;
import static eu.mhealthhub.agora.api.ApiRoutes.failed;
import static eu.mhealthhub.agora.api.ApiRoutes.integral;
import static eu.mhealthhub.agora.api.ApiRoutes.json;
import static eu.mhealthhub.agora.api.ApiRoutes.member;
import static eu.mhealthhub.agora.api.ApiRoutes.send;
import static eu.mhealthhub.agora.api.ApiRoutes.string;
import static eu.mhealthhub.agora.api.ApiRoutes.time;
import static eu.mhealthhub.agora.api.ApiRoutes.viewer;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.talk.Question;
import eu.mhealthhub.agora.talk.RoomForms;
import eu.mhealthhub.agora.talk.Talk;
import eu.mhealthhub.agora.talk.TalkPolicy;
import eu.mhealthhub.agora.talk.TalkRegistrations;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.talk.TalkService.Room;
import eu.mhealthhub.agora.talk.TalkViews;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;

/**
 * The JSON API of Talks: the programme, one Talk and its room's questions, through the same
 * {@link TalkService} and {@link TalkPolicy} as the pages. Talks are public; who asked an
 * anonymous question is shown only where the page shows it. Every POST accepts an
 * {@code Idempotency-Key}. Registration goes through the same {@link TalkRegistrations} as the
 * pages: one click for a member, the same capacity and waiting list, the list for the moderators.
 *
 * <pre>
 * GET    /api/v1/talks                                   the programme: upcoming and past Talks
 * GET    /api/v1/talks/:slug                             one Talk with its room's state
 * GET    /api/v1/talks/:slug/questions?sort=votes|newest the questions the caller may see
 * POST   /api/v1/talks/:slug/questions                   ask {body, anonymous}
 * GET    /api/v1/talks/:slug/questions/:qid              one question, if the caller may see it
 * PUT    /api/v1/talks/:slug/questions/:qid/vote         vote for a question
 * DELETE /api/v1/talks/:slug/questions/:qid/vote         take the vote back
 * POST   /api/v1/talks/:slug/questions/:qid/moderation   a moderator: {action: approve|hide|pin|unpin|answer|merge, answer, into}
 * GET    /api/v1/talks/:slug/registration                the caller's own registration, with the waiting-list place
 * PUT    /api/v1/talks/:slug/registration                register in one click (twice changes nothing)
 * DELETE /api/v1/talks/:slug/registration                cancel it (the waiting list moves up)
 * GET    /api/v1/talks/:slug/registrations               the Talk's moderators: the registration list and figures
 * </pre>
 */
public final class TalkApi {

  /** Talks in each half of the programme, as on the /talks page. */
  static final int PROGRAMME = 50;

  private final TalkService talks;
  private final Idempotency idempotency;
  private final I18n i18n;

  public TalkApi(TalkService talks, Idempotency idempotency, I18n i18n) {
    this.talks = talks;
    this.idempotency = idempotency;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/api/v1/talks").handler(this::programme);
    router.get("/api/v1/talks/:slug").handler(this::talk);
    router.get("/api/v1/talks/:slug/questions").handler(this::questions);
    router.post("/api/v1/talks/:slug/questions").handler(this::ask);
    router.get("/api/v1/talks/:slug/questions/:qid").handler(this::oneQuestion);
    router.put("/api/v1/talks/:slug/questions/:qid/vote").handler(ctx -> vote(ctx, true));
    router.delete("/api/v1/talks/:slug/questions/:qid/vote").handler(ctx -> vote(ctx, false));
    router.post("/api/v1/talks/:slug/questions/:qid/moderation").handler(this::moderate);
    router.get("/api/v1/talks/:slug/registration").handler(this::myRegistration);
    router.put("/api/v1/talks/:slug/registration").handler(this::register);
    router.delete("/api/v1/talks/:slug/registration").handler(this::cancelRegistration);
    router.get("/api/v1/talks/:slug/registrations").handler(this::registrations);
  }

  // ---- JSON shapes

  static JsonObject summary(Talk t) {
    return new JsonObject().put("slug", t.slug()).put("title", t.title()).put("description", t.description())
        .put("startsAt", time(t.startsAt())).put("endsAt", time(t.endsAt()))
        .put("speakers", new JsonArray(t.speakers().stream().map(s -> new JsonObject().put("name", s.name())
            .put("affiliation", s.affiliation())).toList()))
        .put("room", t.roomState().value()).put("slidesUrl", t.slidesUrl()).put("recordingUrl", t.recordingUrl())
        .put("url", "/talks/" + t.slug());
  }

  /** The Talk as the caller sees it: only the groups and follow-up threads they may read. */
  static JsonObject talk(Room room, Optional<Member> viewer) {
    Talk t = room.talk();
    return summary(t).put("summary", t.summary()).put("closedAt", time(t.closedAt()))
        .put("approvalRequired", t.approvalRequired()).put("pinnedQuestionId", t.pinnedQuestionId())
        .put("groups", new JsonArray(room.groups().stream().map(g -> new JsonObject().put("slug", g.slug())
            .put("name", g.name())).toList()))
        .put("followups", new JsonArray(room.followups().stream().map(f -> new JsonObject().put("group", f.group().slug())
            .put("threadId", f.threadId()).put("url", "/threads/" + f.threadId())).toList()))
        .put("can", new JsonObject().put("takePart", TalkPolicy.canTakePart(viewer, t)).put("moderate", room.moderator()));
  }

  /** A question as the room's list shows it to this caller. */
  static JsonObject question(Room room, Optional<Member> viewer, Question q) {
    Talk t = room.talk();
    boolean author = TalkPolicy.canSeeAuthor(viewer, room.moderator(), q);
    return new JsonObject().put("id", q.id())
        .put("body", TalkPolicy.canReadText(viewer, room.moderator(), q) ? q.body() : null)
        .put("anonymous", q.anonymous())
        .put("author", author ? new JsonObject().put("name", q.authorName()).put("handle", q.authorHandle()) : null)
        .put("status", q.status()).put("held", q.held()).put("votes", q.votes()).put("voted", q.viewerVoted())
        .put("pinned", t.pinnedQuestionId() != null && t.pinnedQuestionId() == q.id())
        .put("answer", q.answer()).put("answeredAt", time(q.answeredAt())).put("createdAt", time(q.createdAt()))
        .put("canVote", TalkPolicy.canVote(viewer, t, q))
        .put("url", "/talks/" + t.slug() + "#question-" + q.id());
  }

  // ---- reading

  private void programme(RoutingContext ctx) {
    Future<List<Talk>> upcoming = talks.upcoming(PROGRAMME);
    Future<List<Talk>> past = talks.recent(PROGRAMME);
    Future.all(upcoming, past)
        .map(all -> new JsonObject()
            .put("upcoming", new JsonArray(upcoming.result().stream().map(TalkApi::summary).toList()))
            .put("past", new JsonArray(past.result().stream().map(TalkApi::summary).toList())))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void talk(RoutingContext ctx) {
    talks.room(ctx.pathParam("slug"), viewer(ctx))
        .map(room -> talk(room, viewer(ctx)))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** {@code ?sort=newest} or votes (the default); anything else is a 400. */
  private static boolean newest(RoutingContext ctx) {
    String sort = ctx.request().getParam("sort");
    if (sort == null || "votes".equals(sort)) {
      return false;
    }
    if ("newest".equals(sort)) {
      return true;
    }
    throw DomainException.badRequest("api.error.field", "sort");
  }

  private void questions(RoutingContext ctx) {
    boolean newest = newest(ctx);
    Optional<Member> viewer = viewer(ctx);
    talks.room(ctx.pathParam("slug"), viewer)
        .compose(room -> talks.questions(room, viewer, newest).map(list -> new JsonObject().put("talk", room.talk().slug())
            .put("sort", newest ? "newest" : "votes")
            .put("questions", new JsonArray(list.stream().map(q -> question(room, viewer, q)).toList()))))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** One question as the caller may see it; NOT_FOUND when they may not. */
  private Future<JsonObject> shown(String slug, Optional<Member> viewer, long questionId) {
    return talks.room(slug, viewer).compose(room -> talks.questions(room, viewer, false)
        .map(list -> list.stream().filter(q -> q.id() == questionId).findFirst()
            .map(q -> question(room, viewer, q)).orElseThrow(DomainException::notFound)));
  }

  private void oneQuestion(RoutingContext ctx) {
    long qid = Forms.id(ctx, "qid");
    shown(ctx.pathParam("slug"), viewer(ctx), qid)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  // ---- writing

  private static String request(RoutingContext ctx) {
    return ctx.request().method().name() + " " + ctx.request().path();
  }

  private void ask(RoutingContext ctx) {
    Member me = member(ctx);
    String slug = ctx.pathParam("slug");
    String key = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String text = string(in, "body");
    Object anonymous = in.getValue("anonymous");
    if (anonymous != null && !(anonymous instanceof Boolean)) {
      throw DomainException.badRequest("api.error.field", "anonymous");
    }
    RoomForms.QuestionForm form = new RoomForms.QuestionForm(text == null ? "" : text, Boolean.TRUE.equals(anonymous),
        Idempotency.serviceToken(key));
    TalkService.FollowupTexts texts = TalkViews.followupTexts(i18n.forLocale(Viewer.of(ctx).locale()));
    Optional<Member> viewer = Optional.of(me);
    idempotency.once(me, key, request(ctx), in, () -> talks.ask(slug, me, form, texts).compose(asked -> asked.questionId() != null
            ? shown(slug, viewer, asked.questionId()).map(q -> Idempotency.Answer.created(
                "/api/v1/talks/" + slug + "/questions/" + asked.questionId(),
                new JsonObject().put("question", q).put("postId", null)))
            : Future.succeededFuture(Idempotency.Answer.created("/api/v1/posts/" + asked.postId(),
                new JsonObject().put("question", null).put("postId", asked.postId())))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void vote(RoutingContext ctx, boolean up) {
    Member me = member(ctx);
    String slug = ctx.pathParam("slug");
    long qid = Forms.id(ctx, "qid");
    talks.vote(slug, qid, me, new RoomForms.VoteForm(String.valueOf(up)))
        .map(voted -> new JsonObject().put("questionId", qid).put("votes", voted.votes()).put("voted", up))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void moderate(RoutingContext ctx) {
    Member me = member(ctx);
    String slug = ctx.pathParam("slug");
    long qid = Forms.id(ctx, "qid");
    String key = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String actionName = string(in, "action");
    TalkService.Action action;
    try {
      action = actionName == null ? null : TalkService.Action.valueOf(actionName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      action = null;
    }
    if (action == null || !actionName.equals(actionName.toLowerCase(Locale.ROOT))) {
      throw DomainException.badRequest("api.error.field", "action");
    }
    String answer = string(in, "answer");
    Object into = in.getValue("into");
    if (into != null && !integral(into)) {
      throw DomainException.badRequest("api.error.field", "into");
    }
    RoomForms.ModerationForm form = new RoomForms.ModerationForm(qid, action,
        action == TalkService.Action.ANSWER && answer != null ? answer.strip() : "",
        action == TalkService.Action.MERGE && into != null ? ((Number) into).longValue() : null);
    long shownId = form.into() == null ? qid : form.into();
    Optional<Member> viewer = Optional.of(me);
    idempotency.once(me, key, request(ctx), in, () -> talks.moderate(slug, me, form)
            .compose(v -> shown(slug, viewer, shownId))
            .map(q -> new Idempotency.Answer(200, null, q.encode(), false)))
        .onSuccess(a -> send(ctx, a))
        .onFailure(e -> failed(ctx, e));
  }

  // ---- registration

  /** A status as the API names it: none, registered, waiting or cancelled. */
  private static String status(Optional<TalkRegistrations.Status> status) {
    return status.map(st -> st.name().toLowerCase(Locale.ROOT)).orElse("none");
  }

  static JsonObject registration(TalkRegistrations.Own own) {
    return new JsonObject().put("talk", own.talk().slug()).put("status", status(own.status()))
        .put("position", own.position()).put("open", own.open()).put("url", "/talks/" + own.talk().slug() + "#registration");
  }

  private void myRegistration(RoutingContext ctx) {
    Member me = member(ctx);
    talks.registrations().own(ctx.pathParam("slug"), me)
        .map(TalkApi::registration)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** Registers the caller as the Talk's page does; a second PUT changes nothing and mails nothing. */
  private void register(RoutingContext ctx) {
    Member me = member(ctx);
    Viewer viewer = Viewer.of(ctx);
    String slug = ctx.pathParam("slug");
    TalkRegistrations registrations = talks.registrations();
    registrations.registerMember(slug, me, viewer.locale(), viewer.zone())
        .compose(status -> registrations.own(slug, me))
        .map(TalkApi::registration)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** Cancels the caller's registration as the page's button does; none to cancel changes nothing. */
  private void cancelRegistration(RoutingContext ctx) {
    Member me = member(ctx);
    String slug = ctx.pathParam("slug");
    TalkRegistrations registrations = talks.registrations();
    registrations.cancelMine(slug, me)
        .compose(v -> registrations.own(slug, me))
        .map(TalkApi::registration)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** The moderators' list, as on /talks/:slug/registrations (not paged there either); 403 for anyone else. */
  private void registrations(RoutingContext ctx) {
    Member me = member(ctx);
    talks.room(ctx.pathParam("slug"), Optional.of(me))
        .compose(talks.registrations()::overview)
        .map(TalkApi::registrations)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  static JsonObject registrations(TalkRegistrations.Overview o) {
    List<JsonObject> list = new ArrayList<>();
    long waiting = 0;
    for (TalkRegistrations.Registration r : o.registrations()) {
      // the list comes in the order places are given: the waiting ones by their place
      Long position = r.waiting() ? ++waiting : null;
      list.add(new JsonObject().put("id", r.id()).put("name", r.name()).put("email", r.email()).put("member", r.member())
          .put("status", r.status().name().toLowerCase(Locale.ROOT)).put("position", position)
          .put("createdAt", time(r.createdAt())).put("statusAt", time(r.statusAt())));
    }
    return new JsonObject().put("talk", o.talk().slug()).put("capacity", o.capacity())
        .put("registered", o.registered()).put("waiting", o.waiting()).put("cancelled", o.cancelled())
        .put("participants", o.participants()).put("questions", o.questions())
        .put("registrations", new JsonArray(list));
  }
}
