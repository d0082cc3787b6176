package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.document.DocumentStoryTest.comment;
import static eu.mhealthhub.agora.document.DocumentStoryTest.create;
import static eu.mhealthhub.agora.document.DocumentStoryTest.move;
import static eu.mhealthhub.agora.document.DocumentStoryTest.sectionKey;
import static eu.mhealthhub.agora.document.DocumentStoryTest.textarea;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Who may do what with documents, what happens when two people edit at once, and bad input. */
class DocumentRulesTest {

  private final TestApp app = TestApp.shared();

  /** Everything about one document that a refused request must leave as it was. */
  private static String state(long id) {
    return TestDatabase.text("""
        SELECT concat_ws('|', d.status, d.current_revision, d.adopted_revision, d.next_section, d.title,
          (SELECT count(*) FROM document_revisions WHERE document_id = d.id),
          (SELECT count(*) FROM document_sections WHERE document_id = d.id),
          (SELECT count(*) FROM document_status_changes WHERE document_id = d.id),
          (SELECT count(*) FROM document_proposals WHERE document_id = d.id),
          (SELECT string_agg(status, ',' ORDER BY id) FROM document_proposals WHERE document_id = d.id),
          (SELECT count(*) FROM document_comments WHERE document_id = d.id),
          (SELECT string_agg(coalesce(disposition, '-'), ',' ORDER BY id) FROM document_comments WHERE document_id = d.id),
          (SELECT string_agg(member_id || ':' || revision, ',' ORDER BY member_id) FROM document_endorsements WHERE document_id = d.id),
          (SELECT count(*) FROM document_citations WHERE document_id = d.id),
          (SELECT count(*) FROM live_events WHERE address = 'document.' || d.id),
          (SELECT count(*) FROM moderation_log WHERE target_type = 'document' AND target_id = d.id))
        FROM documents d WHERE d.id = ?""", id);
  }

  private Browser as(String subject) {
    Browser b = new Browser();
    app.signIn(b, subject);
    return b;
  }

  private Response edit(Browser b, long id, String base, String body, String summary) {
    return b.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", app.csrf(b), "base", base, "body", body,
        "summary", summary, "action", "save"));
  }

  @Test
  @DisplayName("two editors from the same revision: one saves, the other gets the conflict with both texts, nothing is lost")
  void concurrentEdits() throws Exception {
    Browser pieter = as("demo-pieter");
    Browser maria = as("demo-maria");
    long id = create(app, pieter, "assessment", Fixtures.unique("Concurrent"), "# One\n\nAlpha text.\n\n# Two\n\nBeta text.");
    Response a = pieter.get(app.url("/documents/" + id + "/edit"));
    Response b = maria.get(app.url("/documents/" + id + "/edit"));
    assertEquals("1", a.inputValue("base"));
    assertEquals("1", b.inputValue("base"));

    // both save at the same moment
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> {
      await(go);
      return edit(pieter, id, "1", "# One\n\nAlpha text, revised by Pieter.\n\n# Two\n\nBeta text.", "Pieter's change");
    });
    CompletableFuture<Response> second = CompletableFuture.supplyAsync(() -> {
      await(go);
      return edit(maria, id, "1", "# One\n\nAlpha text.\n\n# Two\n\nBeta text, revised by Maria.", "Maria's change");
    });
    go.countDown();
    List<Response> both = List.of(first.get(), second.get());
    assertEquals(1, both.stream().filter(r -> r.status() == 303).count(), both.toString());
    Response conflict = both.stream().filter(r -> r.status() != 303).findFirst().orElseThrow();
    assertEquals(409, conflict.status());
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM document_revisions WHERE document_id = ?", id));
    assertThat(conflict.mainText()).as("a clear conflict message").contains("while you were editing");
    assertThat(conflict.html().select("main ins")).as("the three-way view shows what each side changed").isNotEmpty();
    assertEquals("2", conflict.inputValue("base"), "the retry is based on the current revision");
    String offered = textarea(conflict.body(), "body");
    assertThat(offered).as("changes to different sections are offered merged").contains("revised by Pieter", "revised by Maria");

    Response retry = conflict.uri().getPath().endsWith("/edit") && both.get(0).status() == 409
        ? edit(pieter, id, "2", offered, "Pieter's change") : edit(maria, id, "2", offered, "Maria's change");
    assertEquals(303, retry.status(), retry.body());
    String text = TestDatabase.text("SELECT body FROM document_revisions WHERE document_id = ? AND number = 3", id);
    assertThat(text).contains("revised by Pieter", "revised by Maria");
  }

  @Test
  @DisplayName("eight simultaneous edits from one base make exactly one revision")
  void manyConcurrentEdits() throws Exception {
    Browser pieter = as("demo-pieter");
    long id = create(app, pieter, "assessment", Fixtures.unique("Race"), "Start.");
    String token = app.csrf(pieter);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      all.add(CompletableFuture.supplyAsync(() -> {
        await(go);
        return pieter.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", token, "base", "1",
            "body", "Version " + n + ".", "summary", "try " + n, "action", "save")).status();
      }));
    }
    go.countDown();
    List<Integer> statuses = all.stream().map(CompletableFuture::join).toList();
    assertEquals(1, statuses.stream().filter(s -> s == 303).count(), statuses.toString());
    assertEquals(7, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM document_revisions WHERE document_id = ?", id));
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM live_events WHERE address = ?", "document." + id),
        "one event for the draft and one for the single new revision");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @DisplayName("a closed group's documents exist for nobody else: pages, exports, live events and citations")
  void closedGroup() {
    String slug = Fixtures.unique("closed-docs");
    long groupId = Fixtures.group(slug, true, false);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Closed Moderator", Fixtures.unique("mod") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Closed Member", Fixtures.unique("member") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    Browser outsider = new Browser();
    app.signInNew(outsider, "Outsider", Fixtures.unique("out") + "@example.org");
    Browser anonymous = new Browser();

    // a public thread, cited from inside the closed group
    long publicThread = TestDatabase.count("SELECT min(t.id) FROM threads t JOIN working_groups g ON g.id = t.group_id WHERE g.slug = 'reimbursement'");
    String secretTitle = Fixtures.unique("Secret position");
    long id = create(app, mod, slug, secretTitle, "# Secret\n\nOnly for convenors.");
    assertEquals(303, move(app, mod, id, "draft", "open", "").status());
    int key = sectionKey(mod.get(app.url("/documents/" + id)).body(), "Only for convenors");
    assertEquals(303, comment(app, member, id, key, "As argued in /threads/" + publicThread).status());
    assertThat(member.get(app.url("/threads/" + publicThread)).html().select(".cited-in a").eachText())
        .as("members of the closed group see the citation on the public thread").anyMatch(t -> t.contains(secretTitle));

    String before = state(id);
    for (Browser stranger : List.of(outsider, anonymous)) {
      for (String path : List.of("/groups/" + slug + "/documents", "/groups/" + slug + "/documents/new", "/documents/" + id,
          "/documents/" + id + "?revision=1", "/documents/" + id + "/revisions", "/documents/" + id + "/compare?from=1&to=1",
          "/documents/" + id + "/sections/" + key, "/documents/" + id + "/dispositions", "/documents/" + id + "/export.html",
          "/documents/" + id + "/export.pdf", "/documents/" + id + "/proposals/1", "/live/events?address=document." + id)) {
        Response r = stranger.get(app.url(path));
        assertTrue(r.status() == 404 || (stranger == anonymous && r.status() == 302 && path.endsWith("/new")),
            path + " answered " + r.status());
        assertThat(r.body()).as(path + " leaks").doesNotContain(secretTitle).doesNotContain("convenors");
      }
      assertThat(stranger.get(app.url("/threads/" + publicThread)).body())
          .as("the public thread does not reveal the closed document").doesNotContain(secretTitle);
    }
    String token = app.csrf(outsider);
    for (String path : List.of("/documents/" + id + "/edit", "/documents/" + id + "/proposals", "/documents/" + id + "/status",
        "/documents/" + id + "/sections/" + key + "/comments", "/documents/" + id + "/endorsement")) {
      Response r = outsider.post(app.url(path), Map.of("_csrf", token, "base", "1", "body", "x", "summary", "x",
          "rationale", "x", "from", "open", "to", "consensus", "revision", "1"));
      assertEquals(404, r.status(), path);
      assertThat(r.body()).as(path).doesNotContain(secretTitle);
    }
    assertEquals(before, state(id), "refused requests changed nothing");
    assertEquals(200, member.get(app.url("/documents/" + id)).status(), "members read it");
  }

  @Test
  @DisplayName("a member trying a moderator's action is refused and nothing changes")
  void memberCannotModerate() {
    Browser pieter = as("demo-pieter");
    Browser jonas = as("demo-jonas");
    long id = create(app, pieter, "assessment", Fixtures.unique("Moderation"), "# A\n\nText.");
    assertEquals(303, move(app, pieter, id, "draft", "open", "").status());
    int key = sectionKey(pieter.get(app.url("/documents/" + id)).body(), "Text.");
    Response c = comment(app, jonas, id, key, "A remark.");
    long commentId = DocumentStoryTest.idFrom(c.location(), "#comment-(\\d+)");
    Response p = DocumentStoryTest.propose(app, jonas, id, body -> body + "\n\nMore.", "Add more.");
    long proposalId = DocumentStoryTest.idFrom(p.location(), "/proposals/(\\d+)");
    String before = state(id);
    String token = app.csrf(jonas);
    assertEquals(403, jonas.get(app.url("/documents/" + id + "/edit")).status());
    assertEquals(403, jonas.get(app.url("/groups/assessment/documents/new")).status());
    assertEquals(403, edit(jonas, id, "1", "Mine now.", "takeover").status());
    assertEquals(403, jonas.post(app.url("/groups/assessment/documents"), Map.of("_csrf", token, "title", "T", "body", "B")).status());
    assertEquals(403, jonas.post(app.url("/documents/" + id + "/proposals/" + proposalId + "/accept"), Map.of("_csrf", token)).status());
    assertEquals(403, jonas.post(app.url("/documents/" + id + "/proposals/" + proposalId + "/decline"),
        Map.of("_csrf", token, "reason", "no")).status());
    assertEquals(403, move(app, jonas, id, "open", "consensus", "").status());
    assertEquals(403, jonas.post(app.url("/documents/" + id + "/comments/" + commentId + "/resolve"),
        Map.of("_csrf", token, "disposition", "accepted", "reason", "")).status());
    assertEquals(before, state(id));
    String page = jonas.get(app.url("/documents/" + id)).body();
    assertThat(page).as("no edit link for members").doesNotContain("/documents/" + id + "/edit\"");
    assertThat(Jsoup.parse(page).select("[action=/documents/" + id + "/status]")).as("no workflow form for members").isEmpty();
  }

  @Test
  @DisplayName("bad input gets a clear error with the right status and writes nothing")
  void badInput() {
    Browser pieter = as("demo-pieter");
    Browser jonas = as("demo-jonas");
    String token = app.csrf(pieter);
    long documentsBefore = TestDatabase.count("SELECT count(*) FROM documents");
    Response empty = pieter.post(app.url("/groups/assessment/documents"), Map.of("_csrf", token, "title", " ",
        "body", "Kept text", "summary", "", "action", "save"));
    assertEquals(400, empty.status());
    assertThat(empty.mainText()).contains("Give the document a title.");
    assertThat(empty.html().select("textarea[name=body]").val()).contains("Kept text");
    Response huge = pieter.post(app.url("/groups/assessment/documents"), Map.of("_csrf", token, "title", "Huge",
        "body", "x".repeat(Sections.MAX_BODY + 1), "action", "save"));
    assertEquals(400, huge.status());
    assertThat(huge.mainText()).contains("too long");
    assertEquals(404, pieter.get(app.url("/groups/no-such-group/documents/new")).status());
    assertEquals(documentsBefore, TestDatabase.count("SELECT count(*) FROM documents"), "no partial document");

    long id = create(app, pieter, "assessment", Fixtures.unique("Input"), "# A\n\nFirst.\n\nSecond.");
    String page = pieter.get(app.url("/documents/" + id)).body();
    int second = sectionKey(page, "Second.");
    String before = state(id);
    assertEquals(400, edit(pieter, id, "1", "", "empty").status());
    assertEquals(400, edit(pieter, id, "1", "# A\n\nFirst.\n\nSecond.", "no change").status());
    Response noSummary = edit(pieter, id, "1", "# A\n\nFirst!", "");
    assertEquals(400, noSummary.status());
    assertThat(noSummary.mainText()).contains("Summarise what you changed.");
    assertThat(noSummary.html().select("textarea[name=body]").val()).contains("First!");
    assertEquals(400, edit(pieter, id, "one", "# A", "bad base").status());
    assertEquals(409, edit(pieter, id, "7", "# A\n\nFirst.", "future base").status());
    assertEquals(403, move(app, pieter, id, "draft", "adopted", "skipping").status(), "the workflow has no such move");
    assertEquals(409, move(app, pieter, id, "open", "consensus", "").status(), "the status it started from is stale");
    assertEquals(400, move(app, pieter, id, "draft", "bogus", "").status());
    assertEquals(403, jonas.post(app.url("/documents/" + id + "/sections/" + second + "/comments"),
        Map.of("_csrf", app.csrf(jonas), "body", "Too early")).status(), "drafts take no comments");
    assertEquals(403, jonas.post(app.url("/documents/" + id + "/endorsement"), Map.of("_csrf", app.csrf(jonas),
        "revision", "1")).status(), "drafts take no endorsements");
    assertEquals(before, state(id));

    assertEquals(303, move(app, pieter, id, "draft", "open", "").status());
    assertEquals(303, edit(pieter, id, "1", "# A\n\nFirst.", "Drop the second paragraph").status());
    before = state(id);
    String jt = app.csrf(jonas);
    Response gone = jonas.post(app.url("/documents/" + id + "/sections/" + second + "/comments"), Map.of("_csrf", jt,
        "body", "On the removed part"));
    assertEquals(409, gone.status());
    assertThat(gone.mainText()).contains("is no longer in the document");
    assertEquals(404, jonas.post(app.url("/documents/" + id + "/sections/999/comments"), Map.of("_csrf", jt,
        "body", "Nowhere")).status());
    int first = sectionKey(pieter.get(app.url("/documents/" + id)).body(), "First.");
    assertEquals(400, jonas.post(app.url("/documents/" + id + "/sections/" + first + "/comments"), Map.of("_csrf", jt,
        "body", "  ")).status());
    assertEquals(400, jonas.post(app.url("/documents/" + id + "/sections/" + first + "/comments"), Map.of("_csrf", jt,
        "body", "y".repeat(SectionComment.MAX_BODY + 1))).status());
    assertEquals(409, jonas.post(app.url("/documents/" + id + "/endorsement"), Map.of("_csrf", jt, "revision", "1")).status(),
        "endorsing a revision that is no longer current");
    Response stale = DocumentStoryTest.propose(app, jonas, id, b -> b + "\n\nAdded.", "");
    assertEquals(400, stale.status(), "a proposal needs a rationale");
    assertThat(stale.mainText()).contains("Say why you propose this change.");
    assertThat(stale.html().select("textarea[name=body]").val()).contains("Added.");
    Response staleBase = jonas.post(app.url("/documents/" + id + "/proposals"), Map.of("_csrf", jt, "base", "1",
        "body", "# A\n\nFirst.\n\nSecond.", "rationale", "Bring it back", "clientToken", Fixtures.unique("t")));
    assertEquals(409, staleBase.status(), "a proposal from an old revision gets the conflict view");
    assertThat(staleBase.html().select("#conflict-heading")).hasSize(1);
    assertEquals(before, state(id));

    Response c = comment(app, jonas, id, first, "Fine.");
    long commentId = DocumentStoryTest.idFrom(c.location(), "#comment-(\\d+)");
    before = state(id);
    String pt = app.csrf(pieter);
    assertEquals(400, pieter.post(app.url("/documents/" + id + "/comments/" + commentId + "/resolve"),
        Map.of("_csrf", pt, "disposition", "maybe", "reason", "")).status());
    assertEquals(400, pieter.post(app.url("/documents/" + id + "/comments/" + commentId + "/resolve"),
        Map.of("_csrf", pt, "disposition", "declined", "reason", " ")).status(), "declining needs a reason");
    assertEquals(404, pieter.post(app.url("/documents/" + id + "/comments/99999999/resolve"),
        Map.of("_csrf", pt, "disposition", "accepted", "reason", "")).status());
    assertEquals(before, state(id));
  }

  @Test
  @DisplayName("a double-submitted comment or proposal is stored once")
  void doubleSubmit() {
    Browser pieter = as("demo-pieter");
    Browser jonas = as("demo-jonas");
    long id = create(app, pieter, "assessment", Fixtures.unique("Twice"), "Only paragraph.");
    assertEquals(303, move(app, pieter, id, "draft", "open", "").status());
    int key = sectionKey(pieter.get(app.url("/documents/" + id)).body(), "Only paragraph.");
    Response section = jonas.get(app.url("/documents/" + id + "/sections/" + key));
    Map<String, String> form = new HashMap<>(Map.of("_csrf", section.inputValue("_csrf"),
        "clientToken", section.inputValue("clientToken"), "body", "Said once."));
    Response a = jonas.post(app.url("/documents/" + id + "/sections/" + key + "/comments"), form);
    Response b = jonas.post(app.url("/documents/" + id + "/sections/" + key + "/comments"), form);
    assertEquals(a.location(), b.location());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", id));

    Response propose = jonas.get(app.url("/documents/" + id + "/propose"));
    Map<String, String> p = Map.of("_csrf", propose.inputValue("_csrf"), "clientToken", propose.inputValue("clientToken"),
        "base", "1", "body", "Only paragraph, improved.", "rationale", "Better.", "action", "save");
    assertEquals(jonas.post(app.url("/documents/" + id + "/proposals"), p).location(),
        jonas.post(app.url("/documents/" + id + "/proposals"), p).location());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_proposals WHERE document_id = ?", id));
  }

  @Test
  @DisplayName("rendering a PDF fetches nothing, not even an image a member linked")
  void pdfFetchesNothing() throws Exception {
    java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(404, -1);
      exchange.close();
    });
    server.start();
    try {
      Browser pieter = as("demo-pieter");
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/internal.png";
      long id = create(app, pieter, "assessment", Fixtures.unique("Images"), "A picture: ![chart](" + url + ")");
      Browser.Download pdf = pieter.download(app.url("/documents/" + id + "/export.pdf"));
      assertEquals(200, pdf.status());
      assertTrue(pdf.bytes().length > 1000);
      assertEquals(0, requests.get(), "the server requested " + url);
    } finally {
      server.stop(0);
    }
  }
}
