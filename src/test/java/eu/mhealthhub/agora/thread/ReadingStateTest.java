package eu.mhealthhub.agora.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Long threads: pages with real URLs, permalinks, read positions written in batches, first unread. */
class ReadingStateTest {

  private static final TestApp app = TestApp.shared();
  private static String slug;
  private static long threadId;
  private static long authorId;
  private static final int POSTS = 1234;

  @BeforeAll
  static void longThread() {
    slug = Fixtures.unique("long");
    long groupId = Fixtures.group(slug, false, true);
    authorId = Fixtures.demoMember("demo-pieter");
    threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'A very long debate', ?, ?) RETURNING id",
        groupId, authorId, POSTS);
    TestDatabase.update("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        SELECT ?, n, ?, 'Post number ' || n, '<p>Post number ' || n || '</p>' FROM generate_series(1, ?) n""",
        threadId, authorId, POSTS);
  }

  private static long postAt(int position) {
    return TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = ?", threadId, position);
  }

  @Test
  @DisplayName("a thread of 1,234 posts pages by real URLs and every permalink lands on its page")
  void paging() {
    Browser b = new Browser();
    Response last = b.get(app.url("/threads/" + threadId + "?page=62"));
    assertEquals(200, last.status());
    assertThat(last.html().select("article.post .body").eachText()).contains("Post number 1234", "Post number 1221");
    assertEquals(404, b.get(app.url("/threads/" + threadId + "?page=63")).status());
    for (int position : new int[] {1, 20, 21, 735, 1234}) {
      long id = postAt(position);
      Response r = b.get(app.url("/posts/" + id));
      int page = (position - 1) / 20 + 1;
      assertEquals(app.url("/threads/" + threadId + (page > 1 ? "?page=" + page : "") + "#post-" + id), r.location());
      assertThat(b.follow(r).html().select("article#post-" + id)).as("the post is on that page").hasSize(1);
    }
    assertThat(last.html().select("[aria-current=page]")).as("the pager marks the current page").isNotEmpty();
  }

  @Test
  @DisplayName("reading records the position in a later batch, and the thread then offers the first unread post")
  void readPositions() throws InterruptedException {
    Browser b = new Browser();
    long me = app.signInNew(b, "Rhea Reader", Fixtures.unique("rhea") + "@example.org");
    assertThat(b.get(app.url("/groups/" + slug)).html().select(".badge.new").eachText()).as("never opened: new")
        .contains("New");

    assertEquals(200, b.get(app.url("/threads/" + threadId + "?page=3")).status());
    Document group = b.get(app.url("/groups/" + slug)).html();
    assertThat(group.select(".badge.new").eachText()).as("the node shows what it has not written yet")
        .contains("1,174 unread");

    long deadline = System.currentTimeMillis() + 10_000;
    while (TestDatabase.count("SELECT count(*) FROM read_positions WHERE member_id = ? AND thread_id = ?", me, threadId) == 0
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    assertEquals(60, TestDatabase.count("SELECT position FROM read_positions WHERE member_id = ? AND thread_id = ?", me, threadId));

    b.get(app.url("/threads/" + threadId));
    Thread.sleep(2500);
    assertEquals(60, TestDatabase.count("SELECT position FROM read_positions WHERE member_id = ? AND thread_id = ?", me, threadId),
        "reading an earlier page never moves the position back");

    Response unread = b.get(app.url("/threads/" + threadId + "/unread"));
    assertEquals(302, unread.status());
    assertEquals(app.url("/threads/" + threadId + "?page=4#position-61"), unread.location());
    Response page = b.follow(unread);
    assertThat(page.html().select("#position-61")).hasSize(1);

    String csrf = app.csrf(b);
    assertEquals(303, b.post(app.url("/threads/" + threadId + "/subscription"), Map.of("_csrf", csrf, "level", "muted")).status());
    assertEquals("muted", TestDatabase.text("SELECT level FROM thread_subscriptions WHERE member_id = ? AND thread_id = ?", me, threadId));
    assertEquals(303, b.post(app.url("/groups/" + slug + "/subscription"), Map.of("_csrf", csrf, "level", "watching")).status());
    assertEquals("watching", TestDatabase.text("SELECT level FROM group_subscriptions WHERE member_id = ? AND group_id = "
        + "(SELECT id FROM working_groups WHERE slug = ?)", me, slug));
    assertEquals(303, b.post(app.url("/threads/" + threadId + "/subscription"), Map.of("_csrf", csrf, "level", "normal")).status());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM thread_subscriptions WHERE member_id = ? AND thread_id = ?", me, threadId));
  }
}
