package eu.mhealthhub.agora.talk;

import java.time.Instant;

/**
 * A question in a Talk's room, as stored, with whether the reading member voted for it. Who may
 * see it, and whether its author is shown, is {@link TalkPolicy}'s to say.
 */
public record Question(
    long id,
    long talkId,
    long authorId,
    String authorName,
    String authorHandle,
    String body,
    boolean anonymous,
    String status,
    Long mergedInto,
    int votes,
    Instant answeredAt,
    String answer,
    Instant createdAt,
    boolean viewerVoted,
    boolean heldForReview,
    Integer declarationVersion) {

  public static final int MAX_BODY = 300;
  public static final int MAX_ANSWER = 1000;

  public boolean pending() {
    return "pending".equals(status);
  }

  public boolean visible() {
    return "visible".equals(status);
  }

  public boolean hidden() {
    return "hidden".equals(status);
  }

  /** Hidden pending review because members flagged it: everyone sees a notice in its place. */
  public boolean held() {
    return hidden() && heldForReview;
  }

  public boolean merged() {
    return "merged".equals(status);
  }

  public boolean answered() {
    return answeredAt != null;
  }
}
