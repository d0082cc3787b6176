package eu.mhealthhub.agora.search;

import static eu.mhealthhub.agora.search.SearchSupport.api;
import static eu.mhealthhub.agora.search.SearchSupport.json;
import static eu.mhealthhub.agora.search.SearchSupport.page;
import static eu.mhealthhub.agora.search.SearchSupport.reply;
import static eu.mhealthhub.agora.search.SearchSupport.startThread;
import static eu.mhealthhub.agora.search.SearchSupport.suggest;
import static eu.mhealthhub.agora.search.SearchSupport.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A closed group's words leak nowhere: a unique word in its thread title, a post, a document
 * section (current revision), a section comment and an attachment's name is found by its member
 * (so the test can fail) and by nobody else, whether anonymous, a signed-in non-member or the
 * moderator of another group, through the results page, the API or the suggestions; results,
 * counts, snippets and "did you mean" included. A member who leaves stops finding it at once.
 */
class SearchLeakTest {

  private static final TestApp app = TestApp.shared();
  private static final Map<String, Browser> outsiders = new LinkedHashMap<>();
  private static final Map<String, String> words = new LinkedHashMap<>();
  private static Browser member;
  private static String slug;

  @BeforeAll
  static void closedGroup() {
    member = new Browser();
    long memberId = app.signInNew(member, "Insider", Fixtures.unique("insider") + "@example.org");
    Browser otherModerator = new Browser();
    long otherModeratorId = app.signInNew(otherModerator, "Other Moderator", Fixtures.unique("othermod") + "@example.org");
    Browser nonMember = new Browser();
    app.signInNew(nonMember, "Outsider", Fixtures.unique("outsider") + "@example.org");
    outsiders.put("anonymous", new Browser());
    outsiders.put("signed-in non-member", nonMember);
    outsiders.put("moderator of another group", otherModerator);

    slug = Fixtures.unique("secret");
    long group = Fixtures.group(slug, true, false);
    Fixtures.member(group, memberId, "member");
    long other = Fixtures.group(Fixtures.unique("elsewhere"), false, true);
    Fixtures.member(other, otherModeratorId, "moderator");

    for (String kind : List.of("title", "post", "section", "comment", "file")) {
      words.put(kind, word("leak" + kind));
    }
    long thread = startThread(app, member, slug, "Closed " + words.get("title"), "Opening words.", "english");
    reply(app, member, thread, "Confidential position " + words.get("post"), "english", List.of());
    reply(app, member, thread, "With a file.", "english", List.of(new Browser.FilePart("files",
        words.get("file") + ".pdf", "application/pdf", "%PDF-1.4\n%%EOF\n".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM attachments WHERE file_name = ?", words.get("file") + ".pdf"));

    long document = TestDatabase.count("""
        INSERT INTO documents (group_id, title, created_by, next_section) VALUES (?, 'Closed position paper', ?, 2) RETURNING id""",
        group, memberId);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, '', '', ?)""", document, memberId, memberId, "Our stance " + words.get("section"));
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, false, ?, '<p>text</p>')""", document, "Our stance " + words.get("section"));
    TestDatabase.update("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html)
        VALUES (?, 1, 1, ?, ?, '<p>comment</p>')""", document, memberId, "I object " + words.get("comment"));
  }

  /** What one path shows for a word: the URLs found, and everything else it says. */
  private record Seen(List<String> urls, String all) {}

  private enum Path { PAGE, API, SUGGEST }

  private static Seen search(Browser b, Path path, String word) {
    return switch (path) {
      case PAGE -> {
        Response r = page(app, b, "q=" + word);
        assertEquals(200, r.status());
        yield new Seen(r.html().select("ol.results a").eachAttr("href"), r.html().select("main").text());
      }
      case API -> {
        Response r = api(app, b, "q=" + word);
        assertEquals(200, r.status());
        JsonObject o = json(r);
        List<String> urls = new ArrayList<>();
        o.getJsonArray("results").forEach(x -> urls.add(((JsonObject) x).getString("url")));
        assertEquals(urls.size(), o.getLong("total").intValue());
        yield new Seen(urls, o.encode());
      }
      case SUGGEST -> {
        Response r = suggest(app, b, word);
        assertEquals(200, r.status());
        JsonObject o = json(r);
        List<String> urls = new ArrayList<>();
        o.getJsonArray("suggestions").forEach(x -> urls.add(((JsonObject) x).getString("url")));
        yield new Seen(urls, o.encode());
      }
    };
  }

  /** Suggestions offer titles: the thread's title word is the one they could leak. */
  private static boolean applies(Path path, String kind) {
    return path != Path.SUGGEST || kind.equals("title");
  }

  @TestFactory
  @DisplayName("nobody outside the closed group finds its words, through any path; its member does")
  Stream<DynamicTest> nobodyOutsideFinds() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Path path : Path.values()) {
      for (Map.Entry<String, String> w : words.entrySet()) {
        if (!applies(path, w.getKey())) {
          continue;
        }
        tests.add(DynamicTest.dynamicTest("member finds the " + w.getKey() + " word via " + path, () ->
            assertThat(search(member, path, w.getValue()).urls()).isNotEmpty()));
        for (Map.Entry<String, Browser> who : outsiders.entrySet()) {
          tests.add(DynamicTest.dynamicTest(who.getKey() + " does not find the " + w.getKey() + " word via " + path, () -> {
            Seen seen = search(who.getValue(), path, w.getValue());
            assertThat(seen.urls()).isEmpty();
            // not in a count, a snippet, a group name or a "did you mean" either
            assertThat(seen.all()).doesNotContain(slug).doesNotContain("Closed position paper")
                .doesNotContain("Closed " + words.get("title"));
            String near = w.getValue().substring(0, w.getValue().length() - 1) + "x";
            assertThat(search(who.getValue(), path, near).all()).doesNotContain(w.getValue());
          }));
        }
      }
    }
    return tests.stream();
  }

  @Test
  @DisplayName("a closed group's slug as a filter is refused to outsiders exactly as a group that does not exist")
  void groupFilter() {
    for (Browser b : outsiders.values()) {
      Response closed = page(app, b, "q=x&group=" + slug);
      Response missing = page(app, b, "q=x&group=no-such-" + slug);
      assertEquals(400, closed.status());
      assertEquals(closed.html().select("#search-problem").text(), missing.html().select("#search-problem").text());
      assertThat(closed.html().select("#search-group option").eachAttr("value")).doesNotContain(slug);
    }
    assertThat(page(app, member, "q=x&group=" + slug).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("a member who leaves the group stops finding its words at once")
  void leaving() {
    Browser leaver = new Browser();
    long leaverId = app.signInNew(leaver, "Leaver", Fixtures.unique("leaver") + "@example.org");
    Fixtures.member(TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", slug), leaverId, "member");
    for (Path path : Path.values()) {
      assertThat(search(leaver, path, words.get("title")).urls()).as(path.name()).isNotEmpty();
    }
    assertThat(search(leaver, Path.PAGE, words.get("post")).urls()).isNotEmpty();
    Response left = leaver.post(app.url("/groups/" + slug + "/leave"), Map.of("_csrf", app.csrf(leaver)));
    assertThat(left.status()).isLessThan(400);
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM group_memberships WHERE member_id = ?", leaverId));
    for (Path path : Path.values()) {
      for (Map.Entry<String, String> w : words.entrySet()) {
        if (applies(path, w.getKey())) {
          assertThat(search(leaver, path, w.getValue()).urls()).as(path + " " + w.getKey()).isEmpty();
        }
      }
    }
  }

  @Test
  @DisplayName("a thread moved into the closed group takes its posts along: outsiders stop finding them at once, its members find them")
  void movedThread() {
    Browser mover = new Browser();
    long moverId = app.signInNew(mover, "Mover", Fixtures.unique("mover") + "@example.org");
    String open = Fixtures.unique("movefrom");
    long openGroup = Fixtures.group(open, false, true);
    long closedGroup = TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", slug);
    Fixtures.member(openGroup, moverId, "moderator");
    Fixtures.member(closedGroup, moverId, "moderator");
    String postWord = word("movedpost");
    long thread = startThread(app, mover, open, "Soon elsewhere", "Opening words.", "english");
    reply(app, mover, thread, "Moving words " + postWord, "english", List.of());
    Browser outsider = outsiders.get("signed-in non-member");
    assertThat(search(outsider, Path.API, postWord).urls()).hasSize(1);

    Response moved = mover.post(app.url("/threads/" + thread + "/move"), Map.of("_csrf", app.csrf(mover), "group", slug));
    assertThat(moved.status()).isLessThan(400);
    assertEquals(closedGroup, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", thread));
    assertEquals(0, TestDatabase.count(
        "SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.id = ? AND p.group_id <> t.group_id", thread));
    for (Browser b : outsiders.values()) {
      for (Path path : List.of(Path.PAGE, Path.API)) {
        assertThat(search(b, path, postWord).urls()).as(path.name()).isEmpty();
      }
    }
    assertThat(search(member, Path.API, postWord).urls()).hasSize(1);

    // a post's group is the database's to keep: a stray write to it is replaced by its thread's group
    TestDatabase.update("UPDATE posts SET group_id = ? WHERE thread_id = ?", openGroup, thread);
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ? AND group_id <> ?", thread, closedGroup));
    assertThat(search(outsider, Path.API, postWord).urls()).isEmpty();
  }
}
