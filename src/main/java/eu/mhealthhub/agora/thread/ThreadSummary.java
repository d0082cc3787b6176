package eu.mhealthhub.agora.thread;

import java.time.Instant;

/**
 * A thread as a list shows it to one viewer.
 *
 * @param readPosition the last post position the viewer has read, or 0; -1 for anonymous viewers
 */
public record ThreadSummary(long id, long groupId, String title, String authorName, Instant createdAt,
    Instant lastActivityAt, int postCount, String lastPosterName, boolean pinned, boolean locked, int readPosition) {

  public int replyCount() {
    return Math.max(0, postCount - 1);
  }

  public int unreadCount() {
    return readPosition < 0 ? 0 : Math.max(0, postCount - readPosition);
  }

  /** Never opened by this signed-in viewer. */
  public boolean unseen() {
    return readPosition == 0;
  }

  public boolean hasUnread() {
    return unreadCount() > 0;
  }

  public ThreadSummary withReadPosition(int position) {
    return new ThreadSummary(id, groupId, title, authorName, createdAt, lastActivityAt, postCount, lastPosterName,
        pinned, locked, Math.max(readPosition, position));
  }
}
