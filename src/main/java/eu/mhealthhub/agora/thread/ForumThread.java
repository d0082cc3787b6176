package eu.mhealthhub.agora.thread;

import java.time.Instant;

/** One thread, with the group it belongs to. */
public record ForumThread(long id, long groupId, String title, String authorName, Instant createdAt,
    boolean pinned, boolean locked) {}
