package eu.mhealthhub.agora.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 3 over HTTP: a moderator splits a thread from a post onward, merges one thread
 * into another and edits someone else's post with a note; permalinks, redirects, positions,
 * counts, read positions, watchers and search follow; refused requests change nothing.
 */
class ThreadSurgeryTest {

  private static final TestApp app = TestApp.shared();
  private static final Browser moderator = new Browser();
  private static final Browser member = new Browser();
  private static final Browser otherModerator = new Browser();
  private static long moderatorId;
  private static long memberId;
  private static long otherModeratorId;
  private static long groupId;
  private static String slug;
  private static long otherGroupId;

  @BeforeAll
  static void people() {
    moderatorId = app.signInNew(moderator, "Surgeon Moderator", Fixtures.unique("surgeon") + "@example.org");
    memberId = app.signInNew(member, "Surgery Member", Fixtures.unique("patient") + "@example.org");
    otherModeratorId = app.signInNew(otherModerator, "Elsewhere Moderator", Fixtures.unique("elsewhere") + "@example.org");
    slug = Fixtures.unique("surgery");
    groupId = Fixtures.group(slug, false, true);
    Fixtures.member(groupId, moderatorId, "moderator");
    Fixtures.member(groupId, memberId, "member");
    Fixtures.member(groupId, otherModeratorId, "member");
    otherGroupId = Fixtures.group(Fixtures.unique("elsewhere"), false, true);
    Fixtures.member(otherGroupId, otherModeratorId, "moderator");
  }

  /** A word nobody else writes, for search. */
  private static String word() {
    StringBuilder b = new StringBuilder("zq");
    for (int i = 0; i < 10; i++) {
      b.append((char) ('a' + ThreadLocalRandom.current().nextInt(26)));
    }
    return b.toString();
  }

  private static long thread(long group, String title) {
    return TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id", group, title, memberId);
  }

  /** A post by the member written {@code minutesAgo} minutes ago, at the end of the thread. */
  private static long post(long threadId, String body, int minutesAgo) {
    int position = (int) TestDatabase.count("SELECT count(*) + 1 FROM posts WHERE thread_id = ?", threadId);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, created_at)
        VALUES (?, ?, ?, ?, ?, now() - make_interval(mins => ?)) RETURNING id""",
        threadId, position, memberId, body, "<p>" + body + "</p>", minutesAgo);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, memberId, body, "<p>" + body + "</p>");
    TestDatabase.update("""
        UPDATE threads SET post_count = post_count + 1, last_post_id = ?, last_poster_id = ?,
               last_activity_at = now() - make_interval(mins => ?) WHERE id = ?""", id, memberId, minutesAgo, threadId);
    return id;
  }

  private static void read(long memberId, long threadId, int position) {
    TestDatabase.update("INSERT INTO read_positions (member_id, thread_id, position) VALUES (?, ?, ?)", memberId, threadId, position);
  }

  private static void watch(long memberId, long threadId) {
    TestDatabase.update("INSERT INTO thread_subscriptions (member_id, thread_id, level) VALUES (?, ?, 'watching')", memberId, threadId);
  }

  private static long threadOf(long postId) {
    return TestDatabase.count("SELECT thread_id FROM posts WHERE id = ?", postId);
  }

  private static long positionOf(long postId) {
    return TestDatabase.count("SELECT position FROM posts WHERE id = ?", postId);
  }

  private static long readPosition(long memberId, long threadId) {
    return TestDatabase.count("SELECT coalesce((SELECT position FROM read_positions WHERE member_id = ? AND thread_id = ?), -1)",
        memberId, threadId);
  }

  private static Response form(Browser b, String path, Map<String, String> fields) {
    java.util.HashMap<String, String> all = new java.util.HashMap<>(fields);
    all.put("_csrf", app.csrf(b));
    return b.post(app.url(path), all);
  }

  private static List<String> searchHits(Browser b, String q) {
    return b.get(app.url("/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).html()
        .select("ol.results li.result a").eachAttr("href");
  }

  /** Everything about the two threads that a refused request must leave as it was. */
  private static String state(long... threads) {
    StringBuilder s = new StringBuilder();
    for (long t : threads) {
      s.append(TestDatabase.text("""
          SELECT concat_ws(';', t.post_count, t.merged_into, (SELECT string_agg(p.id || '@' || p.position, ',' ORDER BY p.id)
                 FROM posts p WHERE p.thread_id = t.id), (SELECT count(*) FROM thread_links l WHERE l.thread_id = t.id))
            FROM threads t WHERE t.id = ?""", t)).append('|');
    }
    return s.append(TestDatabase.count("SELECT count(*) FROM threads")).toString();
  }

  @Test
  @DisplayName("a split moves the posts from one onward into a new thread: permalinks, positions, counts, read positions, watchers, search and the linking notes follow")
  void split() {
    String word = word();
    long t = thread(groupId, "Reimbursement timelines");
    long p1 = post(t, "Opening of the debate", 50);
    long p2 = post(t, "On topic", 40);
    long p3 = post(t, "Digression on DiGA fees", 30);
    long p4 = post(t, "More on fees " + word, 20);
    long p5 = post(t, "Fees again", 10);
    read(memberId, t, 4);
    long watcher = otherModeratorId;
    watch(watcher, t);

    Response done = form(moderator, "/threads/" + t + "/split",
        Map.of("post", String.valueOf(p3), "title", "DiGA fees", "group", slug, "reason", "A separate question"));
    assertEquals(303, done.status(), done.body());
    long n = Long.parseLong(done.location().replaceAll(".*/threads/(\\d+).*", "$1"));
    assertThat(n).isNotEqualTo(t);

    assertThat(List.of(threadOf(p1), threadOf(p2))).containsOnly(t);
    assertThat(List.of(threadOf(p3), threadOf(p4), threadOf(p5))).containsOnly(n);
    assertThat(List.of(positionOf(p3), positionOf(p4), positionOf(p5))).containsExactly(1L, 2L, 3L);
    assertEquals(2, TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", t));
    assertEquals(p2, TestDatabase.count("SELECT last_post_id FROM threads WHERE id = ?", t));
    assertEquals(3, TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", n));
    assertEquals(groupId, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", n));
    assertEquals("t", TestDatabase.text("SELECT (SELECT last_activity_at FROM threads WHERE id = ?) < (SELECT last_activity_at FROM threads WHERE id = ?)", t, n));
    assertEquals(2, readPosition(memberId, t), "read up to the last post left");
    assertEquals(2, readPosition(memberId, n), "p3 and p4 were read");
    assertEquals("watching", TestDatabase.text("SELECT level FROM thread_subscriptions WHERE member_id = ? AND thread_id = ?", watcher, n));

    Response permalink = member.get(app.url("/posts/" + p4));
    assertEquals(302, permalink.status());
    assertEquals(app.url("/threads/" + n + "#post-" + p4), permalink.location());

    Document old = member.get(app.url("/threads/" + t)).html();
    assertThat(old.select("ol.posts article.post").eachAttr("id")).containsExactly("post-" + p1, "post-" + p2);
    assertThat(old.select("p.thread-link a").eachAttr("href")).containsExactly("/threads/" + n);
    assertThat(old.select("p.thread-link").text()).contains("A separate question");
    Document fresh = member.get(app.url("/threads/" + n)).html();
    assertThat(fresh.select("h1").text()).isEqualTo("DiGA fees");
    assertThat(fresh.select("p.thread-link a").eachAttr("href")).containsExactly("/threads/" + t);

    assertThat(searchHits(member, word)).containsExactly("/posts/" + p4);
    assertThat(member.get(app.url("/search?q=" + word)).html().select("ol.results li.result a").text()).isEqualTo("DiGA fees");

    assertEquals("A separate question", TestDatabase.text(
        "SELECT reason FROM moderation_log WHERE action = 'thread.split' AND target_id = ? AND actor_id = ?", t, moderatorId));
  }

  @Test
  @DisplayName("a merge moves every post into the target in time order; the merged thread redirects with 301 and leaves lists and search")
  void merge() {
    String titleWord = word();
    String postWord = word();
    long a = thread(groupId, "Duplicate " + titleWord);
    long a1 = post(a, "A first", 50);
    long a2 = post(a, "A second " + postWord, 30);
    long a3 = post(a, "A third", 10);
    long b = thread(groupId, "Original question");
    long b1 = post(b, "B first", 40);
    long b2 = post(b, "B second", 20);
    read(memberId, a, 3);
    read(memberId, b, 1);
    watch(otherModeratorId, a);
    assertThat(searchHits(member, titleWord)).contains("/threads/" + a);

    Response done = form(moderator, "/threads/" + a + "/merge", Map.of("into", app.url("/threads/" + b), "reason", "Same question twice"));
    assertEquals(303, done.status(), done.body());
    assertEquals(app.url("/threads/" + b), done.location());

    assertThat(List.of(a1, b1, a2, b2, a3)).allMatch(p -> threadOf(p) == b);
    assertThat(List.of(positionOf(a1), positionOf(b1), positionOf(a2), positionOf(b2), positionOf(a3)))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    assertEquals(5, TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", b));
    assertEquals(a3, TestDatabase.count("SELECT last_post_id FROM threads WHERE id = ?", b));
    assertEquals(0, TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", a));
    assertEquals(b, TestDatabase.count("SELECT merged_into FROM threads WHERE id = ?", a));
    assertEquals(3, readPosition(memberId, b), "a1, b1 and a2 were read; b2 was not");
    assertEquals("watching", TestDatabase.text("SELECT level FROM thread_subscriptions WHERE member_id = ? AND thread_id = ?",
        otherModeratorId, b));

    Response redirect = member.get(app.url("/threads/" + a));
    assertEquals(301, redirect.status());
    assertEquals(app.url("/threads/" + b), redirect.location());
    assertEquals(app.url("/threads/" + b + "#post-" + a2), member.get(app.url("/posts/" + a2)).location());

    Document target = member.get(app.url("/threads/" + b)).html();
    assertThat(target.select("ol.posts article.post").eachAttr("id"))
        .containsExactly("post-" + a1, "post-" + b1, "post-" + a2, "post-" + b2, "post-" + a3);
    assertThat(target.select("p.thread-link").text()).contains("Same question twice");
    assertThat(member.get(app.url("/groups/" + slug)).html().select("a[href=/threads/" + a + "]")).isEmpty();
    assertThat(searchHits(member, titleWord)).doesNotContain("/threads/" + a);
    assertThat(searchHits(member, postWord)).containsExactly("/posts/" + a2);

    String before = state(a, b);
    Response twice = form(moderator, "/threads/" + a + "/merge", Map.of("into", String.valueOf(b), "reason", "Again"));
    assertEquals(409, twice.status());
    Response intoMerged = form(moderator, "/threads/" + b + "/merge", Map.of("into", String.valueOf(a), "reason", "Back"));
    assertEquals(409, intoMerged.status());
    Response reply = member.postMultipart(app.url("/threads/" + a + "/posts"), Map.of("_csrf", app.csrf(member),
        "body", "Late reply", "clientToken", Fixtures.unique("late"), "action", "post"), List.of());
    assertEquals(409, reply.status());
    assertEquals(before, state(a, b), "refused merges and replies change nothing");
  }

  @Test
  @DisplayName("a split into another group the moderator moderates puts the new thread there and the action in both groups' audit logs")
  void splitIntoAnotherGroup() {
    String secondSlug = Fixtures.unique("second");
    long second = Fixtures.group(secondSlug, true, false);
    Fixtures.member(second, moderatorId, "moderator");
    long t = thread(groupId, "Two topics");
    post(t, "Opening", 20);
    long moved = post(t, "The other topic", 10);

    Document page = moderator.get(app.url("/threads/" + t)).html();
    assertThat(page.select("#split-form select[name=group] option").eachAttr("value")).containsExactly(slug, secondSlug);
    assertThat(page.select("#split-form select[name=post] option").eachAttr("value")).containsExactly(String.valueOf(moved));

    Response done = form(moderator, "/threads/" + t + "/split",
        Map.of("post", String.valueOf(moved), "title", "The other topic", "group", secondSlug, "reason", "Belongs to the closed group"));
    assertEquals(303, done.status(), done.body());
    long n = threadOf(moved);
    assertEquals(second, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", n));
    assertEquals(2, TestDatabase.count("SELECT count(DISTINCT group_id) FROM moderation_log WHERE action = 'thread.split' AND target_id = ?", t));
    assertEquals(404, member.get(app.url("/posts/" + moved)).status(), "the post now lives in a closed group the member is not in");
    Document old = member.get(app.url("/threads/" + t)).html();
    assertThat(old.select("p.thread-link a").text()).as("another group's title is not shown").isEqualTo("#" + n);
  }

  @Test
  @DisplayName("refused surgery changes nothing: a non-moderator, a moderator of another group, a self-merge, the opening post, no reason")
  void refusals() {
    long t = thread(groupId, "Refusals");
    long p1 = post(t, "Opening", 30);
    long p2 = post(t, "Second", 20);
    long other = thread(otherGroupId, "In the other group");
    post(other, "Elsewhere", 10);
    String before = state(t, other);

    assertEquals(403, form(member, "/threads/" + t + "/split", Map.of("post", String.valueOf(p2), "title", "X", "reason", "r")).status());
    assertEquals(403, form(member, "/threads/" + t + "/merge", Map.of("into", String.valueOf(other), "reason", "r")).status());
    assertEquals(403, form(otherModerator, "/threads/" + t + "/split", Map.of("post", String.valueOf(p2), "title", "X", "reason", "r")).status());
    assertEquals(403, form(otherModerator, "/threads/" + other + "/merge", Map.of("into", String.valueOf(t), "reason", "r")).status(),
        "the target's group is not theirs to moderate");
    assertEquals(403, form(moderator, "/threads/" + t + "/merge", Map.of("into", String.valueOf(other), "reason", "r")).status());
    assertEquals(403, form(moderator, "/threads/" + t + "/split",
        Map.of("post", String.valueOf(p2), "title", "X", "group", TestDatabase.text("SELECT slug FROM working_groups WHERE id = ?", otherGroupId),
            "reason", "r")).status(), "into a group they do not moderate");
    Response self = form(moderator, "/threads/" + t + "/merge", Map.of("into", String.valueOf(t), "reason", "r"));
    assertEquals(400, self.status());
    assertThat(self.html().select("main").text()).contains("cannot be merged into itself");
    assertEquals(400, form(moderator, "/threads/" + t + "/split", Map.of("post", String.valueOf(p1), "title", "X", "reason", "r")).status());
    assertEquals(400, form(moderator, "/threads/" + t + "/split", Map.of("post", String.valueOf(p2), "title", "X", "reason", " ")).status());
    assertEquals(400, form(moderator, "/threads/" + t + "/merge", Map.of("into", "not a thread", "reason", "r")).status());
    assertEquals(before, state(t, other));
  }

  @Test
  @DisplayName("a moderator edits someone else's post only with a note: the history shows the note, readers see 'edited by a moderator', the audit log keeps before and after")
  void moderatorEdit() {
    long t = thread(groupId, "Edited by a moderator");
    post(t, "Opening", 20);
    long p = post(t, "Call me at +32 000 00 00", 10);

    Response edit = moderator.get(app.url("/posts/" + p + "/edit"));
    assertEquals(200, edit.status());
    assertThat(edit.html().select("input#note[required]")).hasSize(1);
    Response refused = moderator.post(app.url("/posts/" + p + "/edit"), Map.of("_csrf", edit.inputValue("_csrf"),
        "revision", "1", "body", "Call me (number removed)", "action", "save", "note", " "));
    assertEquals(400, refused.status());
    assertThat(refused.html().select("#note-error").text()).isNotBlank();
    assertEquals(1, TestDatabase.count("SELECT revision FROM posts WHERE id = ?", p));

    Response saved = moderator.post(app.url("/posts/" + p + "/edit"), Map.of("_csrf", edit.inputValue("_csrf"),
        "revision", "1", "body", "Call me (number removed)", "action", "save", "note", "Personal data removed"));
    assertEquals(303, saved.status(), saved.body());

    Document history = member.get(app.url("/posts/" + p + "/history")).html();
    assertThat(history.select("p.moderator-note").eachText()).containsExactly("Note from the moderator: Personal data removed");
    assertThat(history.select("ol.revisions li").first().select(".meta").text()).contains("Surgeon Moderator");
    Document page = member.get(app.url("/threads/" + t)).html();
    assertThat(page.select("#post-" + p + " a.moderator-edited").text()).isEqualTo("edited by a moderator");
    assertEquals("Call me at +32 000 00 00", TestDatabase.text(
        "SELECT before_value FROM moderation_log WHERE action = 'post.edit' AND target_id = ?", p));
    assertEquals("Call me (number removed)", TestDatabase.text(
        "SELECT after_value FROM moderation_log WHERE action = 'post.edit' AND target_id = ?", p));
    assertEquals("Personal data removed", TestDatabase.text(
        "SELECT reason FROM moderation_log WHERE action = 'post.edit' AND target_id = ?", p));

    Response otherGroup = otherModerator.get(app.url("/posts/" + p + "/edit"));
    assertEquals(403, otherGroup.status(), "a moderator of another group edits nothing here");
  }

  @Test
  @DisplayName("locking, pinning and moving take an optional reason that the audit log records")
  void reasonsOnLockPinMove() {
    long t = thread(groupId, "Heated");
    post(t, "Opening", 10);
    assertEquals(303, form(moderator, "/threads/" + t + "/lock", Map.of("on", "true", "reason", "Cooling off")).status());
    assertEquals(303, form(moderator, "/threads/" + t + "/pin", Map.of("on", "true")).status());
    assertEquals("Cooling off|unlocked|locked", TestDatabase.text(
        "SELECT reason || '|' || before_value || '|' || after_value FROM moderation_log WHERE action = 'thread.lock' AND target_id = ?", t));
    assertEquals("|unpinned|pinned", TestDatabase.text(
        "SELECT reason || '|' || before_value || '|' || after_value FROM moderation_log WHERE action = 'thread.pin' AND target_id = ?", t));
    Document page = moderator.get(app.url("/threads/" + t)).html();
    assertThat(page.select("form[action$=/lock] input[name=reason]")).hasSize(1);
    assertThat(page.select("#split-form select[name=post] option")).isEmpty();
    assertThat(page.select("#merge-form input[name=into]")).hasSize(1);
  }
}
