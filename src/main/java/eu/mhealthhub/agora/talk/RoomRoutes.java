package eu.mhealthhub.agora.talk;

import static eu.mhealthhub.agora.talk.TalkRoutes.form;
import static eu.mhealthhub.agora.talk.TalkRoutes.member;
import static eu.mhealthhub.agora.talk.TalkRoutes.messages;
import static eu.mhealthhub.agora.talk.TalkRoutes.allQuestions;
import static eu.mhealthhub.agora.talk.TalkRoutes.newest;
import static eu.mhealthhub.agora.talk.TalkRoutes.render;
import static eu.mhealthhub.agora.talk.TalkRoutes.slug;
import static eu.mhealthhub.agora.talk.TalkRoutes.viewer;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.talk.RoomForms.MessageForm;
import eu.mhealthhub.agora.talk.RoomForms.ModerationForm;
import eu.mhealthhub.agora.talk.RoomForms.QuestionForm;
import eu.mhealthhub.agora.talk.RoomForms.SettingForm;
import eu.mhealthhub.agora.talk.RoomForms.VoteForm;
import eu.mhealthhub.agora.talk.TalkViews.RoomPage;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A Talk's live room: its chat, its question queue and their moderation. Every action is a form
 * that works without JavaScript (POST, then a 303 back to the page); the room's script sends the
 * same forms with {@code Accept: application/json} and gets {@code {"ok": true}} or the JSON error
 * instead (see {@link RoomAnswer}), and refreshes the room's lists from the fragments below when
 * {@code talk.<id>} announces a change.
 *
 * <pre>
 * GET  /talks/:slug/room/messages?after=    fragment: messages after an id
 * GET  /talks/:slug/room/questions?sort=    fragment: the question list for this viewer (&questions=all: every one)
 * GET  /talks/:slug/presenter               projection view
 * GET  /talks/:slug/presenter/questions     fragment of it
 * POST /talks/:slug/messages                body, clientToken
 * POST /talks/:slug/messages/:id/hide       a moderator hides a message
 * POST /talks/:slug/questions               body, anonymous, clientToken (after close: to the follow-up thread)
 * POST /talks/:slug/questions/:id/vote      up=true|false
 * GET  /talks/:slug/questions/:id/merge?q=  a moderator chooses the question to merge it into
 * POST /talks/:slug/questions/:id/moderate  action=approve|hide|pin|unpin|answer|merge, answer, into
 * POST /talks/:slug/room                    setting=open|approval-on|approval-off
 * </pre>
 */
final class RoomRoutes {

  private final Pages pages;
  private final TalkService talks;
  private final TalkViews views;
  private final I18n i18n;

  RoomRoutes(Pages pages, TalkService talks, TalkViews views, I18n i18n) {
    this.pages = pages;
    this.talks = talks;
    this.views = views;
    this.i18n = i18n;
  }

  void mount(Router router) {
    router.get("/talks/:slug/room/messages").handler(this::messagesFragment);
    router.get("/talks/:slug/room/questions").handler(this::questionsFragment);
    router.get("/talks/:slug/presenter").handler(ctx -> presenter(ctx, "talk/presenter"));
    router.get("/talks/:slug/presenter/questions").handler(ctx -> presenter(ctx, "talk/presenter-questions"));
    router.post("/talks/:slug/messages").handler(Forms::members).handler(this::postMessage);
    router.post("/talks/:slug/messages/:id/hide").handler(Forms::members).handler(this::hideMessage);
    router.post("/talks/:slug/questions").handler(Forms::members).handler(this::ask);
    router.post("/talks/:slug/questions/:id/vote").handler(Forms::members).handler(this::vote);
    router.get("/talks/:slug/questions/:id/merge").handler(Forms::members).handler(this::mergeForm);
    router.post("/talks/:slug/questions/:id/moderate").handler(Forms::members).handler(this::moderate);
    router.post("/talks/:slug/room").handler(Forms::members).handler(this::configure);
  }

  /** The room, in the order the form was sent from: a {@code sort} field, or {@code ?sort=} on the form's address. */
  private static String roomPath(RoutingContext ctx, String anchor) {
    return "/talks/" + slug(ctx) + (newest(ctx) ? "?sort=newest" : "") + anchor;
  }

  /** The {@code ?after=} message id; anything but a number is a 400. */
  private static long after(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.request().getParam("after", "0"));
    } catch (NumberFormatException e) {
      throw DomainException.badRequest("live.error.after");
    }
  }

  /** Ends a room action's chain: sends its answer, or fails the request (a page, or JSON for the script). */
  private void answer(RoutingContext ctx, Future<RoomAnswer> chain) {
    chain.onSuccess(answer -> answer.send(ctx, pages)).onFailure(ctx::fail);
  }

  // ---- fragments and the presenter view

  private void messagesFragment(RoutingContext ctx) {
    render(ctx, pages, "talk/messages", views.messages(slug(ctx), viewer(ctx), after(ctx)));
  }

  private void questionsFragment(RoutingContext ctx) {
    render(ctx, pages, "talk/questions", views.questions(slug(ctx), viewer(ctx), newest(ctx), allQuestions(ctx)));
  }

  private void presenter(RoutingContext ctx, String template) {
    render(ctx, pages, template, views.presenter(slug(ctx)));
  }

  // ---- taking part

  /**
   * A form with problems shows the room again (400) with its input and problem at the field; the
   * room's script gets the service's refusal of the same problem (400 JSON). Otherwise the work runs.
   */
  private Future<RoomAnswer> unlessRefused(RoutingContext ctx, Map<String, String> problems,
      UnaryOperator<RoomPage> refusing, Supplier<Future<RoomAnswer>> work) {
    if (problems.isEmpty() || RoomAnswer.script(ctx)) {
      return work.get();
    }
    return views.room(slug(ctx), viewer(ctx), newest(ctx))
        .map(page -> new RoomAnswer.Again(400, "talk/show", refusing.apply(page)));
  }

  private void postMessage(RoutingContext ctx) {
    MessageForm form = MessageForm.of(form(ctx));
    boolean script = RoomAnswer.script(ctx);
    answer(ctx, unlessRefused(ctx, form.problems(), page -> page.refusing(form),
        () -> talks.postMessage(slug(ctx), member(ctx), form)
            .map(sent -> RoomAnswer.done(script, roomPath(ctx, "#message-" + sent.id()),
                new JsonObject().put("id", sent.id()).put("seq", sent.seq())))));
  }

  private void hideMessage(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    answer(ctx, talks.hideMessage(slug(ctx), id, member(ctx))
        .map(v -> RoomAnswer.done(RoomAnswer.script(ctx), "/talks/" + slug(ctx) + "#chat-heading", new JsonObject())));
  }

  private void ask(RoutingContext ctx) {
    QuestionForm form = QuestionForm.of(form(ctx));
    boolean script = RoomAnswer.script(ctx);
    TalkService.FollowupTexts texts = TalkViews.followupTexts(messages(i18n, ctx));
    answer(ctx, unlessRefused(ctx, form.problems(), page -> page.refusing(form),
        () -> talks.ask(slug(ctx), member(ctx), form, texts)
            .map(asked -> asked.postId() != null
                ? RoomAnswer.done(script, "/posts/" + asked.postId(), new JsonObject().put("postId", asked.postId()))
                : RoomAnswer.done(script, roomPath(ctx, "#question-" + asked.questionId()),
                    new JsonObject().put("id", asked.questionId())))));
  }

  private void vote(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    answer(ctx, talks.vote(slug(ctx), id, member(ctx), VoteForm.of(form(ctx)))
        .map(voted -> RoomAnswer.done(RoomAnswer.script(ctx), roomPath(ctx, "#question-" + id),
            new JsonObject().put("votes", voted.votes()).put("seq", voted.seq()))));
  }

  // ---- moderating the room

  /** The second step of a merge: the questions this one may be merged into, found by their text. */
  private void mergeForm(RoutingContext ctx) {
    render(ctx, pages, "talk/merge", views.merge(slug(ctx), Forms.id(ctx, "id"), member(ctx),
        ctx.request().getParam("q", ""), newest(ctx)));
  }

  private void moderate(RoutingContext ctx) {
    ModerationForm form = ModerationForm.of(Forms.id(ctx, "id"), form(ctx));
    answer(ctx, talks.moderate(slug(ctx), member(ctx), form)
        .map(v -> RoomAnswer.done(RoomAnswer.script(ctx), roomPath(ctx, "#question-" + form.shownQuestion()),
            new JsonObject())));
  }

  private void configure(RoutingContext ctx) {
    answer(ctx, talks.configure(slug(ctx), member(ctx), SettingForm.of(form(ctx)))
        .map(v -> RoomAnswer.done(RoomAnswer.script(ctx), "/talks/" + slug(ctx) + "#room", new JsonObject())));
  }
}
