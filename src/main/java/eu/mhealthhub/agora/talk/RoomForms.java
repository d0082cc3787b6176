package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.talk.TalkService.Action;
import eu.mhealthhub.agora.talk.TalkService.Setting;
import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forms of a Talk's live room as submitted, their text cleaned, each with the problems that
 * keep it from being taken (field name to message key, in the order they are reported): the
 * routes show them beside the fields, the service refuses the same ones with the first of them.
 */
public final class RoomForms {

  private RoomForms() {}

  /** A form field as typed, cleaned as multi-line text ({@link CleanText#body}); "" when absent. */
  static String field(MultiMap form, String name) {
    String v = form.get(name);
    return v == null ? "" : CleanText.body(v);
  }

  /** A chat message; {@code clientToken} makes a resubmission harmless. */
  public record MessageForm(String body, String clientToken) {

    static MessageForm of(MultiMap form) {
      return new MessageForm(field(form, "body"), field(form, "clientToken"));
    }

    /** The text as stored. */
    String text() {
      return body.strip();
    }

    /** The message field's problem, under the id of the room page's field. */
    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      if (body.isBlank()) {
        p.put("message-body", "talk.message.error.required");
      } else if (text().length() > RoomMessage.MAX_BODY) {
        p.put("message-body", "talk.message.error.long");
      }
      return p;
    }
  }

  /** A question for the queue (after the close: for the follow-up thread), perhaps without the asker's name to others. */
  public record QuestionForm(String body, boolean anonymous, String clientToken) {

    static QuestionForm of(MultiMap form) {
      String anonymous = field(form, "anonymous");
      return new QuestionForm(field(form, "body"), "true".equals(anonymous) || "on".equals(anonymous),
          field(form, "clientToken"));
    }

    /** The text as stored. */
    String text() {
      return body.strip();
    }

    /** The question field's problem, under the id of the room page's field. */
    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      if (body.isBlank()) {
        p.put("question-body", "talk.question.error.required");
      } else if (text().length() > Question.MAX_BODY) {
        p.put("question-body", "talk.question.error.long");
      }
      return p;
    }
  }

  /** A vote given ({@code up=true}) or taken back ({@code up=false}). */
  public record VoteForm(String up) {

    static VoteForm of(MultiMap form) {
      return new VoteForm(field(form, "up"));
    }

    boolean upvote() {
      return "true".equals(up);
    }

    public Map<String, String> problems() {
      return "true".equals(up) || "false".equals(up) ? Map.of() : Map.of("up", "talk.question.error.vote");
    }
  }

  /**
   * A moderator's action on question {@code questionId}; {@code answer} is read only for an
   * answer (one form holds several actions), {@code into} only for a merge. Null where the field
   * was missing or unreadable.
   */
  public record ModerationForm(long questionId, Action action, String answer, Long into) {

    static ModerationForm of(long questionId, MultiMap form) {
      Action action = null;
      try {
        action = Action.valueOf(field(form, "action").toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // an unknown action is the form's problem
      }
      Long into = null;
      if (action == Action.MERGE) {
        try {
          into = Long.parseLong(field(form, "into"));
        } catch (NumberFormatException e) {
          // no target is the form's problem
        }
      }
      return new ModerationForm(questionId, action, action == Action.ANSWER ? field(form, "answer").strip() : "", into);
    }

    /** Where the moderator goes back to: after a merge the duplicate is gone, the question that took its votes. */
    long shownQuestion() {
      return into == null ? questionId : into;
    }

    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      if (action == null) {
        p.put("action", "talk.question.error.action");
      } else if (action == Action.ANSWER && answer.length() > Question.MAX_ANSWER) {
        p.put("answer", "talk.question.error.answerLong");
      } else if (action == Action.MERGE && (into == null || into == questionId)) {
        p.put("into", "talk.question.error.mergeTarget");
      }
      return p;
    }
  }

  /** A room setting a moderator changes: {@code setting=open|approval-on|approval-off}; null for anything else. */
  public record SettingForm(Setting setting) {

    static SettingForm of(MultiMap form) {
      return new SettingForm(switch (field(form, "setting")) {
        case "open" -> Setting.OPEN;
        case "approval-on" -> Setting.APPROVAL_ON;
        case "approval-off" -> Setting.APPROVAL_OFF;
        default -> null;
      });
    }

    public Map<String, String> problems() {
      return setting == null ? Map.of("setting", "talk.room.error.setting") : Map.of();
    }
  }

  /** A moderator's close of the room: a summary, and the Talk's groups that get a follow-up thread. */
  public record CloseForm(String summary, List<Long> groupIds) {

    /** Reads the form; a group that is not a number is a 400, like a forged form. */
    static CloseForm of(MultiMap form) {
      List<Long> chosen = new ArrayList<>();
      for (String g : form.getAll("group")) {
        try {
          chosen.add(Long.parseLong(g));
        } catch (NumberFormatException e) {
          throw DomainException.badRequest("talk.close.error.groups");
        }
      }
      return new CloseForm(field(form, "summary"), List.copyOf(chosen));
    }

    /** The summary as stored. */
    String text() {
      return summary.strip();
    }

    /** The summary's problem; which groups may be chosen is for the service to say, from the Talk. */
    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      if (text().isEmpty()) {
        p.put("summary", "talk.close.error.summary");
      } else if (text().length() > Talk.MAX_SUMMARY) {
        p.put("summary", "talk.close.error.summaryLong");
      }
      return p;
    }
  }
}
