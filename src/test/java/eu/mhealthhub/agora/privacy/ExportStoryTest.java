package eu.mhealthhub.agora.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A member's data export over HTTP: requested, prepared by the worker, downloaded, validated, expired. */
class ExportStoryTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("a member's export holds each kind of item she created, validates against the schemas, is hers only and expires after 24 hours")
  void story() throws Exception {
    String slug = Fixtures.unique("ex");
    long groupId = Fixtures.group(slug, false, true);
    Browser ada = new Browser();
    long adaId = app.signInNew(ada, "Ada " + slug, "ada-" + slug + "@example.org");
    Browser bob = new Browser();
    app.signInNew(bob, "Bob " + slug, "bob-" + slug + "@example.org");
    Fixtures.member(groupId, adaId, "member");

    // a thread by HTTP, then one of each other kind by SQL
    Response form = ada.get(app.url("/groups/" + slug + "/threads/new"));
    Response posted = ada.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Exported thread " + slug, "body", "My exported post " + slug,
        "action", "post"), List.of());
    assertEquals(303, posted.status(), posted.body());
    long postId = TestDatabase.count("SELECT p.id FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.title = ?",
        "Exported thread " + slug);
    TestDatabase.update("INSERT INTO reactions (post_id, member_id, kind) VALUES (?, ?, 'like')", postId, adaId);
    TestDatabase.update("INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)"
        + " VALUES (?, ?, 'notes.txt', 'text/plain', 5, encode(sha256('hello'::bytea), 'hex'), 'hello'::bytea)", postId, adaId);
    long threadId = TestDatabase.count("SELECT thread_id FROM posts WHERE id = ?", postId);
    TestDatabase.update("INSERT INTO read_positions (member_id, thread_id, position) VALUES (?, ?, 1)"
        + " ON CONFLICT DO NOTHING", adaId, threadId);
    long closedId = Fixtures.group(Fixtures.unique("exc"), true, false);
    TestDatabase.update("INSERT INTO group_join_requests (group_id, member_id, message) VALUES (?, ?, 'Let me in')", closedId, adaId);
    long documentId = TestDatabase.count("INSERT INTO documents (group_id, title, created_by) VALUES (?, 'Exported document', ?)"
        + " RETURNING id", groupId, adaId);
    TestDatabase.update("INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)"
        + " VALUES (?, 1, ?, ?, 'First draft', '', 'My document text')", documentId, adaId, adaId);
    TestDatabase.update("INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html)"
        + " VALUES (?, 1, 1, ?, 'My comment', '')", documentId, adaId);
    TestDatabase.update("INSERT INTO document_proposals (document_id, base_revision, author_id, rationale, rationale_html, body)"
        + " VALUES (?, 1, ?, 'My rationale', '', 'My proposed text')", documentId, adaId);
    TestDatabase.update("INSERT INTO document_endorsements (document_id, member_id, revision) VALUES (?, ?, 1)", documentId, adaId);
    TestDatabase.update("INSERT INTO moderation_decisions (item_type, item_id, group_id, affected_id, action, ground, reason)"
        + " VALUES ('post', ?, ?, ?, 'warn', 'Civility', 'Please keep it civil')", postId, groupId, adaId);
    TestDatabase.update("INSERT INTO member_suspensions (member_id, group_id, reason) VALUES (?, ?, 'Cooling off')", adaId, groupId);
    TestDatabase.update("UPDATE member_suspensions SET lifted_at = now() WHERE member_id = ?", adaId);
    long talkId = Fixtures.talk(Fixtures.unique("talk"), groupId);
    TestDatabase.update("INSERT INTO talk_questions (talk_id, author_id, body, status) VALUES (?, ?, ?, 'visible')", talkId, adaId,
        "My question " + slug);
    TestDatabase.update("INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html) VALUES (?, ?, ?, '')",
        talkId, adaId, "My chat " + slug);
    TestDatabase.update("INSERT INTO talk_question_votes (question_id, member_id) SELECT id, ? FROM talk_questions WHERE body = ?",
        adaId, "My question " + slug);

    // what she filed for the moderators, her picture and an e-mail change she asked for (issue 14, point 4)
    TestDatabase.update("INSERT INTO flags (item_type, item_id, group_id, member_id, reason, detail) VALUES ('post', ?, ?, ?,"
        + " 'other', 'My flag detail')", postId, groupId, adaId);
    TestDatabase.update("INSERT INTO notices (reference, url, category, explanation, legal_ground, notifier_name,"
        + " notifier_email, locale, member_id, ip_hash, good_faith) VALUES (?, '/posts/1', 'fraud', 'My notice explanation',"
        + " 'Art. 1', 'Ada', 'ada@example.org', 'en', ?, 'x', true)", ("REF-" + slug).toUpperCase().replaceAll("[^A-Z0-9-]", "-"), adaId);
    byte[] picture = java.util.Base64.getDecoder().decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    TestDatabase.update("INSERT INTO member_avatars (member_id, small_png, large_png, version) VALUES (?, ?, ?, '0123456789abcdef')",
        adaId, picture, picture);
    TestDatabase.update("INSERT INTO email_changes (member_id, old_email, new_email, token_hash, expires_at, status, confirmed_at)"
        + " VALUES (?, 'ada-old@example.org', 'ada-new@example.org', sha256('t'::bytea), now() + interval '1 day',"
        + " 'confirmed', now())", adaId);

    // two requests in a row: one export
    long declaration = TestDatabase.count("""
        INSERT INTO declaration_versions (member_id, version, nothing_to_declare) VALUES (?, 1, false) RETURNING id""", adaId);
    TestDatabase.update("""
        INSERT INTO declaration_entries (version_id, position, kind, organisation, period_start, is_current, amount_band)
        VALUES (?, 1, 'consultancy', 'Payer Advisory Ltd', DATE '2024-01-01', true, '1k_10k')""", declaration);
    Response first = ada.post(app.url("/me/export"), Map.of("_csrf", app.csrf(ada)));
    Response second = ada.post(app.url("/me/export"), Map.of("_csrf", app.csrf(ada)));
    assertEquals(303, first.status(), first.body());
    assertEquals(303, second.status(), second.body());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM data_exports WHERE member_id = ?", adaId));

    long exportId = TestDatabase.count("SELECT id FROM data_exports WHERE member_id = ?", adaId);
    for (int i = 0; i < 200 && !"ready".equals(TestDatabase.text("SELECT status FROM data_exports WHERE id = ?", exportId)); i++) {
      Thread.sleep(100);
    }
    assertEquals("ready", TestDatabase.text("SELECT status FROM data_exports WHERE id = ?", exportId));
    assertEquals(24 * 3600, TestDatabase.count("SELECT extract(epoch FROM expires_at - ready_at)::bigint FROM data_exports"
        + " WHERE id = ?", exportId));

    // the page links it, a notification of the new kind tells her
    Response page = ada.get(app.url("/me/export"));
    assertEquals(200, page.status());
    assertEquals("/me/export/" + exportId + "/download", page.html().select("#export-" + exportId + " a.download").attr("href"));
    for (int i = 0; i < 100 && TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'export_ready'",
        adaId) == 0; i++) {
      Thread.sleep(100);
    }
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'export_ready'", adaId));

    Browser.Download zip = ada.download(app.url("/me/export/" + exportId + "/download"));
    assertEquals(200, zip.status());
    assertEquals("application/zip", zip.header("Content-Type"));
    Map<String, byte[]> files = unzip(zip.bytes());
    for (ExportSections.Section section : ExportSections.ALL) {
      assertTrue(files.containsKey(section.file()), section.file());
      assertValid(section, new String(files.get(section.file()), StandardCharsets.UTF_8));
    }
    assertEquals(adaId, new JsonObject(text(files, "profile.json")).getLong("id"));
    JsonArray posts = new JsonArray(text(files, "posts.json"));
    assertEquals("My exported post " + slug, posts.getJsonObject(0).getString("body_markdown"));
    assertFalse(posts.getJsonObject(0).getJsonArray("revisions").isEmpty());
    assertTrue(text(files, "posts/" + postId + ".md").contains("My exported post " + slug));
    assertEquals("like", new JsonArray(text(files, "reactions.json")).getJsonObject(0).getString("kind"));
    assertEquals("hello", text(files, "attachments/" + TestDatabase.count(
        "SELECT id FROM attachments WHERE post_id = ?", postId) + "-notes.txt"));
    assertEquals("My question " + slug, new JsonArray(text(files, "talk_questions.json")).getJsonObject(0).getString("body"));
    assertEquals("My chat " + slug, new JsonArray(text(files, "talk_messages.json")).getJsonObject(0).getString("body_markdown"));
    assertEquals(groupId, new JsonArray(text(files, "memberships.json")).getJsonObject(0).getLong("group_id"));
    assertFalse(new JsonArray(text(files, "sign_ins.json")).isEmpty());
    assertEquals(closedId, new JsonArray(text(files, "join_requests.json")).getJsonObject(0).getLong("group_id"));
    assertEquals(threadId, new JsonArray(text(files, "read_positions.json")).getJsonObject(0).getLong("thread_id"));
    assertEquals("My document text", new JsonArray(text(files, "document_revisions.json")).getJsonObject(0).getString("body"));
    assertEquals("My comment", new JsonArray(text(files, "document_comments.json")).getJsonObject(0).getString("body"));
    assertEquals("My proposed text", new JsonArray(text(files, "document_proposals.json")).getJsonObject(0).getString("body"));
    assertEquals(documentId, new JsonArray(text(files, "document_endorsements.json")).getJsonObject(0).getLong("document_id"));
    assertEquals(1, new JsonArray(text(files, "talk_votes.json")).size());
    assertEquals("Payer Advisory Ltd", new JsonArray(text(files, "declarations.json")).getJsonObject(0)
        .getJsonArray("entries").getJsonObject(0).getString("organisation"));
    assertEquals("Please keep it civil", new JsonArray(text(files, "moderation_decisions.json")).getJsonObject(0).getString("reason"));
    assertEquals("Cooling off", new JsonArray(text(files, "suspensions.json")).getJsonObject(0).getString("reason"));
    assertEquals("My flag detail", new JsonArray(text(files, "flags.json")).getJsonObject(0).getString("detail"));
    assertEquals("My notice explanation", new JsonArray(text(files, "notices.json")).getJsonObject(0).getString("explanation"));
    assertEquals("avatar.png", new JsonArray(text(files, "avatar.json")).getJsonObject(0).getString("file"));
    assertArrayEquals(picture, files.get("avatar.png"), "the picture itself");
    JsonObject change = new JsonArray(text(files, "email_changes.json")).getJsonObject(0);
    assertEquals("ada-new@example.org", change.getString("new_email"));
    assertEquals("confirmed", change.getString("status"));

    // someone else's export is a 404, as a missing one is
    assertEquals(404, bob.download(app.url("/me/export/" + exportId + "/download")).status());
    assertEquals(404, ada.download(app.url("/me/export/" + (exportId + 100_000) + "/download")).status());

    // after 24 hours the download is gone
    TestDatabase.update("UPDATE data_exports SET ready_at = ready_at - interval '25 hours',"
        + " expires_at = expires_at - interval '25 hours' WHERE id = ?", exportId);
    assertEquals(404, ada.download(app.url("/me/export/" + exportId + "/download")).status());
  }

  private static String text(Map<String, byte[]> files, String name) {
    assertTrue(files.containsKey(name), name + " in " + files.keySet());
    return new String(files.get(name), StandardCharsets.UTF_8);
  }

  /**
   * The member asks for their export, waits until it is prepared (at most a minute) and downloads it: its files by
   * name.
   */
  static Map<String, byte[]> exportOf(TestApp app, Browser b, long memberId) throws Exception {
    Response requested = b.post(app.url("/me/export"), Map.of("_csrf", app.csrf(b)));
    assertEquals(303, requested.status(), requested.body());
    long exportId = TestDatabase.count("SELECT id FROM data_exports WHERE member_id = ?", memberId);
    long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
    while (TestDatabase.count("SELECT count(*) FROM data_exports WHERE id = ? AND status = 'ready'", exportId) == 0) {
      assertTrue(System.nanoTime() < until, "the export is prepared");
      Thread.sleep(100);
    }
    return unzip(b.download(app.url("/me/export/" + exportId + "/download")).bytes());
  }

  /** One section of an export, checked against its schema: its JSON text. */
  static String validSection(Map<String, byte[]> files, String file) throws IOException {
    ExportSections.Section section = ExportSections.ALL.stream().filter(s -> s.file().equals(file)).findFirst().orElseThrow();
    String json = text(files, file);
    assertValid(section, json);
    return json;
  }

  static Map<String, byte[]> unzip(byte[] bytes) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        files.put(e.getName(), in.readAllBytes());
      }
    }
    return files;
  }

  static void assertValid(ExportSections.Section section, String json) throws IOException {
    JsonObject schema;
    try (InputStream in = ExportStoryTest.class.getClassLoader().getResourceAsStream(section.schema())) {
      assertTrue(in != null, section.schema());
      schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Validator validator = Validator.create(JsonSchema.of(schema),
        new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://agora.mhealthhub.eu/"));
    Object value = json.trim().startsWith("[") ? new JsonArray(json) : new JsonObject(json);
    OutputUnit result = validator.validate(value);
    assertTrue(result.getValid(), section.file() + ": " + result.getErrors());
  }
}
