package eu.mhealthhub.agora.web;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every response, static files and error pages included. The Content-Security-Policy
 * allows no inline script at all; the only other origin named is the sign-in provider, where the
 * sign-out form redirects.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {

  private final String csp;
  private final boolean https;

  public SecurityHeaders(String providerOrigin, boolean https) {
    String formAction = "'self'" + (providerOrigin == null ? "" : " " + providerOrigin);
    this.csp = String.join("; ",
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action " + formAction,
        "frame-ancestors 'none'");
    this.https = https;
  }

  /**
   * Lets the identity provider's page show this response in a frame: front-channel logout loads
   * Agora's logout address in an invisible iframe of the provider's page. Nothing else is framed.
   */
  public static void allowFramingBy(RoutingContext ctx, String providerOrigin) {
    MultiMap h = ctx.response().headers();
    String csp = h.get("Content-Security-Policy");
    if (csp != null) {
      h.set("Content-Security-Policy", csp.replace("frame-ancestors 'none'", "frame-ancestors " + providerOrigin));
    }
    h.remove("X-Frame-Options");
  }

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap h = ctx.response().headers();
    h.set("Content-Security-Policy", csp);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "strict-origin-when-cross-origin");
    h.set("X-Frame-Options", "DENY");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    if (https) {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    ctx.next();
  }
}
