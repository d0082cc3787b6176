package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.rounds.RoundPages.NewRoundPage;
import eu.mhealthhub.agora.rounds.RoundPages.RoundPage;
import eu.mhealthhub.agora.rounds.RoundService.RatingForm;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Consensus rounds in HTML (issue 17). Every action is a form that works without JavaScript.
 *
 * <pre>
 * GET  /documents/:id/rounds/new       a moderator's form for a new round on the current revision
 * POST /documents/:id/rounds           make the round as a draft
 * GET  /rounds/:id                     the round: rating forms for a panellist, progress for a moderator
 * POST /rounds/:id/open | close        a moderator opens the draft, or closes the round before its deadline
 * POST /rounds/:id/remind              a moderator reminds the panellists who have not finished
 * POST /rounds/:id/statements/:sid     a panellist rates one statement (rating, reason) or recuses (recuse)
 * GET  /rounds/:id/results             the results, once the round has closed
 * POST /rounds/:id/next                a moderator carries statements without consensus into a next round
 * </pre>
 */
public final class RoundRoutes {

  private final Pages pages;
  private final RoundService rounds;
  private final I18n i18n;

  public RoundRoutes(Pages pages, RoundService rounds, I18n i18n) {
    this.pages = pages;
    this.rounds = rounds;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/documents/:id/rounds/new").handler(Forms::members).handler(this::newRound);
    router.post("/documents/:id/rounds").handler(Forms::members).handler(this::create);
    router.get("/rounds/:id").handler(Forms::members).handler(this::show);
    router.post("/rounds/:id/open").handler(Forms::members).handler(this::open);
    router.post("/rounds/:id/close").handler(Forms::members).handler(this::close);
    router.post("/rounds/:id/remind").handler(Forms::members).handler(this::remind);
    router.post("/rounds/:id/statements/:sid").handler(Forms::members).handler(this::rate);
    router.get("/rounds/:id/results").handler(this::results);
    router.post("/rounds/:id/next").handler(Forms::members).handler(this::next);
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static MultiMap form(RoutingContext ctx) {
    return ctx.request().formAttributes();
  }

  private static int number(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private void newRound(RoutingContext ctx) {
    Respond.to(ctx, rounds.newRound(Forms.id(ctx, "id"), viewer(ctx), Viewer.of(ctx).zone()),
        p -> pages.render(ctx, "rounds/new", ViewModel.of(p)));
  }

  /** The form again with its problems (400), or with the service's refusal; the new round's page when made. */
  private void create(RoutingContext ctx) {
    long documentId = Forms.id(ctx, "id");
    Viewer who = Viewer.of(ctx);
    RoundForm typed = RoundForm.of(form(ctx), who.zone());
    int revision = number(RoundForm.field(form(ctx), "revision"));
    Member me = member(ctx);
    Respond.to(ctx, rounds.newRound(documentId, viewer(ctx), who.zone()).compose(page -> {
      Map<String, String> problems = typed.problems(rounds.now());
      if (!problems.isEmpty()) {
        return Future.succeededFuture((FormResult<NewRoundPage>) new FormResult.Problems<>(400,
            page.with(typed, problems, null)));
      }
      return rounds.create(documentId, me, typed, revision).map(id -> FormResult.<NewRoundPage>done("/rounds/" + id))
          .recover(e -> FormResult.refused(e, d -> Future.succeededFuture(page.with(typed, Map.of(),
              i18n.message(who.locale(), d.messageKey(), d.args())))));
    }), result -> result.send(ctx, pages, "rounds/new"));
  }

  private void show(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    String notice = ctx.request().getParam("saved") != null ? "rounds.saved"
        : ctx.request().getParam("reminded") != null ? "rounds.reminded" : null;
    Respond.to(ctx, rounds.page(id, viewer(ctx), Viewer.of(ctx).zone(), notice),
        p -> pages.render(ctx, "rounds/show", ViewModel.of(p)));
  }

  private void open(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Respond.to(ctx, rounds.open(id, member(ctx)), x -> Forms.redirect(ctx, "/rounds/" + id));
  }

  private void close(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Respond.to(ctx, rounds.close(id, member(ctx)), x -> Forms.redirect(ctx, "/rounds/" + id + "/results"));
  }

  private void remind(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Respond.to(ctx, rounds.remind(id, member(ctx)), n -> Forms.redirect(ctx, "/rounds/" + id + "?reminded=" + n));
  }

  /**
   * Stores one answer and goes back to the statement; a rating off the scale or a missing reason
   * shows the page again (400) with the problem beside the statement; a closed round is a 409 page.
   */
  private void rate(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    long statementId = Forms.id(ctx, "sid");
    RatingForm typed = RatingForm.of(statementId, form(ctx));
    Viewer who = Viewer.of(ctx);
    Respond.to(ctx, rounds.rate(id, member(ctx), typed)
        .map(v -> FormResult.<RoundPage>done("/rounds/" + id + "?saved=" + statementId + "#statement-" + statementId))
        .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST
            ? rounds.pageWithProblem(id, viewer(ctx), who.zone(), typed, d.messageKey())
                .map(p -> (FormResult<RoundPage>) new FormResult.Problems<>(400, p))
            : Future.failedFuture(e)),
        result -> result.send(ctx, pages, "rounds/show"));
  }

  private void results(RoutingContext ctx) {
    I18n.Messages messages = i18n.forLocale(Viewer.of(ctx).locale());
    Respond.to(ctx, rounds.results(Forms.id(ctx, "id"), viewer(ctx), new RoundCharts(messages)),
        p -> pages.render(ctx, "rounds/results", ViewModel.of(p)));
  }

  private void next(RoutingContext ctx) {
    Respond.to(ctx, rounds.next(Forms.id(ctx, "id"), member(ctx), form(ctx), Viewer.of(ctx).zone()),
        id -> Forms.redirect(ctx, "/rounds/" + id));
  }
}
