package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Flags on a Talk room's questions and chat messages over HTTP: the links (members on others'
 * items; the notice link for everyone), one flag per member, never one's own, and the threshold of
 * the Talk's group (3 without one) holding the item for review with a notice in its place, announced
 * on the room's live address.
 */
class TalkFlagsTest {

  private static TestApp app;
  private static long groupId;
  private static long threadId;
  private static Browser author;
  private static long authorId;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
    groupId = Fixtures.group(Fixtures.unique("talkflags"), false, true);
    TestDatabase.update("UPDATE working_groups SET flag_threshold = 2 WHERE id = ?", groupId);
    author = new Browser();
    authorId = app.signInNew(author, "Tilda Talker", Fixtures.unique("tilda") + "@example.org");
    Fixtures.member(groupId, authorId, "member");
    threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Talk flaggers', ?, 0) RETURNING id",
        groupId, authorId);
  }

  /** An open room of a new Talk in the given groups; returns its slug. */
  private static String room(long... groups) {
    String slug = Fixtures.unique("flagtalk");
    long talk = Fixtures.talk(slug, groups);
    TestDatabase.update("UPDATE talks SET room_state = 'open', starts_at = now() + interval '3 years', ends_at = now() + interval '3 years 1 hour' WHERE id = ?", talk);
    return slug;
  }

  private static long talkId(String slug) {
    return TestDatabase.count("SELECT id FROM talks WHERE slug = ?", slug);
  }

  private static long message(String slug, long by, String text) {
    return TestDatabase.count("""
        INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html)
        SELECT id, ?, ?, ? FROM talks WHERE slug = ? RETURNING id""", by, text, "<p>" + text + "</p>", slug);
  }

  private static long question(String slug, long by, String text) {
    return TestDatabase.count("""
        INSERT INTO talk_questions (talk_id, author_id, body, status)
        SELECT id, ?, ?, 'visible' FROM talks WHERE slug = ? RETURNING id""", by, text, slug);
  }

  /** A new member who has posted in the group when {@code tookPart}. */
  private static Browser member(String name, boolean tookPart) {
    Browser b = new Browser();
    long id = app.signInNew(b, name, Fixtures.unique("tflagger") + "@example.org");
    Fixtures.member(groupId, id, "member");
    if (tookPart) {
      int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", threadId);
      TestDatabase.count("""
          INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
          VALUES (?, ?, ?, 'I took part', '<p>I took part</p>') RETURNING id""", threadId, position, id);
    }
    return b;
  }

  /** Flags the way a browser does: the flag page, then its form. */
  private static Response flag(Browser b, String kind, long id, String reason) {
    Response page = b.get(app.url("/flags/" + kind + "/" + id));
    assertThat(page.status()).as(page.body()).isEqualTo(200);
    return b.post(app.url("/flags/" + kind + "/" + id), Map.of("_csrf", page.inputValue("_csrf"), "reason", reason, "detail", ""));
  }

  private static long flags(String kind, long id) {
    return TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = ? AND item_id = ?", kind, id);
  }

  @Test
  @DisplayName("in the room a member sees flag and notice links on others' messages and questions, none to flag her own; a visitor only the notice links")
  void links() {
    String slug = room(groupId);
    long m = message(slug, authorId, "A message with links");
    long q = question(slug, authorId, "A question with links?");
    Document reader = member("Rita Reader", false).get(app.url("/talks/" + slug)).html();
    assertThat(reader.select("#message-" + m + " a.flag-link").attr("href")).isEqualTo("/flags/message/" + m);
    assertThat(reader.select("#question-" + q + " a.flag-link").attr("href")).isEqualTo("/flags/question/" + q);
    assertThat(reader.select("#message-" + m + " a.notice-link").attr("href"))
        .isEqualTo("/notices/new?url=/talks/" + slug + "%23message-" + m);

    Document own = author.get(app.url("/talks/" + slug)).html();
    assertThat(own.select("#message-" + m + " a.flag-link")).isEmpty();
    assertThat(own.select("#question-" + q + " a.flag-link")).isEmpty();
    assertThat(own.select("#question-" + q + " a.notice-link")).hasSize(1);

    Document visitor = new Browser().get(app.url("/talks/" + slug)).html();
    assertThat(visitor.select("a.flag-link")).isEmpty();
    assertThat(visitor.select("#message-" + m + " a.notice-link")).hasSize(1);
    assertThat(visitor.select("#question-" + q + " a.notice-link")).hasSize(1);

    Document fragment = new Browser().get(app.url("/talks/" + slug + "/room/messages?after=0")).html();
    assertThat(fragment.select("#message-" + m + " a.notice-link")).hasSize(1);
    assertThat(fragment.select("a.flag-link")).isEmpty();
  }

  @Test
  @DisplayName("two flags (the Talk's group's threshold) hide a chat message pending review: a notice in its place, announced live")
  void messageHeld() {
    String slug = room(groupId);
    long m = message(slug, authorId, "Buy followers at spam dot example");
    Response first = flag(member("Mia One", true), "message", m, "spam");
    assertThat(first.status()).isEqualTo(303);
    assertThat(first.location()).endsWith("/talks/" + slug + "#message-" + m);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND hidden_at IS NULL", m)).isEqualTo(1);
    assertThat(flag(member("Mia Two", true), "message", m, "spam").status()).isEqualTo(303);

    assertThat(TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND hidden_at IS NOT NULL AND held_for_review_at IS NOT NULL", m))
        .isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM live_events WHERE address = ? AND type = 'message.held' AND entity_id = ?",
        "talk." + talkId(slug), m)).isEqualTo(1);
    Document page = new Browser().get(app.url("/talks/" + slug)).html();
    assertThat(page.select("#message-" + m + " p.notice").text())
        .isEqualTo("Hidden until a moderator has reviewed it, because several members flagged it.");
    assertThat(page.select("#message-" + m + " .body")).isEmpty();
    assertThat(page.text()).doesNotContain("Buy followers");
    assertThat(new Browser().get(app.url("/talks/" + slug + "/room/messages?after=0")).body()).doesNotContain("Buy followers");

    Response late = member("Mia Three", true).post(app.url("/flags/message/" + m), Map.of("_csrf", app.csrf(author), "reason", "spam"));
    assertThat(late.status()).as("a held message takes no more flags").isIn(403, 409);
    assertThat(flags("message", m)).isEqualTo(2);
  }

  @Test
  @DisplayName("a flagged question is held in the room's hidden state: visitors read a notice, its moderators its text and can show it again")
  void questionHeld() {
    String slug = room(groupId);
    long q = question(slug, authorId, "Is this an advert for pills?");
    TestDatabase.update("UPDATE talks SET pinned_question_id = ? WHERE slug = ?", q, slug);
    assertThat(flag(member("Quinn One", true), "question", q, "off_topic").status()).isEqualTo(303);
    assertThat(flag(member("Quinn Two", true), "question", q, "inappropriate").status()).isEqualTo(303);

    assertThat(TestDatabase.text("SELECT status FROM talk_questions WHERE id = ?", q)).isEqualTo("hidden");
    assertThat(TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ? AND pinned_question_id IS NULL", slug)).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM live_events WHERE address = ? AND type = 'question.changed' AND entity_id = ?",
        "talk." + talkId(slug), q)).isEqualTo(1);
    Document visitor = new Browser().get(app.url("/talks/" + slug)).html();
    assertThat(visitor.select("#question-" + q + " p.notice").text())
        .isEqualTo("Hidden until a moderator has reviewed it, because several members flagged it.");
    assertThat(visitor.text()).doesNotContain("advert for pills");
    assertThat(new Browser().get(app.url("/talks/" + slug + "/presenter")).body()).doesNotContain("advert for pills");

    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Mona Moderator", Fixtures.unique("mona") + "@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    Document seen = moderator.get(app.url("/talks/" + slug)).html();
    assertThat(seen.select("#question-" + q + " .question-body").text()).isEqualTo("Is this an advert for pills?");
    Response shown = moderator.post(app.url("/talks/" + slug + "/questions/" + q + "/moderate"),
        Map.of("_csrf", app.csrf(moderator), "action", "approve"));
    assertThat(shown.status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_questions WHERE id = ? AND status = 'visible' AND held_for_review_at IS NULL", q))
        .isEqualTo(1);
  }

  @Test
  @DisplayName("in a Talk of no group three members with a post anywhere hold a message; flags of members who never posted do not count")
  void noGroup() {
    String slug = room();
    long m = message(slug, authorId, "A message in a Talk of no group");
    for (int i = 0; i < 3; i++) {
      assertThat(flag(member("Newcomer " + i, false), "message", m, "off_topic").status()).isEqualTo(303);
    }
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND hidden_at IS NULL", m)).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'message' AND item_id = ? AND group_id IS NULL", m))
        .isEqualTo(3);
    flag(member("Poster 1", true), "message", m, "spam");
    flag(member("Poster 2", true), "message", m, "spam");
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND hidden_at IS NULL", m)).isEqualTo(1);
    flag(member("Poster 3", true), "message", m, "spam");
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND held_for_review_at IS NOT NULL", m)).isEqualTo(1);
  }

  @Test
  @DisplayName("refused flags on Talk items store nothing: one's own (403), twice (409), hidden by a moderator or pending (404), an anonymous author stays hidden")
  void refusals() {
    String slug = room(groupId);
    long own = question(slug, authorId, "My own question");
    assertThat(author.get(app.url("/flags/question/" + own)).status()).isEqualTo(403);
    assertThat(author.post(app.url("/flags/message/" + message(slug, authorId, "mine")), Map.of("_csrf", app.csrf(author), "reason", "spam"))
        .status()).isEqualTo(403);

    Browser flagger = member("Otis Twice", false);
    long m = message(slug, authorId, "Flag me twice");
    assertThat(flag(flagger, "message", m, "spam").status()).isEqualTo(303);
    Response twice = flagger.post(app.url("/flags/message/" + m), Map.of("_csrf", app.csrf(flagger), "reason", "spam"));
    assertThat(twice.status()).isEqualTo(409);
    assertThat(flags("message", m)).isEqualTo(1);

    long hidden = message(slug, authorId, "Hidden by a moderator");
    TestDatabase.update("UPDATE talk_messages SET hidden_at = now() WHERE id = ?", hidden);
    long pending = TestDatabase.count("""
        INSERT INTO talk_questions (talk_id, author_id, body, status) SELECT id, ?, 'Pending?', 'pending' FROM talks WHERE slug = ?
        RETURNING id""", authorId, slug);
    assertThat(flagger.get(app.url("/flags/message/" + hidden)).status()).isEqualTo(404);
    assertThat(flagger.post(app.url("/flags/question/" + pending), Map.of("_csrf", app.csrf(flagger), "reason", "spam")).status())
        .isEqualTo(404);
    assertThat(flagger.get(app.url("/flags/message/999999999")).status()).isEqualTo(404);
    assertThat(flags("message", hidden) + flags("question", pending)).isZero();

    long anonymous = TestDatabase.count("""
        INSERT INTO talk_questions (talk_id, author_id, body, status, anonymous) SELECT id, ?, 'Asked anonymously?', 'visible', true
          FROM talks WHERE slug = ? RETURNING id""", authorId, slug);
    Response page = flagger.get(app.url("/flags/question/" + anonymous));
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("Tilda Talker");
  }
}
