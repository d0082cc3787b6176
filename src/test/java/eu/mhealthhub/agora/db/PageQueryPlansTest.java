package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.FreshDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The statements behind each page (as bench/archive/explain.sh logged them on the Hub-sized archive)
 * keep an index on every large table: planned on a small seeded archive, after ANALYZE, with
 * sequential scans, merge and hash joins priced out (so that every table is reached by an index probe
 * where one can answer), none of them may read a large table
 * whole (a sequential scan, or a walk of a whole index that filters its rows; accepted walks are listed, none today).
 *
 * <p>What it catches: an index a page query relies on is dropped or changed, or a query is reshaped
 * so that no index applies (a function around an indexed column, an OR the index cannot answer, a
 * join on a column without an index). With whole reads priced out, PostgreSQL chooses one only when
 * nothing else can answer, so the verdict does not depend on the small archive's statistics.
 * The generic plan is checked (EXPLAIN GENERIC_PLAN), the plan a prepared statement settles on.
 *
 * <p>What it cannot catch: the planner preferring a sequential scan on real data although an index
 * exists (a badly selective index, stale statistics: bench/archive/explain.sh on the full archive
 * shows that); a page that starts running a statement not listed here; a plan that uses an index
 * but reads far too much of it (a count over a group's threads): for those, the EXPLAIN files in
 * bench/archive/.
 */
class PageQueryPlansTest {

  /** Tables that grow with the archive; the others (groups, seeds, settings) are small by nature. */
  private static final Set<String> LARGE = Set.of("members", "threads", "posts", "post_revisions", "reactions",
      "read_positions", "thread_subscriptions", "group_memberships", "documents", "document_revisions",
      "document_sections", "document_comments", "document_proposals", "document_endorsements", "document_citations",
      "talks", "talk_questions", "talk_messages", "talk_question_votes", "talk_registrations", "live_events",
      "notifications", "attachments", "sign_ins");

  /** Page → the statements it runs, as {@code class#CONSTANT}. */
  private static final Map<String, List<String>> PAGES = new LinkedHashMap<>();

  static {
    String t = "eu.mhealthhub.agora.thread.ThreadRepository#";
    String g = "eu.mhealthhub.agora.group.GroupRepository#";
    String d = "eu.mhealthhub.agora.document.DocumentRepository#";
    String k = "eu.mhealthhub.agora.talk.TalkRepository#";
    String m = "eu.mhealthhub.agora.member.MemberRepository#";
    PAGES.put("thread", List.of(t + "THREAD_PAGE"));
    PAGES.put("group", List.of(g + "PAGE", t + "GROUP_LISTING"));
    PAGES.put("home", List.of(g + "HOME", k + "UPCOMING_LISTED", k + "PAST_LISTED"));
    String r = "eu.mhealthhub.agora.rounds.RoundRepository#";
    PAGES.put("document", List.of(d + "FOR_VIEWER", d + "PAGE_SHOWN", r + "OF_DOCUMENT_WITH_SECTIONS"));
    PAGES.put("member", List.of(m + "BY_HANDLE_WITH_PROFILE", t + "BY_AUTHOR", g + "GROUPS_OF"));
    PAGES.put("talk", List.of(k + "BY_SLUG", k + "GROUPS_BY_SLUG", k + "RECENT_MESSAGES", k + "QUESTIONS"));
    PAGES.put("programme", List.of(k + "UPCOMING", k + "PAST_PAGE"));
  }

  /**
   * Whole-index walks accepted, with why: statement → index. None since stop 15: the home page's Talks are read
   * from now on by start (and by span for those under way), not by a walk past the ended ones.
   */
  private static final Map<String, String> ACCEPTED = Map.of();

  private static DatabaseSettings db;

  @BeforeAll
  static void seed() throws SQLException {
    db = FreshDatabase.create("plans");
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    assertEquals(0, ArchiveCommand.seed(db, 0.001, quiet, System.err), "seed-archive");
  }

  @Test
  @DisplayName("no statement behind the thread, group, home, document, member, Talk or programme page reads a large table whole")
  void pageQueriesUseIndexes() throws Exception {
    List<String> found = new ArrayList<>();
    int checked = 0;
    try (Connection c = connection(); Statement st = c.createStatement()) {
      priceOutWholeReads(st);
      for (Map.Entry<String, List<String>> page : PAGES.entrySet()) {
        for (String constant : page.getValue()) {
          for (String table : sequentialScans(st, sql(constant))) {
            if (!(ACCEPTED.containsKey(constant) && table.contains("whole index " + ACCEPTED.get(constant) + ")"))) {
              found.add(page.getKey() + ": " + constant + " reads " + table + " whole");
            }
          }
          checked++;
        }
      }
    }
    assertTrue(checked >= 10, "checked " + checked);
    assertTrue(found.isEmpty(), String.join("\n", found));
  }

  @Test
  @DisplayName("the check sees a sequential scan of a large table where no index applies")
  void checkSeesASequentialScan() throws Exception {
    try (Connection c = connection(); Statement st = c.createStatement()) {
      priceOutWholeReads(st);
      List<String> found = sequentialScans(st, "SELECT id FROM posts WHERE revision = $1");
      assertEquals(1, found.size(), found.toString());
      assertTrue(found.get(0).startsWith("posts"), found.toString());
      assertEquals(List.of(), sequentialScans(st, "SELECT id FROM posts WHERE thread_id = $1 AND position = $2"));
    }
  }

  @Test
  @DisplayName("without the indexes on a post's author, the member page's latest posts are reported as a whole read of posts")
  void lostIndexIsReported() throws Exception {
    String byAuthor = sql("eu.mhealthhub.agora.thread.ThreadRepository#BY_AUTHOR");
    try (Connection c = connection(); Statement st = c.createStatement()) {
      priceOutWholeReads(st);
      assertEquals(List.of(), sequentialScans(st, byAuthor));
      c.setAutoCommit(false);
      st.execute("DROP INDEX posts_author_created_idx, posts_author_idx");
      List<String> found = sequentialScans(st, byAuthor);
      c.rollback();
      assertEquals(1, found.size(), found.toString());
      assertTrue(found.get(0).startsWith("posts"), found.toString());
    }
  }

  /**
   * The thread page reads its posts in the statement that reads the thread, its group and what the viewer
   * has to do with it (role, reading position, subscription), the live sequence and the thread's links.
   * Those are correlated subqueries of the thread: if PostgreSQL pulls the thread's part up into the join
   * with the posts, it evaluates them once for every post on the page (20 times), which made the one
   * statement dearer than the two it replaced. Run on a thread of the small archive with its generic plan
   * (the plan a pooled connection keeps), each of those tables must be read at most once a view.
   */
  @Test
  @DisplayName("the thread page asks about the thread and its viewer once a view, not once for each post it shows")
  void threadPageAsksOnce() throws Exception {
    String threadPage = sql("eu.mhealthhub.agora.thread.ThreadRepository#THREAD_PAGE");
    try (Connection c = connection(); Statement st = c.createStatement()) {
      long thread;
      long viewer;
      try (ResultSet rs = st.executeQuery("""
          SELECT p.thread_id, min(t.author_id) FROM posts p JOIN threads t ON t.id = p.thread_id
           WHERE p.position BETWEEN 1 AND 20 GROUP BY p.thread_id HAVING count(*) >= 5 ORDER BY p.thread_id LIMIT 1""")) {
        assertTrue(rs.next(), "the small archive has a thread of five posts or more");
        thread = rs.getLong(1);
        viewer = rs.getLong(2);
      }
      st.execute("SET plan_cache_mode = force_generic_plan");
      st.execute("PREPARE thread_page AS " + threadPage);
      JsonObject plan;
      try (ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE thread_page(" + thread + ", " + viewer
          + ", 1, 20, false)")) {
        rs.next();
        plan = new JsonArray(rs.getString(1)).getJsonObject(0).getJsonObject("Plan");
      }
      assertTrue(plan.getDouble("Actual Rows") >= 5, "the page shows the thread's posts: " + plan.getDouble("Actual Rows"));
      Map<String, Integer> loops = new LinkedHashMap<>();
      for (JsonObject node : nodes(plan)) {
        if (node.getString("Relation Name") != null) {
          loops.merge(node.getString("Relation Name"), node.getInteger("Actual Loops"), Math::max);
        }
      }
      List<String> once = List.of("group_memberships", "read_positions", "thread_subscriptions", "live_events");
      for (String table : once) {
        assertEquals(1, loops.getOrDefault(table, 0), table + " read once a view: " + loops);
      }
      assertTrue(loops.getOrDefault("thread_links", 0) <= 1, "thread_links read at most once a view: " + loops);
    }
  }

  /**
   * Sequential scans, merge joins and hash joins priced out: each table is then reached by an index
   * probe wherever an index can answer, whatever the small archive's statistics (with only those
   * the planner rightly reads a 20-row members table whole for a merge join).
   */
  private static void priceOutWholeReads(Statement st) throws SQLException {
    st.execute("SET enable_seqscan = off");
    st.execute("SET enable_mergejoin = off");
    st.execute("SET enable_hashjoin = off");
  }

  /** The simple query protocol: EXPLAIN GENERIC_PLAN's $n reach the server as text, not as parameters to bind. */
  private static Connection connection() throws SQLException {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", db.user());
    props.setProperty("password", db.password());
    props.setProperty("preferQueryMode", "simple");
    return DriverManager.getConnection(db.jdbcUrl(), props);
  }

  /** The statement kept in a class's constant, with SqlTemplate's named parameters numbered. */
  private static String sql(String constant) throws ReflectiveOperationException {
    String[] parts = constant.split("#");
    Field f = Class.forName(parts[0]).getDeclaredField(parts[1]);
    f.setAccessible(true);
    return SqlStatementsTest.positional((String) f.get(null));
  }

  /**
   * The large tables a generic plan of the statement reads whole: a Seq Scan node, or an index scan
   * that filters rows but has no Index Cond (a walk of the whole index looking for them: what the
   * planner picks when sequential scans are priced out and no index finds the rows), even under a
   * Limit (a walk in date order that filters by author reads every newer post of the others). A walk
   * without a filter is a join's driving side chosen for the small archive's few rows, not a missing
   * index.
   */
  private static List<String> sequentialScans(Statement st, String sql) throws SQLException {
    String json;
    try (ResultSet rs = st.executeQuery("EXPLAIN (GENERIC_PLAN, FORMAT JSON) " + sql)) {
      rs.next();
      json = rs.getString(1);
    }
    List<String> tables = new ArrayList<>();
    for (JsonObject node : nodes(new JsonArray(json).getJsonObject(0).getJsonObject("Plan"))) {
      String type = node.getString("Node Type");
      String table = node.getString("Relation Name");
      boolean wholeIndex = (type.equals("Index Scan") || type.equals("Index Only Scan"))
          && node.getString("Index Cond") == null && node.getString("Filter") != null;
      if (table != null && LARGE.contains(table) && (type.equals("Seq Scan") || wholeIndex)) {
        tables.add(table + (wholeIndex ? " (whole index " + node.getString("Index Name") + ")" : ""));
      }
    }
    return tables;
  }

  /** Every node of a plan: the node, then its children's nodes, depth first. */
  private static List<JsonObject> nodes(JsonObject node) {
    List<JsonObject> all = new ArrayList<>();
    all.add(node);
    JsonArray children = node.getJsonArray("Plans");
    if (children != null) {
      for (int i = 0; i < children.size(); i++) {
        all.addAll(nodes(children.getJsonObject(i)));
      }
    }
    return all;
  }
}
