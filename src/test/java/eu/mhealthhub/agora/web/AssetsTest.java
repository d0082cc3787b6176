package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 18 point 6: static files under content hashes, one script, compression without BREACH, page weight. */
class AssetsTest {

  private static final String HASHED = "/static/[a-z/]+/[a-z.]+\\.[0-9a-f]{12}\\.(css|js|svg)";
  private final TestApp app = TestApp.shared();
  private final HttpClient http = HttpClient.newHttpClient();

  /** What the client received, bytes as they came over the wire (not decompressed). */
  private record Raw(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  private Raw fetch(String method, String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(app.url(path)))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new Raw(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static byte[] gunzip(byte[] bytes) throws IOException {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12);
  }

  /** The addresses of the style sheet, the icon, the script and the SockJS client a page names. */
  private static List<String> assetsOf(Document page) {
    List<String> urls = new ArrayList<>();
    urls.add(page.selectFirst("link[rel=stylesheet]").attr("href"));
    urls.add(page.selectFirst("link[rel=icon]").attr("href"));
    Element script = page.selectFirst("script[type=module][src]");
    urls.add(script.attr("src"));
    urls.add(script.attr("data-sockjs"));
    return urls;
  }

  @Test
  @DisplayName("pages name the style sheet, icon, script bundle and SockJS client by a hash of their bytes, cached for a year")
  void hashedAndImmutable() throws Exception {
    Document home = new Browser().get(app.url("/")).html();
    List<String> urls = assetsOf(home);
    assertThat(urls).allMatch(u -> u.matches(HASHED), "hashed names: " + urls);
    for (String url : urls) {
      Raw r = fetch("GET", url);
      assertEquals(200, r.status(), url);
      assertEquals("public, max-age=31536000, immutable", r.header("cache-control"), url);
      String hash = url.replaceAll(".*\\.([0-9a-f]{12})\\.[a-z]+$", "$1");
      assertEquals(hash, sha256(r.bytes()), "the name carries the hash of the bytes served: " + url);
      assertEquals("\"" + hash + "\"", r.header("etag"));
      assertNull(r.header("content-encoding"), "no Accept-Encoding, no compression: " + url);
      assertEquals(304, fetch("GET", url, "If-None-Match", "\"" + hash + "\"").status());
      Raw head = fetch("HEAD", url);
      assertEquals(200, head.status());
      assertEquals(Integer.toString(r.bytes().length), head.header("content-length"));
      assertEquals(0, head.bytes().length);
      assertTrue(r.header("content-security-policy").contains("script-src 'self'"), "headers on static files too");
    }
    assertThat(fetch("GET", urls.get(0)).header("content-type")).startsWith("text/css");
    assertThat(fetch("GET", urls.get(2)).header("content-type")).startsWith("text/javascript");
    assertEquals(urls, assetsOf(new Browser().get(app.url("/groups")).html()), "one name per asset on every page");
  }

  @Test
  @DisplayName("an old or unknown hash is a 404, never other bytes; the plain names still answer, with a short cache")
  void oldHashesAndPlainNames() throws Exception {
    List<String> urls = assetsOf(new Browser().get(app.url("/")).html());
    for (String url : urls) {
      String old = url.replaceAll("\\.[0-9a-f]{12}\\.", ".0123456789ab.");
      assertEquals(404, fetch("GET", old).status(), old);
      String plain = url.replaceAll("\\.[0-9a-f]{12}\\.", ".");
      Raw r = fetch("GET", plain);
      assertEquals(200, r.status(), plain);
      assertThat(r.header("cache-control")).contains("max-age=300").doesNotContain("31536000");
      assertArrayEquals(fetch("GET", url).bytes(), r.bytes(), "the plain name serves the current bytes: " + plain);
    }
    assertEquals(404, fetch("GET", "/static/js/nothing.0123456789ab.js").status());
  }

  @Test
  @DisplayName("static files come gzip-compressed at start to clients that accept it, and unzip to the very bytes")
  void precompressed() throws Exception {
    for (String url : assetsOf(new Browser().get(app.url("/")).html())) {
      Raw plain = fetch("GET", url);
      Raw gz = fetch("GET", url, "Accept-Encoding", "gzip, deflate, br");
      assertEquals("gzip", gz.header("content-encoding"), url);
      assertEquals("accept-encoding", gz.header("vary").toLowerCase(java.util.Locale.ROOT));
      assertArrayEquals(plain.bytes(), gunzip(gz.bytes()), url);
      if (!url.endsWith(".svg")) {
        assertThat(gz.bytes().length).isLessThan(plain.bytes().length / 2);
      }
      assertNull(fetch("GET", url, "Accept-Encoding", "gzip;q=0, br").header("content-encoding"), "gzip refused");
    }
  }

  @Test
  @DisplayName("the script bundle holds every page script once as agora.<name>, no module syntax left, start.js last")
  void bundle() {
    String js = new String(fetch("GET", assetsOf(new Browser().get(app.url("/")).html()).get(2)).bytes(),
        StandardCharsets.UTF_8);
    int last = -1;
    for (String file : Assets.BUNDLE) {
      String name = file.replaceAll("^js/|\\.js$", "");
      int at = js.indexOf("// ---- " + file + "\n");
      assertTrue(at > last, file + " in order");
      last = at;
      if (!name.equals("start")) {
        assertEquals(1, js.split("\nagora\\." + name + " = \\(function \\(\\) \\{", -1).length - 1, name);
      }
    }
    assertThat(js).startsWith("// Agora's page scripts").contains("\nconst agora = {};\n");
    assertFalse(js.matches("(?s).*\\n\\s*(export|import)\\s.*"), "a module's import or export would break the bundle");
    assertFalse(js.contains("import("), "no module is loaded separately any more");
  }

  @Test
  @DisplayName("pages are gzip-compressed, and a signed-in page's CSRF token has new bytes in every response (BREACH), each accepted")
  void compressionWithMaskedTokens() throws Exception {
    Raw anonymous = fetch("GET", "/", "Accept-Encoding", "gzip");
    assertEquals("gzip", anonymous.header("content-encoding"));
    assertThat(new String(gunzip(anonymous.bytes()), StandardCharsets.UTF_8)).contains("</html>");

    Browser member = new Browser();
    app.signIn(member, "demo-jonas");
    String cookie = "agora_session=" + member.cookie("localhost", "agora_session");
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Raw page = fetch("GET", "/groups/reimbursement", "Accept-Encoding", "gzip", "Cookie", cookie);
      assertEquals("gzip", page.header("content-encoding"));
      Document html = Jsoup.parse(new String(gunzip(page.bytes()), StandardCharsets.UTF_8));
      List<String> tokens = html.select("input[name=_csrf]").eachAttr("value");
      assertThat(tokens).isNotEmpty().allMatch(tokens.get(0)::equals, "one token per response");
      shown.add(tokens.get(0));
    }
    assertThat(shown).doesNotHaveDuplicates();
    for (String token : shown) {
      assertEquals(303, member.post(app.url("/me/language"), java.util.Map.of("_csrf", token, "lang", "en", "next", "/"))
          .status(), "a masked token works: " + token);
    }
    String plain = Tokens.unmask(shown.get(0));
    assertEquals(plain, Tokens.unmask(shown.get(1)), "all stand for the session's one token");
    assertThat(shown).noneMatch(t -> t.contains(plain));
    String forged = shown.get(0).substring(0, shown.get(0).length() - 2) + (shown.get(0).endsWith("AA") ? "BA" : "AA");
    assertEquals(403, member.post(app.url("/me/language"), java.util.Map.of("_csrf", forged, "lang", "en", "next", "/"))
        .status(), "a changed byte is refused");
  }

  @Test
  @DisplayName("a 50-post thread's page loads at most 3 files after its HTML (its authors' avatars counted) and stays under 60 KB on the wire, signed in or not")
  void pageWeight() throws Exception {
    Browser member = new Browser();
    app.signIn(member, "demo-jonas");
    String csrf = app.csrf(member);
    String body = "A post of a realistic length, with **Markdown**, a [link](https://example.org) and a list:\\n\\n"
        + "- one point about reimbursement\\n- another about assessment\\n\\n" + "Some more words. ".repeat(30);
    Response created = member.request("POST", app.url("/api/v1/groups/reimbursement/threads"), "application/json",
        "{\"title\":\"Weighed thread\",\"body\":\"" + body + "\"}", "X-CSRF-Token", csrf);
    assertEquals(201, created.status(), created.body());
    long id = new JsonObject(created.body()).getLong("id");
    for (int i = 2; i <= 50; i++) {
      Response reply = member.request("POST", app.url("/api/v1/threads/" + id + "/posts"), "application/json",
          "{\"body\":\"Reply " + i + ". " + body + "\"}", "X-CSRF-Token", csrf);
      assertEquals(201, reply.status(), reply.body());
    }
    String cookie = "agora_session=" + member.cookie("localhost", "agora_session");
    for (String[] reader : new String[][] {{"anonymous"}, {"signed in", "Cookie", cookie}}) {
      String[] headers = reader.length == 1 ? new String[] {"Accept-Encoding", "gzip"}
          : new String[] {"Accept-Encoding", "gzip", reader[1], reader[2]};
      Raw html = fetch("GET", "/threads/" + id, headers);
      assertEquals(200, html.status());
      byte[] text = "gzip".equals(html.header("content-encoding")) ? gunzip(html.bytes()) : html.bytes();
      Document page = Jsoup.parse(new String(text, StandardCharsets.UTF_8));
      assertEquals(20, page.select("#posts > li > article.post").size(), "20 posts shown");
      // everything the page itself loads from Agora (the SockJS client only where a WebSocket fails), the posts'
      // avatars included: an author without a picture is drawn as initials in the page, not fetched
      assertThat(page.select("article.post header span.avatar")).as("initials beside the posts").isNotEmpty();
      List<String> loads = new ArrayList<>();
      page.select("link[rel=stylesheet][href], link[rel=icon][href], script[src], img[src^=/]")
          .forEach(e -> loads.add(e.hasAttr("href") ? e.attr("href") : e.attr("src")));
      assertThat(loads).hasSizeLessThanOrEqualTo(3);
      long total = html.bytes().length;
      for (String url : loads) {
        total += fetch("GET", url, "Accept-Encoding", "gzip").bytes().length;
      }
      assertThat(total).as(reader[0] + ": HTML " + html.bytes().length + " B + " + loads).isLessThan(60 * 1024);
    }
  }
}
