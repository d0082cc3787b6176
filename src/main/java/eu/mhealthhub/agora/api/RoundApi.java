package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiRoutes.body;
import static eu.mhealthhub.agora.api.ApiRoutes.integral;
import static eu.mhealthhub.agora.api.ApiRoutes.json;
import static eu.mhealthhub.agora.api.ApiRoutes.member;
import static eu.mhealthhub.agora.api.ApiRoutes.time;
import static eu.mhealthhub.agora.api.ApiRoutes.viewer;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.rounds.Round;
import eu.mhealthhub.agora.rounds.RoundCharts;
import eu.mhealthhub.agora.rounds.RoundPages.Bar;
import eu.mhealthhub.agora.rounds.RoundPages.ResultsPage;
import eu.mhealthhub.agora.rounds.RoundPages.RoundPage;
import eu.mhealthhub.agora.rounds.RoundPages.StatementItem;
import eu.mhealthhub.agora.rounds.RoundPages.StatementResult;
import eu.mhealthhub.agora.rounds.RoundService;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The JSON API of consensus rounds (issue 17 point 8), through the same {@link RoundService} and
 * so the same {@code RoundPolicy} as the pages: a round is read by its panellists and the group's
 * moderators (403 for other members, 404 where the group is closed to the caller or the round is a
 * draft they may not see); figures appear only where the page shows them (interim figures where the
 * round does not hide them, results once it has closed); nobody's rating is shown but the caller's own.
 *
 * <pre>
 * GET  /api/v1/rounds/:id                          the round, its statements and the caller's own answers
 * GET  /api/v1/rounds/:id/results                  the results, once the round has closed (409 before)
 * PUT  /api/v1/rounds/:id/statements/:sid/rating   a panellist rates {rating, reason} or recuses {recuse: true, reason}
 * POST /api/v1/rounds/:id/open                     a moderator opens the draft
 * POST /api/v1/rounds/:id/close                    a moderator closes the round before its deadline
 * </pre>
 */
public final class RoundApi {

  private final RoundService rounds;
  private final I18n i18n;

  public RoundApi(RoundService rounds, I18n i18n) {
    this.rounds = rounds;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/api/v1/rounds/:id").handler(this::round);
    router.get("/api/v1/rounds/:id/results").handler(this::results);
    router.put("/api/v1/rounds/:id/statements/:sid/rating").handler(this::rate);
    router.post("/api/v1/rounds/:id/open").handler(this::open);
    router.post("/api/v1/rounds/:id/close").handler(this::close);
  }

  // ---- JSON shapes

  static JsonObject settings(Round r) {
    return new JsonObject().put("id", r.id()).put("documentId", r.documentId()).put("number", r.number())
        .put("previousRoundId", r.previousRoundId()).put("title", r.title())
        .put("scale", new JsonObject().put("code", r.scale().code()).put("min", r.scale().min()).put("max", r.scale().max()))
        .put("rule", new JsonObject().put("forShare", r.rule().forShare()).put("forFrom", r.rule().forFrom())
            .put("forMedian", r.rule().forMedian()).put("againstShare", r.rule().againstShare())
            .put("againstTo", r.rule().againstTo()))
        .put("deadline", time(r.deadline())).put("showRaters", r.showRaters()).put("reasonsRequired", r.reasonsRequired())
        .put("hideInterim", r.hideInterim()).put("url", r.url());
  }

  private static JsonArray distribution(List<Bar> bars) {
    return new JsonArray(bars.stream().map(b -> new JsonObject().put("value", b.value()).put("count", b.count())).toList());
  }

  static JsonObject round(RoundPage p) {
    Round r = p.round();
    JsonObject o = settings(r)
        .put("status", p.draft() ? "draft" : p.closed() ? "closed" : "open")
        .put("canRate", p.canRate()).put("moderator", p.moderator()).put("panellist", p.panellist())
        .put("participation", new JsonObject().put("panelSize", p.panelSize()).put("finished", p.finished()))
        .put("statements", new JsonArray(p.statements().stream().map(RoundApi::statement).toList()));
    return o;
  }

  private static JsonObject statement(StatementItem s) {
    return new JsonObject().put("id", s.id()).put("position", s.position()).put("html", s.html())
        .put("sectionKey", s.sectionKey()).put("sectionUrl", s.sectionLink())
        .put("mine", s.answered() ? new JsonObject().put("rating", s.rating()).put("reason", s.reason())
            .put("recused", s.recused()) : null)
        .put("interim", s.interim() == null ? null : new JsonObject().put("count", s.interim().count())
            .put("median", s.interim().median()).put("distribution", distribution(s.interim().distribution())));
  }

  static JsonObject results(ResultsPage p) {
    return new JsonObject().put("round", settings(p.round()))
        .put("participation", new JsonObject().put("panelSize", p.panelSize()).put("responded", p.responded())
            .put("responseRate", p.responseRate()).put("recusals", p.recusals()))
        .put("statements", new JsonArray(p.statements().stream().map(RoundApi::result).toList()));
  }

  private static JsonObject result(StatementResult s) {
    return new JsonObject().put("id", s.id()).put("position", s.position()).put("sectionKey", s.sectionKey())
        .put("outcome", s.outcome()).put("count", s.count()).put("recusals", s.recusals()).put("median", s.median())
        .put("q1", s.q1()).put("q3", s.q3()).put("iqr", s.iqr())
        .put("lower", s.lower()).put("middle", s.middle()).put("upper", s.upper())
        .put("distribution", distribution(s.bars())).put("reasons", new JsonArray(s.reasons()));
  }

  // ---- handlers

  private void round(RoutingContext ctx) {
    rounds.page(Forms.id(ctx, "id"), viewer(ctx), Viewer.of(ctx).zone(), null)
        .map(RoundApi::round)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void results(RoutingContext ctx) {
    RoundCharts charts = new RoundCharts(i18n.forLocale(Viewer.of(ctx).locale()));
    rounds.results(Forms.id(ctx, "id"), viewer(ctx), charts)
        .map(RoundApi::results)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** {rating: integer, reason?: string} or {recuse: true, reason?: string}; the page's rules, the page's errors. */
  private void rate(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    long statementId = Forms.id(ctx, "sid");
    JsonObject in = body(ctx);
    Object rating = in.getValue("rating");
    if (rating != null && !integral(rating)) {
      throw DomainException.badRequest("api.error.field", "rating");
    }
    Object recuse = in.getValue("recuse");
    if (recuse != null && !(recuse instanceof Boolean)) {
      throw DomainException.badRequest("api.error.field", "recuse");
    }
    String reason = ApiRoutes.string(in, "reason");
    RoundService.RatingForm form = new RoundService.RatingForm(statementId,
        rating == null ? "" : Long.toString(((Number) rating).longValue()), reason == null ? "" : reason.strip(),
        Boolean.TRUE.equals(recuse));
    rounds.rate(id, member(ctx), form)
        .compose(v -> rounds.page(id, viewer(ctx), Viewer.of(ctx).zone(), null))
        .map(p -> p.statements().stream().filter(s -> s.id() == statementId).findFirst()
            .map(RoundApi::statement).orElseThrow(DomainException::notFound))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void open(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    rounds.open(id, member(ctx))
        .compose(v -> rounds.page(id, viewer(ctx), Viewer.of(ctx).zone(), null))
        .map(RoundApi::round)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void close(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    rounds.close(id, member(ctx))
        .compose(v -> rounds.page(id, viewer(ctx), Viewer.of(ctx).zone(), null))
        .map(RoundApi::round)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }
}
