package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Flags over HTTP: the flag page linked from a post, one flag per member and post, none on one's
 * own post or on what one may not read, a reason from the list (and words for "other"), and the
 * group's threshold of flags from members who took part hiding the post pending review.
 */
class FlagsTest {

  private static TestApp app;
  private static String slug;
  private static long groupId;
  private static long threadId;
  private static Browser author;
  private static long authorId;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
    slug = Fixtures.unique("flags");
    groupId = Fixtures.group(slug, false, true);
    author = new Browser();
    authorId = app.signInNew(author, "Fabienne Author", Fixtures.unique("fabienne") + "@example.org");
    Fixtures.member(groupId, authorId, "member");
    threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Flag thread', ?, 0) RETURNING id",
        groupId, authorId);
  }

  /** A post at the end of the thread; returns its id. */
  private static long post(long thread, long by, String text) {
    int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", thread);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", thread, position, by, text, "<p>" + text + "</p>");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, by, text, "<p>" + text + "</p>");
    return id;
  }

  /** A new member of the group, who has posted in it when {@code tookPart}. */
  private static Browser member(String name, boolean tookPart) {
    Browser b = new Browser();
    long id = app.signInNew(b, name, Fixtures.unique("flagger") + "@example.org");
    Fixtures.member(groupId, id, "member");
    if (tookPart) {
      post(threadId, id, "A contribution by " + name);
    }
    return b;
  }

  /** Flags the post the way a browser does: the flag page, then its form. */
  private static Response flag(Browser b, long postId, String reason, String detail) {
    Response page = b.get(app.url("/flags/post/" + postId));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    Map<String, String> form = new HashMap<>(Map.of("_csrf", page.inputValue("_csrf"), "detail", detail));
    if (reason != null) {
      form.put("reason", reason);
    }
    return b.post(app.url("/flags/post/" + postId), form);
  }

  private static long flags(long postId) {
    return TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'post' AND item_id = ?", postId);
  }

  private static boolean hidden(long postId) {
    return TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NOT NULL", postId) == 1;
  }

  @Test
  @DisplayName("every post links to its flag page and to the notice form with its address filled in")
  void postLinks() {
    long postId = post(threadId, authorId, "A post with links to flag and report it");
    Browser reader = member("Linda Linker", false);
    Document page = reader.get(app.url("/threads/" + threadId)).html();
    assertThat(page.select("#post-" + postId + " a.flag-link").attr("href")).isEqualTo("/flags/post/" + postId);
    assertThat(page.select("#post-" + postId + " a.notice-link").attr("href")).isEqualTo("/notices/new?url=/posts/" + postId);
    Document form = reader.get(app.url("/flags/post/" + postId)).html();
    assertThat(form.select("form.flag-form input[name=reason]")).hasSize(FlagReason.values().length);
    assertThat(form.select("blockquote").text()).isEqualTo("A post with links to flag and report it");
  }

  @Test
  @DisplayName("three members who took part in the group flag a post: it is hidden pending review, with a notice in its place")
  void thresholdHides() {
    long postId = post(threadId, authorId, "Buy cheap watches at example dot com");
    Browser[] flaggers = {member("Flora One", true), member("Flora Two", true), member("Flora Three", true)};
    assertThat(flag(flaggers[0], postId, "spam", "").status()).isEqualTo(303);
    Response second = flag(flaggers[1], postId, "other", "Advertising, again");
    assertThat(second.status()).isEqualTo(303);
    assertThat(second.location()).endsWith("/posts/" + postId);
    assertThat(hidden(postId)).as("hidden after two flags of three").isFalse();

    assertThat(flag(flaggers[2], postId, "inappropriate", "").status()).isEqualTo(303);
    assertThat(hidden(postId)).isTrue();
    assertThat(flags(postId)).isEqualTo(3);

    Document page = new Browser().get(app.url("/threads/" + threadId)).html();
    assertThat(page.select("#post-" + postId + " p.notice").text())
        .isEqualTo("Hidden until a moderator has reviewed it, because several members flagged it.");
    assertThat(page.select("#post-" + postId + " .body")).isEmpty();
    assertThat(page.text()).doesNotContain("Buy cheap watches");
  }

  @Test
  @DisplayName("flags from members who never posted in the group do not hide a post, and the group's threshold applies")
  void onlyParticipantsCount() {
    long postId = post(threadId, authorId, "A post flagged by newcomers");
    for (int i = 0; i < 3; i++) {
      assertThat(flag(member("Newcomer " + i, false), postId, "off_topic", "").status()).isEqualTo(303);
    }
    assertThat(flags(postId)).isEqualTo(3);
    assertThat(hidden(postId)).isFalse();

    String lowSlug = Fixtures.unique("lowthreshold");
    long low = Fixtures.group(lowSlug, false, true);
    TestDatabase.update("UPDATE working_groups SET flag_threshold = 1 WHERE id = ?", low);
    Fixtures.member(low, authorId, "member");
    long lowThread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Low', ?, 0) RETURNING id",
        low, authorId);
    long lowPost = post(lowThread, authorId, "Flag me once");
    Browser one = new Browser();
    long oneId = app.signInNew(one, "Olga Once", Fixtures.unique("olga") + "@example.org");
    Fixtures.member(low, oneId, "member");
    post(lowThread, oneId, "Olga took part");
    assertThat(flag(one, lowPost, "conflict_of_interest", "").status()).isEqualTo(303);
    assertThat(hidden(lowPost)).isTrue();
  }

  @Test
  @DisplayName("a second flag of the same post by the same member is refused with 409 and stores nothing")
  void doubleFlag() {
    long postId = post(threadId, authorId, "A post flagged twice by one member");
    Browser flagger = member("Doris Double", true);
    assertThat(flag(flagger, postId, "spam", "").status()).isEqualTo(303);
    Response again = flag(flagger, postId, "illegal", "");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.html().select("#problems").text()).contains("You have flagged this already");
    assertThat(flags(postId)).isEqualTo(1);
    assertThat(TestDatabase.text("SELECT reason FROM flags WHERE item_id = ? AND item_type = 'post'", postId)).isEqualTo("spam");
  }

  @Test
  @DisplayName("a member cannot flag her own post: 403 for the page and the form, nothing stored")
  void ownPost() {
    long postId = post(threadId, authorId, "My own post");
    assertThat(author.get(app.url("/flags/post/" + postId)).status()).isEqualTo(403);
    Response refused = author.post(app.url("/flags/post/" + postId), Map.of("_csrf", app.csrf(author), "reason", "spam"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.html().select("main").text()).contains("You cannot flag what you wrote yourself");
    assertThat(flags(postId)).isZero();
  }

  @Test
  @DisplayName("a post of a closed group is not found for a member outside it, to flag or to view its flag page; nothing stored")
  void unreadable() {
    long closed = Fixtures.group(Fixtures.unique("closedflags"), true, false);
    Fixtures.member(closed, authorId, "member");
    long closedThread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Secret', ?, 0) RETURNING id",
        closed, authorId);
    long postId = post(closedThread, authorId, "Secret words");
    Browser outsider = member("Otto Outside", true);
    assertThat(outsider.get(app.url("/flags/post/" + postId)).status()).isEqualTo(404);
    Response refused = outsider.post(app.url("/flags/post/" + postId), Map.of("_csrf", app.csrf(outsider), "reason", "spam"));
    assertThat(refused.status()).isEqualTo(404);
    assertThat(refused.body()).doesNotContain("Secret words");
    assertThat(outsider.get(app.url("/flags/thread/" + postId)).status()).as("an unknown kind of item").isEqualTo(404);
    assertThat(flags(postId)).isZero();
  }

  @Test
  @DisplayName("a reason outside the list, none, or 'other' without words is refused with 400 and the form again; nothing stored")
  void badReason() {
    long postId = post(threadId, authorId, "A post flagged badly");
    Browser flagger = member("Bea Bad", true);
    Response made_up = flag(flagger, postId, "boring", "");
    assertThat(made_up.status()).isEqualTo(400);
    assertThat(made_up.html().select("#reason-error").text()).isEqualTo("Choose a reason.");
    assertThat(flag(flagger, postId, null, "").status()).isEqualTo(400);
    Response other = flag(flagger, postId, "other", "   ");
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.html().select("#detail-error").text()).isEqualTo("Say in a few words what is wrong.");
    assertThat(other.html().select("input#reason-other[checked]")).hasSize(1);
    assertThat(flags(postId)).isZero();
  }

  @Test
  @DisplayName("a visitor who is not signed in is sent to sign in for the flag page and refused for the form")
  void anonymous() {
    long postId = post(threadId, authorId, "A post seen by a visitor");
    Browser visitor = new Browser();
    Response page = visitor.get(app.url("/flags/post/" + postId));
    assertThat(page.status()).isEqualTo(302);
    assertThat(page.location()).contains("/auth/login");
    assertThat(visitor.post(app.url("/flags/post/" + postId), Map.of("reason", "spam")).status()).isEqualTo(403);
    assertThat(flags(postId)).isZero();
  }

  @Test
  @DisplayName("document comments are flagged the same way: not one's own, once each, and three flags hide the comment on its section page")
  void comments() {
    long documentId = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE g.visibility = 'public' AND g.archived_at IS NULL ORDER BY d.id LIMIT 1""");
    long docGroup = TestDatabase.count("SELECT group_id FROM documents WHERE id = ?", documentId);
    long key = TestDatabase.count("""
        SELECT s.section_key FROM document_sections s JOIN documents d ON d.id = s.document_id AND s.revision = d.current_revision
         WHERE d.id = ? ORDER BY s.position LIMIT 1""", documentId);
    Browser commenter = new Browser();
    long commenterId = app.signInNew(commenter, "Carla Comment", Fixtures.unique("carla") + "@example.org");
    long commentId = TestDatabase.count("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html)
        SELECT id, ?, current_revision, ?, 'Visit my shop for cheap pills', '<p>Visit my shop for cheap pills</p>'
          FROM documents WHERE id = ? RETURNING id""", key, commenterId, documentId);
    String section = "/documents/" + documentId + "/sections/" + key;
    assertThat(commenter.get(app.url(section)).html().select("#comment-" + commentId + " a.flag-link"))
        .as("no flag link on one's own comment").isEmpty();
    assertThat(new Browser().get(app.url(section)).html().select("#comment-" + commentId + " a.flag-link"))
        .as("nor for visitors").isEmpty();
    assertThat(commenter.get(app.url("/flags/comment/" + commentId)).status()).as("one's own comment").isEqualTo(403);

    long docThread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Comment flaggers', ?, 0) RETURNING id",
        docGroup, commenterId);
    Browser[] flaggers = new Browser[3];
    for (int i = 0; i < flaggers.length; i++) {
      flaggers[i] = new Browser();
      long id = app.signInNew(flaggers[i], "Comment flagger " + i, Fixtures.unique("cflag") + "@example.org");
      post(docThread, id, "Comment flagger " + i + " took part");
    }
    assertThat(flaggers[0].get(app.url(section)).html().select("#comment-" + commentId + " a.flag-link").attr("href"))
        .isEqualTo("/flags/comment/" + commentId);
    Response first = flagComment(flaggers[0], commentId, "spam");
    assertThat(first.status()).isEqualTo(303);
    assertThat(first.location()).endsWith(section + "#comment-" + commentId);
    assertThat(flagComment(flaggers[0], commentId, "spam").status()).as("twice").isEqualTo(409);
    assertThat(flagComment(flaggers[1], commentId, "spam").status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM document_comments WHERE id = ? AND held_for_review_at IS NOT NULL", commentId)).isZero();
    assertThat(flagComment(flaggers[2], commentId, "inappropriate").status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'comment' AND item_id = ?", commentId)).isEqualTo(3);

    Document page = new Browser().get(app.url(section)).html();
    assertThat(page.select("#comment-" + commentId + " p.notice").text())
        .isEqualTo("Hidden until a moderator has reviewed it, because several members flagged it.");
    assertThat(page.text()).doesNotContain("cheap pills");
  }

  private static Response flagComment(Browser b, long commentId, String reason) {
    return b.post(app.url("/flags/comment/" + commentId), Map.of("_csrf", app.csrf(b), "reason", reason));
  }

  @Test
  @DisplayName("the flag link shows to members on others' posts only: not on one's own, and visitors get the notice link alone")
  void flagLinkVisibility() {
    long postId = post(threadId, authorId, "A post whose links depend on the reader");
    Document own = author.get(app.url("/threads/" + threadId)).html();
    assertThat(own.select("#post-" + postId + " a.flag-link")).isEmpty();
    assertThat(own.select("#post-" + postId + " a.notice-link")).hasSize(1);
    Document visitor = new Browser().get(app.url("/threads/" + threadId)).html();
    assertThat(visitor.select("#post-" + postId + " a.flag-link")).isEmpty();
    assertThat(visitor.select("#post-" + postId + " a.notice-link")).hasSize(1);
  }

  /** A comment of the first public document held after flags, by a new member; its id and section address. */
  private record HeldComment(long id, String section, long groupId, long authorId, Browser author) {}

  private static HeldComment heldComment(String text) {
    long documentId = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE g.visibility = 'public' AND g.archived_at IS NULL AND d.status <> 'archived' ORDER BY d.id LIMIT 1""");
    long docGroup = TestDatabase.count("SELECT group_id FROM documents WHERE id = ?", documentId);
    long key = TestDatabase.count("""
        SELECT s.section_key FROM document_sections s JOIN documents d ON d.id = s.document_id AND s.revision = d.current_revision
         WHERE d.id = ? ORDER BY s.position LIMIT 1""", documentId);
    Browser b = new Browser();
    long by = app.signInNew(b, "Hedda Held", Fixtures.unique("hedda") + "@example.org");
    long id = TestDatabase.count("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html, held_for_review_at)
        SELECT id, ?, current_revision, ?, ?, ?, now() FROM documents WHERE id = ? RETURNING id""",
        key, by, text, "<p>" + text + "</p>", documentId);
    TestDatabase.update("INSERT INTO flags (item_type, item_id, group_id, member_id, reason) VALUES ('comment', ?, ?, ?, 'spam')",
        id, docGroup, authorId);
    return new HeldComment(id, "/documents/" + documentId + "/sections/" + key, docGroup, by, b);
  }

  @Test
  @DisplayName("a moderator shows a comment held after flags again with a reason: the audit log keeps it and its flags are resolved")
  void restoreHeldComment() {
    HeldComment c = heldComment("A fair remark that was flagged");
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Magda Moderator", Fixtures.unique("magda") + "@example.org");
    Fixtures.member(c.groupId(), moderatorId, "moderator");
    Document page = moderator.get(app.url(c.section())).html();
    assertThat(page.select("#comment-" + c.id() + " form.restore-held").attr("action"))
        .isEqualTo("/flags/comment/" + c.id() + "/restore");

    Response restored = moderator.post(app.url("/flags/comment/" + c.id() + "/restore"),
        Map.of("_csrf", app.csrf(moderator), "reason", "Not spam: it cites the guideline"));
    assertThat(restored.status()).as(restored.body()).isEqualTo(303);
    assertThat(restored.location()).endsWith(c.section() + "#comment-" + c.id());
    assertThat(TestDatabase.count("SELECT count(*) FROM document_comments WHERE id = ? AND held_for_review_at IS NULL", c.id()))
        .isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'comment' AND item_id = ? AND resolved_at IS NULL",
        c.id())).isZero();
    assertThat(TestDatabase.text("""
        SELECT reason FROM moderation_log WHERE action = 'comment.restore' AND target_type = 'comment' AND target_id = ?
           AND actor_id = ?""", c.id(), moderatorId)).isEqualTo("Not spam: it cites the guideline");
    assertThat(new Browser().get(app.url(c.section())).html().select("#comment-" + c.id() + " .body").text())
        .isEqualTo("A fair remark that was flagged");

    Response again = moderator.post(app.url("/flags/comment/" + c.id() + "/restore"),
        Map.of("_csrf", app.csrf(moderator), "reason", "Twice"));
    assertThat(again.status()).as("not held any more").isEqualTo(409);
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'comment.restore' AND target_id = ?", c.id()))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("restoring a held comment is refused without a reason (400) and to members who do not moderate its group (403); nothing changes")
  void restoreRefusals() {
    HeldComment c = heldComment("Still held after refusals");
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Mads Moderator", Fixtures.unique("mads") + "@example.org");
    Fixtures.member(c.groupId(), moderatorId, "moderator");
    assertThat(moderator.post(app.url("/flags/comment/" + c.id() + "/restore"), Map.of("_csrf", app.csrf(moderator), "reason", "  "))
        .status()).isEqualTo(400);

    Browser other = new Browser();
    long otherId = app.signInNew(other, "Olaf Elsewhere", Fixtures.unique("olaf") + "@example.org");
    Fixtures.member(groupId, otherId, "moderator");
    Response refused = other.post(app.url("/flags/comment/" + c.id() + "/restore"), Map.of("_csrf", app.csrf(other), "reason", "Mine now"));
    assertThat(refused.status()).as("a moderator of another group").isEqualTo(403);
    assertThat(other.get(app.url(c.section())).html().select("form.restore-held")).isEmpty();
    assertThat(c.author().post(app.url("/flags/comment/" + c.id() + "/restore"), Map.of("_csrf", app.csrf(c.author()), "reason", "Please"))
        .status()).as("its author").isEqualTo(403);

    assertThat(TestDatabase.count("SELECT count(*) FROM document_comments WHERE id = ? AND held_for_review_at IS NOT NULL", c.id()))
        .isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'comment' AND item_id = ? AND resolved_at IS NULL",
        c.id())).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'comment.restore' AND target_id = ?", c.id()))
        .isZero();
  }
}
