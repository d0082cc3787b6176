package eu.mhealthhub.agora.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The counters each group keeps (V045: listed threads, shown posts, members, latest activity) stay
 * equal to a count of the rows through a story of every kind of change, made over HTTP through the
 * product's own paths: joins, new threads and replies, a held reply and a held thread approved or
 * refused, deletion and restore, a move, a split into another group, a merge, leaving, removal and
 * adding by handle; and rows written straight to the database (as the demo seed and other tests do).
 */
class GroupCountersTest {

  private static final TestApp app = TestApp.shared();

  /** Every group whose counters differ from the rows, with both; checked in one statement (one snapshot). */
  private static String drift() {
    return TestDatabase.text("""
        SELECT COALESCE(string_agg(format('%s: threads %s/%s posts %s/%s members %s/%s active %s/%s', g.slug,
                      g.thread_total, c.threads, g.post_total, c.posts, g.member_total, c.members, g.last_active_at, c.active),
                      '; '), '')
          FROM working_groups g
         CROSS JOIN LATERAL (SELECT
                (SELECT count(*) FROM threads t WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL) AS threads,
                (SELECT count(*) FROM posts p WHERE p.group_id = g.id AND p.deleted_at IS NULL AND p.held_at IS NULL) AS posts,
                (SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id) AS members,
                (SELECT max(t.last_activity_at) FROM threads t
                  WHERE t.group_id = g.id AND t.merged_into IS NULL AND t.held_at IS NULL) AS active) c
         WHERE g.thread_total <> c.threads OR g.post_total <> c.posts OR g.member_total <> c.members
            OR g.last_active_at IS DISTINCT FROM c.active""");
  }

  private static void exact(String after) {
    assertThat(drift()).as("counters that differ from COUNT(*) after %s", after).isEmpty();
  }

  private static long counter(String column, long groupId) {
    return TestDatabase.count("SELECT " + column + " FROM working_groups WHERE id = ?", groupId);
  }

  private static Response form(Browser b, String path, Map<String, String> fields) {
    Map<String, String> all = new HashMap<>(fields);
    all.put("_csrf", app.csrf(b));
    return b.post(app.url(path), all);
  }

  private static long startThread(Browser b, String slug, String title, String body) {
    Response r = b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", app.csrf(b), "clientToken",
        Fixtures.unique("t"), "action", "post", "title", title, "body", body), List.of());
    assertEquals(303, r.status(), r.body());
    return Long.parseLong(r.location().replaceAll(".*/threads/(\\d+).*", "$1"));
  }

  private static void reply(Browser b, long threadId, String body) {
    Response r = b.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(b), "clientToken",
        Fixtures.unique("r"), "action", "post", "body", body), List.of());
    assertEquals(303, r.status(), r.body());
  }

  private static long lastPostBy(long memberId) {
    return TestDatabase.count("SELECT max(id) FROM posts WHERE author_id = ?", memberId);
  }

  @Test
  @DisplayName("a group's counters of threads, posts, members and latest activity equal COUNT(*) after every path that changes them")
  void countersFollowEveryChange() {
    String slug = Fixtures.unique("counted");
    String otherSlug = Fixtures.unique("counted-other");
    long group = Fixtures.group(slug, false, true);
    long other = Fixtures.group(otherSlug, false, true);
    Fixtures.holdFirstPosts(group, 1);
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Counting Moderator", Fixtures.unique("countmod") + "@example.org");
    Fixtures.member(group, moderatorId, "moderator");
    Fixtures.member(other, moderatorId, "moderator");
    Browser alice = new Browser();
    long aliceId = app.signInNew(alice, "Alice Counted", Fixtures.unique("alice") + "@example.org");
    Browser bob = new Browser();
    long bobId = app.signInNew(bob, "Bob Counted", Fixtures.unique("bob") + "@example.org");
    Fixtures.newMember(group, bobId);
    exact("memberships written straight to the database");
    assertEquals(2, counter("member_total", group));

    assertEquals(303, form(alice, "/groups/" + slug + "/join", Map.of()).status());
    exact("a join");
    assertEquals(3, counter("member_total", group));

    long first = startThread(moderator, slug, "Counting tariffs", "Where do the tariffs stand?");
    reply(moderator, first, "A second thought.");
    long second = lastPostBy(moderatorId);
    exact("a new thread and a reply");
    assertEquals(1, counter("thread_total", group));
    assertEquals(2, counter("post_total", group));

    reply(alice, first, "My first words here.");
    long held = lastPostBy(aliceId);
    exact("a reply held for review");
    assertEquals(2, counter("post_total", group), "a held reply is not counted");
    assertEquals(303, form(moderator, "/review/post/" + held + "/act", Map.of("action", "approve", "reason", "Fine")).status());
    exact("the held reply approved");
    assertEquals(3, counter("post_total", group));

    long heldThread = startThread(bob, slug, "Bob asks", "A question from a newcomer.");
    exact("a thread held for review");
    assertEquals(1, counter("thread_total", group), "a held thread is not listed");
    long heldPost = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ?", heldThread);
    assertEquals(303, form(moderator, "/review/post/" + heldPost + "/act", Map.of("action", "approve", "reason", "Welcome")).status());
    exact("the held thread approved");
    assertEquals(2, counter("thread_total", group));
    assertEquals(4, counter("post_total", group));

    assertEquals(303, form(moderator, "/posts/" + second + "/delete", Map.of("reason", "Off topic")).status());
    exact("a deletion");
    assertEquals(3, counter("post_total", group));
    assertEquals(303, form(moderator, "/posts/" + second + "/restore", Map.of("reason", "On topic after all")).status());
    exact("a restore");
    assertEquals(4, counter("post_total", group));

    assertEquals(303, form(moderator, "/threads/" + first + "/move", Map.of("group", otherSlug, "reason", "Belongs there")).status());
    exact("a move to another group");
    assertEquals(1, counter("thread_total", group));
    assertEquals(1, counter("thread_total", other));
    assertEquals(3, counter("post_total", other));
    assertEquals(1, counter("post_total", group));

    Response split = form(moderator, "/threads/" + first + "/split",
        Map.of("post", String.valueOf(held), "title", "Alice's point", "group", slug, "reason", "A separate question"));
    assertEquals(303, split.status(), split.body());
    long splitThread = Long.parseLong(split.location().replaceAll(".*/threads/(\\d+).*", "$1"));
    exact("a split into another group");
    assertEquals(2, counter("post_total", other));
    assertEquals(2, counter("post_total", group));

    Response merged = form(moderator, "/threads/" + splitThread + "/merge",
        Map.of("into", app.url("/threads/" + heldThread), "reason", "Same question"));
    assertEquals(303, merged.status(), merged.body());
    exact("a merge");
    assertEquals(1, counter("thread_total", group), "the merged thread leaves the list");
    assertEquals(2, counter("post_total", group));

    assertEquals(303, form(alice, "/groups/" + slug + "/leave", Map.of()).status());
    exact("a leave");
    assertEquals(303, form(moderator, "/groups/" + slug + "/members/" + bobId + "/remove", Map.of("reason", "Spam")).status());
    exact("a removal");
    assertEquals(1, counter("member_total", group));
    assertEquals(303, form(moderator, "/groups/" + slug + "/members", Map.of("handle", "@" + Fixtures.handle(aliceId))).status());
    exact("an addition by handle");
    assertEquals(2, counter("member_total", group));

    TestDatabase.update("UPDATE threads SET held_at = now() WHERE id = ?", heldThread);
    exact("a thread hidden straight in the database");
    assertEquals(0, counter("thread_total", group));
    TestDatabase.update("UPDATE threads SET held_at = NULL WHERE id = ?", heldThread);
    exact("the thread shown again");

    Element card = moderator.get(app.url("/")).html().selectFirst("#my-groups a[href=/groups/" + otherSlug + "]")
        .closest("li");
    assertThat(card.select(".meta").text()).as("the home page reads the counters")
        .contains("1 member", "1 thread", "2 posts");
  }
}
