package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.talk.RoomForms.CloseForm;
import eu.mhealthhub.agora.talk.TalkViews.TalkFormPage;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Talks in HTML: the programme, a Talk's page with its room, the Talk form and the close of the
 * room; the room's actions and fragments are in {@link RoomRoutes}. Each handler reads the request
 * into a form record, asks {@link TalkViews} or {@link TalkService} once and renders or redirects.
 *
 * <pre>
 * GET  /talks                               upcoming and past Talks
 * GET  /talks.ics                           iCalendar feed of upcoming Talks
 * GET  /talks/new, POST /talks              create a Talk (admins, group moderators)
 * GET  /talks/:slug                         the Talk and its room (?sort=newest, ?questions=all)
 * GET  /talks/:slug/calendar.ics            the Talk as an iCalendar event
 * GET  /talks/:slug/edit, POST …/edit       edit it (its moderators)
 * GET  /talks/:slug/close, POST …/close     summary, group (repeated)
 * </pre>
 */
public final class TalkRoutes {

  private final Pages pages;
  private final TalkService talks;
  private final TalkViews views;
  private final I18n i18n;
  private final Clock clock;
  private final String publicUrl;

  public TalkRoutes(Pages pages, TalkService talks, I18n i18n, Clock clock, String publicUrl) {
    this.pages = pages;
    this.talks = talks;
    this.views = new TalkViews(talks);
    this.i18n = i18n;
    this.clock = clock;
    this.publicUrl = publicUrl;
  }

  public void mount(Router router) {
    router.get("/talks").handler(this::list);
    router.get("/talks.ics").handler(this::feed);
    router.get("/talks/new").handler(Forms::members).handler(this::newForm);
    router.post("/talks").handler(Forms::members).handler(this::create);
    router.get("/talks/:slug").handler(this::show);
    router.get("/talks/:slug/calendar.ics").handler(this::calendar);
    router.get("/talks/:slug/edit").handler(Forms::members).handler(this::editForm);
    router.post("/talks/:slug/edit").handler(Forms::members).handler(this::update);
    new RoomRoutes(pages, talks, views, i18n).mount(router);
    router.get("/talks/:slug/close").handler(Forms::members).handler(this::closeForm);
    router.post("/talks/:slug/close").handler(Forms::members).handler(this::close);
  }

  // ---- what the route classes of the package share

  static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  /** The signed-in member, on routes behind {@link Forms#members}. */
  static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  static String slug(RoutingContext ctx) {
    return ctx.pathParam("slug");
  }

  static MultiMap form(RoutingContext ctx) {
    return ctx.request().formAttributes();
  }

  /**
   * Whether the room's questions are asked for newest first: by a form's {@code sort} field, or
   * {@code ?sort=newest} on the page's (or the form's) address.
   */
  static boolean newest(RoutingContext ctx) {
    String sort = ctx.request().getFormAttribute("sort");
    return "newest".equals(sort == null ? ctx.request().getParam("sort") : sort);
  }

  /** Whether every question is asked for ({@code ?questions=all}), not the first {@link TalkService#QUESTIONS_SHOWN}. */
  static boolean allQuestions(RoutingContext ctx) {
    return "all".equals(ctx.request().getParam("questions"));
  }

  static I18n.Messages messages(I18n i18n, RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  /** Renders the page the chain builds, or fails the request with what the chain failed with. */
  static void render(RoutingContext ctx, Pages pages, String template, Future<? extends Record> page) {
    page.map(ViewModel::of).onSuccess(model -> pages.render(ctx, template, model)).onFailure(ctx::fail);
  }

  // ---- reading

  private void list(RoutingContext ctx) {
    render(ctx, pages, "talk/list", views.programme(viewer(ctx), Viewer.of(ctx).zone(), Forms.page(ctx)));
  }

  /** What the Talk page shows of registration: whether it is open, and the member's own. */
  public record RegistrationBox(boolean open, boolean member, boolean registered, boolean waiting) {}

  private void show(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    TalkRegistrations registrations = talks.registrations();
    // the viewer's registration is read with the room's parts, in the same round trip (issue 18)
    views.room(slug(ctx), viewer, newest(ctx), allQuestions(ctx), t -> registrations == null
        ? Future.succeededFuture(Optional.<TalkRegistrations.Mine>empty()) : registrations.mine(t.id(), viewer))
        .map(both -> {
          TalkViews.RoomPage page = both.page();
          Talk talk = page.talk();
          Optional<TalkRegistrations.Mine> own = both.extra();
          Map<String, Object> model = new java.util.HashMap<>(ViewModel.of(page));
          model.put("registration", new RegistrationBox(registrations != null && clock.instant().isBefore(talk.startsAt()),
              viewer.isPresent(), own.map(TalkRegistrations.Mine::registered).orElse(false),
              own.map(TalkRegistrations.Mine::waiting).orElse(false)));
          model.put("meta", TalkMeta.of(talk, publicUrl, messages(i18n, ctx).get("talk.meta.organizer")));
          return model;
        })
        // one shell for every viewer who sees the same Talk page (Pages.renderShared, as the thread, group and document
        // pages: keyed by the whole model, which holds what is the viewer's own; their name, CSRF token, address and
        // the forms' client token are holes filled per view): the Handlebars render was most of the page's Java CPU
        .onSuccess(model -> pages.renderShared(ctx, "talk/show", model, "clientToken")).onFailure(ctx::fail);
  }

  private void calendar(RoutingContext ctx) {
    talks.find(slug(ctx))
        .map(talk -> Map.entry(ICalendar.of(List.of(talk), publicUrl, clock.instant(), null), talk.slug() + ".ics"))
        .onSuccess(file -> sendCalendar(ctx, file.getKey(), file.getValue()))
        .onFailure(ctx::fail);
  }

  private void feed(RoutingContext ctx) {
    talks.upcoming(200)
        .map(list -> ICalendar.of(list, publicUrl, clock.instant(), messages(i18n, ctx).get("talk.feed.name")))
        .onSuccess(body -> sendCalendar(ctx, body, "talks.ics"))
        .onFailure(ctx::fail);
  }

  private static void sendCalendar(RoutingContext ctx, String body, String fileName) {
    ctx.response().putHeader("Content-Type", "text/calendar; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
        .putHeader("Cache-Control", "no-cache")
        .end(body);
  }

  // ---- creating and editing

  private void newForm(RoutingContext ctx) {
    render(ctx, pages, "talk/form", views.newTalk(viewer(ctx), Viewer.of(ctx).zone()));
  }

  private void create(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    TalkForm typed = TalkForm.read(form(ctx), Viewer.of(ctx).zone());
    String more = ctx.request().getFormAttribute("more");
    talks.withSpeakerMembers(typed).compose(form -> talks.groupsFor(viewer)
        .compose(readable -> TalkViews.creating(viewer, readable, form, Viewer.of(ctx).zone())
            .compose(page -> submit(page, more, form.problems(true), () -> talks.create(viewer, readable, form)))))
        .onSuccess(result -> result.send(ctx, pages, "talk/form"))
        .onFailure(ctx::fail);
  }

  private void editForm(RoutingContext ctx) {
    render(ctx, pages, "talk/form", views.editTalk(slug(ctx), viewer(ctx), Viewer.of(ctx).zone()));
  }

  private void update(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    TalkForm typed = TalkForm.read(form(ctx), Viewer.of(ctx).zone());
    String more = ctx.request().getFormAttribute("more");
    talks.withSpeakerMembers(typed).compose(form -> talks.room(slug(ctx), viewer)
        .compose(room -> talks.groupsFor(viewer).compose(readable -> TalkViews.editing(room, readable, viewer, form,
                Viewer.of(ctx).zone())
            .compose(page -> submit(page, more, form.problems(false),
                () -> talks.update(room, readable, viewer, form).map(v -> room.talk().slug()))))))
        .onSuccess(result -> result.send(ctx, pages, "talk/form"))
        .onFailure(ctx::fail);
  }

  /**
   * The Talk form's submission: asking for more rows ({@code more}), the form again with them (200),
   * nothing stored; with problems, the form again (400); otherwise saved (to the Talk's page), or the
   * form again with the service's refusal: a slug in use (409), a group the editor may not attach (400).
   */
  private static Future<FormResult<TalkFormPage>> submit(TalkFormPage page, String more, Map<String, String> problems,
      Supplier<Future<String>> save) {
    if (more != null) {
      return Future.succeededFuture(new FormResult.Preview<>(page.adding(more)));
    }
    if (!problems.isEmpty()) {
      return Future.succeededFuture(new FormResult.Problems<>(400, page.refusing(problems)));
    }
    return save.get().map(slug -> FormResult.<TalkFormPage>done("/talks/" + slug)).recover(e -> {
      if (e instanceof DomainException d && d.kind() == DomainException.Kind.CONFLICT) {
        return Future.succeededFuture(new FormResult.Problems<>(409, page.refusing(Map.of("slug", d.messageKey()))));
      } else if (e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST) {
        return Future.succeededFuture(new FormResult.Problems<>(400, page.refusing(Map.of("groups", d.messageKey()))));
      }
      return Future.failedFuture(e);
    });
  }

  // ---- closing the room

  private void closeForm(RoutingContext ctx) {
    render(ctx, pages, "talk/close", views.closing(slug(ctx), viewer(ctx)));
  }

  /** Closes the room; a refused summary or choice of groups shows the form again (400) with the input kept. */
  private void close(RoutingContext ctx) {
    CloseForm form = CloseForm.of(form(ctx));
    Member me = member(ctx);
    boolean script = RoomAnswer.script(ctx);
    TalkService.FollowupTexts texts = TalkViews.followupTexts(messages(i18n, ctx));
    talks.room(slug(ctx), viewer(ctx))
        .compose(room -> talks.close(room, me, form, texts)
            .map(threads -> RoomAnswer.done(script, "/talks/" + slug(ctx) + "#followups",
                new JsonObject().put("threads", threads)))
            .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST && !script
                ? TalkViews.closePage(room, form.summary(), form.groupIds(), Map.of(
                        d.messageKey().startsWith("talk.close.error.summary") ? "summary" : "groups", d.messageKey()))
                    .map(page -> new RoomAnswer.Again(400, "talk/close", page))
                : Future.failedFuture(e)))
        .onSuccess(answer -> answer.send(ctx, pages))
        .onFailure(ctx::fail);
  }
}
