package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.talk.TalkRegistrations.Form;
import eu.mhealthhub.agora.talk.TalkRegistrations.Overview;
import eu.mhealthhub.agora.web.ClientAddress;
import eu.mhealthhub.agora.web.Csv;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Registration for Talks in HTML. A visitor's registration and a cancel link's confirmation come
 * without a session, so they are mounted before the CSRF check ({@link #mountAnonymous}): a
 * signed-in member's request still needs the session's token, a visitor's an Origin of this site
 * (or none), and the cancel link's secret is its own authority.
 *
 * <pre>
 * GET  /talks/:slug/register                 the visitor's form (members register from the Talk's page)
 * POST /talks/:slug/register                 register: a visitor (name, email) or the signed-in member
 * GET  /talks/:slug/registration/sent        "check your mail", the same for a new and a known address
 * GET  /talks/:slug/registration/cancel?t=   the cancel link: a page with a button
 * POST /talks/:slug/registration/cancel      cancel by the link's token (t), or the member's own (no t)
 * GET  /talks/:slug/registrations            the list for the Talk's moderators, with attendance and questions
 * GET  /talks/:slug/registrations.csv        the same as CSV
 * POST /talks/:slug/capacity                 set the capacity (empty: no limit)
 * </pre>
 */
public final class RegistrationRoutes {

  /** Templates rendered here, warmed at start. */
  public static final List<String> TEMPLATES = List.of("talk/register", "talk/registered", "talk/cancel",
      "talk/registrations");

  /** The visitor's form, again with its problems. */
  public record RegisterPage(Talk talk, Form form, Map<String, String> problems, boolean started) {}

  /** After a registration: the same page whatever the address was. */
  public record SentPage(Talk talk) {}

  /** A cancel link's page: the button, or that it is done. */
  public record CancelPage(Talk talk, String token, boolean done) {}

  /** The moderators' list. */
  public record RegistrationsPage(Overview overview, Map<String, String> problems) {}

  private final Pages pages;
  private final TalkService talks;
  private final TalkRegistrations registrations;
  private final String publicOrigin;

  public RegistrationRoutes(Pages pages, TalkService talks, TalkRegistrations registrations, String publicOrigin) {
    this.pages = pages;
    this.talks = talks;
    this.registrations = registrations;
    this.publicOrigin = publicOrigin;
  }

  /** The routes a visitor without a session may post to; before the CSRF check. */
  public void mountAnonymous(Router router, Handler<RoutingContext> csrf) {
    Handler<RoutingContext> check = eu.mhealthhub.agora.web.Forms.visitorOrMember(csrf, publicOrigin);
    router.post("/talks/:slug/register").handler(check).handler(this::register);
    router.post("/talks/:slug/registration/cancel").handler(check).handler(this::cancel);
  }

  public void mount(Router router) {
    router.get("/talks/:slug/register").handler(this::form);
    router.get("/talks/:slug/registration/sent").handler(this::sent);
    router.get("/talks/:slug/registration/cancel").handler(this::cancelPage);
    router.get("/talks/:slug/registrations").handler(Forms::members).handler(this::list);
    router.get("/talks/:slug/registrations.csv").handler(Forms::members).handler(this::csv);
    router.post("/talks/:slug/capacity").handler(Forms::members).handler(this::capacity);
  }

  private static String slug(RoutingContext ctx) {
    return ctx.pathParam("slug");
  }

  private void form(RoutingContext ctx) {
    TalkRoutes.render(ctx, pages, "talk/register", talks.find(slug(ctx)).map(talk ->
        new RegisterPage(talk, Form.of("", ""), Map.of(), registrations.started(talk))));
  }

  private void register(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String slug = slug(ctx);
    Optional<Member> member = viewer.member();
    Future<FormResult<RegisterPage>> result;
    if (member.isPresent()) {
      result = registrations.registerMember(slug, member.get(), viewer.locale(), viewer.zone())
          .map(status -> FormResult.<RegisterPage>done("/talks/" + slug + "#registration"));
    } else {
      Form form = Form.of(ctx.request().getFormAttribute("name"), ctx.request().getFormAttribute("email"));
      result = talks.find(slug).compose(talk -> !form.problems().isEmpty()
          ? Future.succeededFuture(new FormResult.Problems<>(400, new RegisterPage(talk, form, form.problems(), false)))
          : registrations.registerVisitor(slug, form, ClientAddress.of(ctx), viewer.locale(), viewer.zone())
              .map(v -> FormResult.<RegisterPage>done("/talks/" + slug + "/registration/sent")));
    }
    result.onSuccess(r -> r.send(ctx, pages, "talk/register")).onFailure(ctx::fail);
  }

  private void sent(RoutingContext ctx) {
    TalkRoutes.render(ctx, pages, "talk/registered", talks.find(slug(ctx)).map(talk -> new SentPage(talk)));
  }

  private void cancelPage(RoutingContext ctx) {
    TalkRoutes.render(ctx, pages, "talk/cancel", registrations.checkLink(slug(ctx), ctx.request().getParam("t"))
        .map(link -> new CancelPage(link.talk(), link.token(), link.cancelled())));
  }

  private void cancel(RoutingContext ctx) {
    String slug = slug(ctx);
    String token = ctx.request().getFormAttribute("t");
    Optional<Member> member = Viewer.of(ctx).member();
    Future<String> done;
    if (token != null && !token.isEmpty()) {
      done = registrations.cancelByLink(slug, token).map(v -> "/talks/" + slug + "/registration/cancel?t=" + token);
    } else if (member.isPresent()) {
      done = registrations.cancelMine(slug, member.get()).map(v -> "/talks/" + slug + "#registration");
    } else {
      done = Future.failedFuture(DomainException.badRequest("talk.registration.error.link"));
    }
    done.onSuccess(location -> Forms.redirect(ctx, location)).onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    TalkRoutes.render(ctx, pages, "talk/registrations", talks.room(slug(ctx), TalkRoutes.viewer(ctx))
        .compose(registrations::overview).map(o -> new RegistrationsPage(o, Map.of())));
  }

  private void csv(RoutingContext ctx) {
    talks.room(slug(ctx), TalkRoutes.viewer(ctx)).compose(registrations::overview).map(RegistrationRoutes::csv)
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"registrations-" + slug(ctx) + ".csv\"")
            .putHeader("Cache-Control", "no-store")
            .end(body))
        .onFailure(ctx::fail);
  }

  /** The registration list as CSV, with formula injection neutralised ({@link Csv}). */
  static String csv(Overview o) {
    Csv csv = new Csv().row(List.of("name", "email", "member", "status", "registered_at", "status_since",
        "attended"));
    for (TalkRegistrations.Registration r : o.registrations()) {
      csv.row(List.of(r.name(), r.email(), r.member() ? "yes" : "no", r.status().name().toLowerCase(java.util.Locale.ROOT),
          r.createdAt().toString(), r.statusAt().toString(), r.attended() ? "yes" : "no"));
    }
    return csv.toString();
  }

  private void capacity(RoutingContext ctx) {
    String raw = ctx.request().getFormAttribute("capacity");
    String slug = slug(ctx);
    talks.room(slug, TalkRoutes.viewer(ctx)).compose(room -> {
      Integer capacity;
      try {
        capacity = raw == null || raw.isBlank() ? null : Integer.valueOf(raw.strip());
      } catch (NumberFormatException e) {
        capacity = -1;
      }
      Integer chosen = capacity;
      return registrations.setCapacity(room, chosen).<FormResult<RegistrationsPage>>map(v ->
              FormResult.done("/talks/" + slug + "/registrations"))
          .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST
              ? registrations.overview(room).map(o -> new FormResult.Problems<>(400,
                  new RegistrationsPage(o, Map.of("capacity", d.messageKey()))))
              : Future.failedFuture(e));
    }).onSuccess(r -> r.send(ctx, pages, "talk/registrations")).onFailure(ctx::fail);
  }
}
