package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.talk.RoomForms.CloseForm;
import eu.mhealthhub.agora.talk.RoomForms.MessageForm;
import eu.mhealthhub.agora.talk.RoomForms.ModerationForm;
import eu.mhealthhub.agora.talk.RoomForms.QuestionForm;
import eu.mhealthhub.agora.talk.RoomForms.SettingForm;
import eu.mhealthhub.agora.talk.RoomForms.VoteForm;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The room's forms as the routes read them and the service refuses them: one list of problems for both. */
class RoomFormsTest {

  private static MultiMap form(String... pairs) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) {
      form.add(pairs[i], pairs[i + 1]);
    }
    return form;
  }

  @Test
  @DisplayName("a message or question must have text and stay under its limit, counted without surrounding blanks; the problem is named by the room page's field")
  void bodies() {
    assertEquals(Map.of("message-body", "talk.message.error.required"), MessageForm.of(form()).problems());
    assertEquals(Map.of("message-body", "talk.message.error.required"), MessageForm.of(form("body", " \n ")).problems());
    assertEquals(Map.of("message-body", "talk.message.error.long"), MessageForm.of(form("body", "m".repeat(501))).problems());
    assertThat(MessageForm.of(form("body", "  " + "m".repeat(500) + "\n")).problems()).isEmpty();
    assertEquals(Map.of("question-body", "talk.question.error.required"), QuestionForm.of(form()).problems());
    assertEquals(Map.of("question-body", "talk.question.error.long"), QuestionForm.of(form("body", "q".repeat(301))).problems());
    QuestionForm anonymous = QuestionForm.of(form("body", "Why?", "anonymous", "on"));
    assertThat(anonymous.problems()).isEmpty();
    assertThat(anonymous.anonymous()).as("a checked box counts as anonymous").isTrue();
    assertThat(QuestionForm.of(form("body", "Why?", "anonymous", "yes")).anonymous()).isFalse();
  }

  @Test
  @DisplayName("a vote is up=true or up=false and nothing else")
  void votes() {
    assertThat(VoteForm.of(form("up", "true")).problems()).isEmpty();
    assertThat(VoteForm.of(form("up", "false")).problems()).isEmpty();
    assertEquals(Map.of("up", "talk.question.error.vote"), VoteForm.of(form("up", "twice")).problems());
    assertEquals(Map.of("up", "talk.question.error.vote"), VoteForm.of(form()).problems());
  }

  @Test
  @DisplayName("a moderator's action must be a known one; an answer stays under 1000 characters; a merge names another question")
  void moderation() {
    assertEquals(Map.of("action", "talk.question.error.action"), ModerationForm.of(7, form("action", "shout")).problems());
    assertEquals(Map.of("action", "talk.question.error.action"), ModerationForm.of(7, form()).problems());
    assertThat(ModerationForm.of(7, form("action", "Pin")).problems()).isEmpty();
    assertEquals(Map.of("answer", "talk.question.error.answerLong"),
        ModerationForm.of(7, form("action", "answer", "answer", "a".repeat(1001))).problems());
    assertThat(ModerationForm.of(7, form("action", "hide", "answer", "a".repeat(1001))).problems())
        .as("only an answer reads the answer field").isEmpty();
    assertEquals(Map.of("into", "talk.question.error.mergeTarget"), ModerationForm.of(7, form("action", "merge")).problems());
    assertEquals(Map.of("into", "talk.question.error.mergeTarget"),
        ModerationForm.of(7, form("action", "merge", "into", "abc")).problems());
    assertEquals(Map.of("into", "talk.question.error.mergeTarget"),
        ModerationForm.of(7, form("action", "merge", "into", "7")).problems(), "not into itself");
    ModerationForm merge = ModerationForm.of(7, form("action", "merge", "into", "9"));
    assertThat(merge.problems()).isEmpty();
    assertEquals(9, merge.shownQuestion(), "back to the question that took the votes");
    assertEquals(7, ModerationForm.of(7, form("action", "pin", "into", "9")).shownQuestion());
  }

  @Test
  @DisplayName("a room setting is open, approval-on or approval-off")
  void settings() {
    assertEquals(TalkService.Setting.APPROVAL_ON, SettingForm.of(form("setting", "approval-on")).setting());
    assertEquals(Map.of("setting", "talk.room.error.setting"), SettingForm.of(form("setting", "close")).problems());
  }

  @Test
  @DisplayName("closing needs a summary under 5000 characters; a group that is not a number is refused as a forged form")
  void closing() {
    assertEquals(Map.of("summary", "talk.close.error.summary"), CloseForm.of(form("summary", "  ")).problems());
    assertEquals(Map.of("summary", "talk.close.error.summaryLong"), CloseForm.of(form("summary", "s".repeat(5001))).problems());
    CloseForm two = CloseForm.of(form("summary", "Done.", "group", "3", "group", "4"));
    assertThat(two.problems()).isEmpty();
    assertEquals(List.of(3L, 4L), two.groupIds());
    DomainException forged = assertThrows(DomainException.class, () -> CloseForm.of(form("summary", "Done.", "group", "x")));
    assertEquals(DomainException.Kind.BAD_REQUEST, forged.kind());
    assertEquals("talk.close.error.groups", forged.messageKey());
  }
}
