package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Vert.x defaults that are unsafe as shipped, each set explicitly and checked here. */
class SecurityTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("every response carries the security headers, pages, static files and errors alike")
  void securityHeadersEverywhere() {
    Browser browser = new Browser();
    for (String path : List.of("/", "/static/css/agora.css", "/no-such-page", "/health/live", "/test/fail/500")) {
      Response r = browser.get(app.url(path));
      String csp = r.header("content-security-policy");
      assertNotNull(csp, path);
      assertTrue(csp.contains("script-src 'self'"), csp);
      assertFalse(csp.contains("unsafe-inline"), "no inline script or style is allowed: " + csp);
      assertFalse(csp.contains("unsafe-eval"), csp);
      assertTrue(csp.contains("frame-ancestors 'none'"), csp);
      assertTrue(csp.contains("object-src 'none'"), csp);
      assertEquals("nosniff", r.header("x-content-type-options"), path);
      assertEquals("strict-origin-when-cross-origin", r.header("referrer-policy"), path);
      assertEquals("DENY", r.header("x-frame-options"), path);
      assertNull(r.header("strict-transport-security"), "no HSTS on a plain-http public URL");
    }
  }

  @Test
  @DisplayName("pages carry no inline script, so the CSP costs nothing")
  void noInlineScript() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-jonas");
    String talk = "/talks/" + eu.mhealthhub.agora.support.TestDatabase.text("SELECT slug FROM talks ORDER BY id LIMIT 1");
    for (String path : List.of("/", "/groups", "/groups/reimbursement", "/talks", talk, "/me", "/privacy", "/no-such-page")) {
      Document page = browser.get(app.url(path)).html();
      // a JSON-LD data block (a Talk's schema.org Event) is data, never run: the CSP does not apply to it
      assertThat(page.select("script:not([src]):not([type=application/ld+json])")).as("inline <script> on " + path).isEmpty();
      assertThat(page.select("[^on]")).as("inline event handler on " + path).isEmpty();
      assertThat(page.select("[style]")).as("inline style on " + path).isEmpty();
    }
  }

  @Test
  @DisplayName("with an https public URL the sign-in and session cookies are Secure and __Host- prefixed, and HSTS is sent")
  void httpsHardening() {
    try (TestApp https = TestApp.start(Map.of("AGORA_PUBLIC_URL", "https://agora.example.org",
        "AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { })) {
      Response r = new Browser().get(https.url("/auth/login"));
      String signIn = hostCookie(r, "__Host-agora_signin");
      assertTrue(signIn.toLowerCase(Locale.ROOT).contains("; max-age=600"), signIn);

      // finish the sign-in by hand: a Java cookie store does not send Secure cookies over plain http
      Browser browser = new Browser();
      Response page = browser.get(r.location());
      Map<String, String> fields = new java.util.HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
      fields.put("subject", "demo-jonas");
      Response decision = browser.post(java.net.URI.create(r.location()).resolve("/authorize").toString(), fields);
      String query = java.net.URI.create(decision.location()).getRawQuery();
      Response back = browser.get(https.url("/auth/callback?" + query),
          "Cookie", signIn.substring(0, signIn.indexOf(';')));
      assertEquals(302, back.status(), back.body());
      hostCookie(back, "__Host-agora");
      assertEquals("max-age=31536000; includeSubDomains", r.header("strict-transport-security"));
    }
  }

  /** The Set-Cookie of this name, checked for the __Host- rules and the flags every Agora cookie has. */
  private static String hostCookie(Response r, String name) {
    String cookie = r.setCookies().stream().filter(c -> c.startsWith(name + "=")).findFirst().orElseThrow(
        () -> new AssertionError("no " + name + " cookie in " + r.setCookies()));
    String lower = cookie.toLowerCase(Locale.ROOT);
    assertTrue(lower.contains("; secure"), cookie);
    assertTrue(lower.contains("; httponly"), cookie);
    assertTrue(lower.contains("; samesite=lax"), cookie);
    assertTrue(lower.contains("; path=/"), cookie);
    assertFalse(lower.contains("domain="), "host-only: " + cookie);
    return cookie;
  }

  @Test
  @DisplayName("reading a page as an anonymous visitor creates no session")
  void anonymousReadsAreSessionless() {
    Response r = new Browser().get(app.url("/"));
    assertEquals(200, r.status());
    assertTrue(r.setCookies().stream().noneMatch(c -> c.startsWith("agora_session")), r.setCookies().toString());
  }

  @Test
  @DisplayName("a state-changing request without the CSRF token, or from another origin, is refused and changes nothing")
  void csrf() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-elena");
    String token = app.csrf(browser);
    String nameBefore = TestDatabase.text("SELECT display_name FROM members WHERE subject = 'demo-elena'");
    Map<String, String> form = Map.of("displayName", "Forged Name", "email", "elena.rossi@agora.example");

    assertEquals(403, browser.post(app.url("/me"), form).status(), "no token");
    assertEquals(403, browser.post(app.url("/me"), Map.of("displayName", "Forged Name", "_csrf", "wrong")).status(), "wrong token");
    assertEquals(403, browser.post(app.url("/me"), Map.of("displayName", "Forged Name", "_csrf", token),
        "Origin", "https://evil.example").status(), "right token, foreign origin");
    assertEquals(403, new Browser().post(app.url("/me"), Map.of("displayName", "Forged Name", "_csrf", token)).status(),
        "a token is useless without its session");
    assertEquals(nameBefore, TestDatabase.text("SELECT display_name FROM members WHERE subject = 'demo-elena'"));

    Response json = browser.postRaw(app.url("/me/language"), "application/x-www-form-urlencoded",
        "lang=de&next=/".getBytes(StandardCharsets.UTF_8), "X-CSRF-Token", token, "Origin", app.url());
    assertEquals(303, json.status(), "the header carries the token for scripts");
    assertEquals("de", TestDatabase.text("SELECT locale FROM members WHERE subject = 'demo-elena'"));
    TestDatabase.update("UPDATE members SET locale = NULL WHERE subject = 'demo-elena'");
  }

  @Test
  @DisplayName("a body over the limit is refused with 413 before anything is stored")
  void bodyLimit() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-sofia");
    String token = app.csrf(browser);
    String huge = "x".repeat(300 * 1024);
    Response r = browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", huge));
    assertEquals(413, r.status());
    assertThat(r.mainText()).contains("larger than Agora accepts");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM members WHERE display_name LIKE 'xxxx%'"));
  }

  @Test
  @DisplayName("file uploads are not accepted anywhere and nothing is written to disk")
  void noUploads() throws IOException {
    Browser browser = new Browser();
    app.signIn(browser, "demo-sofia");
    String token = app.csrf(browser);
    String boundary = "----agora" + System.nanoTime();
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + token + "\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"displayName\"\r\n\r\nSofia Marques\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"evil.html\"\r\n"
        + "Content-Type: text/html\r\n\r\n<script>alert(1)</script>\r\n--" + boundary + "--\r\n";
    Response r = browser.postRaw(app.url("/me"), "multipart/form-data; boundary=" + boundary,
        body.getBytes(StandardCharsets.UTF_8));
    assertNotEquals(500, r.status());
    assertFalse(Files.exists(Path.of("file-uploads")), "Vert.x's default upload directory must not appear");
  }

  @Test
  @DisplayName("static files are cached, and neither hidden files nor encoded .. segments escape webroot")
  void staticFiles() throws IOException {
    Browser browser = new Browser();
    Response css = browser.get(app.url("/static/css/agora.css"));
    assertEquals(200, css.status());
    // the plain name, for anyone who linked it: a short cache (pages use the hashed names, AssetsTest)
    assertTrue(css.header("cache-control").contains("max-age=300"), css.header("cache-control"));
    assertNotNull(css.header("etag") == null ? css.header("last-modified") : css.header("etag"));

    Path hidden = Path.of("webroot", ".secret-test-file");
    Files.writeString(hidden, "hidden");
    try {
      assertEquals(404, browser.get(app.url("/static/.secret-test-file")).status());
    } finally {
      Files.deleteIfExists(hidden);
    }
    for (String path : List.of("/static/../pom.xml", "/static/%2e%2e/pom.xml", "/static/..%2fpom.xml",
        "/static/%2e%2e%2fpom.xml", "/static/css/%2e%2e/%2e%2e/pom.xml", "/static/%252e%252e/pom.xml",
        "/static/..%5cpom.xml", "/static/css/..%2f..%2fsrc%2fmain%2fresources%2flogback.xml")) {
      String raw = rawGet(app.port(), path);
      assertFalse(raw.contains("<artifactId>agora</artifactId>"), "pom.xml served for " + path);
      assertFalse(raw.contains("<configuration"), "source served for " + path);
      assertFalse(raw.startsWith("HTTP/1.1 200"), path + " -> " + raw.lines().findFirst().orElse(""));
    }
  }

  /** A request line sent byte for byte, as an attacker would, without any client normalising the path. */
  private static String rawGet(int port, String path) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  @DisplayName("a session ends after its absolute lifetime however active it is")
  void absoluteSessionLifetime() {
    MutableClock clock = new MutableClock(Instant.now());
    try (TestApp timed = TestApp.start(Map.of("AGORA_SESSION_MAX_HOURS", "8", "AGORA_DEMO_CONTENT", "true"),
        clock, r -> { })) {
      Browser browser = new Browser();
      timed.signIn(browser, "demo-tomasz");
      for (int hour = 0; hour < 7; hour++) {
        clock.advance(Duration.ofHours(1));
        assertThat(browser.get(timed.url("/")).html().select(".member-name").text()).as("active for " + hour + "h")
            .isEqualTo("Tomasz Nowak");
      }
      clock.advance(Duration.ofMinutes(61));
      Response after = browser.get(timed.url("/"));
      assertThat(after.body()).as("signed out after 8 hours").doesNotContain("Tomasz Nowak");
      assertThat(after.html().select("a[href^=/auth/login]")).as("a sign-in link").isNotEmpty();
    }
  }
}
