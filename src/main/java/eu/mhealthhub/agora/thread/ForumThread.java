package eu.mhealthhub.agora.thread;

import java.time.Instant;

/**
 * One thread. {@code postCount} counts the posts in it, deleted ones included. {@code mergedInto}
 * is the thread a moderator merged this one into (it has no posts left and redirects), else null.
 */
public record ForumThread(long id, long groupId, String title, long authorId, String authorName, Instant createdAt,
    Instant lastActivityAt, boolean pinned, boolean locked, int postCount, Long mergedInto) {

  public static final int MAX_TITLE = 200;

  /** Pages of {@link ThreadService#PAGE_SIZE} posts. */
  public int pages() {
    return Math.max(1, (postCount + ThreadService.PAGE_SIZE - 1) / ThreadService.PAGE_SIZE);
  }
}
