package eu.mhealthhub.agora.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Control, bidirectional and other invisible characters sent through every door (forms, the JSON
 * API, uploads, the identity provider) are stripped before anything is stored: the rows are read
 * back straight from the database.
 */
class CleanInputTest {

  private final TestApp app = TestApp.shared();

  /**
   * C0 and C1 controls, DEL, a right-to-left override, an isolate, a mark, a byte-order mark and
   * noncharacters. Not NUL: input holding a NUL is refused with 400 before it reaches a feature
   * ({@code web/InputCheck}, tested in {@code InputEdgesTest}).
   */
  private static String dirty(String a, String b) {
    return "\u0001" + a + "\u0007\u001B\u007F\u0085\u009B\u202E\u2066\u200F\uFEFF\uFFFE\uFFFF" + b + "\u202C\u2069";
  }

  private static long id(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    assertTrue(m.find(), pattern + " in " + text);
    return Long.parseLong(m.group(1));
  }

  /** A fresh public group and a member of it, signed in. */
  private final class Member {
    final String slug = Fixtures.unique("clean");
    final long groupId = Fixtures.group(slug, false, true);
    final Browser browser = new Browser();
    final long id = app.signInNew(browser, "Cleaner " + slug, slug + "@example.org");

    Member() {
      Fixtures.member(groupId, id, "member");
    }
  }

  @Test
  @DisplayName("a thread's title and body from the form lose their controls and reordering characters; the body keeps its line breaks")
  void threadForm() {
    Member m = new Member();
    Response created = m.browser.postMultipart(app.url("/groups/" + m.slug + "/threads"), Map.of("_csrf",
        app.csrf(m.browser), "clientToken", Fixtures.unique("c"), "title", dirty("Quarterly", " review") + "\r\nof tariffs",
        "body", dirty("First", " paragraph") + "\r\n\r\n\tSecond\u202E paragraph"), List.of());
    assertEquals(303, created.status(), created.body());
    long threadId = id(created.location(), "/threads/(\\d+)");
    assertEquals("Quarterly review of tariffs", TestDatabase.text("SELECT title FROM threads WHERE id = ?", threadId));
    assertEquals("First\u200F paragraph\r\n\r\n\tSecond paragraph",
        TestDatabase.text("SELECT body_markdown FROM posts WHERE thread_id = ? AND position = 1", threadId));
  }

  @Test
  @DisplayName("a title made of nothing but invisible characters is refused like an empty one, and nothing is stored")
  void invisibleTitle() {
    Member m = new Member();
    Response refused = m.browser.postMultipart(app.url("/groups/" + m.slug + "/threads"), Map.of("_csrf",
        app.csrf(m.browser), "clientToken", Fixtures.unique("c"), "title", "\u202E\u200B\u0007", "body", "Text"), List.of());
    assertEquals(400, refused.status());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM threads WHERE group_id = ?", m.groupId));
  }

  @Test
  @DisplayName("the JSON API cleans titles, bodies and edits exactly as the forms do")
  void api() {
    Member m = new Member();
    String csrf = app.csrf(m.browser);
    Response created = m.browser.request("POST", app.url("/api/v1/groups/" + m.slug + "/threads"), "application/json",
        new JsonObject().put("title", dirty("API", " title")).put("body", dirty("API", " body")).encode(),
        "Accept", "application/json", "X-CSRF-Token", csrf);
    assertEquals(201, created.status(), created.body());
    long threadId = new JsonObject(created.body()).getLong("id");
    assertEquals("API title", TestDatabase.text("SELECT title FROM threads WHERE id = ?", threadId));
    long postId = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
    assertEquals("API\u200F body", TestDatabase.text("SELECT body_markdown FROM posts WHERE id = ?", postId));

    Response edited = m.browser.request("PATCH", app.url("/api/v1/posts/" + postId), "application/json",
        new JsonObject().put("body", dirty("Edited", " body")).put("revision", 1).encode(),
        "Accept", "application/json", "X-CSRF-Token", csrf);
    assertEquals(200, edited.status(), edited.body());
    assertEquals("Edited\u200F body", TestDatabase.text("SELECT body_markdown FROM posts WHERE id = ?", postId));
  }

  @Test
  @DisplayName("an uploaded file's name loses its controls and its right-to-left override, so it cannot pose as another type")
  void fileName() {
    Member m = new Member();
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
    Response created = m.browser.postMultipart(app.url("/groups/" + m.slug + "/threads"), Map.of("_csrf",
        app.csrf(m.browser), "clientToken", Fixtures.unique("c"), "title", "A picture", "body", "See it."),
        List.of(new Browser.FilePart("files", "invoice\u202Egnp.exe\u0085\u200E.png", "image/png", png)));
    assertEquals(303, created.status(), created.body());
    long threadId = id(created.location(), "/threads/(\\d+)");
    assertEquals("invoicegnp.exe.png", TestDatabase.text("""
        SELECT a.file_name FROM attachments a JOIN posts p ON p.id = a.post_id WHERE p.thread_id = ?""", threadId));
  }

  @Test
  @DisplayName("display names lose invisible characters, from the profile form and from the identity provider's claims")
  void displayNames() {
    Browser b = new Browser();
    String email = Fixtures.unique("name") + "@example.org";
    long memberId = app.signInNew(b, dirty("Ada", " Lovelace"), email);
    assertEquals("Ada Lovelace", TestDatabase.text("SELECT display_name FROM members WHERE id = ?", memberId));

    Response saved = b.post(app.url("/me"), Map.of("_csrf", app.csrf(b), "displayName", dirty("Ada", " King"),
        "email", email, "locale", "en", "timeZone", "Europe/Brussels"));
    assertEquals(303, saved.status(), saved.body());
    assertEquals("Ada King", TestDatabase.text("SELECT display_name FROM members WHERE id = ?", memberId));
  }

  @Test
  @DisplayName("a group's name and purpose lose their controls and reordering characters; the purpose keeps its lines")
  void groupNames() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String slug = Fixtures.unique("clean-group");
    Response created = admin.post(app.url("/groups"), Map.of("_csrf", app.csrf(admin), "slug", slug,
        "name", dirty("Budget", " impact") + "\nmodels", "purpose", dirty("Line", " one") + "\nline two",
        "visibility", "public", "joinPolicy", "open"));
    assertEquals(303, created.status(), created.body());
    assertEquals("Budget impact models", TestDatabase.text("SELECT name FROM working_groups WHERE slug = ?", slug));
    assertEquals("Line\u200F one\nline two", TestDatabase.text("SELECT purpose FROM working_groups WHERE slug = ?", slug));
  }

  @Test
  @DisplayName("a Talk's title and description, a document's title and a section comment are cleaned the same way")
  void talksAndDocuments() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String talk = Fixtures.unique("clean-talk");
    String form = "_csrf=" + enc(app.csrf(admin)) + "&slug=" + talk + "&title=" + enc(dirty("Clean", " talk"))
        + "&description=" + enc(dirty("About", " it")) + "&startsAt=2031-02-01T10:00&endsAt=2031-02-01T11:00"
        + "&speaker.0.name=" + enc(dirty("Ada", " Lovelace")) + "&speaker.0.affiliation=" + enc(dirty("Hub", "")) + "&group="
        + TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'integration'");
    Response r = admin.request("POST", app.url("/talks"), "application/x-www-form-urlencoded", form);
    assertEquals(303, r.status(), r.body());
    assertEquals("Clean talk", TestDatabase.text("SELECT title FROM talks WHERE slug = ?", talk));
    assertEquals("About\u200F it", TestDatabase.text("SELECT description FROM talks WHERE slug = ?", talk));
    assertEquals("Ada Lovelace", TestDatabase.text("""
        SELECT s.name FROM talk_speakers s JOIN talks t ON t.id = s.talk_id WHERE t.slug = ?""", talk));

    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    Response page = pieter.get(app.url("/groups/assessment/documents/new"));
    Response made = pieter.post(app.url("/groups/assessment/documents"), Map.of("_csrf", page.inputValue("_csrf"),
        "clientToken", page.inputValue("clientToken"), "title", dirty("Clean", " paper"), "body", "# One\n\nText.",
        "summary", "First", "action", "save"));
    assertEquals(303, made.status(), made.body());
    long documentId = id(made.location(), "/documents/(\\d+)");
    assertEquals("Clean paper", TestDatabase.text("SELECT title FROM documents WHERE id = ?", documentId));
    assertEquals(303, pieter.post(app.url("/documents/" + documentId + "/status"), Map.of("_csrf", app.csrf(pieter),
        "from", "draft", "to", "open", "note", "")).status());
    long key = TestDatabase.count("SELECT min(section_key) FROM document_sections WHERE document_id = ?", documentId);
    Response commented = pieter.post(app.url("/documents/" + documentId + "/sections/" + key + "/comments"),
        Map.of("_csrf", app.csrf(pieter), "clientToken", Fixtures.unique("c"), "body", dirty("A", " remark")));
    assertEquals(303, commented.status(), commented.body());
    assertEquals("A\u200F remark", TestDatabase.text("SELECT body FROM document_comments WHERE document_id = ?",
        documentId));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
