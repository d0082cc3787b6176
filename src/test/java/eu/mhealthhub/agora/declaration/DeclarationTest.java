package eu.mhealthhub.agora.declaration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.app.Services;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Declarations of interest over HTTP: versions, pages, bad input, the badge in force, the reminder. */
class DeclarationTest {

  private final TestApp app = TestApp.shared();

  private static long versions(long memberId) {
    return TestDatabase.count("SELECT count(*) FROM declaration_versions WHERE member_id = ?", memberId);
  }

  private Response declare(Browser b, Map<String, String> fields) {
    Map<String, String> form = new HashMap<>(fields);
    form.put("_csrf", app.csrf(b));
    return b.post(app.url("/me/declaration"), form);
  }

  private static Map<String, String> employment(String organisation) {
    return Map.of("kind.0", "employment", "organisation.0", organisation, "description.0", "Health economist",
        "start.0", "2021-03", "current.0", "1", "band.0", "10k_50k");
  }

  @Test
  @DisplayName("a member declares, then changes it: each save is a new version and the old one stays readable")
  void declareAndVersion() {
    Browser b = new Browser();
    long me = app.signInNew(b, "Dora Declarer", Fixtures.unique("dora") + "@example.org");
    String handle = Fixtures.handle(me);
    Response form = b.get(app.url("/me/declaration"));
    assertEquals(200, form.status());
    assertThat(form.html().select("fieldset.declaration-entry")).hasSize(DeclarationPages.BLANK_ROWS);

    assertEquals(303, declare(b, employment("MedTech Ventures")).status());
    assertEquals(303, declare(b, Map.of("nothingToDeclare", "1")).status());
    assertEquals(2, versions(me));

    Response first = b.get(app.url("/members/" + handle + "/declarations/1"));
    assertEquals(200, first.status());
    assertThat(first.html().select("table.declaration-entries tbody td").eachText())
        .contains("Employment", "MedTech Ventures", "Health economist", "€10,000 to €50,000");
    assertThat(first.html().select("p.notice").text()).contains("A later version replaced this one.");
    Response second = new Browser().get(app.url("/members/" + handle + "/declarations/2"));
    assertEquals(200, second.status(), "public to visitors");
    assertThat(second.html().select("p.declaration-nothing").text()).isEqualTo("Nothing to declare.");
    assertThat(new Browser().get(app.url("/members/" + handle + "/declarations")).html()
        .select("ol.declaration-versions li a").eachAttr("href"))
        .containsExactly("/members/" + handle + "/declarations/2", "/members/" + handle + "/declarations/1");
    assertEquals(404, b.get(app.url("/members/" + handle + "/declarations/3")).status());

    Response more = declare(b, Map.of("more", "1", "kind.0", "other", "organisation.0", "Kept"));
    assertEquals(200, more.status());
    assertThat(more.html().select("fieldset.declaration-entry")).hasSize(1 + 2 * DeclarationPages.BLANK_ROWS);
    assertThat(more.html().select("input[name=organisation.0]").val()).isEqualTo("Kept");
    assertEquals(2, versions(me), "adding rows stores nothing");
  }

  @Test
  @DisplayName("bad declarations are refused with 400 and store nothing")
  void badInput() {
    Browser b = new Browser();
    long me = app.signInNew(b, "Bea Bad", Fixtures.unique("bea") + "@example.org");
    String future = YearMonth.now(ZoneOffset.UTC).plusMonths(2).toString();
    List<Map<String, String>> bad = List.of(
        Map.of("kind.0", "employment", "organisation.0", "X", "start.0", "2024-05", "end.0", "2023-01"),
        Map.of("kind.0", "employment", "organisation.0", "X", "start.0", future),
        Map.of("kind.0", "employment", "organisation.0", "x".repeat(201), "start.0", "2024-01"),
        Map.of("kind.0", "bribery", "organisation.0", "X", "start.0", "2024-01"),
        Map.of("kind.0", "employment", "organisation.0", "X", "start.0", "2024-01", "band.0", "a_lot"),
        Map.of("kind.0", "employment", "organisation.0", "X", "start.0", "2024-01", "nothingToDeclare", "1"),
        Map.of());
    for (Map<String, String> fields : bad) {
      Response r = declare(b, fields);
      assertEquals(400, r.status(), fields.toString());
      assertThat(r.html().select(".error-summary li")).isNotEmpty();
    }
    Response r = declare(b, bad.get(0));
    assertThat(r.html().select("#end\\.0-error").text()).isEqualTo("The end is before the start.");
    assertThat(r.html().select("input[name=organisation.0]").val()).as("input kept").isEqualTo("X");
    assertEquals(0, versions(me));
    assertEquals(404, b.post(app.url("/me/declaration/confirm"), Map.of("_csrf", app.csrf(b))).status(),
        "nothing to confirm yet");
  }

  @Test
  @DisplayName("the badge beside a post links the declaration in force when it was written, even after a later change")
  void badgeInForce() {
    String slug = Fixtures.unique("doi");
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long me = app.signInNew(b, "Pia Poster", Fixtures.unique("pia") + "@example.org");
    Fixtures.member(groupId, me, "member");
    String handle = Fixtures.handle(me);
    assertEquals(303, declare(b, employment("Payer Fund")).status());

    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    Response made = b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Ties matter", "body", "My view.", "action", "post"),
        List.of());
    assertEquals(303, made.status(), made.body());
    assertEquals(303, declare(b, Map.of("nothingToDeclare", "1")).status());

    Response thread = b.get(app.url(made.header("Location")));
    Element badge = thread.html().selectFirst("article.post a.declaration-badge");
    assertThat(badge).isNotNull();
    assertThat(badge.attr("href")).isEqualTo("/members/" + handle + "/declarations/1");
  }

  @Test
  @DisplayName("a group requiring a declaration refuses a post without one (403, linking the form, nothing stored), then accepts it")
  void groupRequirement() {
    String slug = Fixtures.unique("req");
    long groupId = Fixtures.group(slug, false, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Rita Requirer", Fixtures.unique("rita") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser b = new Browser();
    long me = app.signInNew(b, "Nils Nodecl", Fixtures.unique("nils") + "@example.org");
    Fixtures.member(groupId, me, "member");
    assertEquals(403, b.post(app.url("/groups/" + slug + "/declarations"), Map.of("_csrf", app.csrf(b), "required", "1"))
        .status(), "only moderators set it");
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/declarations"), Map.of("_csrf", app.csrf(mod), "required", "1"))
        .status());
    assertThat(mod.get(app.url("/groups/" + slug + "/declarations")).html().select("input#required").hasAttr("checked"))
        .isTrue();

    Response refused = startThread(b, slug);
    assertEquals(403, refused.status());
    assertThat(refused.html().select("a.error-help").attr("href")).isEqualTo("/me/declaration");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM threads WHERE group_id = ?", groupId), "nothing stored");

    assertEquals(303, declare(b, Map.of("nothingToDeclare", "1")).status());
    assertEquals(303, startThread(b, slug).status());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.group_id = ?",
        groupId));
  }

  @Test
  @DisplayName("a document's export annexes the contributor's declaration as in force when she endorsed and commented, not her later one; the comment's badge links it")
  void exportAnnex() {
    String slug = Fixtures.unique("annex");
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long me = app.signInNew(b, "Ena Endorser", Fixtures.unique("ena") + "@example.org");
    Fixtures.member(groupId, me, "member");
    long document = TestDatabase.count("""
        INSERT INTO documents (group_id, title, created_by, next_section, status) VALUES (?, 'Annex paper', ?, 2, 'consensus')
        RETURNING id""", groupId, me);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, '', '', 'Annex text')""", document, me, me);
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, false, 'Annex text', '<p>Annex text</p>')""", document);
    assertEquals(303, declare(b, employment("Insurer Mutual")).status());
    assertEquals(303, b.post(app.url("/documents/" + document + "/endorsement"),
        Map.of("_csrf", app.csrf(b), "revision", "1")).status());
    TestDatabase.update("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html)
        VALUES (?, 1, 1, ?, 'My comment', '<p>My comment</p>')""", document, me);
    assertEquals(303, declare(b, Map.of("nothingToDeclare", "1")).status());
    assertThat(b.get(app.url("/documents/" + document + "/sections/1")).html().select("a.declaration-badge").eachAttr("href"))
        .as("the comment's badge links the version in force when it was written")
        .containsExactly("/members/" + Fixtures.handle(me) + "/declarations/1");

    Response export = b.get(app.url("/documents/" + document + "/export.html"));
    assertEquals(200, export.status());
    List<String> row = export.html().select("table.declaration-annex tbody tr").eachText();
    assertThat(row).hasSize(1);
    assertThat(row.get(0)).contains("Ena Endorser").contains("Insurer Mutual").doesNotContain("Nothing to declare");
  }

  private Response startThread(Browser b, String slug) {
    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    return b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Declared?", "body", "A view.", "action", "post"),
        List.of());
  }

  @Test
  @DisplayName("the reminder job tells a member whose declaration is over a year old once, and confirming renews it")
  void reminder() throws Exception {
    Browser b = new Browser();
    long me = app.signInNew(b, "Remi Reminded", Fixtures.unique("remi") + "@example.org");
    assertEquals(303, declare(b, employment("Old Ties")).status());
    Services s = app.agora().services();
    MutableClock clock = new MutableClock(Instant.now());
    DeclarationService service = new DeclarationService(s.database().pool(), clock, s.notifications());
    clock.advance(Duration.ofDays(366));
    int told = service.sendReminders().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(told).isGreaterThanOrEqualTo(1);
    assertEquals(0, (int) service.sendReminders().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS),
        "nobody is told twice in a year");
    waitFor(() -> TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'declaration_reminder'", me) == 1);
    assertEquals("immediately", TestDatabase.text(
        "SELECT delivery FROM notifications WHERE recipient_id = ? AND kind = 'declaration_reminder'", me), "so it is mailed");
    assertThat(b.get(app.url("/notifications")).html().select("main").text())
        .contains("Your declaration of interests was last confirmed over a year ago");

    assertEquals(303, b.post(app.url("/me/declaration/confirm"), Map.of("_csrf", app.csrf(b))).status());
    assertThat(TestDatabase.count("""
        SELECT count(*) FROM declaration_versions WHERE member_id = ? AND confirmed_at > now() - interval '1 minute'""", me))
        .isEqualTo(1);
  }

  private static void waitFor(java.util.function.BooleanSupplier done) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!done.getAsBoolean() && System.nanoTime() < until) {
      Thread.sleep(100);
    }
    assertThat(done.getAsBoolean()).as("in time").isTrue();
  }
}
