package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.member.SignInIdentity;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.SecurityHeaders;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Sign-in with OpenID Connect, authorization-code flow with PKCE (S256), a 256-bit state and a
 * nonce, all three bound to the browser (in an encrypted cookie that lives ten minutes, see
 * {@link PendingSignIns}) and each usable once. Starting a sign-in creates no session; the
 * session is created, under a new id, when the provider has vouched for the member. Vert.x's
 * OAuth2AuthHandler sends no nonce, uses a six-character state and leaves PKCE off, so these
 * routes drive the discovered provider themselves, and verify its tokens with {@link ProviderKeys}
 * (which fetches the provider's keys again when it rotates them).
 *
 * <pre>
 * GET  /auth/login?next=/path      start: remember state, nonce, verifier in the browser; redirect to the provider
 *                                  (503 with Retry-After while the provider cannot be reached)
 * GET  /auth/callback              finish: check state, exchange the code, verify the ID token and its nonce
 * POST /auth/logout                end the session, then the provider's session when it has an end-session endpoint
 * POST /auth/backchannel-logout    the provider ends its session: a signed logout token (OIDC Back-Channel Logout 1.0)
 * GET  /auth/frontchannel-logout   the same from the provider's page, in an iframe: ?iss=&sid= (OIDC Front-Channel Logout 1.0)
 * </pre>
 */
public final class SignInRoutes {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SignInRoutes.class);

  /** Longer targets are dropped (to "/"): the attempt must fit in a cookie with a few others. */
  private static final int MAX_NEXT = 512;
  static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
  /** A logout token older than this is refused (a replay, or a clock far off). */
  private static final long LOGOUT_TOKEN_MAX_AGE_S = 10 * 60;
  /** How far the provider's clock may be behind the database's: sign-ins this long after a logout token's iat still end. */
  private static final java.time.Duration LOGOUT_CLOCK_SKEW = java.time.Duration.ofMinutes(2);
  private static final int MAX_SID_LENGTH = 255;

  private final SignInProvider provider;
  private final AppConfig config;
  private final MemberService members;
  private final SignInSessions signIns;
  private final ChangeFeed changes;
  private final Pages pages;
  private final Clock clock;
  private final String redirectUri;
  private final PendingSignIns pending;
  private final SessionHandler sessions;

  /** What the ID token establishes: who signed in, and in which provider session. */
  private record VerifiedSignIn(SignInIdentity identity, String providerSid) {}

  /** A signed-in member and the sign-in their session keeps. */
  private record SignedIn(long memberId, long signInId) {}

  /**
   * What a verified logout token names: the provider's session, its subject, or both, and the
   * latest sign-in it may end (its issue time, plus the clock skew Agora tolerates).
   */
  private record LogoutRequest(String providerSid, String subject, java.time.Instant notAfter) {}

  public SignInRoutes(SignInProvider provider, AppConfig config, MemberService members, SignInSessions signIns,
      ChangeFeed changes, Pages pages, Clock clock, SessionHandler sessions) {
    this.provider = provider;
    this.pending = new PendingSignIns(provider.pendingSignInKey(), config.secureCookies(), clock);
    this.sessions = sessions;
    this.changes = changes;
    this.config = config;
    this.members = members;
    this.signIns = signIns;
    this.pages = pages;
    this.clock = clock;
    this.redirectUri = config.publicUrl() + "/auth/callback";
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.post("/auth/logout").handler(this::logout);
    router.get("/auth/frontchannel-logout").handler(this::frontChannelLogout);
  }

  /**
   * The provider's own call: mounted before the CSRF check, since it comes from the provider's
   * server with no session and no browser; the signed logout token is its proof.
   */
  public void mountProviderCalls(Router router) {
    router.post("/auth/backchannel-logout").handler(this::backChannelLogout);
  }

  private void login(RoutingContext ctx) {
    provider.whenReady()
        .map(discovered -> {
          String next = ctx.request().getParam("next");
          if (!Tokens.isLocalPath(next) || next.startsWith("/auth/") || next.length() > MAX_NEXT) {
            next = "/";
          }
          // No session: the attempt travels in a short-lived cookie, so anonymous visits here cost nothing to keep
          String state = Tokens.random(32);
          String nonce = Tokens.random(32);
          String verifier = Tokens.random(48);
          JsonObject attempts = pending.read(ctx);
          attempts.put(state, pending.attempt(nonce, verifier, next));
          pending.write(ctx, attempts);
          return discovered.oauth().authorizeURL(new OAuth2AuthorizationURL()
              .setRedirectUri(redirectUri)
              .setScopes(List.of("openid", "profile", "email"))
              .setState(state)
              .setCodeChallenge(challenge(verifier))
              .setCodeChallengeMethod("S256")
              .putAdditionalParameter("nonce", nonce));
        })
        .onSuccess(url -> ctx.response().setStatusCode(302).putHeader("Location", url)
            .putHeader("Cache-Control", "no-store").end())
        .onFailure(ctx::fail);
  }

  private void callback(RoutingContext ctx) {
    String state = ctx.request().getParam("state");
    JsonObject attempts = pending.read(ctx);
    JsonObject attempt = state == null ? null : attempts.getJsonObject(state);
    attempts.remove(state == null ? "" : state);
    // each state is usable once, whatever happens next
    pending.write(ctx, attempts);
    if (attempt == null) {
      ctx.fail(signInFailure("signin.error.state"));
      return;
    }
    if (ctx.request().getParam("error") != null) {
      ctx.fail(signInFailure("signin.error.refused"));
      return;
    }
    String code = ctx.request().getParam("code");
    if (code == null || code.isBlank()) {
      ctx.fail(signInFailure("signin.error.code"));
      return;
    }
    provider.whenReady()
        .compose(discovered -> discovered.oauth().authenticate(new Oauth2Credentials()
                .setFlow(io.vertx.ext.auth.oauth2.OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(redirectUri)
                .setCodeVerifier(attempt.getString("verifier")))
            .recover(e -> {
              LOG.info("sign-in refused: the provider did not exchange the code ({})", e.getMessage());
              return Future.failedFuture(signInFailure("signin.error.exchange"));
            })
            .compose(user -> {
              ctx.put("agora.oidcUser", user);
              return verifiedSignIn(discovered, user, attempt.getString("nonce"));
            }))
        .compose(verified -> members.signedIn(verified.identity())
            .compose(member -> signIns.record(member.id(), verified.providerSid())
                .map(signInId -> new SignedIn(member.id(), signInId))))
        .compose(signedIn -> {
          User user = ctx.get("agora.oidcUser");
          Session fresh = ctx.session().regenerateId();
          fresh.put(SessionKeys.MEMBER_ID, signedIn.memberId());
          fresh.put(SessionKeys.SIGN_IN_ID, signedIn.signInId());
          fresh.put(SessionKeys.SIGNED_IN_AT, clock.millis());
          fresh.put(SessionKeys.CSRF, Tokens.random(32));
          if (user != null) {
            fresh.put(SessionKeys.ID_TOKEN, user.principal().getString("id_token"));
          }
          // stored before the redirect, so the browser's next request finds it on any store
          return sessions.flush(ctx, true).map(v -> attempt.getString("next"));
        })
        .onSuccess(next -> ctx.response().setStatusCode(302).putHeader("Location", next)
            .putHeader("Cache-Control", "no-store").end())
        .onFailure(ctx::fail);
  }

  /**
   * Verifies the ID token the provider sent with the tokens (signature with the provider's current
   * keys, fetched again if it names an unknown one; issuer; audience; expiry), then checks what
   * Vert.x does not: our nonce, the authorised party, a subject.
   */
  private Future<VerifiedSignIn> verifiedSignIn(SignInProvider.Discovered discovered, User user, String nonce) {
    String raw = user.principal().getString("id_token");
    if (raw == null) {
      return Future.failedFuture(signInFailure("signin.error.token"));
    }
    return discovered.keys().verify(raw, ProviderKeys.Source.TOKEN_ENDPOINT)
        .recover(e -> {
          LOG.info("sign-in refused: the ID token does not verify ({})", e.getMessage());
          return Future.failedFuture(signInFailure("signin.error.token"));
        })
        .compose(idToken -> identity(idToken, nonce));
  }

  private Future<VerifiedSignIn> identity(JsonObject idToken, String nonce) {
    if (!Tokens.same(nonce, idToken.getString("nonce"))) {
      return Future.failedFuture(signInFailure("signin.error.nonce"));
    }
    Object aud = idToken.getValue("aud");
    boolean forUs = aud instanceof String s ? s.equals(clientId())
        : aud instanceof JsonArray a && a.contains(clientId());
    String azp = idToken.getString("azp");
    String subject = idToken.getString("sub");
    if (!forUs || (azp != null && !azp.equals(clientId())) || idToken.getValue("exp") == null
        || subject == null || subject.isBlank()) {
      return Future.failedFuture(signInFailure("signin.error.token"));
    }
    String email = idToken.getString("email");
    if (Boolean.FALSE.equals(idToken.getValue("email_verified"))) {
      email = null;
    }
    String name = firstNonBlank(idToken.getString("name"), idToken.getString("preferred_username"),
        email == null ? null : email.substring(0, email.indexOf('@') < 0 ? email.length() : email.indexOf('@')),
        "Member");
    boolean admin = (email != null && config.adminEmails().contains(email.toLowerCase(Locale.ROOT)))
        || config.adminClaim().map(c -> claimMatches(idToken.getValue(c.claim()), c.value())).orElse(false);
    String sid = idToken.getValue("sid") instanceof String s && !s.isBlank() && s.length() <= MAX_SID_LENGTH ? s : null;
    return Future.succeededFuture(new VerifiedSignIn(new SignInIdentity(provider.identityIssuer(), subject,
        name.strip(), email, admin, language(idToken.getValue("locale"))), sid));
  }

  /** The locale claim ("fr", "de-AT", "fr_BE") as one of Agora's languages, or null. */
  static String language(Object claim) {
    if (!(claim instanceof String tag) || tag.length() > 35) {
      return null;
    }
    return I18n.supported(tag.strip().replace('_', '-')).map(Locale::toLanguageTag).orElse(null);
  }

  private String clientId() {
    return provider.clientId();
  }

  private static boolean claimMatches(Object claim, String expected) {
    if (claim instanceof JsonArray array) {
      return array.stream().anyMatch(v -> expected.equals(String.valueOf(v)));
    }
    if (claim instanceof String s) {
      return List.of(s.split("[ ,]")).contains(expected);
    }
    return claim != null && expected.equals(String.valueOf(claim));
  }

  private void logout(RoutingContext ctx) {
    Session session = ctx.session();
    String idToken = session == null ? null : session.get(SessionKeys.ID_TOKEN);
    Long memberId = session == null ? null : session.get(SessionKeys.MEMBER_ID);
    if (session != null) {
      session.destroy();
    }
    if (memberId != null) {
      // live sockets keep the member they had when they connected: close them
      changes.accessChanged(memberId);
    }
    String location = "/";
    Optional<SignInProvider.Discovered> discovered = provider.current();
    if (idToken != null && discovered.isPresent()) {
      String endSession = discovered.get().oauth().endSessionURL(User.create(new JsonObject().put("id_token", idToken)),
          new JsonObject().put("post_logout_redirect_uri", config.publicUrl() + "/"));
      if (endSession != null) {
        location = endSession;
      }
    }
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  /**
   * OIDC Back-Channel Logout: the provider posts a logout token (a JWT it signed, naming its
   * session id, the member's subject, or both). Agora ends every sign-in it names, on every node,
   * and answers 200; a token that does not verify gets 400 and ends nothing.
   */
  private void backChannelLogout(RoutingContext ctx) {
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
      return Future.failedFuture(logoutRefused("no logout_token"));
    }
    return discovered.keys().verify(token, ProviderKeys.Source.UNSOLICITED)
        .recover(e -> Future.failedFuture(logoutRefused("it does not verify: " + e.getMessage())))
        .compose(claims -> {
          Object events = claims.getValue("events");
          String sid = claims.getValue("sid") instanceof String s && !s.isBlank() ? s : null;
          String subject = claims.getValue("sub") instanceof String s && !s.isBlank() ? s : null;
          Object iat = claims.getValue("iat");
          long now = clock.millis() / 1000;
          if (!(events instanceof JsonObject e) || !(e.getValue(BACKCHANNEL_LOGOUT_EVENT) instanceof JsonObject)) {
            return Future.failedFuture(logoutRefused("no back-channel logout event"));
          }
          if (claims.containsKey("nonce")) {
            return Future.failedFuture(logoutRefused("a logout token carries no nonce"));
          }
          if (sid == null && subject == null) {
            return Future.failedFuture(logoutRefused("it names neither sid nor sub"));
          }
          if (sid != null && sid.length() > MAX_SID_LENGTH) {
            return Future.failedFuture(logoutRefused("sid too long"));
          }
          if (!(iat instanceof Number issued) || issued.longValue() < now - LOGOUT_TOKEN_MAX_AGE_S) {
            return Future.failedFuture(logoutRefused("no iat, or issued too long ago"));
          }
          return Future.succeededFuture(new LogoutRequest(sid, subject,
              java.time.Instant.ofEpochSecond(issued.longValue()).plus(LOGOUT_CLOCK_SKEW)));
        });
  }

  /**
   * OIDC Front-Channel Logout: the provider's page loads this address in an iframe with its issuer
   * and session id. Both are required (Keycloak sends them unless its "front-channel logout session
   * required" is off), so a link on another site cannot sign anyone out: it would need the
   * provider's session id, which only the member's ID token carries.
   */
  private void frontChannelLogout(RoutingContext ctx) {
    String iss = ctx.request().getParam("iss");
    String sid = ctx.request().getParam("sid");
    if (sid == null || sid.isBlank() || sid.length() > MAX_SID_LENGTH || !sameIssuer(iss)) {
      ctx.fail(logoutRefused("front-channel logout without this provider's iss and a sid"));
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

  private static DomainException logoutRefused(String why) {
    LOG.info("logout request refused: {}", why);
    return DomainException.badRequest("signin.logout.invalid");
  }

  private static DomainException signInFailure(String key) {
    LOG.info("sign-in refused: {}", key);
    return DomainException.badRequest(key);
  }

  private static String challenge(String verifier) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "Member";
  }
}
