package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small helpers every feature's routes share: ids from paths, paging, redirects after POST. */
public final class Forms {

  private Forms() {}

  /** A numeric path parameter; anything else is a 404, like a missing thing. */
  public static long id(RoutingContext ctx, String name) {
    try {
      long id = Long.parseLong(ctx.pathParam(name));
      if (id <= 0) {
        throw DomainException.notFound();
      }
      return id;
    } catch (NumberFormatException e) {
      throw DomainException.notFound();
    }
  }

  /** The ?page= parameter, 1 when absent or malformed. */
  public static int page(RoutingContext ctx) {
    try {
      return Math.max(1, Integer.parseInt(ctx.request().getParam("page", "1")));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /**
   * A strict {@code page} parameter, for pages that refuse bad input rather than guess: 1 when absent, otherwise a
   * number from 1 to {@code max}, or a 400 with {@code errorKey}.
   */
  public static int strictPage(String text, int max, String errorKey) {
    if (text == null || text.isEmpty()) {
      return 1;
    }
    int page;
    try {
      page = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      page = 0;
    }
    if (page < 1 || page > max) {
      throw DomainException.badRequest(errorKey);
    }
    return page;
  }

  /** Links for a pager: every page near the current one, and the first and last. */
  public static List<Map<String, Object>> pageLinks(int current, int total) {
    List<Map<String, Object>> links = new ArrayList<>();
    for (int p = 1; p <= total; p++) {
      if (p == 1 || p == total || Math.abs(p - current) <= 2) {
        links.add(Map.of("number", p, "current", p == current));
      } else if (links.isEmpty() || !links.get(links.size() - 1).containsKey("gap")) {
        links.add(Map.of("gap", true, "number", p, "current", false));
      }
    }
    return total > 1 ? links : List.of();
  }

  /** 303 See Other: the browser follows a POST with a GET. */
  public static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(303).putHeader("Location", location).end();
  }

  /** A guard for routes that only members use: visitors are sent to sign in (GET) or refused. */
  public static void members(RoutingContext ctx) {
    if (requireMember(ctx)) {
      ctx.next();
    }
  }

  /**
   * The rule for anonymous visitors on members-only routes, the same everywhere: a GET (a form to
   * write, edit, propose or close, the profile) is redirected to sign in with {@code next=} the
   * page, before anything is looked up, so a closed group's page, a public one and a missing one
   * answer alike; any other method is refused with 403, since a form cannot be carried through a
   * sign-in. Call it first in the handler. False when the request is answered.
   */
  public static boolean requireMember(RoutingContext ctx) {
    if (Viewer.of(ctx).signedIn()) {
      return true;
    }
    if ("GET".equals(ctx.request().method().name())) {
      ctx.response().setStatusCode(302)
          // slashes may stand in a query value; everything else that could end it is encoded
          .putHeader("Location", "/auth/login?next="
              + URLEncoder.encode(ctx.request().uri(), StandardCharsets.UTF_8).replace("%2F", "/"))
          .end();
    } else {
      ctx.fail(DomainException.forbidden());
    }
    return false;
  }

  /**
   * The check for a form a visitor without a session may post (a network sign-up, a Talk registration, a notice, a
   * cancel or confirm button of a mailed link), placed after the body handler and before the CSRF check: a signed-in
   * member's post goes through {@code csrf} as every form does; a visitor's has no session a forged form could act in,
   * and is refused when it comes from another site ({@link #crossSite}).
   */
  public static io.vertx.core.Handler<RoutingContext> visitorOrMember(io.vertx.core.Handler<RoutingContext> csrf,
      String publicOrigin) {
    return InputCheck.body(ctx -> {
      if (Viewer.of(ctx).signedIn()) {
        csrf.handle(ctx);
      } else if (crossSite(ctx, publicOrigin)) {
        ctx.fail(DomainException.forbidden());
      } else {
        ctx.next();
      }
    });
  }

  /**
   * Whether a browser says this request comes from another site: its {@code Origin} names another origin, or it sent no
   * {@code Origin} (older browsers leave it out of some posts) but its {@code Sec-Fetch-Site} says {@code cross-site} or
   * {@code same-site} (a sibling subdomain is another origin too). A request with neither header is not a browser's
   * cross-site form: it is let through, and the session's token still guards everything a member may do.
   */
  public static boolean crossSite(RoutingContext ctx, String publicOrigin) {
    String origin = ctx.request().getHeader("Origin");
    if (origin != null) {
      return !origin.equals(publicOrigin);
    }
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    return site != null && !site.equals("same-origin") && !site.equals("none");
  }
}
