package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The review queue, its items and the statements of reasons, in HTML with plain forms (no script).
 *
 * <pre>
 * GET  /groups/:slug/review              the group's queue for its moderators and admins (?kind=, ?page=)
 * GET  /admin/review                     the site-wide queue for admins, notices included
 * GET  /review/:type/:id                 one item (post, comment, notice, join, appeal) with its context,
 *                                        flags, the author's history and the actions
 * POST /review/:type/:id/claim           claim it (409 naming who holds it)
 * POST /review/:type/:id/release         release one's claim
 * POST /review/:type/:id/act             act (action, reason: required); 303 to the item
 * GET  /moderation/decisions/:id         a statement of reasons: the affected member, the group's moderators, admins
 * POST /moderation/decisions/:id/appeal  the affected member appeals once (text)
 * </pre>
 */
public final class ReviewRoutes {

  private final Pages pages;
  private final ReviewService review;
  private final DecisionService decisions;
  private final I18n i18n;

  public ReviewRoutes(Pages pages, ReviewService review, DecisionService decisions, I18n i18n) {
    this.pages = pages;
    this.review = review;
    this.decisions = decisions;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/groups/:slug/review").handler(Forms::members).handler(this::groupQueue);
    router.get("/admin/review").handler(Forms::members).handler(this::siteQueue);
    router.get("/review/:type/:id").handler(Forms::members).handler(this::item);
    router.post("/review/:type/:id/claim").handler(Forms::members).handler(this::claim);
    router.post("/review/:type/:id/release").handler(Forms::members).handler(this::release);
    router.post("/review/:type/:id/act").handler(Forms::members).handler(this::act);
    // members, and a suspended member's browser for an hour after the provider confirmed who they are
    router.get("/moderation/decisions/:id").handler(this::decision);
    router.post("/moderation/decisions/:id/appeal").handler(this::appeal);
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private static String type(RoutingContext ctx) {
    String type = ctx.pathParam("type");
    if (!ReviewService.TYPES.contains(type)) {
      throw DomainException.notFound();
    }
    return type;
  }

  private void groupQueue(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String kind = ctx.request().getParam("kind");
    Respond.to(ctx, review.groupQueue(ctx.pathParam("slug"), viewer.member(), kind, Forms.page(ctx))
        .map(p -> queueModel(viewer, p)), model -> pages.render(ctx, "moderation/review-queue", model));
  }

  private void siteQueue(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String kind = ctx.request().getParam("kind");
    Respond.to(ctx, review.siteQueue(viewer.member(), kind, Forms.page(ctx)).map(p -> queueModel(viewer, p)),
        model -> pages.render(ctx, "moderation/review-queue", model));
  }

  private Map<String, Object> queueModel(Viewer viewer, ReviewService.QueuePage p) {
    I18n.Messages m = i18n.forLocale(viewer.locale());
    String base = p.group() == null ? "/admin/review" : "/groups/" + p.group().slug() + "/review";
    Map<String, Object> model = new HashMap<>();
    model.put("site", p.group() == null);
    if (p.group() != null) {
      model.put("groupName", p.group().name());
      model.put("groupSlug", p.group().slug());
    }
    model.put("action", base);
    List<Map<String, Object>> kinds = new ArrayList<>();
    for (String k : ReviewService.KINDS) {
      if (p.group() != null && k.equals("notice")) {
        continue;
      }
      kinds.add(Map.of("value", k, "label", m.get("review.kind." + k), "selected", k.equals(p.kind())));
    }
    model.put("kinds", kinds);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ReviewRepository.Row0 r : p.rows()) {
      Map<String, Object> row = new HashMap<>();
      row.put("type", r.itemType());
      row.put("id", r.itemId());
      row.put("kindLabel", m.get("review.kind." + r.kind()));
      row.put("typeLabel", m.get("review.type." + r.itemType()));
      row.put("at", r.at());
      row.put("authorName", r.authorName() == null ? "" : r.authorName());
      row.put("groupSlug", r.groupSlug() == null ? "" : r.groupSlug());
      row.put("groupName", r.groupName() == null ? "" : r.groupName());
      row.put("context", r.context() == null ? "" : r.context());
      row.put("excerpt", excerpt(r.excerpt()));
      row.put("flagCount", r.flagCount());
      row.put("claimedBy", r.claimedByName() == null ? "" : r.claimedByName());
      row.put("href", r.itemType().equals("join") ? "/groups/" + r.groupSlug() + "/members" : "/review/" + r.itemType() + "/" + r.itemId());
      rows.add(row);
    }
    model.put("rows", rows);
    model.put("empty", rows.isEmpty());
    model.put("total", p.total());
    model.put("pages", Forms.pageLinks(p.page(), p.pages()));
    model.put("pageBase", base + "?" + (p.kind() == null ? "" : "kind=" + p.kind() + "&"));
    return model;
  }

  private static String excerpt(String text) {
    if (text == null) {
      return "";
    }
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() > 200 ? flat.substring(0, 199) + "…" : flat;
  }

  private void item(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String type = type(ctx);
    long id = Forms.id(ctx, "id");
    Respond.to(ctx, review.item(type, id, viewer.member()).map(item -> itemModel(viewer, item)),
        model -> pages.render(ctx, "moderation/review-item", model));
  }

  private Map<String, Object> itemModel(Viewer viewer, ReviewService.Item item) {
    I18n.Messages m = i18n.forLocale(viewer.locale());
    Map<String, Object> model = new HashMap<>();
    model.put("type", item.type());
    model.put("id", item.id());
    model.put("typeLabel", m.get("review.type." + item.type()));
    model.put("groupName", item.group() == null ? "" : item.group().name());
    model.put("groupSlug", item.group() == null ? "" : item.group().slug());
    model.put("queueLink", item.group() == null ? "/admin/review" : "/groups/" + item.group().slug() + "/review");
    model.put("text", item.text() == null ? "" : item.text());
    model.put("title", item.title() == null ? "" : item.title());
    model.put("link", item.link());
    model.put("context", item.context() == null ? "" : item.context());
    model.put("hidden", item.hidden());
    model.put("held", item.held());
    model.put("open", item.open());
    model.put("ground", item.ground());
    model.put("isPost", item.type().equals("post"));
    model.put("isComment", item.type().equals("comment"));
    model.put("isNotice", item.type().equals("notice"));
    model.put("isAppeal", item.type().equals("appeal"));
    model.put("threadId", item.threadId());
    model.put("extra", item.extra());
    List<Map<String, Object>> flags = new ArrayList<>();
    for (ReviewService.FlagRow f : item.flags()) {
      flags.add(Map.of("reason", m.get("flag.reason." + f.reason()), "detail", f.detail(), "at", f.at(), "by", f.by()));
    }
    model.put("flags", flags);
    Optional<ReviewRepository.Claimant> claim = item.claim();
    long me = viewer.member().map(Member::id).orElse(0L);
    model.put("claimed", claim.isPresent());
    model.put("claimedByMe", claim.map(c -> c.memberId() == me).orElse(false));
    model.put("claimedBy", claim.map(ReviewRepository.Claimant::name).orElse(""));
    model.put("mayAct", item.open() && claim.map(c -> c.memberId() == me).orElse(true));
    model.put("actions", item.actions().stream().map(a -> Map.of("value", a, "label", m.get("review.action." + a))).toList());
    model.put("hasActions", !item.actions().isEmpty());
    if (item.history() != null) {
      ReviewService.History h = item.history();
      Map<String, Object> history = new HashMap<>();
      history.put("name", h.name());
      history.put("handle", h.handle());
      history.put("since", h.since());
      history.put("posts", h.posts());
      history.put("decisions", h.decisions());
      history.put("flagsUpheld", h.flagsUpheld());
      history.put("suspensions", h.suspensions());
      history.put("suspended", h.suspended());
      history.put("earlier", h.earlier().stream().map(e -> {
        Map<String, Object> row = new HashMap<>(e);
        row.put("label", m.get("review.action." + e.get("action")));
        return row;
      }).toList());
      model.put("history", history);
    }
    return model;
  }

  private void claim(RoutingContext ctx) {
    String type = type(ctx);
    long id = Forms.id(ctx, "id");
    review.claim(type, id, member(ctx))
        .onSuccess(v -> Forms.redirect(ctx, "/review/" + type + "/" + id))
        .onFailure(ctx::fail);
  }

  private void release(RoutingContext ctx) {
    String type = type(ctx);
    long id = Forms.id(ctx, "id");
    review.release(type, id, member(ctx))
        .onSuccess(v -> Forms.redirect(ctx, "/review/" + type + "/" + id))
        .onFailure(ctx::fail);
  }

  private void act(RoutingContext ctx) {
    String type = type(ctx);
    long id = Forms.id(ctx, "id");
    review.act(type, id, member(ctx), ctx.request().getFormAttribute("action"), ctx.request().getFormAttribute("reason"))
        .onSuccess(decision -> Forms.redirect(ctx, "/review/" + type + "/" + id))
        .onFailure(ctx::fail);
  }

  private void decision(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    Optional<Long> appellant = appellant(ctx);
    if (appellant.isEmpty() && !Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Future<DecisionService.Shown> shown = appellant.isPresent() ? decisions.shownToAppellant(id, appellant.get())
        : decisions.shown(id, viewer.member());
    Respond.to(ctx, shown.map(s -> decisionModel(viewer, s)), model -> pages.render(ctx, "moderation/decision", model));
  }

  /**
   * The suspended member this browser speaks for, when it has no sign-in: set by the sign-in that
   * refused them for the suspension, for an hour (see SignInRoutes).
   */
  private static Optional<Long> appellant(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(SessionKeys.APPELLANT_CONTEXT));
  }

  private Map<String, Object> decisionModel(Viewer viewer, DecisionService.Shown s) {
    I18n.Messages m = i18n.forLocale(viewer.locale());
    DecisionRepository.Stored d = s.decision();
    Map<String, Object> model = new HashMap<>();
    model.put("id", d.id());
    model.put("actionLabel", m.get("review.action." + d.action()));
    model.put("typeLabel", m.get("review.type." + d.itemType()));
    model.put("title", d.title());
    model.put("link", d.link());
    model.put("groupName", d.groupName() == null ? "" : d.groupName());
    model.put("ground", d.ground());
    model.put("facts", d.facts());
    model.put("reason", d.reason());
    model.put("automated", d.automated());
    model.put("at", d.createdAt());
    model.put("decidedBy", d.decidedByName() == null ? "" : d.decidedByName());
    model.put("appealed", d.appealId() != null);
    model.put("appealBody", d.appealBody() == null ? "" : d.appealBody());
    model.put("appealAt", d.appealAt());
    model.put("appealOutcome", d.appealOutcome() == null ? "" : m.get("decision.appeal.outcome." + d.appealOutcome()));
    model.put("appealLink", d.appealId() == null ? "" : "/review/appeal/" + d.appealId());
    model.put("canAppeal", s.canAppeal());
    model.put("appealable", s.appealable());
    model.put("affected", s.affected());
    return model;
  }

  private void appeal(RoutingContext ctx) {
    Optional<Long> appellant = appellant(ctx);
    if (appellant.isEmpty() && !Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    String text = ctx.request().getFormAttribute("text");
    Future<Long> done = appellant.isPresent() ? decisions.appealAsAppellant(id, appellant.get(), text)
        : decisions.appeal(id, member(ctx), text);
    done.onSuccess(v -> Forms.redirect(ctx, "/moderation/decisions/" + id)).onFailure(ctx::fail);
  }
}
