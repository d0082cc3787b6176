package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code seed-archive} command at a thousandth of the Hub's size (10 members... 1,000 posts), on a
 * database of its own: the counts scale, the derived values agree with the rows, a second run is
 * refused, and the seeded content is readable through the app's pages.
 */
class ArchiveSeedTest {

  private static final double SCALE = 0.001;
  private static DatabaseSettings db;
  private static String output;
  private static int exit;
  private static TestApp app;

  @BeforeAll
  static void seed() throws Exception {
    db = FreshDatabase.create("archive");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    exit = ArchiveCommand.seed(db, SCALE, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    output = out.toString(StandardCharsets.UTF_8);
    app = TestApp.start(Map.of("AGORA_DATABASE_URL", FreshDatabase.url(db), "AGORA_DEMO_CONTENT", "false"),
        java.time.Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
  }

  private static long count(String sql) {
    return FreshDatabase.count(db, sql);
  }

  @Test
  @DisplayName("the archive at scale 0.001 holds the scaled counts (with the small floors) and prints them")
  void counts() {
    assertEquals(0, exit, output);
    assertEquals(20, count("SELECT count(*) FROM members"));
    assertEquals(4, count("SELECT count(*) FROM working_groups"));
    assertEquals(50, count("SELECT count(*) FROM threads"));
    assertEquals(1000, count("SELECT count(*) FROM posts"));
    assertEquals(1000, count("SELECT count(*) FROM post_revisions"));
    assertEquals(4, count("SELECT count(*) FROM documents"));
    assertEquals(4, count("SELECT count(*) FROM talks"));
    assertTrue(count("SELECT count(*) FROM document_revisions") > 4);
    assertTrue(count("SELECT count(*) FROM document_comments") > 0);
    assertTrue(count("SELECT count(*) FROM document_endorsements") > 0);
    assertTrue(count("SELECT count(*) FROM talk_questions") > 0);
    assertTrue(count("SELECT count(DISTINCT language) FROM posts") >= 3, "several languages");
    assertTrue(count("SELECT count(*) FROM working_groups WHERE visibility = 'closed'") >= 1, "a closed group");
    assertTrue(count("SELECT extract(day FROM max(created_at) - min(created_at))::bigint FROM threads") > 365 * 3,
        "dates over years");
    assertTrue(output.contains("posts") && output.contains("1,000 rows"), output);
  }

  @Test
  @DisplayName("thread and group counters, last post, memberships, vote counts and search vectors agree with the seeded rows")
  void derivedValuesAgree() {
    assertEquals(0, count("""
        SELECT count(*) FROM threads t
         WHERE t.post_count <> (SELECT count(*) FROM posts p WHERE p.thread_id = t.id)
            OR t.last_post_id <> (SELECT p.id FROM posts p WHERE p.thread_id = t.id ORDER BY p.position DESC LIMIT 1)
            OR t.last_poster_id <> (SELECT p.author_id FROM posts p WHERE p.id = t.last_post_id)
            OR t.last_activity_at <> (SELECT p.created_at FROM posts p WHERE p.id = t.last_post_id)
        """), "thread counters");
    assertEquals(0, count("""
        SELECT count(*) FROM threads t
         WHERE (SELECT array_agg(position ORDER BY position) FROM posts p WHERE p.thread_id = t.id)
               <> (SELECT array_agg(g) FROM generate_series(1, t.post_count) g)
        """), "positions 1..n");
    assertEquals(0, count("""
        SELECT count(*) FROM posts p
         WHERE p.group_id <> (SELECT group_id FROM threads t WHERE t.id = p.thread_id)
            OR NOT EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.group_id = p.group_id AND gm.member_id = p.author_id)
            OR p.created_at > now() OR p.search_vector = ''::tsvector
        """), "posts by members of their group, in the past, searchable");
    assertEquals(0, count("""
        SELECT count(*) FROM group_memberships gm
         WHERE gm.approved_posts <> (SELECT count(*) FROM posts p WHERE p.group_id = gm.group_id AND p.author_id = gm.member_id)
        """), "approved posts");
    assertEquals(0, count("""
        SELECT count(*) FROM talk_questions q WHERE q.votes <> (SELECT count(*) FROM talk_question_votes v WHERE v.question_id = q.id)
        """), "question votes");
    assertEquals(0, count("""
        SELECT count(*) FROM documents d
         WHERE d.current_revision <> (SELECT max(number) FROM document_revisions r WHERE r.document_id = d.id)
            OR d.next_section <= (SELECT max(section_key) FROM document_sections s WHERE s.document_id = d.id)
        """), "document revisions and section keys");
    assertEquals(0, count("""
        SELECT count(*) FROM working_groups g
         WHERE g.thread_total <> (SELECT count(*) FROM threads t WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL)
            OR g.post_total <> (SELECT count(*) FROM posts p WHERE p.group_id = g.id AND p.deleted_at IS NULL AND p.held_at IS NULL)
            OR g.member_total <> (SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id)
            OR g.last_active_at IS DISTINCT FROM (SELECT max(t.last_activity_at) FROM threads t
                                                  WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL)
        """), "the groups' counters (V045), which the load writes with the triggers off");
    assertTrue(count("SELECT min(post_total) FROM working_groups") > 0, "every group has posts, counted");
  }

  @Test
  @DisplayName("every reference of the seeded rows names an existing row (the load skips the per-row foreign-key checks)")
  void referencesHold() {
    assertEquals(0, count("SELECT count(*) FROM posts p WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.id = p.author_id)"
        + " OR NOT EXISTS (SELECT 1 FROM threads t WHERE t.id = p.thread_id)"));
    assertEquals(0, count("SELECT count(*) FROM threads t WHERE NOT EXISTS (SELECT 1 FROM working_groups g WHERE g.id = t.group_id)"
        + " OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = t.author_id) OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = t.last_poster_id)"));
    assertEquals(0, count("SELECT count(*) FROM post_revisions r WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id)"));
    assertEquals(0, count("SELECT count(*) FROM reactions r WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id)"
        + " OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = r.member_id)"));
    assertEquals(0, count("SELECT count(*) FROM read_positions r WHERE NOT EXISTS (SELECT 1 FROM threads t WHERE t.id = r.thread_id)"
        + " OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = r.member_id)"));
    assertEquals(0, count("SELECT count(*) FROM document_sections s WHERE NOT EXISTS (SELECT 1 FROM document_revisions r"
        + " WHERE r.document_id = s.document_id AND r.number = s.revision)"));
    assertEquals(0, count("SELECT count(*) FROM document_comments c WHERE NOT EXISTS (SELECT 1 FROM document_revisions r"
        + " WHERE r.document_id = c.document_id AND r.number = c.revision)"));
    assertEquals(0, count("SELECT count(*) FROM talk_question_votes v WHERE NOT EXISTS (SELECT 1 FROM talk_questions q WHERE q.id = v.question_id)"
        + " OR NOT EXISTS (SELECT 1 FROM members m WHERE m.id = v.member_id)"));
    assertEquals(0, count("SELECT count(*) FROM working_groups WHERE hold_first_posts IS DISTINCT FROM CASE visibility WHEN 'public' THEN 1 ELSE 0 END"));
  }

  @Test
  @DisplayName("a second seed-archive on the same database is refused with exit code 2 and adds nothing")
  void secondRunRefused() throws Exception {
    long posts = count("SELECT count(*) FROM posts");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int second = ArchiveCommand.seed(db, SCALE, System.out, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, second);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("already holds the archive"), err.toString(StandardCharsets.UTF_8));
    assertEquals(posts, count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("a seeded thread, group, closed group's thread, document, Talk and member profile answer 200 to a member")
  void pagesReadable() {
    Browser browser = new Browser();
    app.signUp(browser, "Archive Reader", "archive-reader@example.org");
    long reader = count("SELECT id FROM members WHERE email = 'archive-reader@example.org'");
    String closedGroup = FreshDatabase.text(db,
        "SELECT slug FROM working_groups WHERE visibility = 'closed' AND slug LIKE 'archive-%' ORDER BY id LIMIT 1");
    FreshDatabase.count(db, "WITH x AS (INSERT INTO group_memberships (group_id, member_id, role) "
        + "SELECT id, " + reader + ", 'member' FROM working_groups WHERE slug = '" + closedGroup + "' RETURNING 1) SELECT count(*) FROM x");
    long longest = count("SELECT id FROM threads ORDER BY post_count DESC, id LIMIT 1");
    long closedThread = count("SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id "
        + "WHERE g.slug = '" + closedGroup + "' ORDER BY t.id LIMIT 1");
    String[] urls = {
        "/threads/" + longest,
        "/threads/" + longest + "?page=2",
        "/threads/" + closedThread,
        "/groups/" + FreshDatabase.text(db, "SELECT slug FROM working_groups ORDER BY position, id LIMIT 1"),
        "/groups/" + closedGroup,
        "/documents/" + count("SELECT id FROM documents ORDER BY current_revision DESC, id LIMIT 1"),
        "/talks/" + FreshDatabase.text(db, "SELECT slug FROM talks WHERE room_state = 'closed' ORDER BY id LIMIT 1"),
        "/members/" + FreshDatabase.text(db, "SELECT handle FROM members WHERE subject LIKE 'archive-%' ORDER BY id LIMIT 1"),
        "/",
    };
    for (String url : urls) {
      Response page = browser.get(app.url(url));
      assertEquals(200, page.status(), url + ": " + page);
      assertFalse(page.html().select("main").isEmpty(), url + " has a main element");
    }
    Response thread = browser.get(app.url("/threads/" + longest));
    assertEquals(20, thread.html().select("article.post").size(), "the longest thread's first page shows 20 posts");
  }
}
