package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.member.SignInIdentity;
import eu.mhealthhub.agora.web.SessionKeys;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Sign-in with OpenID Connect, authorization-code flow with PKCE (S256), a 256-bit state and a
 * nonce, all three bound to the browser's session and each usable once. Vert.x's
 * OAuth2AuthHandler sends no nonce, uses a six-character state and leaves PKCE off, so these
 * routes drive the discovered {@link OAuth2Auth} themselves.
 *
 * <pre>
 * GET  /auth/login?next=/path   start: remember state, nonce, verifier; redirect to the provider
 * GET  /auth/callback           finish: check state, exchange the code, check the ID token's nonce
 * POST /auth/logout             end the session, then the provider's session when it has an end-session endpoint
 * </pre>
 */
public final class SignInRoutes {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SignInRoutes.class);

  private static final String PENDING = "oidc.pending";
  private static final int MAX_PENDING = 5;
  private static final long PENDING_LIFETIME_MS = 10 * 60_000;

  private final OAuth2Auth oauth;
  private final AppConfig config;
  private final String identityIssuer;
  private final MemberService members;
  private final ChangeFeed changes;
  private final Clock clock;
  private final String redirectUri;

  /**
   * @param identityIssuer what is stored as the issuer of identities from this provider: the issuer
   *                       URL, or a fixed name for the development provider whose URL changes
   */
  public SignInRoutes(OAuth2Auth oauth, AppConfig config, String identityIssuer, MemberService members,
      ChangeFeed changes, Clock clock) {
    this.changes = changes;
    this.oauth = oauth;
    this.config = config;
    this.identityIssuer = identityIssuer;
    this.members = members;
    this.clock = clock;
    this.redirectUri = config.publicUrl() + "/auth/callback";
  }

  public void mount(Router router) {
    router.get("/auth/login").handler(this::login);
    router.get("/auth/callback").handler(this::callback);
    router.post("/auth/logout").handler(this::logout);
  }

  private void login(RoutingContext ctx) {
    String next = ctx.request().getParam("next");
    if (!Tokens.isLocalPath(next) || next.startsWith("/auth/")) {
      next = "/";
    }
    Session session = ctx.session();
    String state = Tokens.random(32);
    String nonce = Tokens.random(32);
    String verifier = Tokens.random(48);
    JsonObject pending = pending(session);
    pending.put(state, new JsonObject().put("nonce", nonce).put("verifier", verifier).put("next", next)
        .put("at", clock.millis()));
    while (pending.size() > MAX_PENDING) {
      pending.remove(pending.fieldNames().iterator().next());
    }
    session.put(PENDING, pending);
    String url = oauth.authorizeURL(new OAuth2AuthorizationURL()
        .setRedirectUri(redirectUri)
        .setScopes(List.of("openid", "profile", "email"))
        .setState(state)
        .setCodeChallenge(challenge(verifier))
        .setCodeChallengeMethod("S256")
        .putAdditionalParameter("nonce", nonce));
    ctx.response().setStatusCode(302).putHeader("Location", url).putHeader("Cache-Control", "no-store").end();
  }

  private void callback(RoutingContext ctx) {
    Session session = ctx.session();
    String state = ctx.request().getParam("state");
    JsonObject pending = pending(session);
    JsonObject attempt = state == null ? null : (JsonObject) pending.remove(state);
    session.put(PENDING, pending);
    if (attempt == null || clock.millis() - attempt.getLong("at") > PENDING_LIFETIME_MS) {
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
    oauth.authenticate(new Oauth2Credentials()
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
          return verifiedIdentity(user, attempt.getString("nonce"));
        })
        .compose(members::signedIn)
        .map(member -> {
          User user = ctx.get("agora.oidcUser");
          Session fresh = ctx.session().regenerateId();
          fresh.remove(PENDING);
          fresh.put(SessionKeys.MEMBER_ID, member.id());
          fresh.put(SessionKeys.SIGNED_IN_AT, clock.millis());
          fresh.put(SessionKeys.CSRF, Tokens.random(32));
          if (user != null) {
            fresh.put(SessionKeys.ID_TOKEN, user.principal().getString("id_token"));
          }
          return attempt.getString("next");
        })
        .onSuccess(next -> ctx.response().setStatusCode(302).putHeader("Location", next)
            .putHeader("Cache-Control", "no-store").end())
        .onFailure(ctx::fail);
  }

  /** Checks what Vert.x does not: that an ID token is present, verified, carries our nonce and a subject. */
  private Future<SignInIdentity> verifiedIdentity(User user, String nonce) {
    JsonObject idToken = user.attributes().getJsonObject("idToken");
    if (idToken == null) {
      // Vert.x drops an ID token whose signature, issuer or audience is wrong, and carries on
      return Future.failedFuture(signInFailure("signin.error.token"));
    }
    if (!Tokens.same(nonce, idToken.getString("nonce"))) {
      return Future.failedFuture(signInFailure("signin.error.nonce"));
    }
    Object aud = idToken.getValue("aud");
    boolean forUs = aud instanceof String s ? s.equals(clientId())
        : aud instanceof JsonArray a && a.contains(clientId());
    String subject = idToken.getString("sub");
    if (!forUs || subject == null || subject.isBlank()) {
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
    return Future.succeededFuture(new SignInIdentity(identityIssuer, subject, name.strip(), email, admin));
  }

  private String clientId() {
    return config.oidc().map(AppConfig.OidcSettings::clientId).orElse(DevSignIn.CLIENT_ID);
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
    if (idToken != null) {
      String endSession = oauth.endSessionURL(User.create(new JsonObject().put("id_token", idToken)),
          new JsonObject().put("post_logout_redirect_uri", config.publicUrl() + "/"));
      if (endSession != null) {
        location = endSession;
      }
    }
    ctx.response().setStatusCode(303).putHeader("Location", location).putHeader("Cache-Control", "no-store").end();
  }

  private static JsonObject pending(Session session) {
    JsonObject p = session.get(PENDING);
    return p == null ? new JsonObject() : p.copy();
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
