package eu.mhealthhub.agora.thread;

import java.time.Instant;

/** One thread. {@code postCount} counts every post ever made in it, deleted ones included. */
public record ForumThread(long id, long groupId, String title, long authorId, String authorName, Instant createdAt,
    Instant lastActivityAt, boolean pinned, boolean locked, int postCount) {

  public static final int MAX_TITLE = 200;

  /** Pages of {@link ThreadService#PAGE_SIZE} posts. */
  public int pages() {
    return Math.max(1, (postCount + ThreadService.PAGE_SIZE - 1) / ThreadService.PAGE_SIZE);
  }
}
