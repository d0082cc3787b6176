package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import eu.mhealthhub.agora.support.SlowTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Erasure over HTTP (issue 14 point 5, and the issue's story): a member who posted, was mentioned,
 * endorsed a document, filled her profile and declaration, commented on a document and exported her
 * data (every file valid against its schema) erases her account after a recent sign-in; her posts show "Former member", her sessions and a raw
 * live socket are closed, search finds neither her name nor her handle, the endorsement count is
 * unchanged, the documents' exports name her nowhere, and signing in again with the same provider account makes a new member. Without a
 * recent sign-in nothing is done; an admin erases on request with a reason, audited.
 */
@SlowTest
class ErasureTest {

  private static final MutableClock CLOCK = new MutableClock(Instant.now());
  private static final String ADMIN_EMAIL = Fixtures.unique("eraser-admin") + "@example.org";
  private static TestApp app;
  private static Vertx client;
  private static String slug;
  private static long groupId;

  @BeforeAll
  static void start() {
    app = TestApp.start(Map.of("AGORA_ADMIN_EMAILS", ADMIN_EMAIL), CLOCK, r -> {});
    client = Vertx.vertx();
    slug = Fixtures.unique("erase");
    groupId = Fixtures.group(slug, false, true);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    app.close();
  }

  private record Person(Browser browser, long id, String name, String email) {
    String handle() {
      return Fixtures.handle(id);
    }
  }

  private static Person person(String name) {
    Browser b = new Browser();
    String email = Fixtures.unique("person") + "@example.org";
    long id = app.signInNew(b, name, email);
    Fixtures.member(groupId, id, "member");
    return new Person(b, id, name, email);
  }

  private static long newThread(Person p, String title, String body) {
    Response form = p.browser().get(app.url("/groups/" + slug + "/threads/new"));
    Response created = p.browser().postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"), List.of());
    assertThat(created.status()).as(created.body()).isEqualTo(303);
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void reply(Person p, long threadId, String body) {
    Response r = p.browser().postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(p.browser()),
        "clientToken", Fixtures.unique("c"), "action", "post", "body", body), List.of());
    assertThat(r.status()).as(r.body()).isEqualTo(303);
  }

  private static Document search(Browser b, String q) {
    Response r = b.get(app.url("/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
    assertThat(r.status()).as(r.body()).isIn(200, 400);
    return r.html();
  }

  private static String memberRow(long id) {
    return TestDatabase.text("""
        SELECT display_name || '|' || handle || '|' || issuer || '|' || subject || '|' || coalesce(email, '-')
               || '|' || coalesce(erased_at::text, '-') FROM members WHERE id = ?""", id);
  }

  /** Signs the person in again through the provider's "someone new" form, as a fresh sign-in. */
  private static void signInAgain(Person p) {
    app.signUp(p.browser(), p.name(), p.email());
  }

  private static Response erase(Person p, String confirmation, boolean deletePosts) {
    Response form = p.browser().get(app.url("/me/erase"));
    String csrf = form.status() == 200 ? form.inputValue("_csrf") : app.csrf(p.browser());
    return p.browser().post(app.url("/me/erase"), deletePosts
        ? Map.of("_csrf", csrf, "confirmation", confirmation, "deletePosts", "yes")
        : Map.of("_csrf", csrf, "confirmation", confirmation));
  }

  @Test
  @DisplayName("a member erases her account after a recent sign-in: Former member, signed out, socket closed, unsearchable, counts kept, a later sign-in is someone new")
  void story() throws Exception {
    Person zelda = person("Zelda Quokkamire");
    Person other = person("Olaf Other");
    String handle = zelda.handle();
    long threadId = newThread(zelda, "Reimbursement of diaries " + Fixtures.unique("t"), "Payers should reimburse symptom diaries.");
    reply(other, threadId, "I agree with @" + handle + " on this.");
    // a public, endorsable document of the demo content, endorsed by her
    long documentId = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE d.status IN ('open', 'consensus', 'adopted') AND g.visibility = 'public' ORDER BY d.id LIMIT 1""");
    long revision = TestDatabase.count("SELECT current_revision FROM documents WHERE id = ?", documentId);
    long documentGroup = TestDatabase.count("SELECT group_id FROM documents WHERE id = ?", documentId);
    Fixtures.member(documentGroup, zelda.id(), "member");
    Response endorsed = zelda.browser().post(app.url("/documents/" + documentId + "/endorsement"),
        Map.of("_csrf", app.csrf(zelda.browser()), "revision", Long.toString(revision), "action", "endorse"));
    assertThat(endorsed.status()).as(endorsed.body()).isEqualTo(303);
    // issue 14's story: her profile, her declaration and a comment on an open document, then her export
    Map<String, String> profile = new HashMap<>(Map.of("_csrf", app.csrf(zelda.browser()), "displayName", zelda.name(),
        "email", zelda.email(), "locale", "en", "timeZone", "Europe/Amsterdam", "affiliation", "Quokka Health Insurance",
        "country", "NL", "stakeholderType", "payer", "languages", "nl en", "bio", "Payer **analyst**."));
    profile.put("links", "https://example.org/zelda");
    Response saved = zelda.browser().post(app.url("/me"), profile);
    assertThat(saved.status()).as(saved.body()).isEqualTo(303);
    Map<String, String> declaration = new HashMap<>(Map.of("_csrf", app.csrf(zelda.browser()), "kind.0", "employment",
        "organisation.0", "Quokka Health Insurance", "description.0", "Analyst", "start.0", "2021-03", "current.0", "1",
        "band.0", "10k_50k"));
    Response declared = zelda.browser().post(app.url("/me/declaration"), declaration);
    assertThat(declared.status()).as(declared.body()).isEqualTo(303);
    long openDocument = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE d.status = 'open' AND g.visibility = 'public' ORDER BY d.id LIMIT 1""");
    long openGroup = TestDatabase.count("SELECT group_id FROM documents WHERE id = ?", openDocument);
    if (openGroup != documentGroup) {
      Fixtures.member(openGroup, zelda.id(), "member");
    }
    long sectionKey = TestDatabase.count("SELECT min(section_key) FROM document_sections WHERE document_id = ?", openDocument);
    Response commented = zelda.browser().post(app.url("/documents/" + openDocument + "/sections/" + sectionKey + "/comments"),
        Map.of("_csrf", app.csrf(zelda.browser()), "clientToken", Fixtures.unique("c"), "body", "Quokka remark on evidence"));
    assertThat(commented.status()).as(commented.body()).isEqualTo(303);
    // she asks a question in a Talk's live room
    String talkSlug = Fixtures.unique("erase-talk");
    Fixtures.talk(talkSlug, groupId);
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE slug = ?", talkSlug);
    Response asked = zelda.browser().post(app.url("/talks/" + talkSlug + "/questions"), Map.of("_csrf",
        app.csrf(zelda.browser()), "body", "Quokka question about diaries", "clientToken", Fixtures.unique("q")));
    assertThat(asked.status()).as(asked.body()).isEqualTo(303);
    assertThat(other.browser().get(app.url("/talks/" + talkSlug + "/room/questions")).html().select("li").text())
        .contains("Quokka question about diaries").contains(zelda.name());
    Response requested = zelda.browser().post(app.url("/me/export"), Map.of("_csrf", app.csrf(zelda.browser())));
    assertThat(requested.status()).as(requested.body()).isEqualTo(303);
    long exportId = TestDatabase.count("SELECT id FROM data_exports WHERE member_id = ?", zelda.id());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (TestDatabase.count("SELECT count(*) FROM data_exports WHERE id = ? AND status = 'ready'", exportId) == 0) {
      assertThat(System.nanoTime()).as("the export is prepared").isLessThan(until);
      Thread.sleep(100);
    }
    Browser.Download zip = zelda.browser().download(app.url("/me/export/" + exportId + "/download"));
    assertThat(zip.status()).isEqualTo(200);
    Map<String, byte[]> files = ExportStoryTest.unzip(zip.bytes());
    for (ExportSections.Section section : ExportSections.ALL) {
      ExportStoryTest.assertValid(section, new String(files.get(section.file()), StandardCharsets.UTF_8));
    }
    assertThat(new JsonObject(new String(files.get("profile.json"), StandardCharsets.UTF_8)).getString("affiliation"))
        .isEqualTo("Quokka Health Insurance");
    assertThat(new String(files.get("declarations.json"), StandardCharsets.UTF_8)).contains("Quokka Health Insurance");
    assertThat(new String(files.get("posts.json"), StandardCharsets.UTF_8)).contains("Payers should reimburse symptom diaries.");
    assertThat(new String(files.get("document_comments.json"), StandardCharsets.UTF_8)).contains("Quokka remark on evidence");
    assertThat(new String(files.get("talk_questions.json"), StandardCharsets.UTF_8)).contains("Quokka question about diaries");
    assertThat(new io.vertx.core.json.JsonArray(new String(files.get("document_endorsements.json"), StandardCharsets.UTF_8))
        .getJsonObject(0).getLong("document_id")).isEqualTo(documentId);

    long endorsements = TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", documentId);
    assertThat(TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ? AND member_id = ?",
        documentId, zelda.id())).isEqualTo(1);
    assertThat(search(other.browser(), "@" + handle).select("ol.results li.result")).as("her posts, by handle").isNotEmpty();
    assertThat(search(other.browser(), handle).select("ol.results li.result")).as("the mention").isNotEmpty();
    assertThat(search(other.browser(), "reimburse symptom diaries").select("ol.results li.result").text())
        .as("her name beside her post").contains(zelda.name());
    assertThat(other.browser().get(app.url("/threads/" + threadId)).html().select("a.mention[href=/members/" + handle + "]"))
        .hasSize(1);

    // her open live socket
    String session = zelda.browser().cookie("localhost", "agora_session");
    WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(app.port()).setURI("/eventbus/websocket").addHeader("Origin", app.url())
            .addHeader("Cookie", "agora_session=" + session))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(null));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "thread." + threadId).encode());
    Thread.sleep(300);
    assertThat(closed).as("open before the erasure").isNotDone();

    // the page explains, and a wrong confirmation changes nothing
    Response page = zelda.browser().get(app.url("/me/erase"));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.html().select("#erasure-what li")).hasSizeGreaterThan(4);
    assertThat(page.html().select("input#confirmation")).hasSize(1);
    assertThat(page.html().select("input#deletePosts[type=checkbox]")).hasSize(1);
    String before = memberRow(zelda.id());
    Response wrong = erase(zelda, "not-my-handle", false);
    assertThat(wrong.status()).isEqualTo(400);
    assertThat(wrong.html().select("#confirmation-error")).hasSize(1);
    assertThat(memberRow(zelda.id())).isEqualTo(before);

    Response done = erase(zelda, handle, false);
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(done.location()).endsWith("/erased");
    closed.get(2, TimeUnit.SECONDS);
    assertThat(zelda.browser().get(app.url("/me")).status()).as("signed out").isEqualTo(302);

    // the row holds nothing about her; the identity can never match again
    assertThat(TestDatabase.text("SELECT display_name FROM members WHERE id = ?", zelda.id())).isEqualTo("Former member");
    assertThat(TestDatabase.text("SELECT handle FROM members WHERE id = ?", zelda.id())).startsWith("erased-").isNotEqualTo(handle);
    assertThat(TestDatabase.count("SELECT count(*) FROM members WHERE id = ? AND email IS NULL AND locale IS NULL"
        + " AND time_zone IS NULL AND issuer = 'urn:agora:erased' AND subject <> ? AND erased_at IS NOT NULL",
        zelda.id(), "email:" + zelda.email())).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM group_memberships WHERE member_id = ?", zelda.id())).isZero();
    assertThat(TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND ended_at IS NULL", zelda.id())).isZero();

    // her posts stay, shown as Former member; the mention no longer links and reads Former member
    Document thread = other.browser().get(app.url("/threads/" + threadId)).html();
    assertThat(thread.select("article.post a.author").eachText()).contains("Former member").doesNotContain(zelda.name());
    assertThat(thread.select("a.mention[href=/members/" + handle + "]")).isEmpty();
    assertThat(thread.select("article.post").text()).contains("I agree with Former member on this.");
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE author_id = ? AND deleted_at IS NULL", zelda.id())).isEqualTo(1);

    // her Talk question stays, by Former member
    assertThat(other.browser().get(app.url("/talks/" + talkSlug + "/room/questions")).html().select("li").text())
        .contains("Quokka question about diaries").contains("Former member").doesNotContain("Quokkamire");

    // a reader in another language reads "Former member" in theirs, on pages, in search snippets and in exports
    Browser french = new Browser().acceptLanguage("fr");
    assertThat(french.get(app.url("/threads/" + threadId)).html().select("article.post a.author").eachText())
        .contains("Ancien membre").doesNotContain("Former member");
    assertThat(french.get(app.url("/talks/" + talkSlug + "/room/questions")).html().select("li").text())
        .contains("Ancien membre").doesNotContain("Former member");
    assertThat(search(french, "reimburse symptom diaries").select("ol.results li.result").text())
        .contains("Ancien membre").doesNotContain("Former member");
    Browser german = new Browser().acceptLanguage("de");
    assertThat(german.get(app.url("/documents/" + documentId + "/export.html")).html().text())
        .contains("Ehemaliges Mitglied").doesNotContain("Former member");

    // search finds neither her name nor her handle
    assertThat(search(other.browser(), "Quokkamire").select("ol.results li.result")).isEmpty();
    assertThat(search(other.browser(), "@" + handle).select("ol.results li.result")).isEmpty();
    assertThat(search(other.browser(), handle).select("ol.results li.result")).isEmpty();
    assertThat(search(other.browser(), "reimburse symptom diaries").select("ol.results li.result").text())
        .contains("Former member").doesNotContain("Quokkamire");

    // the endorsement still counts, without her name
    assertThat(TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", documentId))
        .isEqualTo(endorsements);
    Document doc = other.browser().get(app.url("/documents/" + documentId)).html();
    assertThat(doc.select("#endorsements li").text()).contains("Former member").doesNotContain("Quokkamire");
    // the document's export lists the endorsement without her name, and her comment without her name or affiliation
    Response exported = other.browser().get(app.url("/documents/" + documentId + "/export.html"));
    assertThat(exported.status()).isEqualTo(200);
    assertThat(exported.body()).doesNotContain("Quokkamire").doesNotContain(handle);
    assertThat(other.browser().get(app.url("/documents/" + openDocument + "/export.html")).body())
        .doesNotContain("Quokkamire").doesNotContain("Quokka Health Insurance");

    // audited without her name
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'member.erase' AND target_id = ?"
        + " AND actor_id = ? AND position('Quokkamire' IN detail || reason || before_value || after_value) = 0",
        zelda.id(), zelda.id())).isEqualTo(1);

    // the same provider account later makes a new, unrelated member
    signInAgain(zelda);
    long again = TestDatabase.count("SELECT id FROM members WHERE subject = ?", "email:" + zelda.email());
    assertThat(again).isNotEqualTo(zelda.id());
    assertThat(zelda.browser().get(app.url("/me")).status()).isEqualTo(200);
    assertThat(TestDatabase.text("SELECT display_name FROM members WHERE id = ?", zelda.id())).isEqualTo("Former member");
  }

  @Test
  @DisplayName("in a cluster, erasing through node 1 closes her open live sockets on both nodes, and node 2 signs her out")
  void socketsOnEveryNodeClosed() throws Exception {
    TestApp.Pair nodes = TestApp.clustered(Map.of());
    try {
      TestApp node1 = nodes.first();
      TestApp node2 = nodes.second();
      String groupSlug = Fixtures.unique("erase-nodes");
      long group = Fixtures.group(groupSlug, false, true);
      Browser zelda = new Browser();
      String email = Fixtures.unique("zelda-nodes") + "@example.org";
      long zeldaId = node1.signInNew(zelda, "Zelda Nodes", email);
      Fixtures.member(group, zeldaId, "member");
      assertThat(zelda.get(node2.url("/me")).status()).as("signed in on node 2 too").isEqualTo(200);
      String session = zelda.cookie("localhost", "agora_session");
      List<CompletableFuture<Void>> closed = new java.util.ArrayList<>();
      for (TestApp node : List.of(node1, node2)) {
        WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
                .setPort(node.port()).setURI("/eventbus/websocket").addHeader("Origin", node1.url())
                .addHeader("Cookie", "agora_session=" + session))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> done = new CompletableFuture<>();
        ws.closeHandler(v -> done.complete(null));
        ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "group." + group).encode());
        closed.add(done);
      }
      Thread.sleep(1000);
      assertThat(closed).as("both open before the erasure").noneMatch(CompletableFuture::isDone);

      String handle = Fixtures.handle(zeldaId);
      Response form = zelda.get(node1.url("/me/erase"));
      assertThat(form.status()).as(form.body()).isEqualTo(200);
      Response done = zelda.post(node1.url("/me/erase"), Map.of("_csrf", form.inputValue("_csrf"), "confirmation", handle));
      assertThat(done.status()).as(done.body()).isEqualTo(303);
      for (CompletableFuture<Void> c : closed) {
        c.get(2, TimeUnit.SECONDS);
      }
      assertThat(zelda.get(node2.url("/me")).status()).as("signed out on node 2").isEqualTo(302);
      assertThat(TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND ended_at IS NULL", zeldaId)).isZero();
    } finally {
      nodes.close();
    }
  }

  @Test
  @DisplayName("an erasure without a sign-in in the last five minutes is refused with a page to sign in again, and nothing changes")
  void needsRecentSignIn() {
    Person late = person("Larissa Late");
    // the provider's tokens are checked against the real time, so the app's clock goes back before the next sign-in
    CLOCK.advance(Duration.ofMinutes(6));
    try {
      Response page = late.browser().get(app.url("/me/erase"));
      assertThat(page.status()).isEqualTo(403);
      assertThat(page.html().select("a#erasure-reauth").attr("href")).isEqualTo("/auth/login?next=%2Fme%2Ferase");
      assertThat(page.html().select("form#erasure-form")).isEmpty();
      String before = memberRow(late.id());
      long log = TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'member.erase' AND target_id = ?", late.id());
      Response refused = late.browser().post(app.url("/me/erase"), Map.of("_csrf", app.csrf(late.browser()),
          "confirmation", late.handle(), "deletePosts", "yes"));
      assertThat(refused.status()).isEqualTo(403);
      assertThat(memberRow(late.id())).isEqualTo(before);
      assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'member.erase' AND target_id = ?",
          late.id())).isEqualTo(log);
      assertThat(late.browser().get(app.url("/me")).status()).as("still signed in").isEqualTo(200);
    } finally {
      CLOCK.advance(Duration.ofMinutes(-6));
    }
  }

  @Test
  @DisplayName("a member who asks for her posts to go too: they are deleted, their text emptied in every revision, their files gone, marked erased")
  void postsDeletedToo() {
    Person gone = person("Greta Gone");
    long threadId = newThread(gone, "A thread to vanish " + Fixtures.unique("t"), "Text that must vanish entirely.");
    TestDatabase.update("""
        INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)
        VALUES ((SELECT id FROM posts WHERE author_id = ?), ?, 'mine.pdf', 'application/pdf', 8, repeat('a', 64), ?)""",
        gone.id(), gone.id(), "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
    Response done = erase(gone, gone.handle(), true);
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE author_id = ? AND deleted_at IS NOT NULL AND erased"
        + " AND body_markdown = '-' AND body_html = ''", gone.id())).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM post_revisions r JOIN posts p ON p.id = r.post_id"
        + " WHERE p.author_id = ? AND r.body_markdown LIKE '%vanish%'", gone.id())).isZero();
    assertThat(TestDatabase.count("SELECT count(*) FROM attachments WHERE uploader_id = ?", gone.id())).as("her files").isZero();
    Browser reader = new Browser();
    assertThat(reader.get(app.url("/threads/" + threadId)).html().select("article.post").text()).doesNotContain("vanish entirely");
  }

  @Test
  @DisplayName("an admin erases a member on request with a reason, audited with it; a member may not, and a missing reason stores nothing")
  void adminErasure() {
    Person target = person("Tobias Target");
    Person nosy = person("Nora Nosy");
    Browser admin = new Browser();
    app.signInNew(admin, "Adele Admin", ADMIN_EMAIL);
    String handle = target.handle();
    assertThat(nosy.browser().get(app.url("/members/" + handle + "/erase")).status()).isEqualTo(403);
    assertThat(nosy.browser().post(app.url("/members/" + handle + "/erase"), Map.of("_csrf", app.csrf(nosy.browser()),
        "confirmation", handle, "reason", "because")).status()).isEqualTo(403);
    Response form = admin.get(app.url("/members/" + handle + "/erase"));
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.html().select("textarea#reason")).hasSize(1);
    String before = memberRow(target.id());
    Response noReason = admin.post(app.url("/members/" + handle + "/erase"), Map.of("_csrf", form.inputValue("_csrf"),
        "confirmation", handle, "reason", " "));
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.html().select("#reason-error")).hasSize(1);
    assertThat(memberRow(target.id())).isEqualTo(before);

    Response done = admin.post(app.url("/members/" + handle + "/erase"), Map.of("_csrf", form.inputValue("_csrf"),
        "confirmation", handle, "reason", "Request by e-mail of 3 December, ticket 4711"));
    assertThat(done.status()).as(done.body()).isEqualTo(303);
    assertThat(TestDatabase.text("SELECT display_name FROM members WHERE id = ?", target.id())).isEqualTo("Former member");
    assertThat(TestDatabase.text("SELECT reason FROM moderation_log WHERE action = 'member.erase' AND target_id = ?", target.id()))
        .isEqualTo("Request by e-mail of 3 December, ticket 4711");
    assertThat(target.browser().get(app.url("/me")).status()).as("the member is signed out").isEqualTo(302);
    assertThat(admin.get(app.url("/me")).status()).as("the admin is not").isEqualTo(200);
    assertThat(admin.get(app.url("/members/" + handle + "/erase")).status()).as("the old handle is gone").isEqualTo(404);
  }
}
