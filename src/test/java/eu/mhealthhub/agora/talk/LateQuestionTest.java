package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * After a room closes, questions go to its follow-up threads, for those who may post in them.
 * Anyone else gets exactly what a closed room answers, so the answer says nothing of follow-up
 * threads in groups they cannot see.
 */
class LateQuestionTest {

  private final TestApp app = TestApp.shared();

  private Response post(Browser b, String path, Map<String, String> fields, String... headers) {
    Map<String, String> form = new java.util.HashMap<>(fields);
    form.put("_csrf", app.csrf(b));
    return b.post(app.url(path), form, headers);
  }

  @Test
  @DisplayName("a late question from someone outside the closed group of the follow-up thread answers exactly like a message in a closed room, and stores nothing")
  void nonMemberLikeClosedRoom() {
    String slug = Fixtures.unique("late");
    long groupId = Fixtures.group(Fixtures.unique("closed-wg"), true, false);
    long talkId = Fixtures.talk(slug, groupId);
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Moderator " + slug, slug + "-mod@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    String room = "/talks/" + slug;
    assertEquals(303, post(moderator, room + "/room", Map.of("setting", "open")).status());
    assertEquals(303, post(moderator, room + "/close", Map.of("summary", "Thanks all.", "group", String.valueOf(groupId))).status());
    long followup = TestDatabase.count("SELECT thread_id FROM talk_followups WHERE talk_id = ?", talkId);

    Browser outsider = new Browser();
    app.signInNew(outsider, "Outsider " + slug, slug + "-out@example.org");
    long posts = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", followup);
    long questions = TestDatabase.count("SELECT count(*) FROM talk_questions WHERE talk_id = ?", talkId);

    Response message = post(outsider, room + "/messages", Map.of("body", "Still here?", "clientToken", Fixtures.unique("m")));
    Response question = post(outsider, room + "/questions", Map.of("body", "Is there a recording?",
        "clientToken", Fixtures.unique("q")));
    assertEquals(409, message.status());
    assertEquals(message.status(), question.status());
    var closedPage = Jsoup.parse(message.body()).selectFirst("main");
    var questionPage = Jsoup.parse(question.body()).selectFirst("main");
    assertEquals("The live room of this Talk is closed.", closedPage.selectFirst("h1 + p").text());
    assertEquals(closedPage.text(), questionPage.text(), "the same page");

    Response messageJson = post(outsider, room + "/messages", Map.of("body", "Still here?"), "Accept", "application/json");
    Response questionJson = post(outsider, room + "/questions", Map.of("body", "Anyone?"), "Accept", "application/json");
    assertEquals(409, questionJson.status());
    assertEquals(new JsonObject(messageJson.body()), new JsonObject(questionJson.body()), "the same JSON answer");

    assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", followup), "nothing posted");
    assertEquals(questions, TestDatabase.count("SELECT count(*) FROM talk_questions WHERE talk_id = ?", talkId));

    // a member of the group still gets her question into the follow-up thread
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Member " + slug, slug + "-member@example.org");
    Fixtures.member(groupId, memberId, "member");
    Response late = post(member, room + "/questions", Map.of("body", "Where are the slides?", "clientToken", Fixtures.unique("q")));
    assertEquals(303, late.status(), late.body());
    assertThat(late.location()).contains("/posts/");
    assertEquals(posts + 1, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", followup));
  }
}
