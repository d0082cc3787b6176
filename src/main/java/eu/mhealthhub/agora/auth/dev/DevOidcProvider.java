package eu.mhealthhub.agora.auth.dev;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small but real OpenID Connect provider on loopback for development and tests: discovery, an
 * authorization endpoint that lets you pick a demo person (or type a new one), a token endpoint
 * with client authentication, single-use codes and PKCE (S256), RS256-signed ID tokens with the
 * request's nonce, a session id ({@code sid}) and the person's {@code locale}, JWKS, userinfo, an
 * end-session endpoint, and back-channel logout. Agora talks to it exactly as to Keycloak, so the
 * production sign-in path is the one that runs. Tests can rotate its signing key
 * ({@link #rotateKey()}) and have it end a person's sessions ({@link #endSessions(String)}).
 *
 * <p>Not for production: anyone who can reach it signs in as anyone. It listens on 127.0.0.1 only.
 * The class is open so that tests can subclass it to send deliberately wrong tokens.
 */
public class DevOidcProvider {

  private static final long CODE_LIFETIME_MS = 60_000;
  private static final long TOKEN_LIFETIME_S = 300;
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * What the provider needs to know about its one client, Agora.
   *
   * @param backchannelLogoutUri where logout tokens are posted when a session ends here, or null
   */
  public record Client(String clientId, String clientSecret, String redirectUri, String postLogoutRedirectUri,
      String backchannelLogoutUri) {

    public Client(String clientId, String clientSecret, String redirectUri, String postLogoutRedirectUri) {
      this(clientId, clientSecret, redirectUri, postLogoutRedirectUri, null);
    }
  }

  /**
   * An authorization granted at the authorization endpoint, waiting to be exchanged for tokens;
   * {@code sid} names the provider session it belongs to.
   */
  protected record Grant(DevIdentity identity, String nonce, String codeChallenge, String redirectUri,
      long issuedAt, String scope, String sid) {}

  /** A signing key and the id the JWKS and the token headers name it by. */
  private record SigningKey(String id, KeyPair pair) {}

  private final Vertx vertx;
  private final Client client;
  private final List<DevIdentity> identities;
  private final Clock clock;
  private volatile SigningKey key;
  private final java.util.concurrent.atomic.AtomicInteger keySetRequests = new java.util.concurrent.atomic.AtomicInteger();
  /** Provider sessions still open: sid to subject. */
  private final Map<String, String> sessions = new ConcurrentHashMap<>();
  private final Map<String, Grant> codes = new ConcurrentHashMap<>();
  private final Map<String, JsonObject> accessTokens = new ConcurrentHashMap<>();
  private HttpServer server;
  private String issuer;
  private io.vertx.ext.web.client.WebClient webClient;  // guarded by this; for back-channel logout

  public DevOidcProvider(Vertx vertx, Client client, List<DevIdentity> identities, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.identities = List.copyOf(identities);
    this.clock = clock;
    this.key = newKey();
  }

  private static SigningKey newKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return new SigningKey(token(8), generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Replaces the signing key with a new one under a new key id, as a provider that rotates its
   * keys and retires the old one: tokens are signed with the new key and the key set lists only it.
   * Completes with the new key id.
   */
  public String rotateKey() {
    SigningKey next = newKey();
    key = next;
    return next.id();
  }

  /** The id of the key tokens are signed with now. */
  public String keyId() {
    return key.id();
  }

  /** How many times the key set (JWKS) was asked for since the start. */
  public int keySetRequests() {
    return keySetRequests.get();
  }

  /**
   * Ends every provider session of this person, as an administrator or the person would at a real
   * provider, and tells the client through back-channel logout: one signed logout token per session,
   * naming its sid and the subject. Completes with the client's answer to each (its HTTP status).
   */
  public Future<List<Integer>> endSessions(String subject) {
    List<String> ended = sessions.entrySet().stream().filter(e -> e.getValue().equals(subject))
        .map(Map.Entry::getKey).toList();
    ended.forEach(sessions::remove);
    List<Future<Integer>> answers = ended.stream().map(sid -> postLogoutToken(logoutToken(sid, subject))).toList();
    return Future.all(answers).map(all -> answers.stream().map(Future::result).toList());
  }

  /** The provider session ids still open for this person (what a front-channel logout would name). */
  public List<String> sessionIds(String subject) {
    return sessions.entrySet().stream().filter(e -> e.getValue().equals(subject)).map(Map.Entry::getKey).toList();
  }

  /** A signed logout token (OIDC Back-Channel Logout 1.0) for this session and subject. */
  public String logoutToken(String sid, String subject) {
    long now = clock.millis() / 1000;
    JsonObject claims = new JsonObject()
        .put("iss", issuer)
        .put("aud", client.clientId())
        .put("iat", now)
        .put("exp", now + 120)
        .put("jti", token(16))
        .put("events", new JsonObject().put("http://schemas.openid.net/event/backchannel-logout", new JsonObject()));
    if (sid != null) {
      claims.put("sid", sid);
    }
    if (subject != null) {
      claims.put("sub", subject);
    }
    return sign(claims);
  }

  /** Posts a logout token to the client's back-channel logout URI; completes with its HTTP status. */
  public Future<Integer> postLogoutToken(String logoutToken) {
    if (client.backchannelLogoutUri() == null) {
      return Future.failedFuture("the client has no back-channel logout URI");
    }
    return webClient().postAbs(client.backchannelLogoutUri())
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", logoutToken))
        .map(io.vertx.ext.web.client.HttpResponse::statusCode);
  }

  private synchronized io.vertx.ext.web.client.WebClient webClient() {
    if (webClient == null) {
      webClient = io.vertx.ext.web.client.WebClient.create(vertx);
    }
    return webClient;
  }

  /** Starts listening on 127.0.0.1 and completes with the issuer URL. */
  public Future<String> start(int port) {
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
    router.route().handler(BodyHandler.create(false).setBodyLimit(16 * 1024));
    router.get("/.well-known/openid-configuration").handler(this::discovery);
    router.get("/jwks").handler(this::jwks);
    router.get("/authorize").handler(this::authorizePage);
    router.post("/authorize").handler(this::authorizeDecision);
    router.post("/token").handler(this::token);
    router.get("/userinfo").handler(this::userinfo);
    router.get("/logout").handler(this::logout);
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
        .requestHandler(router)
        .listen()
        .map(s -> {
          server = s;
          issuer = "http://127.0.0.1:" + s.actualPort();
          return issuer;
        });
  }

  public String issuer() {
    return issuer;
  }

  public Future<Void> stop() {
    synchronized (this) {
      if (webClient != null) {
        webClient.close();
        webClient = null;
      }
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void discovery(RoutingContext ctx) {
    json(ctx, 200, new JsonObject()
        .put("issuer", issuer)
        .put("authorization_endpoint", issuer + "/authorize")
        .put("token_endpoint", issuer + "/token")
        .put("userinfo_endpoint", issuer + "/userinfo")
        .put("jwks_uri", issuer + "/jwks")
        .put("end_session_endpoint", issuer + "/logout")
        .put("backchannel_logout_supported", true)
        .put("backchannel_logout_session_supported", true)
        .put("frontchannel_logout_supported", true)
        .put("frontchannel_logout_session_supported", true)
        .put("response_types_supported", new JsonArray().add("code"))
        .put("subject_types_supported", new JsonArray().add("public"))
        .put("id_token_signing_alg_values_supported", new JsonArray().add("RS256"))
        .put("code_challenge_methods_supported", new JsonArray().add("S256"))
        .put("token_endpoint_auth_methods_supported",
            new JsonArray().add("client_secret_basic").add("client_secret_post"))
        .put("scopes_supported", new JsonArray().add("openid").add("profile").add("email")));
  }

  private void jwks(RoutingContext ctx) {
    keySetRequests.incrementAndGet();
    SigningKey signing = this.key;
    RSAPublicKey pub = (RSAPublicKey) signing.pair().getPublic();
    JsonObject key = new JsonObject()
        .put("kty", "RSA").put("use", "sig").put("alg", "RS256").put("kid", signing.id())
        .put("n", b64(unsigned(pub.getModulus()))).put("e", b64(unsigned(pub.getPublicExponent())));
    json(ctx, 200, new JsonObject().put("keys", new JsonArray().add(key)));
  }

  /** Checks what must be right before the provider may redirect back at all. */
  private Optional<String> requestProblem(MultiMap p) {
    if (!client.clientId().equals(p.get("client_id"))) {
      return Optional.of("unknown client_id");
    }
    if (!client.redirectUri().equals(p.get("redirect_uri"))) {
      return Optional.of("redirect_uri is not registered for this client");
    }
    if (!"code".equals(p.get("response_type"))) {
      return Optional.of("only response_type=code is supported");
    }
    if (p.get("code_challenge") == null || !"S256".equals(p.get("code_challenge_method"))) {
      return Optional.of("PKCE with S256 is required");
    }
    String scope = p.get("scope");
    if (scope == null || !List.of(scope.split(" ")).contains("openid")) {
      return Optional.of("scope must include openid");
    }
    return Optional.empty();
  }

  private void authorizePage(RoutingContext ctx) {
    MultiMap p = ctx.request().params();
    Optional<String> problem = requestProblem(p);
    if (problem.isPresent()) {
      page(ctx, 400, "<h1>Sign-in request refused</h1><p>" + esc(problem.get()) + "</p>");
      return;
    }
    StringBuilder hidden = new StringBuilder();
    for (String name : List.of("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
        "code_challenge", "code_challenge_method")) {
      if (p.get(name) != null) {
        hidden.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"")
            .append(esc(p.get(name))).append("\">");
      }
    }
    StringBuilder people = new StringBuilder("<ul class=\"people\">");
    for (DevIdentity id : identities) {
      people.append("<li><button type=\"submit\" name=\"subject\" value=\"").append(esc(id.subject()))
          .append("\">").append(esc(id.name())).append("</button> <span>").append(esc(id.note()))
          .append("</span></li>");
    }
    people.append("</ul>");
    page(ctx, 200, """
        <h1>Development sign-in</h1>
        <p class="warning"><strong>This is not a real identity provider.</strong> It runs beside Agora
        when no OpenID Connect provider is configured, and signs you in as whoever you pick.</p>
        <form method="post" action="/authorize">%s
          <h2 id="demo-people">Sign in as a demo member</h2>
          %s
        </form>
        <form method="post" action="/authorize">%s
          <h2>Or as someone new</h2>
          <p><label for="name">Name</label><br><input id="name" name="name" required maxlength="80" autocomplete="name"></p>
          <p><label for="email">E-mail</label><br><input id="email" name="email" type="email" required maxlength="254" autocomplete="email"></p>
          <p><button type="submit">Sign in</button></p>
        </form>
        <form method="post" action="/authorize">%s
          <p><button type="submit" name="deny" value="1">Cancel sign-in</button></p>
        </form>
        """.formatted(hidden, people, hidden, hidden));
  }

  private void authorizeDecision(RoutingContext ctx) {
    MultiMap p = ctx.request().formAttributes();
    Optional<String> problem = requestProblem(p);
    if (problem.isPresent()) {
      page(ctx, 400, "<h1>Sign-in request refused</h1><p>" + esc(problem.get()) + "</p>");
      return;
    }
    String state = p.get("state");
    String back = client.redirectUri() + (client.redirectUri().contains("?") ? "&" : "?");
    if (p.get("deny") != null) {
      redirect(ctx, back + "error=access_denied" + (state == null ? "" : "&state=" + enc(state)));
      return;
    }
    Optional<DevIdentity> identity = Optional.ofNullable(p.get("subject"))
        .flatMap(s -> identities.stream().filter(i -> i.subject().equals(s)).findFirst());
    if (identity.isEmpty()) {
      String name = p.get("name") == null ? "" : p.get("name").strip();
      String email = p.get("email") == null ? "" : p.get("email").strip().toLowerCase(java.util.Locale.ROOT);
      if (name.isEmpty() || name.length() > 80 || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        page(ctx, 400, "<h1>Please give a name and an e-mail address</h1><p>Use your browser's Back button and try again.</p>");
        return;
      }
      identity = Optional.of(new DevIdentity("email:" + email, name, email, ""));
    }
    String code = token(32);
    String sid = token(16);
    sessions.put(sid, identity.get().subject());
    codes.put(code, new Grant(identity.get(), p.get("nonce"), p.get("code_challenge"), p.get("redirect_uri"),
        clock.millis(), p.get("scope"), sid));
    redirect(ctx, back + "code=" + enc(code) + (state == null ? "" : "&state=" + enc(state)));
  }

  private void token(RoutingContext ctx) {
    MultiMap form = ctx.request().formAttributes();
    ClientCredentials credentials = clientCredentials(ctx.request(), form);
    if (credentials == null || !client.clientId().equals(credentials.id())
        || !MessageDigest.isEqual(client.clientSecret().getBytes(StandardCharsets.UTF_8),
            credentials.secret().getBytes(StandardCharsets.UTF_8))) {
      json(ctx, 401, new JsonObject().put("error", "invalid_client"));
      return;
    }
    if (!"authorization_code".equals(form.get("grant_type"))) {
      json(ctx, 400, new JsonObject().put("error", "unsupported_grant_type"));
      return;
    }
    String code = form.get("code");
    Grant grant = code == null ? null : codes.remove(code);  // single use: a replayed code finds nothing
    if (grant == null || clock.millis() - grant.issuedAt() > CODE_LIFETIME_MS
        || !grant.redirectUri().equals(form.get("redirect_uri"))
        || !pkceMatches(grant.codeChallenge(), form.get("code_verifier"))) {
      json(ctx, 400, new JsonObject().put("error", "invalid_grant"));
      return;
    }
    long now = clock.millis() / 1000;
    JsonObject claims = idTokenClaims(grant, now);
    String accessToken = token(32);
    accessTokens.put(accessToken, userInfo(grant.identity()));
    json(ctx, 200, new JsonObject()
        .put("access_token", accessToken)
        .put("token_type", "Bearer")
        .put("expires_in", TOKEN_LIFETIME_S)
        .put("scope", grant.scope())
        .put("id_token", sign(claims)));
  }

  /** The ID token's claims; tests override this to send a token Agora must refuse. */
  protected JsonObject idTokenClaims(Grant grant, long nowSeconds) {
    JsonObject claims = userInfo(grant.identity())
        .put("iss", issuer)
        .put("aud", client.clientId())
        .put("iat", nowSeconds)
        .put("auth_time", nowSeconds)
        .put("exp", nowSeconds + TOKEN_LIFETIME_S)
        .put("sid", grant.sid());
    if (grant.nonce() != null) {
      claims.put("nonce", grant.nonce());
    }
    return claims;
  }

  private static JsonObject userInfo(DevIdentity identity) {
    JsonObject info = new JsonObject()
        .put("sub", identity.subject())
        .put("name", identity.name())
        .put("email", identity.email())
        .put("email_verified", true);
    if (identity.locale() != null) {
      info.put("locale", identity.locale());
    }
    return info;
  }

  private void userinfo(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    JsonObject info = auth != null && auth.startsWith("Bearer ") ? accessTokens.get(auth.substring(7)) : null;
    if (info == null) {
      json(ctx, 401, new JsonObject().put("error", "invalid_token"));
      return;
    }
    json(ctx, 200, info);
  }

  private void logout(RoutingContext ctx) {
    String target = ctx.request().getParam("post_logout_redirect_uri");
    if (client.postLogoutRedirectUri().equals(target)) {
      redirect(ctx, target);
      return;
    }
    page(ctx, 200, "<h1>Signed out</h1><p>You are signed out of the development provider.</p>");
  }

  private record ClientCredentials(String id, String secret) {}

  private static ClientCredentials clientCredentials(HttpServerRequest request, MultiMap form) {
    String auth = request.getHeader("Authorization");
    if (auth != null && auth.startsWith("Basic ")) {
      String decoded = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      return new ClientCredentials(
          java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    }
    if (form.get("client_id") != null && form.get("client_secret") != null) {
      return new ClientCredentials(form.get("client_id"), form.get("client_secret"));
    }
    return null;
  }

  private static boolean pkceMatches(String challenge, String verifier) {
    if (challenge == null || verifier == null) {
      return false;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return MessageDigest.isEqual(b64(digest).getBytes(StandardCharsets.US_ASCII),
          challenge.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Signs these claims with the current key, as every token of this provider is signed. */
  protected String sign(JsonObject claims) {
    SigningKey signing = this.key;
    JsonObject header = new JsonObject().put("alg", "RS256").put("typ", "JWT").put("kid", signing.id());
    String input = b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(signing.pair().getPrivate());
      rsa.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + b64(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void page(RoutingContext ctx, int status, String body) {
    String origin = java.net.URI.create(client.redirectUri()).resolve("/").toString();
    origin = origin.substring(0, origin.length() - 1);
    ctx.response().setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
            + "form-action 'self' " + origin + "; frame-ancestors 'none'; base-uri 'none'")
        .end("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Development sign-in</title>
            <style>
              body { font: 1rem/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
              .warning { background: #fff4d6; border-left: 4px solid #8a5a00; padding: .75rem 1rem; }
              .people { list-style: none; padding: 0; }
              .people li { margin: .5rem 0; }
              .people span { color: #444; }
              button { font: inherit; padding: .4rem .9rem; border: 1px solid #0b4f8a; background: #0b4f8a; color: #fff; border-radius: 4px; cursor: pointer; }
              button:focus-visible, input:focus-visible { outline: 3px solid #e0a000; outline-offset: 2px; }
              input { font: inherit; padding: .3rem; border: 1px solid #555; border-radius: 4px; width: 100%%; max-width: 24rem; }
            </style></head>
            <body><main>%s</main></body></html>
            """.formatted(body));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static void redirect(RoutingContext ctx, String location) {
    ctx.response().setStatusCode(302).putHeader("Location", location).end();
  }

  private static String token(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return b64(b);
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      return java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    return bytes;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
