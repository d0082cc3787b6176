package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.RawHttp;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input that cannot be text (a broken percent escape, a NUL, bytes that are not UTF-8) anywhere a
 * request carries text: the path, the query, a urlencoded or multipart form field, a JSON body. Each
 * is a 400 with Agora's own error page (or JSON error), never a 500, and stores nothing. Plus the
 * size limit of a multipart text field, and HEAD.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputEdgesTest {

  private static final String ENCODING_TEXT = "The address or what you sent contains a character Agora cannot accept"
      + " (a NUL character, or bytes that are not UTF-8 text). Check what you entered and try again.";

  private final TestApp app = TestApp.shared();
  private final Browser member = new Browser();
  private long threadId;
  private long postId;
  private String csrf;

  @BeforeAll
  void aThreadToWriteIn() {
    String slug = Fixtures.unique("edges");
    long group = Fixtures.group(slug, false, true);
    long me = app.signInNew(member, "Edith Edges", Fixtures.unique("edith") + "@example.org");
    Fixtures.member(group, me, "member");
    Response form = member.get(app.url("/groups/" + slug + "/threads/new"));
    Response created = member.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf",
        form.inputValue("_csrf"), "clientToken", form.inputValue("clientToken"), "title", "Edges of input",
        "body", "The first post.", "action", "post"), List.of());
    assertEquals(303, created.status(), created.body());
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
    assertTrue(m.find());
    threadId = Long.parseLong(m.group(1));
    postId = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? ORDER BY position LIMIT 1", threadId);
    csrf = app.csrf(member);
  }

  private long posts() {
    return TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);
  }

  private long revisions() {
    return TestDatabase.count("SELECT count(*) FROM post_revisions WHERE post_id = ?", postId);
  }

  /** Agora's error page for a 400: the layout's main region with the title and the message. */
  private static void assertBadRequestPage(String html, String expectedText) {
    Document page = Jsoup.parse(html);
    assertEquals("Bad request", page.selectFirst("main h1").text());
    assertEquals(expectedText, page.selectFirst("main h1 + p").text());
    assertEquals("/", page.selectFirst("main a[href]").attr("href"), "the way home");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/%", "/static/%", "/threads/1/%", "/threads/%zz", "/groups/%00", "/%00",
      "/groups/%C3%28", "/groups/%FF", "/groups/caf%C3", "/search?q=%00", "/search?q=%C3%28", "/search?q=%FF",
      "/search?q=%", "/search?q=50%25%", "/groups?page=%", "/static/css/agora.css%00", "/posts/1/history?x=%E2%82"})
  @DisplayName("an address with a broken percent escape, a NUL or bytes that are not UTF-8 answers 400 with the error page")
  void badAddress(String target) {
    RawHttp.Answer r = RawHttp.get(app.port(), target);
    assertEquals(400, r.status(), r.body());
    assertEquals("text/html; charset=utf-8", r.header("content-type"));
    assertBadRequestPage(r.body(), ENCODING_TEXT);
  }

  @Test
  @DisplayName("raw bytes in the request line that are not UTF-8 are a 400; UTF-8 ones still find the page")
  void rawBytesInAddress() {
    byte[] invalid = "GET /search?q=caf\u00c3( HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(400, RawHttp.send(app.port(), invalid).status());
    byte[] valid = "GET /search?q=caf\u00c3\u00a9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.ISO_8859_1);
    RawHttp.Answer found = RawHttp.send(app.port(), valid);
    assertEquals(200, found.status());
    assertEquals(1, Jsoup.parse(found.body()).select("#search-q").size(), "the search page");
  }

  @Test
  @DisplayName("an API address with a NUL answers a JSON 400")
  void badApiAddress() {
    RawHttp.Answer r = RawHttp.get(app.port(), "/api/v1/groups/%00");
    assertEquals(400, r.status());
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals(400, error.getInteger("status"));
    assertEquals(ENCODING_TEXT, error.getString("message"));
  }

  @ParameterizedTest(name = "body={0}")
  @ValueSource(strings = {"a%00b", "caf%C3%28", "%FF", "caf\u00c3(", "%C3", "50%zz", "50%"})
  @DisplayName("a urlencoded form field with a NUL, bytes that are not UTF-8 or a broken escape is a 400 page and changes nothing")
  void badUrlencodedField(String body) {
    long before = revisions();
    String form = "_csrf=" + csrf + "&revision=1&action=post&body=" + body;
    Response r = member.postRaw(app.url("/posts/" + postId + "/edit"), "application/x-www-form-urlencoded",
        form.getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(400, r.status(), r.body());
    assertBadRequestPage(r.body(), ENCODING_TEXT);
    assertEquals(before, revisions(), "no revision stored");
    assertEquals("The first post.", TestDatabase.text("SELECT body_markdown FROM posts WHERE id = ?", postId));
  }

  @ParameterizedTest(name = "bytes={0}")
  @ValueSource(strings = {"00", "c328", "ff", "e282"})
  @DisplayName("a multipart form field with a NUL or bytes that are not UTF-8 is a 400 page and stores no post")
  void badMultipartField(String hex) {
    long before = posts();
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    Response r = postMultipart("/threads/" + threadId + "/posts", "reply-" + hex, concat("A reply ".getBytes(StandardCharsets.UTF_8), bad));
    assertEquals(400, r.status(), r.body());
    assertBadRequestPage(r.body(), ENCODING_TEXT);
    assertEquals(before, posts(), "no post stored");
  }

  @Test
  @DisplayName("a multipart text field over the form limit is a 413 page, like an oversized urlencoded or JSON body")
  void multipartFieldTooLarge() {
    long before = posts();
    byte[] big = "a".repeat(300_000).getBytes(StandardCharsets.UTF_8);
    Response r = postMultipart("/threads/" + threadId + "/posts", "reply-big", big);
    assertEquals(413, r.status(), r.body());
    assertEquals("Too large", Jsoup.parse(r.body()).selectFirst("main h1").text());
    // the same on a raw connection, as a client that is not Java's would send it
    byte[] multipart = multipart("reply-big-1", big);
    byte[] head = ("POST /threads/" + threadId + "/posts HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        + "Cookie: agora_session=" + member.cookie("localhost", "agora_session") + "\r\n"
        + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + multipart.length + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
    RawHttp.Answer http1 = RawHttp.send(app.port(), concat(head, multipart));
    assertEquals(413, http1.status(), http1.body());
    assertEquals("Too large", Jsoup.parse(http1.body()).selectFirst("main h1").text());
    assertEquals(before, posts(), "no post stored");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"{\"body\": \"a\\u0000b\"}", "{\"body\": \"caf\u00c3(\"}", "{\"body\": \"\u00ff\"}",
      "{\"body\\u0000\": \"x\"}"})
  @DisplayName("a JSON body with a NUL or bytes that are not UTF-8 answers a JSON 400 and stores nothing")
  void badJson(String json) {
    long before = posts();
    Response r = member.postRaw(app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        json.getBytes(StandardCharsets.ISO_8859_1), "X-CSRF-Token", csrf);
    assertEquals(400, r.status(), r.body());
    assertEquals(400, new JsonObject(r.body()).getJsonObject("error").getInteger("status"));
    assertEquals(before, posts(), "no post stored");
  }

  @Test
  @DisplayName("ordinary non-ASCII text still goes through every channel")
  void goodTextPasses() {
    long before = posts();
    Response r = postMultipart("/threads/" + threadId + "/posts", "reply-good",
        "Grüße, café, 日本 – ✓".getBytes(StandardCharsets.UTF_8));
    assertEquals(303, r.status(), r.body());
    Response json = member.postRaw(app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        "{\"body\": \"Ça va \\u00e9 \u00e9\"}".getBytes(StandardCharsets.UTF_8), "X-CSRF-Token", csrf);
    assertEquals(201, json.status(), json.body());
    assertEquals(before + 2, posts());
    assertEquals(200, member.get(app.url("/search?q=caf%C3%A9")).status());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/", "/groups", "/groups/reimbursement", "/talks", "/search?q=plenary", "/privacy",
      "/health/live", "/health/ready", "/no/such/page", "/threads/0"})
  @DisplayName("HEAD answers wherever GET does, with the same status and Content-Length and no body")
  void head(String path) {
    Browser anonymous = new Browser();
    Response get = anonymous.get(app.url(path));
    Response head = anonymous.head(app.url(path));
    assertEquals(get.status(), head.status());
    assertEquals(get.header("content-type"), head.header("content-type"));
    assertEquals(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length), head.header("content-length"));
    assertEquals(head.header("content-length"), get.header("content-length"));
    assertEquals("", head.body());
    // the same on a raw connection, as a client that is not Java's would send it
    RawHttp.Answer http1 = RawHttp.request(app.port(), "HEAD", path);
    assertEquals(get.status(), http1.status());
    assertEquals(get.header("content-length"), http1.header("content-length"));
    assertEquals("", http1.body());
  }

  @Test
  @DisplayName("HEAD of a static file answers its length without the file, through the client and on a raw connection")
  void headStatic() {
    Browser anonymous = new Browser();
    Response get = anonymous.get(app.url("/static/css/agora.css"));
    Response head = anonymous.head(app.url("/static/css/agora.css"));
    assertEquals(200, head.status());
    assertEquals(get.header("content-length"), head.header("content-length"));
    assertEquals("", head.body());
    RawHttp.Answer http1 = RawHttp.request(app.port(), "HEAD", "/static/css/agora.css");
    assertEquals(get.header("content-length"), http1.header("content-length"));
    assertEquals("", http1.body());
  }

  @Test
  @DisplayName("HEAD of a thread page answers like GET for a signed-in member too")
  void headThread() {
    Response get = member.get(app.url("/threads/" + threadId));
    Response head = member.head(app.url("/threads/" + threadId));
    assertEquals(200, head.status());
    assertEquals(get.header("content-length"), head.header("content-length"));
    assertFalse(head.header("content-length").isEmpty());
  }

  @Test
  @DisplayName("a request to upgrade to cleartext HTTP/2 (h2c) is answered in HTTP/1.1, never switched")
  void noCleartextHttp2() throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("localhost", app.port())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(("GET /health/live HTTP/1.1\r\nHost: localhost\r\n"
          + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.ISO_8859_1)).readLine();
      assertEquals("HTTP/1.1 200 OK", statusLine, "answered in HTTP/1.1, no 101 Switching Protocols");
    }
  }

  private static final String BOUNDARY = "----EdgeTestBoundary";

  private Response postMultipart(String path, String clientToken, byte[] body) {
    return member.postRaw(app.url(path), "multipart/form-data; boundary=" + BOUNDARY, multipart(clientToken, body));
  }

  /** A reply form: the CSRF token, a client token, and the body field holding exactly the given bytes. */
  private byte[] multipart(String clientToken, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Map.Entry<String, String> f : Map.of("_csrf", csrf, "clientToken", clientToken, "action", "post").entrySet()) {
      out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
          + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
