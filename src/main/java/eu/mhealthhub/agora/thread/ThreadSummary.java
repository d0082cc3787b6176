package eu.mhealthhub.agora.thread;

import java.time.Instant;

/** A thread as a group page lists it. */
public record ThreadSummary(long id, long groupId, String title, String authorName, Instant createdAt,
    Instant lastActivityAt, long replyCount, String lastPosterName, boolean pinned, boolean locked) {}
