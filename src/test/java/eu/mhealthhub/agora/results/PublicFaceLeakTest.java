package eu.mhealthhub.agora.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nothing of a closed group reaches the public face: the results library and its search, the
 * Atom feeds, the sitemap. A closed group holds an adopted document, a thread and a Talk's
 * follow-up thread, each with a word found nowhere else; a public twin of each shows the same
 * paths do list what they should. Every path is read by a visitor and by the closed group's own
 * moderator (the library shows public results only, to everyone).
 */
class PublicFaceLeakTest {

  private static final TestApp app = TestApp.shared();
  private static String closedSlug;
  private static String closedDocWord;
  private static String closedThreadWord;
  private static String closedFollowupWord;
  private static long closedDoc;
  private static long closedThread;
  private static String publicWord;
  private static long publicDoc;

  @BeforeAll
  static void closedAndPublicTwins() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    closedSlug = ResultsFixtures.moderatedGroup(true);
    String openSlug = ResultsFixtures.moderatedGroup(false);
    closedDocWord = ResultsFixtures.word("secretdoc");
    closedThreadWord = ResultsFixtures.word("secretthread");
    closedFollowupWord = ResultsFixtures.word("secretfollow");
    publicWord = ResultsFixtures.word("openword");
    closedDoc = ResultsFixtures.adoptedDocument(app, pieter, closedSlug, "Closed position " + closedDocWord,
        "# Scope\n\nOnly members read " + closedDocWord + ".\n");
    publicDoc = ResultsFixtures.adoptedDocument(app, pieter, openSlug, "Open position " + publicWord,
        "# Scope\n\nEveryone reads " + publicWord + ".\n");
    long closedGroup = TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", closedSlug);
    closedThread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id",
        closedGroup, "Closed debate " + closedThreadWord, eu.mhealthhub.agora.support.Fixtures.demoMember("demo-pieter"));
    // a public Talk concerning both groups: listed, with its public follow-up but not its closed one
    String talk = ResultsFixtures.closedTalk(openSlug, "Open Talk " + publicWord, "Summary " + publicWord,
        "Open follow-up " + publicWord);
    long talkId = TestDatabase.count("SELECT id FROM talks WHERE slug = ?", talk);
    TestDatabase.update("INSERT INTO talk_groups (talk_id, group_id) VALUES (?, ?)", talkId, closedGroup);
    long followup = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id",
        closedGroup, "Closed follow-up " + closedFollowupWord, eu.mhealthhub.agora.support.Fixtures.demoMember("demo-pieter"));
    TestDatabase.update("INSERT INTO talk_followups (talk_id, group_id, thread_id, position) VALUES (?, ?, ?, 1)",
        talkId, closedGroup, followup);
  }

  static Stream<Arguments> paths() {
    return Stream.of("/results", "/results?kind=documents", "/results?kind=talks", "/results?q=secretdoc",
        "/results?q=%s", "/results.atom", "/talks.atom", "/sitemap.xml")
        .flatMap(p -> Stream.of(Arguments.of(p, false), Arguments.of(p, true)));
  }

  /** What a path shows, without the echo of the request (search box, return addresses). */
  private static String shown(Response r) {
    if (!r.header("Content-Type").startsWith("text/html")) {
      return r.body();
    }
    Document d = Jsoup.parse(r.body());
    return d.select("head").outerHtml() + d.select("main section.results").outerHtml();
  }

  @ParameterizedTest(name = "{0} (closed group''s moderator: {1})")
  @MethodSource("paths")
  @DisplayName("no closed-group item on the results page, its search, the feeds or the sitemap, for anyone")
  void nothingClosed(String template, boolean member) {
    Browser b = new Browser();
    if (member) {
      app.signIn(b, "demo-pieter");
    }
    for (String word : List.of(closedDocWord, closedThreadWord, closedFollowupWord)) {
      String path = template.replace("secretdoc", word).replace("%s", word);
      Response r = b.get(app.url(path));
      assertEquals(200, r.status(), path);
      assertThat(shown(r)).as(path).doesNotContain(closedDocWord, closedThreadWord, closedFollowupWord, closedSlug,
          "/documents/" + closedDoc + "/", "/documents/" + closedDoc + "\"", "/documents/" + closedDoc + "<",
          "/threads/" + closedThread);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("publicTwins")
  @DisplayName("the same paths do list the public twins, so the absence above means something")
  void publicTwinsListed(String path, String expected) {
    Response r = new Browser().get(app.url(path.replace("%s", publicWord)));
    assertEquals(200, r.status());
    assertThat(shown(r)).contains(expected.replace("%s", publicWord).replace("%d", Long.toString(publicDoc)));
  }

  static Stream<Arguments> publicTwins() {
    return Stream.of(Arguments.of("/results?q=%s", "Open position %s"), Arguments.of("/results?q=%s", "Open follow-up %s"),
        Arguments.of("/results.atom", "/documents/%d/revisions/1"), Arguments.of("/talks.atom", "Open Talk %s"),
        Arguments.of("/sitemap.xml", "/documents/%d/revisions/1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("closedAddresses")
  @DisplayName("a closed group's feed, filter, revision and citation answer a visitor as if they did not exist")
  void closedAddresses(String path, int status) {
    String p = path.replace("%slug", closedSlug).replace("%doc", Long.toString(closedDoc));
    Response r = new Browser().get(app.url(p));
    assertEquals(status, r.status(), p);
    assertThat(r.body()).doesNotContain(closedDocWord);
  }

  static Stream<Arguments> closedAddresses() {
    return Stream.of(Arguments.of("/groups/%slug/threads.atom", 404), Arguments.of("/results?group=%slug", 400),
        Arguments.of("/documents/%doc/revisions/1", 404), Arguments.of("/documents/%doc/revisions/1/cite.bib", 404),
        Arguments.of("/documents/%doc/revisions/1/cite.json", 404));
  }
}
