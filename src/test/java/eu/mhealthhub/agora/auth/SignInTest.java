package eu.mhealthhub.agora.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TamperingProvider;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The whole OpenID Connect sign-in, driven over HTTP with cookies against Agora configured with an
 * external provider (a real one on loopback that tests can make misbehave).
 */
class SignInTest {

  private static Vertx vertx;
  private static TamperingProvider provider;
  private static TestApp app;
  private static String issuer;
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private static final DevIdentity ADA = new DevIdentity("ada-" + RUN, "Ada Moreau", "ada." + RUN + "@example.org", "member");
  private static final DevIdentity BOSS = new DevIdentity("boss-" + RUN, "Bea Admin", "bea." + RUN + "@example.org", "admin");

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    int port = TestApp.freePort();
    provider = new TamperingProvider(vertx, port, List.of(ADA, BOSS));
    issuer = provider.start(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    app = TestApp.start(port, Map.of(
        "AGORA_OIDC_ISSUER", issuer,
        "AGORA_OIDC_CLIENT_ID", TamperingProvider.CLIENT_ID,
        "AGORA_OIDC_CLIENT_SECRET", TamperingProvider.SECRET,
        "AGORA_ADMIN_EMAILS", BOSS.email(),
        "AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static long members(DevIdentity who) {
    return TestDatabase.count("SELECT count(*) FROM members WHERE issuer = ? AND subject = ?", issuer, who.subject());
  }

  private static Map<String, String> query(String url) {
    Map<String, String> q = new HashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    return q;
  }

  /** Starts a sign-in and has the provider approve it; returns the callback URL Agora would receive. */
  private static String approvedCallback(Browser browser, DevIdentity who) {
    Response start = browser.get(app.url("/auth/login?next=/"));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("subject", who.subject());
    return browser.post(issuer + "/authorize", fields).location();
  }

  private static void assertSignedOut(Browser browser) {
    Response home = browser.get(app.url("/"));
    assertThat(home.html().select("header a[href^=/auth/login]")).as("the header offers sign-in").isNotEmpty();
    assertThat(home.body()).as("no member is shown").doesNotContain("member-name");
  }

  @Test
  @DisplayName("the authorization request uses PKCE S256, a long random state and a nonce")
  void authorizationRequestIsHardened() {
    Response start = new Browser().get(app.url("/auth/login"));
    assertEquals(302, start.status());
    assertTrue(start.location().startsWith(issuer + "/authorize?"));
    Map<String, String> q = query(start.location());
    assertEquals("S256", q.get("code_challenge_method"));
    assertEquals(43, q.get("code_challenge").length(), "a SHA-256 challenge, base64url");
    assertTrue(q.get("state").length() >= 43, "256-bit state, not Vert.x's six characters");
    assertTrue(q.get("nonce").length() >= 43);
    assertEquals(TamperingProvider.CLIENT_ID, q.get("client_id"));
    assertEquals(app.url("/auth/callback"), q.get("redirect_uri"));
    assertTrue(q.get("scope").contains("openid"));
  }

  @Test
  @DisplayName("the first sign-in creates the member from the claims; later ones reuse it")
  void firstSignInCreatesMember() {
    Browser browser = new Browser();
    Response done = app.signIn(browser, ADA.subject(), "/talks");
    assertEquals(302, done.status());
    assertEquals(app.url("/talks"), done.location());
    assertEquals(1, members(ADA));
    assertEquals(ADA.name(), TestDatabase.text("SELECT display_name FROM members WHERE issuer = ? AND subject = ?", issuer, ADA.subject()));
    assertEquals(ADA.email(), TestDatabase.text("SELECT email FROM members WHERE issuer = ? AND subject = ?", issuer, ADA.subject()));
    assertThat(browser.get(app.url("/")).html().select(".member-name").text()).as("the header shows the member's name").isEqualTo(ADA.name());

    app.signIn(new Browser(), ADA.subject());
    assertEquals(1, members(ADA), "a second sign-in does not create a second member");
  }

  private static long sessionRows() {
    return TestDatabase.count("SELECT count(*) FROM sessions");
  }

  private static String setCookie(Response r, String name) {
    return r.setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " cookie in " + r.setCookies()));
  }

  @Test
  @DisplayName("starting a sign-in creates no session, only a ten-minute HttpOnly, SameSite=Lax sign-in cookie")
  void signInStartIsSessionless() {
    long before = sessionRows();
    for (int i = 0; i < 20; i++) {
      Response start = new Browser().get(app.url("/auth/login?next=/groups"));
      assertEquals(302, start.status());
      assertEquals(1, start.setCookies().size(), "one cookie: " + start.setCookies());
      String cookie = setCookie(start, "agora_signin").toLowerCase(java.util.Locale.ROOT);
      assertTrue(cookie.contains("; max-age=600"), cookie);
      assertTrue(cookie.contains("; httponly"), cookie);
      assertTrue(cookie.contains("; samesite=lax"), cookie);
      assertTrue(cookie.contains("; path=/"), cookie);
      assertFalse(cookie.contains("; secure"), "not Secure on a plain-http public URL: " + cookie);
    }
    assertEquals(before, sessionRows(), "no session row for anonymous sign-in starts");
  }

  @Test
  @DisplayName("the session is created at the callback under a new id, never one the browser brought, and the cookie is HttpOnly and SameSite=Lax")
  void sessionIsRegenerated() {
    Browser browser = new Browser();
    String planted = "fixated-session-id-chosen-by-an-attacker-0123456789";
    browser.addCookie("localhost", "agora_session", planted);
    Response start = browser.get(app.url("/auth/login"));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("subject", ADA.subject());
    long before = sessionRows();
    Response back = browser.get(browser.post(issuer + "/authorize", fields).location());
    assertEquals(302, back.status());
    assertEquals(before + 1, sessionRows(), "one session row, stored before the redirect");
    String cookieHeader = setCookie(back, "agora_session");
    String lower = cookieHeader.toLowerCase(java.util.Locale.ROOT);
    assertTrue(lower.contains("; httponly"), cookieHeader);
    assertTrue(lower.contains("; samesite=lax"), cookieHeader);
    assertFalse(lower.contains("; secure"), "not Secure on a plain-http public URL: " + cookieHeader);
    String issued = cookieHeader.substring("agora_session=".length(), cookieHeader.indexOf(';'));
    assertNotEquals(planted, issued, "session fixation: the id must be new");
    assertTrue(issued.length() >= 32, issued);
    assertTrue(setCookie(back, "agora_signin").toLowerCase(java.util.Locale.ROOT).contains("max-age=0"),
        "the finished attempt's cookie is cleared");
    Browser signedIn = new Browser();
    signedIn.addCookie("localhost", "agora_session", issued);
    assertThat(signedIn.get(app.url("/")).html().select(".member-name").text()).as("the issued session is the signed-in one").isEqualTo(ADA.name());
  }

  @Test
  @DisplayName("an altered sign-in cookie counts as no sign-in in progress")
  void alteredSignInCookie() {
    Browser browser = new Browser();
    Response start = browser.get(app.url("/auth/login"));
    String value = browser.cookie("localhost", "agora_signin");
    char last = value.charAt(value.length() - 5);
    browser.clearCookies();
    browser.addCookie("localhost", "agora_signin",
        value.substring(0, value.length() - 5) + (last == 'A' ? 'B' : 'A') + value.substring(value.length() - 4));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("subject", ADA.subject());
    Response back = browser.get(browser.post(issuer + "/authorize", fields).location());
    assertEquals(400, back.status());
    assertThat(back.mainText()).contains("expired or was not started in this browser");
    assertSignedOut(browser);
  }

  @Test
  @DisplayName("a sign-in started on one node finishes on another (both read the same sign-in cookie), and both nodes share the session")
  void signInAcrossNodes() {
    try (TestApp second = TestApp.start(Map.of(
        "AGORA_PUBLIC_URL", app.url(),
        "AGORA_OIDC_ISSUER", issuer,
        "AGORA_OIDC_CLIENT_ID", TamperingProvider.CLIENT_ID,
        "AGORA_OIDC_CLIENT_SECRET", TamperingProvider.SECRET,
        "AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { })) {
      Browser browser = new Browser();
      String callback = approvedCallback(browser, ADA);
      Response back = browser.get(second.url("/auth/callback?" + URI.create(callback).getRawQuery()));
      assertEquals(302, back.status(), back.body());
      assertThat(browser.get(second.url("/")).html().select(".member-name").text()).isEqualTo(ADA.name());
      assertThat(browser.get(app.url("/")).html().select(".member-name").text()).as("the session is in PostgreSQL, not in one node").isEqualTo(ADA.name());
    }
  }

  @Test
  @DisplayName("an admin e-mail from the configuration makes a site admin; others are not")
  void adminFromConfiguredEmail() {
    app.signIn(new Browser(), BOSS.subject());
    app.signIn(new Browser(), ADA.subject());
    assertEquals("t", TestDatabase.text("SELECT is_admin FROM members WHERE issuer = ? AND subject = ?", issuer, BOSS.subject()));
    assertEquals("f", TestDatabase.text("SELECT is_admin FROM members WHERE issuer = ? AND subject = ?", issuer, ADA.subject()));
  }

  @Test
  @DisplayName("a callback with a tampered state is refused with a clear page and signs no one in")
  void tamperedState() {
    Browser browser = new Browser();
    String callback = approvedCallback(browser, ADA);
    Response r = browser.get(callback.replaceAll("state=[^&]+", "state=forged-state"));
    assertEquals(400, r.status());
    assertThat(r.mainText()).contains("expired or was not started in this browser");
    assertThat(r.body()).doesNotContain("Exception");
    assertSignedOut(browser);
  }

  @Test
  @DisplayName("a callback replayed after use is refused")
  void replayedCallback() {
    Browser browser = new Browser();
    String callback = approvedCallback(browser, ADA);
    assertEquals(302, browser.get(callback).status());
    Browser other = new Browser();
    Response replay = other.get(callback);
    assertEquals(400, replay.status(), "another browser cannot use the callback");
    assertSignedOut(other);
    Response again = browser.get(callback);
    assertEquals(400, again.status(), "the same browser cannot use it twice either");
  }

  @Test
  @DisplayName("a code that was already exchanged is refused, even with a fresh state")
  void reusedCode() {
    Browser first = new Browser();
    String callback = approvedCallback(first, ADA);
    assertEquals(302, first.get(callback).status());
    String code = query(callback).get("code");

    Browser attacker = new Browser();
    Response start = attacker.get(app.url("/auth/login"));
    String freshState = query(start.location()).get("state");
    Response r = attacker.get(app.url("/auth/callback?code=" + code + "&state=" + freshState));
    assertEquals(400, r.status());
    assertThat(r.mainText()).contains("could not be confirmed");
    assertSignedOut(attacker);
  }

  @Test
  @DisplayName("an ID token with another sign-in's nonce is refused and no member is created")
  void badNonce() {
    DevIdentity newcomer = new DevIdentity("nonce-" + RUN, "Nina Nonce", "nina." + RUN + "@example.org", "");
    Browser browser = new Browser();
    Response start = browser.get(app.url("/auth/login"));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.remove("subject");
    fields.put("name", newcomer.name());
    fields.put("email", newcomer.email());
    provider.tamperNext(claims -> claims.put("nonce", "nonce-of-another-sign-in"));
    Response r = browser.get(browser.post(issuer + "/authorize", fields).location());
    assertEquals(400, r.status());
    assertThat(r.mainText()).contains("does not belong to this sign-in");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM members WHERE issuer = ? AND subject = ?", issuer,
        "email:" + newcomer.email()));
    assertSignedOut(browser);
  }

  @Test
  @DisplayName("an ID token for another client is refused")
  void wrongAudience() {
    Browser browser = new Browser();
    String[] callback = new String[1];
    provider.tamperNext(claims -> claims.put("aud", "some-other-client"));
    callback[0] = approvedCallback(browser, ADA);
    Response r = browser.get(callback[0]);
    assertEquals(400, r.status());
    assertSignedOut(browser);
  }

  @Test
  @DisplayName("a sign-in the member cancels at the provider shows a clear message")
  void cancelledAtProvider() {
    Browser browser = new Browser();
    Response start = browser.get(app.url("/auth/login"));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("deny", "1");
    Response r = browser.get(browser.post(issuer + "/authorize", fields).location());
    assertEquals(400, r.status());
    assertThat(r.mainText()).contains("cancelled or refused");
  }

  @Test
  @DisplayName("after sign-in Agora only redirects to paths on its own site")
  void redirectTargetsAreLocal() {
    for (String next : List.of("//evil.example/steal", "https://evil.example/", "/\\evil.example", "/auth/logout")) {
      Response done = app.signIn(new Browser(), ADA.subject(), next);
      assertEquals(app.url("/"), done.location(), "next=" + next);
    }
    assertEquals(app.url("/groups?x=1"), app.signIn(new Browser(), ADA.subject(), "/groups?x=1").location());
  }

  @Test
  @DisplayName("sign-out needs the CSRF token, ends the session and goes through the provider's end-session endpoint")
  void signOut() {
    Browser browser = new Browser();
    app.signIn(browser, ADA.subject());
    Response forged = browser.post(app.url("/auth/logout"), Map.of());
    assertEquals(403, forged.status());
    assertThat(browser.get(app.url("/")).html().select(".member-name").text()).as("still signed in after a forged sign-out").isEqualTo(ADA.name());

    Response out = browser.post(app.url("/auth/logout"), Map.of("_csrf", app.csrf(browser)));
    assertEquals(303, out.status());
    assertTrue(out.location().startsWith(issuer + "/logout?"), out.location());
    Map<String, String> q = query(out.location());
    assertNotNull(q.get("id_token_hint"));
    assertEquals(app.url("/"), q.get("post_logout_redirect_uri"));
    Response back = browser.get(out.location());
    assertEquals(app.url("/"), back.location(), "the provider sends the member back home");
    assertSignedOut(browser);
    assertNull(browser.get(app.url("/me")).inputValue("_csrf"));
  }
}
