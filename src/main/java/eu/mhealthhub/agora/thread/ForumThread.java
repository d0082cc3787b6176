package eu.mhealthhub.agora.thread;

import java.time.Instant;

/**
 * One thread. {@code postCount} counts every post ever made in it, deleted ones included, held ones
 * not. {@code mergedInto} is the thread a moderator merged this one into (it has no posts left and
 * redirects), else null. {@code held}: its opening post awaits a moderator's approval, so only its
 * author and the group's moderators see the thread at all.
 */
public record ForumThread(long id, long groupId, String title, long authorId, String authorName, Instant createdAt,
    Instant lastActivityAt, boolean pinned, boolean locked, int postCount, Long mergedInto, boolean held) {

  public static final int MAX_TITLE = 200;

  /** Pages of {@link ThreadService#PAGE_SIZE} posts. */
  public int pages() {
    return Math.max(1, (postCount + ThreadService.PAGE_SIZE - 1) / ThreadService.PAGE_SIZE);
  }
}
