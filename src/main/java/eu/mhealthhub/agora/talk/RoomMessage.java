package eu.mhealthhub.agora.talk;

import java.time.Instant;

/** A short chat message in a Talk's room; {@code html} comes from the Markdown sanitiser. */
public record RoomMessage(long id, long talkId, long authorId, String authorName, String authorHandle, String html,
    Instant createdAt) {

  public static final int MAX_BODY = 500;
}
