package eu.mhealthhub.agora.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.ProviderApp;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TamperingProvider;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The provider ends the member's session: OIDC back-channel logout (a signed logout token posted
 * by the provider's server) and front-channel logout (the provider's page loads Agora's logout
 * address in an iframe). Against the development provider; {@code KeycloakSignInIT} does it with
 * Keycloak.
 */
class ProviderLogoutTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final DevIdentity LEA = new DevIdentity("lea-" + RUN, "Léa Fontaine", "lea." + RUN + "@example.org", "");
  private static final DevIdentity OTTO = new DevIdentity("otto-" + RUN, "Otto Brandt", "otto." + RUN + "@example.org", "");
  private static final DevIdentity MIA = new DevIdentity("mia-" + RUN, "Mia Keller", "mia." + RUN + "@example.org", "");
  private static ProviderApp env;

  @BeforeAll
  static void start() {
    env = ProviderApp.start(List.of(LEA, OTTO, MIA), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static int post(String logoutToken) throws Exception {
    return env.provider().postLogoutToken(logoutToken).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static long endedSignIns(DevIdentity who) {
    return TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND ended_at IS NOT NULL",
        env.memberId(who));
  }

  @Test
  @DisplayName("a back-channel logout naming a provider session signs out the Agora session of that sign-in, and no other")
  void backChannelBySession() throws Exception {
    Browser laptop = new Browser();
    Browser phone = new Browser();
    String laptopSid = env.signIn(laptop, LEA);
    env.signIn(phone, LEA);
    long ended = endedSignIns(LEA);

    assertEquals(200, post(env.provider().logoutToken(laptopSid, LEA.subject())));
    assertFalse(env.signedIn(laptop), "the session of the ended provider session is signed out");
    assertTrue(env.signedIn(phone), "another sign-in of the same member stays");
    assertEquals(ended + 1, endedSignIns(LEA));
    Document home = Jsoup.parse(laptop.get(env.app().url("/")).body());
    assertTrue(home.select(".member-name").isEmpty(), "the page shows no member");
    assertEquals(1, home.select("a[href^=/auth/login]").size(), "and offers sign-in");
  }

  @Test
  @DisplayName("a back-channel logout naming only the subject signs out every Agora session of that member")
  void backChannelBySubject() throws Exception {
    Browser one = new Browser();
    Browser two = new Browser();
    Browser other = new Browser();
    env.signIn(one, OTTO);
    env.signIn(two, OTTO);
    env.signIn(other, LEA);

    assertEquals(200, post(env.provider().logoutToken(null, OTTO.subject())));
    assertFalse(env.signedIn(one));
    assertFalse(env.signedIn(two));
    assertTrue(env.signedIn(other), "other members are not touched");
  }

  @Test
  @DisplayName("a logout token naming only the subject ends the sign-ins from before it was issued, not later ones")
  void subjectLogoutSparesLaterSignIns() throws Exception {
    Browser earlier = new Browser();
    Browser later = new Browser();
    env.signIn(earlier, MIA);
    TestDatabase.update("UPDATE sign_ins SET signed_in_at = now() - interval '10 minutes' WHERE member_id = ?",
        env.memberId(MIA));
    env.signIn(later, MIA);
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("iss", env.issuer()).put("aud", TamperingProvider.CLIENT_ID)
        .put("iat", now - 300).put("jti", UUID.randomUUID().toString()).put("sub", MIA.subject())
        .put("events", new JsonObject().put(ProviderLogout.BACKCHANNEL_LOGOUT_EVENT, new JsonObject()));
    assertEquals(200, post(env.provider().signedToken(claims)), "a token issued five minutes ago (a replay, say)");
    assertFalse(env.signedIn(earlier), "the sign-in from before it ends");
    assertTrue(env.signedIn(later), "the member's newer sign-in stays");
  }

  @Test
  @DisplayName("when the provider ends a member's sessions, their live sockets are closed and reconnect signed out")
  void liveSocketsClose() throws Exception {
    Browser lea = new Browser();
    env.signIn(lea, LEA);
    long memberId = env.memberId(LEA);
    WebSocketClient client = env.vertx().createWebSocketClient();
    try {
      WebSocket socket = connect(client, lea);
      CompletableFuture<Void> closed = new CompletableFuture<>();
      socket.closeHandler(v -> closed.complete(null));
      socket.writeTextMessage(register(memberId));
      Thread.sleep(300);
      assertFalse(closed.isDone(), "the member's own address is theirs to register");

      List<Integer> answers = env.provider().endSessions(LEA.subject()).toCompletionStage().toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      assertFalse(answers.isEmpty());
      answers.forEach(status -> assertEquals(200, status, "Agora accepts each logout token"));
      closed.get(5, TimeUnit.SECONDS);
      assertFalse(env.signedIn(lea));

      WebSocket again = connect(client, lea);
      CompletableFuture<JsonObject> answer = new CompletableFuture<>();
      again.handler(b -> {
        JsonObject frame = new JsonObject(b);
        if (!"pong".equals(frame.getString("type"))) {
          answer.complete(frame);
        }
      });
      again.writeTextMessage(register(memberId));
      assertEquals("err", answer.get(5, TimeUnit.SECONDS).getString("type"), "the reconnected socket is anonymous");
    } finally {
      client.close();
    }
  }

  private static WebSocket connect(WebSocketClient client, Browser browser) throws Exception {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("localhost").setPort(env.app().port())
        .setURI("/eventbus/websocket").addHeader("Origin", env.app().url())
        .addHeader("Cookie", "agora_session=" + browser.cookie("localhost", "agora_session"));
    return client.connect(options).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String register(long memberId) {
    return new JsonObject().put("type", "register").put("address", "member." + memberId).encode();
  }

  private static JsonObject validClaims(String sid) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", env.issuer()).put("aud", TamperingProvider.CLIENT_ID).put("iat", now)
        .put("exp", now + 120).put("jti", UUID.randomUUID().toString()).put("sid", sid).put("sub", LEA.subject())
        .put("events", new JsonObject().put(ProviderLogout.BACKCHANNEL_LOGOUT_EVENT, new JsonObject()));
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("logout tokens that do not verify, or are not logout tokens, are refused with 400 and sign no one out")
  void forgedLogoutTokens() throws Exception {
    Browser lea = new Browser();
    String sid = env.signIn(lea, LEA);
    long ended = endedSignIns(LEA);
    long now = System.currentTimeMillis() / 1000;
    Map<String, UnaryOperator<JsonObject>> forged = new LinkedHashMap<>();
    forged.put("for another client", c -> c.put("aud", "another-client"));
    forged.put("from another issuer", c -> c.put("iss", "http://127.0.0.1:1/other"));
    forged.put("without the logout event", c -> c.put("events", new JsonObject().put("urn:other", new JsonObject())));
    forged.put("without events", c -> { c.remove("events"); return c; });
    forged.put("with a nonce, like an ID token", c -> c.put("nonce", "n"));
    forged.put("naming neither sid nor sub", c -> { c.remove("sid"); c.remove("sub"); return c; });
    forged.put("issued an hour ago", c -> c.put("iat", now - 3600).put("exp", now + 60));
    forged.put("expired", c -> c.put("iat", now - 300).put("exp", now - 200));
    for (Map.Entry<String, UnaryOperator<JsonObject>> f : forged.entrySet()) {
      String token = env.provider().signedToken(f.getValue().apply(validClaims(sid)));
      assertEquals(400, post(token), "a logout token " + f.getKey());
    }
    String genuine = env.provider().signedToken(validClaims(sid));
    String[] parts = genuine.split("\\.");
    JsonObject otherSession = validClaims("another-" + sid);
    assertEquals(400, post(parts[0] + "." + b64(otherSession.encode()) + "." + parts[2]), "a payload changed after signing");
    assertEquals(400, post(b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."), "an unsigned token");
    assertEquals(400, post("not-a-token"), "garbage");
    Response none = new Browser().post(env.app().url("/auth/backchannel-logout"), Map.of());
    assertEquals(400, none.status(), "no logout_token at all");

    assertTrue(env.signedIn(lea), "still signed in after every forged token");
    assertEquals(ended, endedSignIns(LEA), "no sign-in was ended");
    assertEquals(200, post(genuine), "the genuine token, for comparison");
    assertFalse(env.signedIn(lea));
  }

  private static String frontChannel(String iss, String sid) {
    return env.app().url("/auth/frontchannel-logout?iss=" + URLEncoder.encode(iss, StandardCharsets.UTF_8)
        + "&sid=" + URLEncoder.encode(sid, StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("front-channel logout with the provider's iss and sid signs that session out, in a page the provider may frame")
  void frontChannel() {
    Browser laptop = new Browser();
    Browser phone = new Browser();
    String sid = env.signIn(laptop, LEA);
    env.signIn(phone, LEA);

    Response r = laptop.get(frontChannel(env.issuer(), sid));
    assertEquals(200, r.status(), r.body());
    Document page = Jsoup.parse(r.body());
    assertEquals("Signed out of Agora", page.select("h1").text());
    assertTrue(page.select(".member-name").isEmpty(), "the page already shows no member");
    String provider = URI.create(env.issuer()).getScheme() + "://" + URI.create(env.issuer()).getRawAuthority();
    assertTrue(r.header("Content-Security-Policy").contains("frame-ancestors " + provider), r.header("Content-Security-Policy"));
    assertNull(r.header("X-Frame-Options"), "the provider's page may frame it");
    assertEquals("no-store", r.header("Cache-Control"));
    assertFalse(env.signedIn(laptop));
    assertTrue(env.signedIn(phone), "the other provider session stays");
  }

  @Test
  @DisplayName("a provider's front-channel call reaches sessions whose cookie the iframe does not carry")
  void frontChannelWithoutCookie() {
    Browser laptop = new Browser();
    String sid = env.signIn(laptop, LEA);
    assertEquals(200, new Browser().get(frontChannel(env.issuer(), sid)).status());
    assertFalse(env.signedIn(laptop));
  }

  @Test
  @DisplayName("front-channel logout without a sid or from another issuer is refused and signs no one out")
  void frontChannelRefused() {
    Browser lea = new Browser();
    String sid = env.signIn(lea, LEA);
    assertEquals(400, lea.get(frontChannel("http://127.0.0.1:1/other", sid)).status());
    assertEquals(400, lea.get(env.app().url("/auth/frontchannel-logout?iss="
        + URLEncoder.encode(env.issuer(), StandardCharsets.UTF_8))).status());
    assertEquals(400, lea.get(env.app().url("/auth/frontchannel-logout")).status());
    Response page = lea.get(env.app().url("/auth/frontchannel-logout?sid=" + sid));
    assertEquals(400, page.status());
    assertEquals("This sign-out request could not be verified, so no one was signed out.",
        Jsoup.parse(page.body()).select("main p").first().text());
    assertTrue(env.signedIn(lea));
  }
}
