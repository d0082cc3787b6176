package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.notify.Notified;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graduated trust over HTTP (issue 13 point 5): a new member's link-heavy reply is held, out of
 * sight of everyone but its author and the group's moderators through every read path, until a
 * moderator approves it; then it is published with its notification and live event, and the
 * member, now trusted at level 1, posts at once. A rejected post is edited and held again; new
 * members attach no files; the refusals of approve and reject.
 */
class TrustTest {

  private static final Pattern POST_ID = Pattern.compile("#post-(\\d+)");
  private static TestApp app;
  private static String slug;
  private static long groupId;
  private static Browser moderator;
  private static Browser reader;
  private static long readerId;
  private static Browser otherModerator;
  private static long threadId;
  private static long openingPost;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
    slug = Fixtures.unique("trust");
    groupId = Fixtures.group(slug, false, true);
    moderator = new Browser();
    Fixtures.member(groupId, app.signInNew(moderator, "Mona Moderator", Fixtures.unique("mona") + "@example.org"), "moderator");
    reader = new Browser();
    readerId = app.signInNew(reader, "Rita Reader", Fixtures.unique("rita") + "@example.org");
    Fixtures.member(groupId, readerId, "member");
    otherModerator = new Browser();
    long otherId = app.signInNew(otherModerator, "Otto Elsewhere", Fixtures.unique("otto") + "@example.org");
    Fixtures.member(Fixtures.group(Fixtures.unique("trust-other"), false, true), otherId, "moderator");
    threadId = thread(reader, "Where to read about trust", "Please share what you read.");
    openingPost = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
  }

  private static Browser newMember(String name) {
    Browser b = new Browser();
    Fixtures.newMember(groupId, app.signInNew(b, name, Fixtures.unique("newbie") + "@example.org"));
    return b;
  }

  private static long thread(Browser b, String title, String body) {
    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    assertThat(form.status()).as(form.body()).isEqualTo(200);
    Response r = b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"), List.of());
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(r.location());
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static Response replying(Browser b, String body, List<Browser.FilePart> files) {
    Map<String, String> fields = new HashMap<>(Map.of("_csrf", app.csrf(b), "clientToken", Fixtures.unique("c"),
        "action", "post", "body", body, "to", Long.toString(openingPost)));
    return b.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, files);
  }

  private static long reply(Browser b, String body) {
    Response r = replying(b, body, List.of());
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    Matcher m = POST_ID.matcher(r.location());
    assertThat(m.find()).as(r.location()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static String linkHeavy(String word) {
    return "Reading for " + word + ": https://example.org/a, https://example.org/b and https://example.org/c";
  }

  private static String heldReason(long postId) {
    return TestDatabase.text("SELECT coalesce(held_reason, '') FROM posts WHERE id = ?", postId);
  }

  private static Document threadPage(Browser b) {
    Response page = b.get(app.url("/threads/" + threadId));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    return page.html();
  }

  private static Response act(Browser b, long postId, String action, String reason) {
    return b.post(app.url("/posts/" + postId + "/" + action), Map.of("_csrf", app.csrf(b), "reason", reason));
  }

  private static long events(long postId) {
    return TestDatabase.count("SELECT count(*) FROM live_events WHERE entity_id = ? AND type = 'post.created'", postId);
  }

  /** What a reader finds of a word through every read path, each path named. */
  private static Map<String, Boolean> found(Browser b, String word, long postId) {
    Map<String, Boolean> seen = new HashMap<>();
    Document page = threadPage(b);
    seen.put("thread page post", !page.select("#post-" + postId).isEmpty());
    seen.put("thread page text", page.select("main").text().contains(word));
    seen.put("permalink", b.get(app.url("/posts/" + postId)).status() != 404);
    seen.put("fragment", b.get(app.url("/posts/" + postId + "/fragment")).status() != 404);
    seen.put("history", b.get(app.url("/posts/" + postId + "/history")).status() != 404);
    Response api = b.get(app.url("/api/v1/threads/" + threadId), "Accept", "application/json");
    seen.put("API thread", api.status() != 200 || api.body().contains(word));
    seen.put("API post", b.get(app.url("/api/v1/posts/" + postId), "Accept", "application/json").status() != 404);
    Response search = b.get(app.url("/search?q=" + word));
    seen.put("search page", !search.html().select(".search-results .result").isEmpty());
    Response searchApi = b.get(app.url("/api/v1/search?q=" + word), "Accept", "application/json");
    seen.put("search API", new JsonObject(searchApi.body()).getInteger("total") != 0);
    return seen;
  }

  @Test
  @DisplayName("A new member's link-heavy reply is held out of every read path, then published with its notification and live event once a moderator approves it, and the next one is not held")
  void story() {
    Browser newbie = newMember("Nina Newcomer");
    String word = "zq" + Fixtures.unique("held").replaceAll("[^a-z0-9]", "");
    int countBefore = (int) TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", threadId);
    Notified.settled();
    long notifiedBefore = Notified.count(readerId, "reply");
    long held = reply(newbie, linkHeavy(word));

    assertThat(heldReason(held)).isEqualTo("links");
    assertThat(TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", threadId)).isEqualTo(countBefore);
    assertThat(found(reader, word, held)).as("a member who is not a moderator").doesNotContainValue(true);
    assertThat(found(new Browser(), word, held)).as("an anonymous visitor").doesNotContainValue(true);
    assertThat(events(held)).as("no live event while held").isZero();
    Notified.settled();
    assertThat(Notified.count(readerId, "reply")).as("no notification while held").isEqualTo(notifiedBefore);

    Document own = threadPage(newbie);
    assertThat(own.select("#post-" + held + " .held-notice").text()).contains("Awaiting approval");
    Document moderated = threadPage(moderator);
    assertThat(moderated.select("#post-" + held + ".held")).hasSize(1);
    assertThat(moderated.select("form[action=/posts/" + held + "/approve]")).hasSize(1);
    assertThat(threadPage(reader).select("form[action=/posts/" + held + "/approve]")).isEmpty();

    Response approved = act(moderator, held, "approve", "useful links");
    assertThat(approved.status()).as(approved.body()).isEqualTo(303);
    assertThat(heldReason(held)).isEmpty();
    assertThat(TestDatabase.count("SELECT position FROM posts WHERE id = ?", held)).isEqualTo(countBefore + 1);
    assertThat(threadPage(reader).select("#post-" + held + " .body").text()).contains(word);
    assertThat(events(held)).as("the live event at approval").isEqualTo(1);
    Notified.exactly(readerId, "reply", notifiedBefore + 1);
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'post.approve' AND target_id = ?"
        + " AND reason = 'useful links'", held)).isEqualTo(1);

    long second = reply(newbie, linkHeavy(word + "again"));
    assertThat(heldReason(second)).as("level 1 after an approved post").isEmpty();
    assertThat(threadPage(reader).select("#post-" + second)).hasSize(1);
  }

  @Test
  @DisplayName("A group that holds first posts holds a new member's first thread, title included, and a rejected reply edited by its author is held again")
  void rejectAndResubmit() {
    String heldSlug = slug;
    Fixtures.holdFirstPosts(groupId, 1);
    try {
      Browser newbie = newMember("Piet Probation");
      String title = "Title " + Fixtures.unique("hidden");
      long thread = thread(newbie, title, "My first words");
      assertThat(reader.get(app.url("/threads/" + thread)).status()).isEqualTo(404);
      assertThat(reader.get(app.url("/groups/" + heldSlug)).html().select("main").text()).doesNotContain(title);
      assertThat(newbie.get(app.url("/groups/" + heldSlug)).html().select("main").text()).contains(title);
      assertThat(moderator.get(app.url("/threads/" + thread)).status()).isEqualTo(200);

      long held = reply(newbie, "A plain first reply");
      assertThat(heldReason(held)).isEqualTo("first_posts");
      Response rejected = act(moderator, held, "reject", "Please stay on topic");
      assertThat(rejected.status()).as(rejected.body()).isEqualTo(303);
      assertThat(threadPage(newbie).select("#post-" + held + " .held-notice").text()).contains("Please stay on topic");
      assertThat(reader.get(app.url("/posts/" + held)).status()).isEqualTo(404);
      assertThat(act(moderator, held, "approve", "").status()).as("a rejected post is not awaiting approval").isEqualTo(409);

      Response form = newbie.get(app.url("/posts/" + held + "/edit"));
      assertThat(form.status()).as(form.body()).isEqualTo(200);
      Response edited = newbie.post(app.url("/posts/" + held + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
          "revision", form.inputValue("revision"), "body", "A reply about the topic", "action", "save"));
      assertThat(edited.status()).as(edited.body()).isEqualTo(303);
      assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND held_at IS NOT NULL AND deleted_at IS NULL",
          held)).as("held again").isEqualTo(1);
      assertThat(reader.get(app.url("/posts/" + held)).status()).isEqualTo(404);
      assertThat(act(moderator, held, "approve", "").status()).isEqualTo(303);
      assertThat(reader.get(app.url("/posts/" + held)).status()).isEqualTo(302);
    } finally {
      Fixtures.holdFirstPosts(groupId, 0);
    }
  }

  @Test
  @DisplayName("A moderator sets a new member's level to trusted on the members page, with a reason in the audit log: their link-heavy post is no longer held; a member may not, and a bad level is a 400")
  void moderatorSetsLevel() {
    Browser newbie = new Browser();
    long newbieId = app.signInNew(newbie, "Tilda Trusted", Fixtures.unique("tilda") + "@example.org");
    Fixtures.newMember(groupId, newbieId);
    Response members = moderator.get(app.url("/groups/" + slug + "/members"));
    assertThat(members.status()).isEqualTo(200);
    String action = "/groups/" + slug + "/members/" + newbieId + "/trust";
    assertThat(members.html().select("form[action=" + action + "] select[name=level] option")).hasSize(4);
    assertThat(reader.get(app.url("/groups/" + slug + "/members")).html().select("form[action=" + action + "]")).isEmpty();

    assertThat(reader.post(app.url(action), Map.of("_csrf", app.csrf(reader), "level", "2", "reason", "mine")).status())
        .isEqualTo(403);
    assertThat(moderator.post(app.url(action), Map.of("_csrf", app.csrf(moderator), "level", "7", "reason", "x")).status())
        .isEqualTo(400);
    assertThat(moderator.post(app.url(action), Map.of("_csrf", app.csrf(moderator), "level", "2", "reason", "")).status())
        .isEqualTo(400);
    assertThat(TestDatabase.count("SELECT count(*) FROM group_memberships WHERE member_id = ? AND trust_level IS NOT NULL",
        newbieId)).isZero();

    Response set = moderator.post(app.url(action), Map.of("_csrf", app.csrf(moderator), "level", "2", "reason", "Known expert"));
    assertThat(set.status()).as(set.body()).isEqualTo(303);
    assertThat(moderator.get(app.url("/groups/" + slug + "/members")).html()
        .select("tr:has(form[action=" + action + "]) .trust-level").text()).isEqualTo("Trusted");
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'member.trust' AND target_id = ?"
        + " AND reason = 'Known expert' AND before_value = 'auto' AND after_value = '2'", newbieId)).isEqualTo(1);
    long post = reply(newbie, linkHeavy("trusted"));
    assertThat(heldReason(post)).isEmpty();
  }

  @Test
  @DisplayName("A moderator sets how many first posts of new members the group holds, audited; others may not")
  void holdSetting() {
    String page = "/groups/" + slug + "/trust";
    Response form = moderator.get(app.url(page));
    assertThat(form.status()).isEqualTo(200);
    assertThat(form.html().select("input[name=hold]").attr("value")).isNotEmpty();
    assertThat(reader.get(app.url(page)).status()).isEqualTo(403);
    assertThat(moderator.post(app.url(page), Map.of("_csrf", app.csrf(moderator), "hold", "99", "reason", "")).status())
        .isEqualTo(400);
    long before = TestDatabase.count("SELECT hold_first_posts FROM working_groups WHERE id = ?", groupId);
    try {
      assertThat(moderator.post(app.url(page), Map.of("_csrf", app.csrf(moderator), "hold", "3", "reason", "Spam wave"))
          .status()).isEqualTo(303);
      assertThat(TestDatabase.count("SELECT hold_first_posts FROM working_groups WHERE id = ?", groupId)).isEqualTo(3);
      assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'group.trust' AND target_id = ?"
          + " AND after_value = '3' AND reason = 'Spam wave'", groupId)).isEqualTo(1);
    } finally {
      Fixtures.holdFirstPosts(groupId, (int) before);
    }
  }

  @Test
  @DisplayName("A new member may not attach files: 403, and nothing is stored")
  void noFilesForNewMembers() {
    Browser newbie = newMember("Fritz Files");
    long posts = TestDatabase.count("SELECT count(*) FROM posts");
    Response r = replying(newbie, "With a file", List.of(new Browser.FilePart("files", "dot.png", "image/png", png())));
    assertThat(r.status()).as(r.body()).isEqualTo(403);
    assertThat(r.html().select("main").text()).contains("may not attach files");
    assertThat(TestDatabase.count("SELECT count(*) FROM posts")).isEqualTo(posts);
  }

  @Test
  @DisplayName("Approve and reject are refused to the author (403), to members and other groups' moderators who cannot see the post (404), without a reason (400) and on a post that is not held (409), storing nothing")
  void refusals() {
    Browser newbie = newMember("Ralf Refused");
    long held = reply(newbie, linkHeavy("refusals"));
    assertThat(act(newbie, held, "approve", "mine").status()).isEqualTo(403);
    assertThat(act(reader, held, "approve", "").status()).isEqualTo(404);
    assertThat(act(otherModerator, held, "approve", "").status()).isEqualTo(404);
    assertThat(act(otherModerator, held, "reject", "no").status()).isEqualTo(404);
    assertThat(act(moderator, held, "reject", " ").status()).isEqualTo(400);
    assertThat(heldReason(held)).isEqualTo("links");
    assertThat(act(moderator, openingPost, "approve", "").status()).isEqualTo(409);
    assertThat(act(reader, openingPost, "approve", "").status()).isEqualTo(403);
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE target_id IN (?, ?) AND action LIKE 'post.%'",
        held, openingPost)).isZero();
  }

  private static byte[] png() {
    try {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB), "png", out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
