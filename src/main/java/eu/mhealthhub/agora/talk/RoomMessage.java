package eu.mhealthhub.agora.talk;

import java.time.Instant;

/**
 * A short chat message in a Talk's room; {@code html} comes from the Markdown sanitiser, and is
 * empty for a message {@code held} for review after members flagged it.
 */
public record RoomMessage(long id, long talkId, long authorId, String authorName, String authorHandle, String html,
    Instant createdAt, boolean held) {

  public static final int MAX_BODY = 500;
}
