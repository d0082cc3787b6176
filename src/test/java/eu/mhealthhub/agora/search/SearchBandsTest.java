package eu.mhealthhub.agora.search;

import static eu.mhealthhub.agora.search.SearchSupport.api;
import static eu.mhealthhub.agora.search.SearchSupport.json;
import static eu.mhealthhub.agora.search.SearchSupport.page;
import static eu.mhealthhub.agora.search.SearchSupport.startThread;
import static eu.mhealthhub.agora.search.SearchSupport.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A word in more posts than are ranked (V032): the posts are read newest month first, and the count
 * stops at {@link SearchResults#COUNTED}. The ranked and paged results must be exactly the newest
 * matches, as if every match had been read, whichever months, quarters and years they fall in.
 */
class SearchBandsTest {

  private static final TestApp app = TestApp.shared();
  private static final int POSTS = 260;
  /**
   * The reader's own time zone, in which the search counts the days of a date range: 14 hours ahead of UTC, so
   * that for most of the day its date is not UTC's (a range counted in the wrong zone is then a day off).
   */
  private static final String READER_ZONE = "Pacific/Kiritimati";
  private static Browser reader;
  private static String slug;
  private static String marker;
  private static long thread;
  private static long group;

  @BeforeAll
  static void posts() {
    Browser author = new Browser();
    long authorId = app.signInNew(author, "Bands Author", Fixtures.unique("bands-author") + "@example.org");
    reader = new Browser();
    String readerEmail = Fixtures.unique("bands-reader") + "@example.org";
    app.signInNew(reader, "Bands Reader", readerEmail);
    Response chosen = reader.post(app.url("/me"), java.util.Map.of("_csrf", app.csrf(reader), "displayName", "Bands Reader",
        "email", readerEmail, "locale", "en", "timeZone", READER_ZONE));
    assertEquals(303, chosen.status(), chosen.body());
    slug = Fixtures.unique("bands");
    group = Fixtures.group(slug, false, true);
    Fixtures.member(group, authorId, "member");
    marker = word("bd");
    thread = startThread(app, author, slug, "Bands " + marker, "Opening " + marker, "english");
    // 260 more posts with the word, one every five days back from now: about three and a half years,
    // so that they fall into single months, quarters and years of the search's steps
    TestDatabase.update("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, created_at, language)
        SELECT ?, 1 + i, ?, 'Dated post ' || i || ' about ' || ?, '<p>post</p>', now() - i * interval '5 days', 'english'
          FROM generate_series(1, ?) i
        """, thread, authorId, marker, POSTS);
  }

  /** The links of every result, all pages of the API. */
  private static List<String> allResults(String query) {
    List<String> urls = new ArrayList<>();
    JsonObject first = json(api(app, reader, query));
    for (int p = 1; p <= first.getInteger("pages"); p++) {
      JsonObject page = p == 1 ? first : json(api(app, reader, query + "&page=" + p));
      page.getJsonArray("results").forEach(r -> urls.add(((JsonObject) r).getString("url")));
    }
    return urls;
  }

  /**
   * The day, as the reader counts days (in {@link #READER_ZONE}), that was {@code ago} before now. (Counted in the
   * database session's UTC while the reader's days were the Hub's, the range was a day off between 23:00 and
   * midnight UTC, and the test failed in CI at that hour.)
   */
  private static String day(String ago) {
    return TestDatabase.text("SELECT to_char((now() AT TIME ZONE ?) - ?::interval, 'YYYY-MM-DD')", READER_ZONE, ago);
  }

  /** The condition on {@code created_at} for the days {@code from} to {@code to}, in the reader's time zone. */
  private static String days(String from, String to) {
    return " AND created_at >= ('" + from + "'::date)::timestamp AT TIME ZONE '" + READER_ZONE + "'"
        + " AND created_at < ('" + to + "'::date + 1)::timestamp AT TIME ZONE '" + READER_ZONE + "'";
  }

  private static Set<String> newestPosts(String where, int limit) {
    Set<String> urls = new HashSet<>();
    for (long i = 0; i < limit; i++) {
      String id = TestDatabase.text("SELECT id FROM posts WHERE thread_id = ? " + where
          + " ORDER BY created_at DESC, id OFFSET ? LIMIT 1", thread, i);
      if (id != null) {
        urls.add("/posts/" + id);
      }
    }
    return urls;
  }

  @Test
  @DisplayName("a word in more posts than are ranked: 'more than 100', and the 100 ranked are exactly the newest")
  void moreThanRanked() {
    JsonObject first = json(api(app, reader, "q=" + marker + "&kind=posts"));
    assertEquals(SearchResults.COUNTED, first.getLong("total"));
    assertTrue(first.getBoolean("more"));
    assertEquals(5, first.getInteger("pages"));
    assertThat(page(app, reader, "q=" + marker + "&kind=posts").html().select("#results-heading").text())
        .startsWith("More than 100 results");
    List<String> urls = allResults("q=" + marker + "&kind=posts");
    assertEquals(100, urls.size());
    assertEquals(newestPosts("", 100), new HashSet<>(urls));
    // the newest of equally relevant posts comes first
    assertEquals(TestDatabase.text("SELECT '/posts/' || id FROM posts WHERE thread_id = ? ORDER BY created_at DESC LIMIT 1",
        thread), urls.get(0));
  }

  @Test
  @DisplayName("the same with a group filter, and a date range counts exactly the posts within it")
  void filtered() {
    List<String> urls = allResults("q=" + marker + "&kind=posts&group=" + slug);
    assertEquals(newestPosts("", 100), new HashSet<>(urls));
    // from 400 to 200 days ago: about 40 posts, all counted and shown, "more" false
    String from = day("400 days");
    String to = day("200 days");
    String query = "q=" + marker + "&kind=posts&from=" + from + "&to=" + to;
    JsonObject found = json(api(app, reader, query));
    long within = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?" + days(from, to), thread);
    assertThat(within).isBetween(30L, 50L);
    assertEquals(within, found.getLong("total"));
    assertFalse(found.getBoolean("more"));
    assertEquals(within, allResults(query).size());
  }

  @Test
  @DisplayName("a word in more posts than are ranked but few enough to be read at once: 'more than 100', the newest 100")
  void readAtOnce() {
    // from 1,000 to 250 days ago: about 150 posts, more than the 100 ranked, fewer than the 200 read in one pass
    String from = day("1000 days");
    String to = day("250 days");
    String range = days(from, to);
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?" + range, thread))
        .isBetween((long) SearchRepository.RANKED + 1, (long) SearchRepository.READ_AT_ONCE);
    String query = "q=" + marker + "&kind=posts&from=" + from + "&to=" + to;
    JsonObject found = json(api(app, reader, query));
    assertEquals(SearchResults.COUNTED, found.getLong("total"));
    assertTrue(found.getBoolean("more"));
    assertEquals(newestPosts(range, SearchRepository.RANKED), new HashSet<>(allResults(query)));
  }

  @Test
  @DisplayName("every plan (one pass, first pass then bands, bands alone) finds, counts and orders the same results")
  void plansAgree() throws Exception {
    DatabaseSettings db = TestDatabase.settings();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port())
        .setDatabase(db.name()).setUser(db.user()).setPassword(db.password())).using(vertx).build();
    try {
      SearchRepository repository = new SearchRepository();
      Instant from = Instant.now().minus(Duration.ofDays(1000));
      Instant until = Instant.now().minus(Duration.ofDays(250));
      List<String> all = List.of("posts", "threads", "documents", "talks");
      // all 261 posts; a phrase; the group filter; a date range of about 150 posts (between ranked and read at once)
      List<SearchRepository.Scope> scopes = List.of(
          new SearchRepository.Scope("english", List.of(group), List.of(), null, null, null, null, all, false),
          new SearchRepository.Scope("english", List.of(group), List.of(), null, null, null, null, List.of("posts"), true),
          new SearchRepository.Scope("english", List.of(group), List.of(), null, from, until, null, all, false));
      for (String text : List.of(marker, "\"about " + marker + "\"")) {
        for (SearchRepository.Scope scope : scopes) {
          List<String> expected = null;
          for (SearchRepository.Plan plan : List.of(SearchRepository.Plan.ONE_PASS, SearchRepository.Plan.PASS_THEN_BANDS,
              SearchRepository.Plan.BANDS)) {
            List<String> found = new ArrayList<>();
            for (int offset = 0; offset < SearchRepository.RANKED; offset += 20) {
              SearchRepository.Found page = repository.search(pool, plan, text, scope, 20, offset)
                  .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
              // the count as shown: exact up to 100, "more than 100" beyond
              found.add("total " + Math.min(page.total(), SearchResults.COUNTED + 1));
              page.hits().forEach(h -> found.add(h.url() + " " + h.snippet().text()));
            }
            assertThat(found).as("%s, %s, %s", text, scope, plan).hasSizeGreaterThan(5 + 20);
            if (expected == null) {
              expected = found;
            } else {
              assertEquals(expected, found, text + ", " + scope + ": " + plan + " against one pass");
            }
          }
        }
      }
    } finally {
      pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a post's month and group tags in the index are never matched by what a reader types")
  void tagsAreNotWords() {
    String month = TestDatabase.text("SELECT agora_month(created_at)::text FROM posts WHERE thread_id = ? AND position = 2",
        thread);
    for (String typed : List.of("\"month " + month + "\"", "month " + month, "\"group " + slug + "\"", "quarter",
        "year")) {
      assertEquals(0L, json(api(app, reader, "q=" + SearchSupport.enc(typed) + "&group=" + slug)).getLong("total"),
          typed);
    }
  }
}
