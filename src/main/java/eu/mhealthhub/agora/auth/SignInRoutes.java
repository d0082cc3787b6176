package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.web.SuspensionCheck;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
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
 *                                  (both logouts are handled by {@link ProviderLogout}; ID token claims by {@link IdTokenIdentity})
 * </pre>
 */
public final class SignInRoutes {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SignInRoutes.class);

  /** Longer targets are dropped (to "/"): the attempt must fit in a cookie with a few others. */
  private static final int MAX_NEXT = 512;

  private final SignInProvider provider;
  private final AppConfig config;
  private final MemberService members;
  private final SignInSessions signIns;
  private final ChangeFeed changes;
  private final Clock clock;
  private final String redirectUri;
  private final PendingSignIns pending;
  private final SessionHandler sessions;
  private final IdTokenIdentity idTokens;
  private final ProviderLogout providerLogout;
  private final Pages pages;

  private SuspensionCheck suspensions = SuspensionCheck.NONE;

  /** How long a suspended member's browser may read and appeal their statements after signing in at the provider. */
  static final java.time.Duration APPEAL_WINDOW = java.time.Duration.ofHours(1);

  /** Sign-in refuses suspended members with a page saying until when, why, and how to appeal. */
  public SignInRoutes refusingSuspended(SuspensionCheck check) {
    this.suspensions = check;
    return this;
  }

  /** Where a finished sign-in lands: the page it began on, or the page saying the member is suspended. */
  private sealed interface Landing {}

  private record Redirect(String location) implements Landing {}

  private record Refused(long memberId, SuspensionCheck.Notice notice) implements Landing {}

  /** A signed-in member and the sign-in their session keeps. */
  private record SignedIn(long memberId, long signInId) {}

  public SignInRoutes(SignInProvider provider, AppConfig config, MemberService members, SignInSessions signIns,
      ChangeFeed changes, Pages pages, Clock clock, SessionHandler sessions) {
    this.provider = provider;
    this.pending = new PendingSignIns(provider.pendingSignInKey(), config.secureCookies(), clock);
    this.sessions = sessions;
    this.changes = changes;
    this.config = config;
    this.members = members;
    this.signIns = signIns;
    this.clock = clock;
    this.redirectUri = config.publicUrl() + "/auth/callback";
    this.idTokens = new IdTokenIdentity(config, provider);
    this.providerLogout = new ProviderLogout(provider, signIns, pages, clock);
    this.pages = pages;
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.get("/auth/suspended").handler(this::suspended);
    router.post("/auth/logout").handler(this::logout);
    router.get("/auth/frontchannel-logout").handler(providerLogout::frontChannel);
  }

  /**
   * The provider's own call: mounted before the CSRF check, since it comes from the provider's
   * server with no session and no browser; the signed logout token is its proof.
   */
  public void mountProviderCalls(Router router) {
    router.post("/auth/backchannel-logout").handler(providerLogout::backChannel);
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
            .compose(member -> suspensions.current(member.id()).compose(suspended -> suspended.isPresent()
                // a suspended member gets no session and no sign-in record
                ? Future.<Landing>succeededFuture(new Refused(member.id(), suspended.get()))
                : signIns.record(member.id(), verified.providerSid())
                    .compose(signInId -> session(ctx, attempt, new SignedIn(member.id(), signInId))))))
        .onSuccess(landing -> land(ctx, landing))
        .onFailure(ctx::fail);
  }

  private void land(RoutingContext ctx, Landing landing) {
    if (landing instanceof Redirect r) {
      ctx.response().setStatusCode(302).putHeader("Location", r.location()).putHeader("Cache-Control", "no-store").end();
    } else if (landing instanceof Refused refused) {
      ctx.response().putHeader("Cache-Control", "no-store");
      if (refused.notice().decisionId() != null) {
        // no sign-in, but for an hour this browser may read and appeal the statements addressed to this
        // member; the session is stored with a redirect (Vert.x stores none with an error status), and
        // the page that says so answers 403
        Session appellant = ctx.session().regenerateId();
        appellant.remove(SessionKeys.MEMBER_ID);
        appellant.put(SessionKeys.APPELLANT_ID, refused.memberId());
        appellant.put(SessionKeys.APPELLANT_UNTIL, clock.millis() + APPEAL_WINDOW.toMillis());
        appellant.put(SessionKeys.CSRF, Tokens.csrf());
        // stored before the redirect, as a sign-in's session is: a browser follows it at once, and
        // the store Vert.x runs as the headers go out may not have finished by then
        sessions.flush(ctx, true)
            .onSuccess(v -> ctx.response().setStatusCode(302).putHeader("Location", "/auth/suspended").end())
            .onFailure(ctx::fail);
        return;
      }
      suspendedPage(ctx, refused.notice());
    }
  }

  private void suspendedPage(RoutingContext ctx, SuspensionCheck.Notice notice) {
    ctx.response().putHeader("Cache-Control", "no-store");
    java.util.Map<String, Object> model = new java.util.HashMap<>();
    model.put("until", notice.until());
    model.put("reason", notice.reason());
    if (notice.decisionId() != null) {
      model.put("decision", notice.decisionId());
    }
    pages.render(ctx, 403, "auth/suspended", model);
  }

  /** The page a suspended member's sign-in lands on: until when, why, and the way to their statement and appeal. */
  private void suspended(RoutingContext ctx) {
    Long appellant = ctx.get(SessionKeys.APPELLANT_CONTEXT);
    if (appellant == null) {
      ctx.response().setStatusCode(302).putHeader("Location", "/").end();
      return;
    }
    // a suspension that ended meanwhile sends them to sign in as anyone else
    suspensions.current(appellant)
        .onSuccess(notice -> notice.ifPresentOrElse(n -> suspendedPage(ctx, n),
            () -> ctx.response().setStatusCode(302).putHeader("Location", "/auth/login").end()))
        .onFailure(ctx::fail);
  }


  private Future<Landing> session(RoutingContext ctx, JsonObject attempt, SignedIn signedIn) {
    User user = ctx.get("agora.oidcUser");
    Session fresh = ctx.session().regenerateId();
    fresh.put(SessionKeys.MEMBER_ID, signedIn.memberId());
    fresh.put(SessionKeys.SIGN_IN_ID, signedIn.signInId());
    fresh.put(SessionKeys.SIGNED_IN_AT, clock.millis());
    fresh.put(SessionKeys.CSRF, Tokens.csrf());
    if (user != null) {
      fresh.put(SessionKeys.ID_TOKEN, user.principal().getString("id_token"));
    }
    // stored before the redirect, so the browser's next request finds it on any store
    return sessions.flush(ctx, true).map(v -> new Redirect(attempt.getString("next")));
  }

  /**
   * Verifies the ID token the provider sent with the tokens (signature with the provider's current
   * keys, fetched again if it names an unknown one; issuer; audience; expiry), then checks what
   * Vert.x does not: our nonce, the authorised party, a subject.
   */
  private Future<IdTokenIdentity.VerifiedSignIn> verifiedSignIn(SignInProvider.Discovered discovered, User user, String nonce) {
    String raw = user.principal().getString("id_token");
    if (raw == null) {
      return Future.failedFuture(signInFailure("signin.error.token"));
    }
    return discovered.keys().verify(raw, ProviderKeys.Source.TOKEN_ENDPOINT)
        .recover(e -> {
          LOG.info("sign-in refused: the ID token does not verify ({})", e.getMessage());
          return Future.failedFuture(signInFailure("signin.error.token"));
        })
        .compose(idToken -> idTokens.of(idToken, nonce));
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

  static DomainException signInFailure(String key) {
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
}
