package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.SecurityHeaders;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The provider ends its session, and with it the Agora sessions that sign-in started: by a signed
 * logout token posted from its server (OIDC Back-Channel Logout 1.0) or by its logout page loading
 * an address of ours in an iframe (OIDC Front-Channel Logout 1.0). Mounted by {@link SignInRoutes}.
 */
final class ProviderLogout {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProviderLogout.class);

  static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
  /** A logout token older than this is refused (a replay, or a clock far off). */
  private static final long LOGOUT_TOKEN_MAX_AGE_S = 10 * 60;
  /** How far the provider's clock may be behind the database's: sign-ins this long after a logout token's iat still end. */
  private static final Duration LOGOUT_CLOCK_SKEW = Duration.ofMinutes(2);

  private final SignInProvider provider;
  private final SignInSessions signIns;
  private final Pages pages;
  private final Clock clock;

  /**
   * What a verified logout token names: the provider's session, its subject, or both, and the
   * latest sign-in it may end (its issue time, plus the clock skew Agora tolerates).
   */
  private record LogoutRequest(String providerSid, String subject, Instant notAfter) {}

  ProviderLogout(SignInProvider provider, SignInSessions signIns, Pages pages, Clock clock) {
    this.provider = provider;
    this.signIns = signIns;
    this.pages = pages;
    this.clock = clock;
  }

  /**
   * OIDC Back-Channel Logout: the provider posts a logout token (a JWT it signed, naming its
   * session id, the member's subject, or both). Agora ends every sign-in it names, on every node,
   * and answers 200; a token that does not verify gets 400 and ends nothing.
   */
  void backChannel(RoutingContext ctx) {
    String token = ctx.request().getFormAttribute("logout_token");
    provider.whenReady()
        .compose(discovered -> logoutRequest(discovered, token))
        .compose(request -> signIns.endProviderSession(provider.identityIssuer(), request.providerSid(),
            request.subject(), request.notAfter()))
        .onSuccess(ended -> ctx.response().setStatusCode(200).putHeader("Cache-Control", "no-store").end())
        .onFailure(ctx::fail);
  }

  /** Checks a logout token as OIDC Back-Channel Logout 1.0, section 2.6, asks. */
  private Future<LogoutRequest> logoutRequest(SignInProvider.Discovered discovered, String token) {
    if (token == null || token.isBlank() || token.length() > 16_384) {
      return Future.failedFuture(refused("no logout_token"));
    }
    return discovered.keys().verify(token, ProviderKeys.Source.UNSOLICITED)
        .recover(e -> Future.failedFuture(refused("it does not verify: " + e.getMessage())))
        .compose(claims -> {
          Object events = claims.getValue("events");
          String sid = claims.getValue("sid") instanceof String s && !s.isBlank() ? s : null;
          String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
          Object iat = claims.getValue("iat");
          long now = clock.millis() / 1000;
          if (!(events instanceof JsonObject e) || !(e.getValue(BACKCHANNEL_LOGOUT_EVENT) instanceof JsonObject)) {
            return Future.failedFuture(refused("no back-channel logout event"));
          }
          if (claims.containsKey("nonce")) {
            return Future.failedFuture(refused("a logout token carries no nonce"));
          }
          if (sid == null && subject == null) {
            return Future.failedFuture(refused("it names neither sid nor sub"));
          }
          if (sid != null && sid.length() > IdTokenIdentity.MAX_SID_LENGTH) {
            return Future.failedFuture(refused("sid too long"));
          }
          if (!(iat instanceof Number issued) || issued.longValue() < now - LOGOUT_TOKEN_MAX_AGE_S) {
            return Future.failedFuture(refused("no iat, or issued too long ago"));
          }
          return Future.succeededFuture(new LogoutRequest(sid, subject,
              Instant.ofEpochSecond(issued.longValue()).plus(LOGOUT_CLOCK_SKEW)));
        });
  }

  /**
   * OIDC Front-Channel Logout: the provider's page loads this address in an iframe with its issuer
   * and session id. Both are required (Keycloak sends them unless its "front-channel logout session
   * required" is off), so a link on another site cannot sign anyone out: it would need the
   * provider's session id, which only the member's ID token carries.
   */
  void frontChannel(RoutingContext ctx) {
    String iss = ctx.request().getParam("iss");
    String sid = ctx.request().getParam("sid");
    if (sid == null || sid.isBlank() || sid.length() > IdTokenIdentity.MAX_SID_LENGTH || !sameIssuer(iss)) {
      ctx.fail(refused("front-channel logout without this provider's iss and a sid"));
      return;
    }
    Respond.to(ctx, signIns.endProviderSession(provider.identityIssuer(), sid, null, null)
        .compose(ended -> endOwnSessionIfEnded(ctx))
        .map(v -> {
          // the provider's logout page shows this in a frame; nothing else may
          SecurityHeaders.allowFramingBy(ctx, provider.origin());
          ctx.response().putHeader("Cache-Control", "no-store");
          return v;
        }), v -> pages.render(ctx, "auth/signed-out", Map.of()));
  }

  /** When this request's own session was among those ended, signs it out now rather than at the next request. */
  private Future<Void> endOwnSessionIfEnded(RoutingContext ctx) {
    // only a signed-in viewer has a session to look at; asking an anonymous request for one would start one
    Session session = Viewer.of(ctx).signedIn() ? ctx.session() : null;
    Long signInId = session == null ? null : session.get(SessionKeys.SIGN_IN_ID);
    if (signInId == null) {
      return Future.succeededFuture();
    }
    return signIns.stillSignedIn(signInId).map(active -> {
      if (!active) {
        session.destroy();
        Viewer.forgetMember(ctx);
      }
      return null;
    });
  }

  private boolean sameIssuer(String iss) {
    if (iss == null) {
      return false;
    }
    String given = iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss;
    String configured = provider.issuer().toString();
    configured = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
    return given.equals(configured)
        || provider.current().map(d -> d.issuer().equals(iss) || d.issuer().equals(given)).orElse(false);
  }

  private static DomainException refused(String why) {
    LOG.info("logout request refused: {}", why);
    return DomainException.badRequest("signin.logout.invalid");
  }
}
