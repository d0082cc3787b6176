package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Talks' live rooms as their members and moderators use them, over HTTP with cookies and CSRF tokens. */
class TalkRoomTest {

  private final TestApp app = TestApp.shared();

  /** A fresh group with a fresh moderator, and a Talk about it. */
  private final class Setup {
    final String slug = Fixtures.unique("talk");
    final long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    final long talkId = Fixtures.talk(slug, groupId);
    final Browser moderator = new Browser();
    final long moderatorId;

    Setup() {
      moderatorId = app.signInNew(moderator, "Moderator " + slug, slug + "-mod@example.org");
      Fixtures.member(groupId, moderatorId, "moderator");
    }

    String path(String rest) {
      return app.url("/talks/" + slug + rest);
    }

    Response open() {
      return post(moderator, "/room", Map.of("setting", "open"));
    }

    Response post(Browser b, String rest, Map<String, String> fields, String... headers) {
      Map<String, String> form = new HashMap<>(fields);
      form.put("_csrf", app.csrf(b));
      return b.post(path(rest), form, headers);
    }

    long member(Browser b, String name) {
      return app.signInNew(b, name + " " + slug, name.toLowerCase() + "-" + slug + "@example.org");
    }

    long ask(Browser b, String text) {
      Response r = post(b, "/questions", Map.of("body", text, "clientToken", Fixtures.unique("q")));
      assertEquals(303, r.status(), r.body());
      return id(r.location(), "#question-(\\d+)");
    }

    Response vote(Browser b, long question, boolean up) {
      return post(b, "/questions/" + question + "/vote", Map.of("up", String.valueOf(up)));
    }

    Response moderate(long question, Map<String, String> fields) {
      return post(moderator, "/questions/" + question + "/moderate", fields);
    }

    long votes(long question) {
      return TestDatabase.count("SELECT votes FROM talk_questions WHERE id = ?", question);
    }

    long voteRows(long question) {
      return TestDatabase.count("SELECT count(*) FROM talk_question_votes WHERE question_id = ?", question);
    }

    /** A question straight in the database, by the moderator, past the room's rate limit. */
    long insert(String body, String status, int votes) {
      return TestDatabase.count("""
          INSERT INTO talk_questions (talk_id, author_id, body, status, votes) VALUES (?, ?, ?, ?, ?) RETURNING id""",
          talkId, moderatorId, body, status, votes);
    }

    Response mergeStep(Browser b, long question, String query) {
      return b.get(path("/questions/" + question + "/merge"
          + (query == null ? "" : "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8))));
    }
  }

  /** The question ids a merge step offers, in its order. */
  private static List<Long> offered(Response r) {
    assertEquals(200, r.status(), r.body());
    return Jsoup.parse(r.body()).select("#merge-form input[type=radio][name=into]").stream()
        .map(e -> Long.parseLong(e.attr("value"))).toList();
  }

  private static long id(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  /** The ids of the questions in the room's list, in the order the page shows them. */
  private static List<Long> listed(Response page) {
    return page.html().select("#questions > li.question").stream()
        .map(e -> Long.parseLong(e.id().substring("question-".length()))).toList();
  }

  @Test
  @DisplayName("a moderator opens the room, members ask and vote, the order follows the votes, one is answered, and closing opens a follow-up thread with the unanswered question, its author and votes")
  void story() {
    Setup s = new Setup();
    assertThat(s.moderator.get(s.path("")).html().select("button#open-room")).as("the moderator can open the room").hasSize(1);
    assertEquals(303, s.open().status());

    Browser sofia = new Browser();
    s.member(sofia, "Sofia");
    Browser jonas = new Browser();
    long jonasId = s.member(jonas, "Jonas");
    long first = s.ask(sofia, "How did you get the first payer on board?");
    long second = s.ask(jonas, "Which evidence did the HTA body ask for?");

    Response byVotes = sofia.get(s.path(""));
    assertThat(listed(byVotes)).as("with no votes, oldest first").containsSubsequence(first, second);
    assertEquals(303, s.vote(sofia, second, true).status());
    assertEquals(303, s.vote(jonas, second, true).status());
    assertEquals(2, s.votes(second));
    byVotes = sofia.get(s.path(""));
    assertThat(listed(byVotes)).as("most votes first").containsSubsequence(second, first);
    assertThat(listed(sofia.get(s.path("?sort=newest")))).as("newest first").containsSubsequence(second, first);
    assertThat(byVotes.html().select("#question-" + second + "-votes").text()).isEqualTo("2 votes");

    // the toggle: a member takes her vote back
    assertEquals(303, s.vote(jonas, second, false).status());
    assertEquals(1, s.votes(second));
    assertEquals(303, s.vote(jonas, second, true).status());

    // chat
    Response said = s.post(jonas, "/messages", Map.of("body", "Great talk, **thanks**! <script>alert(1)</script>",
        "clientToken", Fixtures.unique("m")));
    assertEquals(303, said.status(), said.body());
    String chat = sofia.get(s.path("/room/messages?after=0")).body();
    assertThat(Jsoup.parseBodyFragment(chat).select("li .body strong")).as("Markdown rendered")
        .extracting(Element::text).contains("thanks");
    assertThat(chat).as("sanitised").doesNotContain("<script>");

    // pin, then answer
    assertEquals(303, s.moderate(second, Map.of("action", "pin")).status());
    assertEquals(second, TestDatabase.count("SELECT pinned_question_id FROM talks WHERE id = ?", s.talkId));
    Document presenter = sofia.get(s.path("/presenter")).html();
    assertThat(presenter.select("#presented-pinned").text()).as("the presenter view shows the pinned question")
        .isEqualTo("Which evidence did the HTA body ask for?");
    assertEquals(303, s.moderate(second, Map.of("action", "answer", "answer", "A randomised trial in two countries.")).status());
    assertThat(sofia.get(s.path("")).html().select("#question-" + second + " .answer").text())
        .contains("A randomised trial in two countries.");

    // close into a follow-up thread
    Response close = s.post(s.moderator, "/close", Map.of("summary", "Payers want evidence early.", "group",
        String.valueOf(s.groupId)));
    assertEquals(303, close.status(), close.body());
    long threadId = TestDatabase.count("SELECT thread_id FROM talk_followups WHERE talk_id = ?", s.talkId);
    assertEquals(s.groupId, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", threadId));
    Response thread = sofia.get(app.url("/threads/" + threadId));
    Elements posts = thread.html().select("article.post");
    assertThat(posts.first().select(".body").text()).as("the summary opens the thread").contains("Payers want evidence early.");
    assertThat(thread.html().select("main a[href=/talks/" + s.slug + "]")).as("the thread links the Talk").isNotEmpty();
    assertThat(posts.select(".body").text()).as("the unanswered question is carried over")
        .contains("How did you get the first payer on board?");
    assertThat(thread.body()).as("the answered one is not").doesNotContain("Which evidence did the HTA body ask for?");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts p JOIN members m ON m.id = p.author_id "
        + "WHERE p.thread_id = ? AND m.display_name = ? AND p.body_markdown LIKE '%no votes in the live room%'",
        threadId, "Sofia " + s.slug), "it keeps its author and votes");
    Document talkPage = sofia.get(s.path("")).html();
    assertThat(talkPage.select("main a[href=/threads/" + threadId + "]")).as("the Talk page links the follow-up thread").isNotEmpty();

    // a late question goes to the follow-up thread, for members of its group; anyone else gets
    // what a closed room answers, and the page tells them to join
    Response refused = s.post(jonas, "/questions", Map.of("body", "Is there a recording?", "clientToken", Fixtures.unique("q")));
    assertEquals(409, refused.status());
    assertThat(refused.mainText()).contains("The live room of this Talk is closed.");
    assertThat(jonas.get(s.path("")).mainText()).contains("join one of the working groups of its follow-up threads");
    Fixtures.member(s.groupId, jonasId, "member");
    Response late = s.post(jonas, "/questions", Map.of("body", "Is there a recording?", "clientToken", Fixtures.unique("q")));
    assertEquals(303, late.status(), late.body());
    assertThat(late.location()).contains("/posts/");
    assertThat(jonas.followAll(late).html().select("article.post .body").text()).contains("Is there a recording?");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talk_questions WHERE body = 'Is there a recording?'"));
  }

  @Test
  @DisplayName("voting twice counts once: the form is idempotent and the primary key refuses a second row")
  void voteTwice() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    long memberA = s.member(a, "Anna");
    long q = s.ask(a, "Twice?");
    assertEquals(303, s.vote(a, q, true).status());
    assertEquals(303, s.vote(a, q, true).status());
    assertEquals(1, s.votes(q));
    assertEquals(1, s.voteRows(q));
    RuntimeException refused = assertThrows(RuntimeException.class, () -> TestDatabase.update(
        "INSERT INTO talk_question_votes (question_id, member_id) VALUES (?, ?)", q, memberA));
    assertThat(String.valueOf(refused.getCause())).contains("duplicate key");
    Response bad = s.post(a, "/questions/" + q + "/vote", Map.of("up", "twice"));
    assertEquals(400, bad.status());
    assertEquals(1, s.votes(q));
  }

  @Test
  @DisplayName("votes on a hidden or a merged question are refused with 409 and a clear message, and change nothing")
  void voteOnHiddenOrMerged() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Ben");
    long hidden = s.ask(a, "Off-topic advert");
    long merged = s.ask(a, "Duplicate question");
    long target = s.ask(a, "Original question");
    assertEquals(303, s.moderate(hidden, Map.of("action", "hide")).status());
    assertEquals(303, s.moderate(merged, Map.of("action", "merge", "into", String.valueOf(target))).status());
    Response r = s.vote(a, hidden, true);
    assertEquals(409, r.status());
    assertThat(r.mainText()).contains("not open for votes");
    r = s.vote(a, merged, true);
    assertEquals(409, r.status());
    assertThat(r.mainText()).contains("merged into another");
    assertEquals(0, s.voteRows(hidden) + s.voteRows(merged));
    String page = a.get(s.path("")).body();
    assertThat(page).as("members do not see hidden questions").doesNotContain("Off-topic advert");
    assertThat(page).as("nor merged ones").doesNotContain("Duplicate question");
    assertThat(s.moderator.get(s.path("")).html().select("#question-" + hidden + " .question-body").text())
        .as("moderators still see hidden ones").isEqualTo("Off-topic advert");
  }

  @Test
  @DisplayName("merging a duplicate carries its votes over, counting a member who voted for both once")
  void mergeCarriesVotes() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    Browser b = new Browser();
    Browser c = new Browser();
    s.member(a, "Ada");
    s.member(b, "Bo");
    s.member(c, "Cy");
    long original = s.ask(a, "Will the scheme cover apps for children?");
    long duplicate = s.ask(b, "Are apps for children covered?");
    s.vote(a, original, true);
    s.vote(c, original, true);
    s.vote(b, duplicate, true);
    s.vote(c, duplicate, true);
    assertEquals(303, s.moderate(duplicate, Map.of("action", "merge", "into", String.valueOf(original))).status());
    assertEquals(3, s.votes(original), "Ada, Cy (once) and Bo");
    assertEquals(3, s.voteRows(original));
    assertEquals(0, s.votes(duplicate));
    assertEquals("merged", TestDatabase.text("SELECT status FROM talk_questions WHERE id = ?", duplicate));
    Response self = s.moderate(original, Map.of("action", "merge", "into", String.valueOf(original)));
    assertEquals(400, self.status());
  }

  @Test
  @DisplayName("a moderator merges a duplicate in a second step that offers the other visible and pending questions, best voted first, found by words or number, and merges as the room's action does, logged")
  void mergeStep() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    Browser b = new Browser();
    s.member(a, "Ada");
    s.member(b, "Bo");
    long original = s.ask(a, "Will the scheme cover apps for CHILDREN?");
    long duplicate = s.ask(b, "Are apps for children covered?");
    s.vote(a, original, true);
    s.vote(b, duplicate, true);
    long pending = s.insert("Is there a list of covered apps?", "pending", 0);
    long hidden = s.insert("Buy my app", "hidden", 0);
    long other = s.insert("Who pays for the devices?", "visible", 0);
    long older = s.insert("An older duplicate", "visible", 0);
    TestDatabase.update("UPDATE talk_questions SET status = 'merged', merged_into = ? WHERE id = ?", original, older);

    Document room = Jsoup.parse(s.moderator.get(s.path("")).body());
    assertEquals(0, room.select("#questions select").size(), "no menu of every other question on the room page");
    assertEquals(s.path("/questions/" + duplicate + "/merge").replace(app.url(""), ""),
        room.select("#question-" + duplicate + " a[href$=/merge]").attr("href"), "each question links to its merge step");

    Response step = s.mergeStep(s.moderator, duplicate, null);
    assertEquals(List.of(original, pending, other), offered(step), "never itself, hidden or merged ones; most votes first");
    Document page = Jsoup.parse(step.body());
    assertEquals("Are apps for children covered?", page.select("#merge-source").text());
    assertEquals("3 questions match, most votes first.", page.select("#merge-count").text());
    assertEquals(List.of(original, duplicate), offered(s.mergeStep(s.moderator, other, "children")), "words, ignoring case");
    assertEquals(List.of(other), offered(s.mergeStep(s.moderator, duplicate, "#" + other)), "a number");
    assertEquals(List.of(other), offered(s.mergeStep(s.moderator, duplicate, String.valueOf(other))));
    Response none = s.mergeStep(s.moderator, duplicate, "no such words");
    assertEquals(200, none.status());
    Document nothing = Jsoup.parse(none.body());
    assertEquals(0, nothing.select("#merge-form").size());
    assertThat(nothing.select("#merge-none").text()).contains("no such words");
    assertEquals("no such words", nothing.select("#merge-q").val(), "the search is kept");

    // the step's form is the room's merge action: its hidden fields, and the chosen question
    Map<String, String> form = new HashMap<>(Browser.hiddenFields(step.body(), "/questions/" + duplicate + "/moderate"));
    assertEquals("merge", form.get("action"));
    form.put("into", String.valueOf(original));
    Response merged = s.moderator.post(s.path("/questions/" + duplicate + "/moderate"), form);
    assertEquals(303, merged.status());
    assertThat(merged.location()).endsWith("/talks/" + s.slug + "#question-" + original);
    assertEquals("merged", TestDatabase.text("SELECT status FROM talk_questions WHERE id = ?", duplicate));
    assertEquals(2, s.votes(original), "Bo's vote came along");
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM moderation_log WHERE action = 'talk.question.merge' AND target_id = ? AND detail = ?""",
        duplicate, String.valueOf(original)));
    assertEquals(409, s.mergeStep(s.moderator, duplicate, null).status(), "a merged question has no merge step");
    assertEquals(0, s.voteRows(hidden));
  }

  @Test
  @DisplayName("the merge step shows at most 20 questions however many the room has, and says how many more match")
  void mergeStepIsBounded() {
    Setup s = new Setup();
    s.open();
    long duplicate = s.insert("The duplicate", "visible", 0);
    for (int i = 1; i <= 25; i++) {
      s.insert("Question number " + i, "visible", i);
    }
    List<Long> ids = offered(s.mergeStep(s.moderator, duplicate, "question"));
    assertEquals(TalkService.MERGE_CHOICES, ids.size());
    assertEquals(s.talkId, TestDatabase.count("SELECT talk_id FROM talk_questions WHERE id = ? AND votes = 25", ids.get(0)),
        "the best voted first");
    assertEquals("The 20 with most votes of the 25 that match. Narrow the search to see others.",
        Jsoup.parse(s.mergeStep(s.moderator, duplicate, null).body()).select("#merge-count").text());
  }

  @Test
  @DisplayName("the merge step is for the Talk's moderators: members get 403, visitors are sent to sign in, another Talk's question is 404, an over-long search 400")
  void mergeStepRefusals() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Eve");
    long q = s.ask(a, "A question to merge");
    s.insert("Another question", "visible", 0);
    Response member = s.mergeStep(a, q, null);
    assertEquals(403, member.status());
    assertThat(member.body()).as("nothing of the room's questions leaks").doesNotContain("Another question");
    Response visitor = s.mergeStep(new Browser(), q, null);
    assertEquals(302, visitor.status());
    assertThat(visitor.location()).contains("/auth/login?next=");
    Setup elsewhere = new Setup();
    assertEquals(404, elsewhere.mergeStep(elsewhere.moderator, q, null).status(), "a question of another Talk");
    assertEquals(404, s.moderator.get(s.path("/questions/abc/merge")).status());
    Response tooLong = s.mergeStep(s.moderator, q, "x".repeat(301));
    assertEquals(400, tooLong.status());
    assertThat(tooLong.mainText()).contains("at most 300 characters");
  }

  @Test
  @DisplayName("messages and votes in a room that is not open are refused with 409; nothing is stored")
  void closedRoom() {
    Setup s = new Setup();
    Browser a = new Browser();
    s.member(a, "Dora");
    Response early = s.post(a, "/messages", Map.of("body", "Hello?"));
    assertEquals(409, early.status());
    assertThat(early.mainText()).contains("not open yet");
    s.open();
    long q = s.ask(a, "Before the close");
    assertEquals(303, s.post(s.moderator, "/close", Map.of("summary", "Done.", "group", String.valueOf(s.groupId))).status());
    long messages = TestDatabase.count("SELECT count(*) FROM talk_messages WHERE talk_id = ?", s.talkId);
    Response late = s.post(a, "/messages", Map.of("body", "Still here?"));
    assertEquals(409, late.status());
    assertThat(late.mainText()).contains("is closed");
    assertEquals(409, s.vote(a, q, true).status());
    assertEquals(messages, TestDatabase.count("SELECT count(*) FROM talk_messages WHERE talk_id = ?", s.talkId));
    assertEquals(0, s.voteRows(q));
    Response again = s.post(s.moderator, "/close", Map.of("summary", "Again.", "group", String.valueOf(s.groupId)));
    assertEquals(409, again.status());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM talk_followups WHERE talk_id = ?", s.talkId));
  }

  @Test
  @DisplayName("an over-long message or question is refused with 400, the form keeps the input, and nothing is stored")
  void overLong() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Eve");
    String longMessage = "m".repeat(501);
    Response r = s.post(a, "/messages", Map.of("body", longMessage));
    assertEquals(400, r.status());
    assertThat(r.mainText()).contains("at most 500 characters");
    assertThat(r.html().select("textarea[name=body]").eachText()).as("the input is kept").contains(longMessage);
    String longQuestion = "q".repeat(301);
    r = s.post(a, "/questions", Map.of("body", longQuestion));
    assertEquals(400, r.status());
    assertThat(r.html().select("textarea[name=body]").eachText()).as("the input is kept").contains(longQuestion);
    r = s.post(a, "/messages", Map.of("body", longMessage), "Accept", "application/json");
    assertEquals(400, r.status());
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("message")).contains("500");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talk_messages WHERE talk_id = ?", s.talkId));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talk_questions WHERE talk_id = ?", s.talkId));
  }

  /** A script's answer: 200, JSON, not to be cached. */
  private static JsonObject json(Response r) {
    assertEquals(200, r.status(), r.body());
    assertThat(r.header("Content-Type")).startsWith("application/json");
    assertEquals("no-store", r.header("Cache-Control"));
    return new JsonObject(r.body());
  }

  @Test
  @DisplayName("the room's script gets small JSON answers instead of redirects: the new message's or question's id and event number, a question's votes, ok for moderators' actions, the follow-up threads on close, the post a late question became")
  void scriptAnswers() {
    Setup s = new Setup();
    String[] script = {"Accept", "application/json"};
    assertEquals(new JsonObject().put("ok", true), json(s.post(s.moderator, "/room", Map.of("setting", "open"), script)));
    Browser a = new Browser();
    long memberId = s.member(a, "Uma");

    JsonObject message = json(s.post(a, "/messages", Map.of("body", "Hello", "clientToken", Fixtures.unique("m")), script));
    assertThat(message.fieldNames()).containsExactlyInAnyOrder("id", "seq", "ok");
    assertEquals(TestDatabase.count("SELECT id FROM talk_messages WHERE talk_id = ?", s.talkId), message.getLong("id"));
    assertThat(message.getLong("seq")).as("the number of its event on talk.<id>").isPositive();
    assertEquals(true, message.getBoolean("ok"));

    JsonObject question = json(s.post(a, "/questions", Map.of("body", "Scripted?", "clientToken", Fixtures.unique("q")),
        script));
    assertThat(question.fieldNames()).containsExactlyInAnyOrder("id", "ok");
    long q = question.getLong("id");
    assertEquals(s.talkId, TestDatabase.count("SELECT talk_id FROM talk_questions WHERE id = ? AND body = 'Scripted?'", q));

    JsonObject voted = json(s.post(a, "/questions/" + q + "/vote", Map.of("up", "true"), script));
    assertThat(voted.fieldNames()).containsExactlyInAnyOrder("votes", "seq", "ok");
    assertEquals(1, voted.getInteger("votes"));
    assertThat(voted.getLong("seq")).isGreaterThan(message.getLong("seq"));
    JsonObject again = json(s.post(a, "/questions/" + q + "/vote", Map.of("up", "true"), script));
    assertEquals(0, again.getLong("seq"), "a vote that changes nothing announces nothing");

    assertEquals(new JsonObject().put("ok", true), json(s.post(s.moderator, "/questions/" + q + "/moderate",
        Map.of("action", "pin"), script)));
    assertEquals(new JsonObject().put("ok", true), json(s.post(s.moderator, "/messages/" + message.getLong("id") + "/hide",
        Map.of(), script)));
    Response refused = s.post(s.moderator, "/questions/" + q + "/moderate", Map.of("action", "shout"), script);
    assertEquals(400, refused.status());
    assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message")).isNotBlank();

    JsonObject closed = json(s.post(s.moderator, "/close", Map.of("summary", "Done.", "group", String.valueOf(s.groupId)),
        script));
    assertThat(closed.fieldNames()).containsExactlyInAnyOrder("threads", "ok");
    long threadId = TestDatabase.count("SELECT thread_id FROM talk_followups WHERE talk_id = ?", s.talkId);
    assertEquals(List.of(threadId), closed.getJsonArray("threads").stream().map(t -> ((Number) t).longValue()).toList());

    Fixtures.member(s.groupId, memberId, "member");
    JsonObject late = json(s.post(a, "/questions", Map.of("body", "Slides?", "clientToken", Fixtures.unique("q")), script));
    assertThat(late.fieldNames()).containsExactlyInAnyOrder("postId", "ok");
    assertEquals(threadId, TestDatabase.count("SELECT thread_id FROM posts WHERE id = ?", late.getLong("postId")));
  }

  @Test
  @DisplayName("a member who floods the room gets 429 with a clear message once her bucket is empty; nothing more is stored")
  void flooding() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Flo");
    int accepted = 0;
    Response refused = null;
    String csrf = app.csrf(a);
    for (int i = 0; i < 12 && refused == null; i++) {
      Response r = a.post(s.path("/messages"), Map.of("_csrf", csrf, "body", "spam " + i));
      if (r.status() == 303) {
        accepted++;
      } else {
        refused = r;
      }
    }
    assertTrue(refused != null, "the flood is stopped");
    assertEquals(429, refused.status());
    assertThat(refused.mainText()).contains("posting too fast");
    assertTrue(accepted >= 5 && accepted < 12, "a burst of five passes: " + accepted);
    assertEquals(accepted, TestDatabase.count("SELECT count(*) FROM talk_messages WHERE talk_id = ?", s.talkId));
  }

  @Test
  @DisplayName("an anonymous question hides its author from other members and the presenter view, never from moderators")
  void anonymousQuestions() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    Browser b = new Browser();
    s.member(a, "Greta");
    s.member(b, "Hugo");
    Response r = s.post(a, "/questions", Map.of("body", "A sensitive question", "anonymous", "true"));
    assertEquals(303, r.status());
    Response other = b.get(s.path(""));
    assertThat(other.html().select("li.question .question-body").eachText()).contains("A sensitive question");
    assertThat(other.body()).as("other members do not see her name").doesNotContain("Greta " + s.slug);
    assertThat(b.get(s.path("/room/questions")).body()).as("nor does the fragment").doesNotContain("Greta " + s.slug);
    assertThat(s.moderator.get(s.path("/presenter")).body()).as("nor the presenter view").doesNotContain("Greta " + s.slug);
    assertThat(s.moderator.get(s.path("")).html().select("li.question .meta").text()).as("moderators do").contains("Greta " + s.slug);
    assertThat(a.get(s.path("")).html().select("li.question .meta").text()).as("and she does").contains("Greta " + s.slug);
  }

  @Test
  @DisplayName("with approval required, a question waits: its author and moderators see it, others and the presenter view do not")
  void approval() {
    Setup s = new Setup();
    s.open();
    assertEquals(303, s.post(s.moderator, "/room", Map.of("setting", "approval-on")).status());
    Browser a = new Browser();
    Browser b = new Browser();
    s.member(a, "Ida");
    s.member(b, "Jon");
    long q = s.ask(a, "Waiting for approval?");
    assertThat(a.get(s.path("")).html().select("#question-" + q + " .badge").eachText()).contains("Awaiting approval");
    assertThat(b.get(s.path("")).body()).doesNotContain("Waiting for approval?");
    assertThat(b.get(s.path("/presenter")).body()).doesNotContain("Waiting for approval?");
    assertEquals(409, s.vote(b, q, true).status(), "pending questions take no votes");
    assertEquals(303, s.moderate(q, Map.of("action", "approve")).status());
    assertThat(b.get(s.path("")).html().select("#question-" + q + " .question-body").text()).isEqualTo("Waiting for approval?");
    assertThat(b.get(s.path("/presenter")).mainText()).contains("Waiting for approval?");
  }

  @Test
  @DisplayName("members cannot moderate (403), anonymous readers cannot take part (403), and nothing changes")
  void permissions() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Kim");
    long q = s.ask(a, "Mine");
    Response r = s.post(a, "/questions/" + q + "/moderate", Map.of("action", "hide"));
    assertEquals(403, r.status());
    assertEquals(403, s.post(a, "/room", Map.of("setting", "approval-on")).status());
    assertEquals(403, a.get(s.path("/close")).status());
    assertEquals("visible", TestDatabase.text("SELECT status FROM talk_questions WHERE id = ?", q));
    Browser anonymous = new Browser();
    assertEquals(200, anonymous.get(s.path("")).status(), "anyone reads a Talk");
    assertEquals(404, a.get(app.url("/talks/no-such-talk")).status());
    assertEquals(404, s.post(a, "/questions/999999999/vote", Map.of("up", "true")).status());
  }

  @Test
  @DisplayName("closing without a summary or with a group that is not the Talk's is refused with 400 and the room stays open")
  void closeValidation() {
    Setup s = new Setup();
    s.open();
    long other = Fixtures.group(Fixtures.unique("wg"), false, true);
    Response r = s.post(s.moderator, "/close", Map.of("summary", " ", "group", String.valueOf(s.groupId)));
    assertEquals(400, r.status());
    assertThat(r.html().select("#summary-error").text()).contains("Write a summary");
    r = s.post(s.moderator, "/close", Map.of("summary", "Kept summary", "group", String.valueOf(other)));
    assertEquals(400, r.status());
    assertThat(r.html().select("textarea#summary").text()).as("the input is kept").isEqualTo("Kept summary");
    assertEquals("open", TestDatabase.text("SELECT room_state FROM talks WHERE id = ?", s.talkId));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talk_followups WHERE talk_id = ?", s.talkId));
  }

  @Test
  @DisplayName("the room's events are on talk.<id>: anyone may catch up with GET /live/events")
  void liveEvents() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Lea");
    long q = s.ask(a, "Live?");
    s.vote(a, q, true);
    Response events = new Browser().get(app.url("/live/events?address=talk." + s.talkId + "&after=0"),
        "Accept", "application/json");
    assertEquals(200, events.status());
    List<String> types = new JsonObject(events.body()).getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("type")).toList();
    assertEquals(List.of("room.changed", "question.created", "question.voted"), types);
    assertEquals(404, new Browser().get(app.url("/live/events?address=talk.999999999&after=0"), "Accept", "application/json").status());
  }

  @Test
  @DisplayName("a Talk downloads as RFC 5545 iCalendar: CRLF lines folded at 75 octets, escaped text, UID and DTSTAMP; the feed lists upcoming Talks")
  void icalendar() {
    Setup s = new Setup();
    TestDatabase.update("UPDATE talks SET title = ?, description = ? WHERE id = ?",
        "Données de santé; apps, EHDS \\ secondary use — a very long title that certainly needs folding", "Line one\nLine two",
        s.talkId);
    Response r = new Browser().get(s.path("/calendar.ics"));
    assertEquals(200, r.status());
    assertTrue(r.header("Content-Type").startsWith("text/calendar"));
    String ics = r.body();
    assertTrue(ics.startsWith("BEGIN:VCALENDAR\r\n"));
    assertTrue(ics.endsWith("END:VCALENDAR\r\n"));
    assertThat(ics.replace("\r\n", "")).as("every line ends with CRLF").doesNotContain("\n");
    for (String line : ics.split("\r\n")) {
      assertTrue(line.getBytes(StandardCharsets.UTF_8).length <= 75, "folded: " + line);
    }
    String unfolded = ics.replace("\r\n ", "");
    assertThat(unfolded).contains("SUMMARY:Données de santé\\; apps\\, EHDS \\\\ secondary use")
        .contains("DESCRIPTION:Line one\\nLine two").contains("UID:talk-" + s.talkId + "@");
    assertTrue(Pattern.compile("DTSTAMP:\\d{8}T\\d{6}Z").matcher(unfolded).find());
    assertTrue(Pattern.compile("DTSTART:\\d{8}T\\d{6}Z").matcher(unfolded).find());
    String feed = new Browser().get(app.url("/talks.ics")).body().replace("\r\n ", "");
    assertThat(feed).as("the feed lists the upcoming Talk").contains("UID:talk-" + s.talkId + "@");
  }

  @Test
  @DisplayName("an admin creates a Talk through the form; bad input is refused with 400 and kept; members may not (403)")
  void createTalk() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String csrf = app.csrf(admin);
    assertEquals(200, admin.get(app.url("/talks/new")).status());
    String slug = Fixtures.unique("new-talk");
    long group = TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'integration'");
    String bad = "_csrf=" + enc(csrf) + "&slug=" + slug + "&title=Kept+title&startsAt=2030-01-01T14:00&endsAt=2030-01-01T13:00";
    Response r = admin.request("POST", app.url("/talks"), "application/x-www-form-urlencoded", bad);
    assertEquals(400, r.status());
    assertThat(r.html().select("#endsAt-error").text()).contains("The end must come after the start");
    assertThat(r.html().select("input#title").val()).as("the input is kept").isEqualTo("Kept title");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug));
    String good = "_csrf=" + enc(csrf) + "&slug=" + slug + "&title=Interoperability+clinic&startsAt=2030-01-01T14:00"
        + "&endsAt=2030-01-01T15:00&speaker.0.name=" + enc("Tomasz Nowak") + "&speaker.0.affiliation=" + enc("EHR architect")
        + "&speaker.0.kind.0=consultancy&speaker.0.organisation.0=" + enc("an EHR vendor") + "&speaker.0.start.0=2022-01"
        + "&group=" + group + "&description=Hands-on";
    r = admin.request("POST", app.url("/talks"), "application/x-www-form-urlencoded", good);
    assertEquals(303, r.status(), r.body());
    Document page = admin.get(app.url("/talks/" + slug)).html();
    assertThat(page.select("main h1").text()).isEqualTo("Interoperability clinic");
    assertThat(page.select("ul.speakers li .speaker-declaration").text()).as("declared interests are shown")
        .contains("Consultancy or advisory role: an EHR vendor");
    r = admin.request("POST", app.url("/talks"), "application/x-www-form-urlencoded", good);
    assertEquals(409, r.status(), "the address is taken");
    Browser member = new Browser();
    app.signIn(member, "demo-lukas");
    assertEquals(403, member.get(app.url("/talks/new")).status());
  }

  @Test
  @DisplayName("the demo shows every state: a past room with answered and unanswered questions and its follow-up thread, speakers' declared interests, and an upcoming Talk")
  void demoContent() {
    Browser reader = new Browser();
    Response pastPage = reader.get(app.url("/talks/mhealth-solution-success"));
    Document past = pastPage.html();
    assertThat(past.select("#room-state").text()).as("the past room is closed").contains("The room is closed");
    assertThat(past.select("li.question.answered .answer").text()).as("an answered question with its answer")
        .contains("Seven months, three of them waiting");
    assertThat(past.select("li.question:not(.answered) .question-body").eachText()).as("an unanswered one")
        .contains("How will the price be set once the provisional year ends?");
    assertThat(past.select("ul.speakers li a.declaration-badge")).as("speakers who are members: their own declarations")
        .hasSize(2);
    assertThat(past.select("#messages li .body").text()).as("the chat").contains("patient panel");
    assertThat(pastPage.body()).as("the anonymous asker stays anonymous").doesNotContain("Lukas Weber");
    long threadId = id(past.select("#followups a[href^=/threads/]").attr("href"), "/threads/(\\d+)");
    Response threadPage = reader.get(app.url("/threads/" + threadId));
    Document thread = threadPage.html();
    assertThat(thread.select("main a[href=/talks/mhealth-solution-success]")).as("the follow-up links back").isNotEmpty();
    assertThat(thread.select("article.post .body").eachText()).as("the unanswered question is carried over")
        .anyMatch(post -> post.contains("How will the price be set once the provisional year ends?"))
        .anyMatch(post -> post.contains("4 votes in the live room"));
    assertThat(threadPage.body()).as("answered questions stay in the room")
        .doesNotContain("How long did the provisional listing take");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM talks WHERE ends_at > now() AND slug = 'mhealth-in-clinical-pathways'"));
    Document upcoming = reader.get(app.url("/talks/mhealth-in-clinical-pathways")).html();
    assertThat(upcoming.select("#room-state").text()).isEqualTo("The live room opens when the Talk begins.");
    assertThat(upcoming.select("ul.speakers li a.declaration-badge").eachAttr("href")).as("the declarations in force now")
        .hasSize(2).allMatch(href -> href.endsWith("/declarations/1"));
  }

  @Test
  @DisplayName("a moderator of the Talk's group edits it; times are typed in her time zone and stored in UTC; a member may not (403)")
  void editTalk() {
    Setup s = new Setup();
    Response form = s.moderator.get(s.path("/edit"));
    assertEquals(200, form.status());
    String csrf = app.csrf(s.moderator);
    String body = "_csrf=" + enc(csrf) + "&title=" + enc("Edited title") + "&startsAt=2031-03-01T15:00&endsAt=2031-03-01T16:30"
        + "&speaker.0.name=" + enc("Ana Silva") + "&speaker.0.affiliation=" + enc("HTA agency")
        + "&speaker.0.nothingToDeclare=1&group=" + s.groupId;
    Response r = s.moderator.request("POST", s.path("/edit"), "application/x-www-form-urlencoded", body);
    assertEquals(303, r.status(), r.body());
    // no zone chosen: the default, Europe/Brussels (UTC+1 in March)
    assertEquals("2031-03-01 14:00:00", TestDatabase.text(
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') FROM talks WHERE id = ?", s.talkId));
    assertThat(s.moderator.get(s.path("")).html().select("ul.speakers li .declaration-nothing").text())
        .isEqualTo("Nothing to declare.");
    Browser member = new Browser();
    s.member(member, "Nina");
    assertEquals(403, member.get(s.path("/edit")).status());
    assertEquals(403, member.request("POST", s.path("/edit"), "application/x-www-form-urlencoded",
        body.replace(enc(csrf), enc(app.csrf(member)))).status());
    assertEquals("Edited title", TestDatabase.text("SELECT title FROM talks WHERE id = ?", s.talkId));
  }

  @Test
  @DisplayName("a moderator hides a chat message: it leaves the page and the fragment, is kept and logged; members may not hide (403)")
  void hideMessage() {
    Setup s = new Setup();
    s.open();
    Browser a = new Browser();
    s.member(a, "Otto");
    Response said = s.post(a, "/messages", Map.of("body", "Buy cheap pills at example.com"));
    long messageId = id(said.location(), "#message-(\\d+)");
    assertThat(s.moderator.get(s.path("")).html().select("#messages #hide-message-" + messageId)).hasSize(1);
    assertThat(a.get(s.path("")).html().select("[id^=hide-message-]")).as("members get no hide button").isEmpty();
    assertEquals(403, s.post(a, "/messages/" + messageId + "/hide", Map.of()).status());
    assertEquals(303, s.post(s.moderator, "/messages/" + messageId + "/hide", Map.of()).status());
    assertThat(a.get(s.path("")).body()).doesNotContain("cheap pills");
    assertThat(a.get(s.path("/room/messages?after=0")).body()).doesNotContain("cheap pills");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM talk_messages WHERE id = ? AND hidden_at IS NOT NULL", messageId));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'talk.hideMessage' AND target_id = ?",
        messageId));
    assertEquals(404, s.post(s.moderator, "/messages/" + messageId + "/hide", Map.of()).status(), "hidden already");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
