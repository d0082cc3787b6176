package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Talks and their live rooms. Every action is a form that works without JavaScript (POST, then a
 * 303 back to the page); the room's script sends the same forms with {@code Accept:
 * application/json} and gets {@code {"ok": true}} or the JSON error instead, and refreshes the
 * room's lists from the fragments below when {@code talk.<id>} announces a change.
 *
 * <pre>
 * GET  /talks                               upcoming and past Talks
 * GET  /talks.ics                           iCalendar feed of upcoming Talks
 * GET  /talks/new, POST /talks              create a Talk (admins, group moderators)
 * GET  /talks/:slug                         the Talk and its room
 * GET  /talks/:slug/calendar.ics            the Talk as an iCalendar event
 * GET  /talks/:slug/edit, POST …/edit       edit it (its moderators)
 * GET  /talks/:slug/room/messages?after=    fragment: messages after an id
 * GET  /talks/:slug/room/questions?sort=    fragment: the question list for this viewer
 * GET  /talks/:slug/presenter               projection view
 * GET  /talks/:slug/presenter/questions     fragment of it
 * POST /talks/:slug/messages                body, clientToken
 * POST /talks/:slug/messages/:id/hide       a moderator hides a message
 * POST /talks/:slug/questions               body, anonymous, clientToken (after close: to the follow-up thread)
 * POST /talks/:slug/questions/:id/vote      up=true|false
 * GET  /talks/:slug/questions/:id/merge?q=  a moderator chooses the question to merge it into
 * POST /talks/:slug/questions/:id/moderate  action=approve|hide|pin|unpin|answer|merge, answer, into
 * POST /talks/:slug/room                    setting=open|approval-on|approval-off
 * GET  /talks/:slug/close, POST …/close     summary, group (repeated)
 * </pre>
 */
public final class TalkRoutes {

  private final Pages pages;
  private final TalkService talks;
  private final I18n i18n;
  private final Clock clock;
  private final String publicUrl;

  public TalkRoutes(Pages pages, TalkService talks, I18n i18n, Clock clock, String publicUrl) {
    this.pages = pages;
    this.talks = talks;
    this.i18n = i18n;
    this.clock = clock;
    this.publicUrl = publicUrl;
  }

  public void mount(Router router) {
    router.get("/talks").handler(this::list);
    router.get("/talks.ics").handler(this::feed);
    router.get("/talks/new").handler(this::newForm);
    router.post("/talks").handler(this::create);
    router.get("/talks/:slug").handler(this::show);
    router.get("/talks/:slug/calendar.ics").handler(this::calendar);
    router.get("/talks/:slug/edit").handler(this::editForm);
    router.post("/talks/:slug/edit").handler(this::update);
    router.get("/talks/:slug/room/messages").handler(this::messagesFragment);
    router.get("/talks/:slug/room/questions").handler(this::questionsFragment);
    router.get("/talks/:slug/presenter").handler(this::presenter);
    router.get("/talks/:slug/presenter/questions").handler(this::presenterFragment);
    router.post("/talks/:slug/messages").handler(this::postMessage);
    router.post("/talks/:slug/messages/:id/hide").handler(this::hideMessage);
    router.post("/talks/:slug/questions").handler(this::ask);
    router.post("/talks/:slug/questions/:id/vote").handler(this::vote);
    router.get("/talks/:slug/questions/:id/merge").handler(this::mergeForm);
    router.post("/talks/:slug/questions/:id/moderate").handler(this::moderate);
    router.post("/talks/:slug/room").handler(this::configure);
    router.get("/talks/:slug/close").handler(this::closeForm);
    router.post("/talks/:slug/close").handler(this::close);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  private static String slug(RoutingContext ctx) {
    return ctx.pathParam("slug");
  }

  /** A form field as typed, cleaned as multi-line text ({@link CleanText#body}); null when absent. */
  private static String field(RoutingContext ctx, String name) {
    return CleanText.body(ctx.request().getFormAttribute(name));
  }

  /** Script requests want a small JSON answer; forms want to see the page again. */
  private static boolean script(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("application/json") && !accept.contains("text/html");
  }

  private static void done(RoutingContext ctx, String location, JsonObject extra) {
    if (script(ctx)) {
      ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
          .end(extra.put("ok", true).encode());
    } else {
      Forms.redirect(ctx, location);
    }
  }

  private static boolean newest(RoutingContext ctx) {
    return "newest".equals(ctx.request().getParam("sort"));
  }

  /** The room, in the order the form was sent from: a {@code sort} field, or {@code ?sort=} on the form's address. */
  private static String roomPath(RoutingContext ctx, String anchor) {
    String sort = ctx.request().getFormAttribute("sort");
    if (sort == null) {
      sort = ctx.request().getParam("sort");
    }
    return "/talks/" + slug(ctx) + ("newest".equals(sort) ? "?sort=newest" : "") + anchor;
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private TalkService.FollowupTexts texts(RoutingContext ctx) {
    I18n.Messages m = messages(ctx);
    return new TalkService.FollowupTexts(title -> m.get("talk.followup.title", title),
        (title, path) -> m.get("talk.followup.intro", title, path), votes -> m.get("talk.followup.votes", votes),
        m.get("talk.followup.anonymous"), m.get("talk.followup.late"));
  }

  // ---------------------------------------------------------------- reading

  private void list(RoutingContext ctx) {
    var upcoming = talks.upcoming(50);
    var past = talks.recent(50);
    var groups = talks.groupsFor(viewer(ctx));
    Future.all(upcoming, past, groups)
        .map(all -> Map.<String, Object>of("upcoming", upcoming.result(), "past", past.result(),
            "canCreate", TalkPolicy.canCreate(viewer(ctx), groups.result())))
        .onSuccess(model -> pages.render(ctx, "talk/list", model))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    renderRoom(ctx, 200, Map.of());
  }

  /** The Talk page with its room; {@code extra} carries a form's problems and input back. */
  private void renderRoom(RoutingContext ctx, int status, Map<String, Object> extra) {
    Optional<Member> viewer = viewer(ctx);
    boolean newest = newest(ctx) || "newest".equals(ctx.request().getFormAttribute("sort"));
    talks.room(slug(ctx), viewer).compose(room -> Future.all(talks.questions(room, viewer, newest),
            talks.messages(room.talk(), 0))
        .map(all -> {
          Map<String, Object> model = new HashMap<>(roomModel(ctx, room, all.resultAt(0), newest));
          model.put("messages", all.resultAt(1));
          model.put("groups", room.groups());
          model.put("followups", room.followups());
          model.put("clientToken", Tokens.random(16));
          model.putAll(extra);
          return model;
        }))
        .onSuccess(model -> pages.render(ctx, status, "talk/show", model))
        .onFailure(ctx::fail);
  }

  /** What the room's question list needs, for the page and for its fragment. */
  private Map<String, Object> roomModel(RoutingContext ctx, TalkService.Room room, List<Question> questions, boolean newest) {
    Optional<Member> viewer = viewer(ctx);
    Talk talk = room.talk();
    List<Map<String, Object>> shown = new ArrayList<>();
    // the target is chosen on a page of its own: a menu of every other question on every question
    // made a moderator's page grow with the square of the questions
    long targets = questions.stream().filter(TalkService::mergeTarget).count();
    for (Question q : questions) {
      Map<String, Object> m = new HashMap<>();
      m.put("id", q.id());
      m.put("slug", talk.slug());
      m.put("sortQuery", newest ? "?sort=newest" : "");
      m.put("body", q.body());
      m.put("author", TalkPolicy.canSeeAuthor(viewer, room.moderator(), q) ? q.authorName() : null);
      m.put("anonymous", q.anonymous());
      m.put("votes", q.votes());
      m.put("voted", q.viewerVoted());
      m.put("pending", q.pending());
      m.put("hidden", q.hidden());
      m.put("answered", q.answered());
      m.put("answer", q.answer());
      m.put("pinned", talk.pinnedQuestionId() != null && talk.pinnedQuestionId() == q.id());
      m.put("canVote", TalkPolicy.canVote(viewer, talk, q));
      m.put("moderate", room.moderator() && !talk.roomClosed());
      m.put("canMerge", targets - (TalkService.mergeTarget(q) ? 1 : 0) > 0);
      shown.add(m);
    }
    Map<String, Object> model = new HashMap<>();
    model.put("talk", talk);
    model.put("questions", shown);
    model.put("moderator", room.moderator());
    model.put("newest", newest);
    model.put("sortParam", newest ? "newest" : "votes");
    model.put("signedIn", viewer.isPresent());
    model.put("canTakePart", TalkPolicy.canTakePart(viewer, talk));
    model.put("lateQuestions", talk.roomClosed()
        && room.followups().stream().anyMatch(f -> GroupPolicy.canPost(viewer, f.group())));
    model.put("lateJoin", talk.roomClosed() && viewer.isPresent() && !room.followups().isEmpty()
        && room.followups().stream().noneMatch(f -> GroupPolicy.canPost(viewer, f.group())));
    return model;
  }

  private void messagesFragment(RoutingContext ctx) {
    long after;
    try {
      after = Long.parseLong(ctx.request().getParam("after", "0"));
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.badRequest("live.error.after"));
      return;
    }
    talks.room(slug(ctx), viewer(ctx)).compose(room -> talks.messages(room.talk(), after)
            .map(list -> Map.<String, Object>of("messages", list, "talk", room.talk(), "moderator", room.moderator())))
        .onSuccess(model -> pages.render(ctx, "talk/messages", model))
        .onFailure(ctx::fail);
  }

  private void questionsFragment(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    boolean newest = newest(ctx);
    talks.room(slug(ctx), viewer)
        .compose(room -> talks.questions(room, viewer, newest).map(list -> roomModel(ctx, room, list, newest)))
        .onSuccess(model -> pages.render(ctx, "talk/questions", model))
        .onFailure(ctx::fail);
  }

  private void presenter(RoutingContext ctx) {
    presenterModel(ctx).onSuccess(model -> pages.render(ctx, "talk/presenter", model)).onFailure(ctx::fail);
  }

  private void presenterFragment(RoutingContext ctx) {
    presenterModel(ctx).onSuccess(model -> pages.render(ctx, "talk/presenter-questions", model)).onFailure(ctx::fail);
  }

  /** Visible questions only, never an anonymous author, whoever looks: it is projected in the hall. */
  private Future<Map<String, Object>> presenterModel(RoutingContext ctx) {
    return talks.find(slug(ctx)).compose(talk -> talks.presenterQuestions(talk).map(list -> {
      Question pinned = list.stream().filter(q -> talk.pinnedQuestionId() != null && q.id() == talk.pinnedQuestionId())
          .findFirst().orElse(null);
      List<Map<String, Object>> top = list.stream().filter(q -> q != pinned).limit(TalkService.PRESENTER_TOP)
          .map(TalkRoutes::presented).toList();
      Map<String, Object> model = new HashMap<>();
      model.put("talk", talk);
      model.put("pinned", pinned == null ? null : presented(pinned));
      model.put("top", top);
      return model;
    }));
  }

  private static Map<String, Object> presented(Question q) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", q.id());
    m.put("body", q.body());
    m.put("author", q.anonymous() ? null : q.authorName());
    m.put("votes", q.votes());
    return m;
  }

  private void calendar(RoutingContext ctx) {
    talks.find(slug(ctx))
        .map(talk -> Map.entry(ICalendar.of(List.of(talk), publicUrl, clock.instant(), null), talk.slug() + ".ics"))
        .onSuccess(file -> sendCalendar(ctx, file.getKey(), file.getValue()))
        .onFailure(ctx::fail);
  }

  private void feed(RoutingContext ctx) {
    talks.upcoming(200)
        .map(list -> ICalendar.of(list, publicUrl, clock.instant(), messages(ctx).get("talk.feed.name")))
        .onSuccess(body -> sendCalendar(ctx, body, "talks.ics"))
        .onFailure(ctx::fail);
  }

  private static void sendCalendar(RoutingContext ctx, String body, String fileName) {
    ctx.response().putHeader("Content-Type", "text/calendar; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
        .putHeader("Cache-Control", "no-cache")
        .end(body);
  }

  // ---------------------------------------------------------------- taking part

  private void postMessage(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    String body = field(ctx, "body");
    String problem = TalkService.messageProblem(body);
    if (problem != null && !script(ctx)) {
      renderRoom(ctx, 400, Map.of("messageProblem", problem, "messageBody", body == null ? "" : body,
          "hasProblems", true, "problems", Map.of("message-body", problem)));
      return;
    }
    talks.postMessage(slug(ctx), Viewer.of(ctx).member().orElseThrow(), body, field(ctx, "clientToken"))
        .onSuccess(sent -> done(ctx, roomPath(ctx, "#message-" + sent.id()),
            new JsonObject().put("id", sent.id()).put("seq", sent.seq())))
        .onFailure(ctx::fail);
  }

  private void hideMessage(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    talks.hideMessage(slug(ctx), id, Viewer.of(ctx).member().orElseThrow())
        .onSuccess(v -> done(ctx, "/talks/" + slug(ctx) + "#chat-heading", new JsonObject()))
        .onFailure(ctx::fail);
  }

  private void ask(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    String body = field(ctx, "body");
    String problem = TalkService.questionProblem(body);
    if (problem != null && !script(ctx)) {
      renderRoom(ctx, 400, Map.of("questionBody", body == null ? "" : body, "questionProblem", problem,
          "hasProblems", true, "problems", Map.of("question-body", problem)));
      return;
    }
    boolean anonymous = "true".equals(field(ctx, "anonymous")) || "on".equals(field(ctx, "anonymous"));
    talks.ask(slug(ctx), Viewer.of(ctx).member().orElseThrow(), body, anonymous, field(ctx, "clientToken"), texts(ctx))
        .map(asked -> asked.postId() != null
            ? Map.entry("/posts/" + asked.postId(), new JsonObject().put("postId", asked.postId()))
            : Map.entry(roomPath(ctx, "#question-" + asked.questionId()), new JsonObject().put("id", asked.questionId())))
        .onSuccess(answer -> done(ctx, answer.getKey(), answer.getValue()))
        .onFailure(ctx::fail);
  }

  private void vote(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    String up = field(ctx, "up");
    if (!"true".equals(up) && !"false".equals(up)) {
      ctx.fail(DomainException.badRequest("talk.question.error.vote"));
      return;
    }
    talks.vote(slug(ctx), id, Viewer.of(ctx).member().orElseThrow(), Boolean.parseBoolean(up))
        .onSuccess(voted -> done(ctx, roomPath(ctx, "#question-" + id),
            new JsonObject().put("votes", voted.votes()).put("seq", voted.seq())))
        .onFailure(ctx::fail);
  }

  /** The second step of a merge: the questions this one may be merged into, found by their text. */
  private void mergeForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    String query = ctx.request().getParam("q", "");
    boolean newest = newest(ctx);
    talks.mergeChoices(slug(ctx), id, Viewer.of(ctx).member().orElseThrow(), query)
        .map(choices -> Map.<String, Object>of("choices", choices, "sortParam", newest ? "newest" : "votes",
            "roomPath", "/talks/" + choices.talk().slug() + (newest ? "?sort=newest" : "")))
        .onSuccess(model -> pages.render(ctx, "talk/merge", model))
        .onFailure(ctx::fail);
  }

  private void moderate(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    TalkService.Action action;
    Long into = null;
    try {
      action = TalkService.Action.valueOf(String.valueOf(field(ctx, "action")).toUpperCase(java.util.Locale.ROOT));
      if (action == TalkService.Action.MERGE) {
        into = Long.parseLong(String.valueOf(field(ctx, "into")));
      }
    } catch (IllegalArgumentException e) {
      ctx.fail(DomainException.badRequest(e instanceof NumberFormatException
          ? "talk.question.error.mergeTarget" : "talk.question.error.action"));
      return;
    }
    // after a merge the duplicate is gone from the list: back to the question that took its votes
    String anchor = "#question-" + (into == null ? id : into);
    // one form holds several actions: only "answer" reads the answer field
    String answer = action == TalkService.Action.ANSWER ? field(ctx, "answer") : null;
    talks.moderate(slug(ctx), id, Viewer.of(ctx).member().orElseThrow(), action, answer, into)
        .onSuccess(v -> done(ctx, roomPath(ctx, anchor), new JsonObject()))
        .onFailure(ctx::fail);
  }

  private void configure(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    TalkService.Setting setting;
    switch (String.valueOf(field(ctx, "setting"))) {
      case "open" -> setting = TalkService.Setting.OPEN;
      case "approval-on" -> setting = TalkService.Setting.APPROVAL_ON;
      case "approval-off" -> setting = TalkService.Setting.APPROVAL_OFF;
      default -> {
        ctx.fail(DomainException.badRequest("talk.room.error.setting"));
        return;
      }
    }
    talks.configure(slug(ctx), Viewer.of(ctx).member().orElseThrow(), setting)
        .onSuccess(v -> done(ctx, "/talks/" + slug(ctx) + "#room", new JsonObject()))
        .onFailure(ctx::fail);
  }

  // ---------------------------------------------------------------- closing

  private void closeForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    renderClose(ctx, 200, "", null, Map.of());
  }

  private void renderClose(RoutingContext ctx, int status, String summary, List<Long> chosen, Map<String, String> problems) {
    talks.room(slug(ctx), viewer(ctx)).compose(room -> {
      if (!room.moderator()) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (!room.talk().roomOpen()) {
        return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT,
            room.talk().roomClosed() ? "talk.room.error.closed" : "talk.room.error.notOpen"));
      }
      List<Map<String, Object>> groups = new ArrayList<>();
      for (WorkingGroup g : room.groups()) {
        groups.add(Map.of("id", g.id(), "name", g.name(), "checked", chosen == null || chosen.contains(g.id())));
      }
      Map<String, Object> model = new HashMap<>();
      model.put("talk", room.talk());
      model.put("groups", groups);
      model.put("summary", summary);
      model.put("problems", problems);
      model.put("hasProblems", !problems.isEmpty());
      return Future.succeededFuture(model);
    }).onSuccess(model -> pages.render(ctx, status, "talk/close", model)).onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    String summary = field(ctx, "summary");
    List<Long> chosen = new ArrayList<>();
    try {
      for (String g : ctx.request().formAttributes().getAll("group")) {
        chosen.add(Long.parseLong(g));
      }
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.badRequest("talk.close.error.groups"));
      return;
    }
    Respond.to(ctx, talks.close(slug(ctx), Viewer.of(ctx).member().orElseThrow(), summary, chosen, texts(ctx))
        .<Runnable>map(threads -> () -> done(ctx, "/talks/" + slug(ctx) + "#followups",
            new JsonObject().put("threads", threads)))
        .recover(e -> {
          if (e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST && !script(ctx)) {
            String fieldName = d.messageKey().startsWith("talk.close.error.summary") ? "summary" : "groups";
            return Respond.sending(() -> renderClose(ctx, 400, summary == null ? "" : summary, chosen,
                Map.of(fieldName, d.messageKey())));
          }
          return Future.failedFuture(e);
        }));
  }

  // ---------------------------------------------------------------- creating and editing

  private void newForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Respond.to(ctx, talks.groupsFor(viewer(ctx))
            .compose(groups -> Respond.ifAllowed(TalkPolicy.canCreate(viewer(ctx), groups), groups)),
        groups -> renderForm(ctx, 200, null, emptyForm(), groups, Map.of()));
  }

  private static TalkForm emptyForm() {
    return new TalkForm("", "", "", "", "", null, null, null, null, "", List.of(), List.of());
  }

  private void renderForm(RoutingContext ctx, int status, Talk talk, TalkForm form, List<WorkingGroup> readable,
      Map<String, String> problems) {
    Optional<Member> viewer = viewer(ctx);
    boolean admin = viewer.map(Member::admin).orElse(false);
    List<Map<String, Object>> groups = new ArrayList<>();
    for (WorkingGroup g : readable) {
      if (admin || g.viewerIsModerator()) {
        groups.add(Map.of("id", g.id(), "name", g.name(), "checked", form.groupIds().contains(g.id())));
      }
    }
    Map<String, Object> model = new HashMap<>();
    model.put("creating", talk == null);
    model.put("talk", talk);
    model.put("form", form);
    model.put("groups", groups);
    model.put("zone", Viewer.of(ctx).zone().getId());
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty());
    pages.render(ctx, status, "talk/form", model);
  }

  private TalkForm readForm(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : List.of("slug", "title", "description", "startsAt", "endsAt", "slidesUrl", "recordingUrl", "speakers")) {
      fields.put(name, f.get(name) == null ? "" : f.get(name));
    }
    List<Long> groupIds = new ArrayList<>();
    for (String g : f.getAll("group")) {
      try {
        groupIds.add(Long.parseLong(g));
      } catch (NumberFormatException e) {
        throw DomainException.badRequest("talk.form.error.groups");
      }
    }
    return TalkForm.parse(fields, groupIds, Viewer.of(ctx).zone());
  }

  private void create(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    TalkForm form = readForm(ctx);
    Respond.to(ctx, talks.groupsFor(viewer(ctx)).compose(groups -> {
      if (!TalkPolicy.canCreate(viewer(ctx), groups)) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = form.problems(true);
      if (!problems.isEmpty()) {
        return Respond.sending(() -> renderForm(ctx, 400, null, form, groups, problems));
      }
      return talks.create(viewer(ctx), form)
          .<Runnable>map(slug -> () -> Forms.redirect(ctx, "/talks/" + slug))
          .recover(e -> formFailure(ctx, e, null, form, groups));
    }));
  }

  private Future<Runnable> formFailure(RoutingContext ctx, Throwable e, Talk talk, TalkForm form, List<WorkingGroup> groups) {
    if (e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT) {
      return Respond.sending(() -> renderForm(ctx, 409, talk, form, groups, Map.of("slug", d.messageKey())));
    } else if (e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST) {
      return Respond.sending(() -> renderForm(ctx, 400, talk, form, groups, Map.of("groups", d.messageKey())));
    }
    return Future.failedFuture(e);
  }

  private void editForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Respond.to(ctx, talks.room(slug(ctx), viewer(ctx)).compose(room -> !room.moderator()
            ? Future.failedFuture(DomainException.forbidden())
            : talks.groupsFor(viewer(ctx)).<Runnable>map(groups -> {
              TalkForm form = TalkForm.of(room.talk(), Viewer.of(ctx).zone());
              return () -> renderForm(ctx, 200, room.talk(), form, groups, Map.of());
            })));
  }

  private void update(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    TalkForm form = readForm(ctx);
    Respond.to(ctx, talks.room(slug(ctx), viewer(ctx)).compose(room -> !room.moderator()
            ? Future.failedFuture(DomainException.forbidden())
            : talks.groupsFor(viewer(ctx)).compose(groups -> {
              Talk talk = room.talk();
              Map<String, String> problems = form.problems(false);
              if (!problems.isEmpty()) {
                return Respond.sending(() -> renderForm(ctx, 400, talk, form, groups, problems));
              }
              return talks.update(talk.slug(), viewer(ctx), form)
                  .<Runnable>map(v -> () -> Forms.redirect(ctx, "/talks/" + talk.slug()))
                  .recover(err -> formFailure(ctx, err, talk, form, groups));
            })));
  }
}
