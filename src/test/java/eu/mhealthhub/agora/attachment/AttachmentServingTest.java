package eu.mhealthhub.agora.attachment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attached files as readers get them: links that work whatever the file is called, and a refused
 * file that answers exactly like a missing one, decided before its bytes are read.
 */
class AttachmentServingTest {

  private final TestApp app = TestApp.shared();

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

  /** A PNG (by its signature) or a PDF whose bytes name the file, so each download can be told apart. */
  private static byte[] content(String name) {
    byte[] tail = (" " + name).getBytes(StandardCharsets.UTF_8);
    if (name.endsWith(".pdf")) {
      return ("%PDF-1.4" + new String(tail, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
    }
    byte[] out = Arrays.copyOf(PNG, PNG.length + tail.length);
    System.arraycopy(tail, 0, out, PNG.length, tail.length);
    return out;
  }

  private static Browser.FilePart file(String name) {
    return new Browser.FilePart("files", name, name.endsWith(".pdf") ? "application/pdf" : "image/png", content(name));
  }

  /** A public group with a member who may post in it. */
  private final class Place {
    final String slug = Fixtures.unique("files");
    final long groupId;
    final Browser member = new Browser();
    final long memberId;

    Place(boolean closed) {
      groupId = Fixtures.group(slug, closed, true);
      memberId = app.signInNew(member, "Filer " + slug, slug + "@example.org");
      Fixtures.member(groupId, memberId, "member");
    }

    /** Starts a thread with these files; its id. */
    long thread(List<Browser.FilePart> files) {
      Response created = member.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", app.csrf(member),
          "clientToken", Fixtures.unique("t"), "title", "Files " + slug, "body", "See the files."), files);
      assertEquals(303, created.status(), created.body());
      Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
      assertTrue(m.find());
      return Long.parseLong(m.group(1));
    }

    void reply(long threadId, List<Browser.FilePart> files) {
      Response replied = member.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf",
          app.csrf(member), "clientToken", Fixtures.unique("r"), "body", "More files."), files);
      assertEquals(303, replied.status(), replied.body());
    }
  }

  /** File name to link, as the thread page lists the files (images by their alt text, others by their link text). */
  private static Map<String, String> links(String html) {
    Document page = Jsoup.parse(html);
    Map<String, String> links = new LinkedHashMap<>();
    for (Element item : page.select("ul.attachments > li")) {
      Element img = item.selectFirst("a > img");
      if (img != null) {
        assertEquals(img.attr("src"), img.parent().attr("href"), "the image links to itself");
        links.put(img.attr("alt"), img.attr("src"));
      } else {
        Element a = item.selectFirst("a[download]");
        assertNotNull(a, item.outerHtml());
        links.put(a.text(), a.attr("href"));
      }
    }
    return links;
  }

  @Test
  @DisplayName("files named with #, ?, %, spaces, < and Cyrillic, Greek or Japanese letters keep their names, and their links on the thread page and in the API fetch the right bytes")
  void namesThatNeedEncoding() {
    Place place = new Place(false);
    List<String> names = List.of("#1 summary.png", "?draft.png", "50% discount.png", "a <b> & c.png",
        "Отчёт о возмещении.pdf", "Σχέδιο αξιολόγησης.png", "報告書 2026.png", "%2e%2e%2fsecret.png", "x+y (v1) [final].pdf");
    long threadId = place.thread(names.subList(0, 5).stream().map(AttachmentServingTest::file).toList());
    place.reply(threadId, names.subList(5, names.size()).stream().map(AttachmentServingTest::file).toList());

    List<String> stored = new ArrayList<>();
    for (String name : names) {
      stored.add(TestDatabase.text("""
          SELECT a.file_name FROM attachments a JOIN posts p ON p.id = a.post_id
           WHERE p.thread_id = ? AND a.file_name = ?""", threadId, name));
    }
    assertEquals(names, stored, "every name is stored as it was sent: " + TestDatabase.text("""
          SELECT string_agg(a.file_name, ' | ') FROM attachments a JOIN posts p ON p.id = a.post_id
           WHERE p.thread_id = ?""", threadId));

    Response page = place.member.get(app.url("/threads/" + threadId));
    assertEquals(200, page.status());
    Map<String, String> links = links(page.body());
    assertEquals(names.size(), links.size(), links.toString());
    Browser reader = new Browser();
    for (String name : names) {
      String href = links.get(name);
      assertNotNull(href, name + " is listed: " + links);
      assertTrue(href.matches("/attachments/\\d+/[A-Za-z0-9._~%-]+"), "the name is percent-encoded in " + href);
      Browser.Download d = reader.download(app.url(href));
      assertEquals(200, d.status(), name + " at " + href);
      assertArrayEquals(content(name), d.bytes(), name);
      String disposition = d.header("Content-Disposition");
      Matcher m = Pattern.compile("filename\\*=UTF-8''(\\S+)").matcher(disposition);
      assertTrue(m.find(), disposition);
      assertEquals(name, URLDecoder.decode(m.group(1), StandardCharsets.UTF_8), "the download is named as the file");
    }

    JsonObject api = new JsonObject(reader.get(app.url("/api/v1/threads/" + threadId), "Accept", "application/json").body());
    Map<String, String> apiLinks = new LinkedHashMap<>();
    for (Object p : api.getJsonArray("posts")) {
      JsonArray files = ((JsonObject) p).getJsonArray("attachments");
      files.forEach(f -> apiLinks.put(((JsonObject) f).getString("name"), ((JsonObject) f).getString("url")));
    }
    assertEquals(links, apiLinks, "the API gives the same addresses as the page");
  }

  @Test
  @DisplayName("a closed group's file and a missing file answer the same 404 page, to a signed-in non-member and to an anonymous reader")
  void refusedLikeMissing() {
    Place closed = new Place(true);
    long threadId = closed.thread(List.of(file("position.pdf")));
    long fileId = TestDatabase.count("""
        SELECT a.id FROM attachments a JOIN posts p ON p.id = a.post_id WHERE p.thread_id = ?""", threadId);
    long missingId = TestDatabase.count("SELECT max(id) + 1000 FROM attachments");
    assertEquals(200, closed.member.download(app.url("/attachments/" + fileId + "/position.pdf")).status(),
        "the member reads it");

    Browser outsider = new Browser();
    app.signInNew(outsider, "Outsider " + closed.slug, Fixtures.unique("out") + "@example.org");
    for (Browser b : List.of(outsider, new Browser())) {
      Response refused = b.get(app.url("/attachments/" + fileId + "/position.pdf"));
      Response missing = b.get(app.url("/attachments/" + missingId + "/position.pdf"));
      assertEquals(404, refused.status());
      assertEquals(404, missing.status());
      // the page may echo the address asked for (a sign-in link); apart from the id it is the same
      // page, so it tells nothing a missing file's page does not
      // (the address only, plain or encoded: a bare id like 15 may also be part of a name on the page)
      // and the CSRF token, masked afresh in every response (BREACH), differs between any two pages
      assertEquals(sameToken(missing.body().replaceAll("(attachments(?:/|%2F))" + missingId + "(/|%2F)", "$1ID$2")),
          sameToken(refused.body().replaceAll("(attachments(?:/|%2F))" + fileId + "(/|%2F)", "$1ID$2")));
      assertEquals(missing.header("Content-Type"), refused.header("Content-Type"));
    }
  }

  private static String sameToken(String page) {
    return page.replaceAll("name=\"_csrf\" value=\"[^\"]*\"", "name=\"_csrf\" value=\"TOKEN\"");
  }

  @Test
  @DisplayName("a deleted post's file is a 404 to members and served to the group's moderators")
  void deletedPostFile() {
    Place place = new Place(false);
    long threadId = place.thread(List.of(file("withdrawn.pdf")));
    long fileId = TestDatabase.count("""
        SELECT a.id FROM attachments a JOIN posts p ON p.id = a.post_id WHERE p.thread_id = ?""", threadId);
    TestDatabase.update("""
        UPDATE posts SET deleted_at = now(), deleted_by = author_id
         WHERE id = (SELECT post_id FROM attachments WHERE id = ?)""", fileId);
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Moderator " + place.slug, Fixtures.unique("mod") + "@example.org");
    Fixtures.member(place.groupId, moderatorId, "moderator");
    String path = "/attachments/" + fileId + "/withdrawn.pdf";
    assertEquals(404, place.member.download(app.url(path)).status());
    assertEquals(404, new Browser().download(app.url(path)).status());
    Browser.Download served = moderator.download(app.url(path));
    assertEquals(200, served.status());
    assertArrayEquals(content("withdrawn.pdf"), served.bytes());
  }

  @Test
  @DisplayName("a reader who already has the file gets 304 Not Modified for its ETag, and no body")
  void notModified() {
    Place place = new Place(false);
    long threadId = place.thread(List.of(file("cached.png")));
    String href = links(place.member.get(app.url("/threads/" + threadId)).body()).get("cached.png");
    Browser.Download first = place.member.download(app.url(href));
    assertEquals(200, first.status());
    String etag = first.header("ETag");
    assertNotNull(etag);
    Response again = place.member.get(app.url(href), "If-None-Match", etag);
    assertEquals(304, again.status());
    assertEquals("", again.body());
  }

  @Test
  @DisplayName("deciding who may read a file reads no bytes: the permission query's row has no place for them")
  void permissionQueryCarriesNoBytes() {
    // the structural half of "a refused file costs what a missing one costs": the only query that
    // runs for a refused or missing id is AttachmentRepository.access, whose row is this record
    for (var component : AttachmentRepository.Access.class.getRecordComponents()) {
      Class<?> type = component.getType();
      assertFalse(type == Buffer.class || type == byte[].class || java.nio.ByteBuffer.class.isAssignableFrom(type),
          component.getName() + " would carry the file's bytes");
    }
  }
}
