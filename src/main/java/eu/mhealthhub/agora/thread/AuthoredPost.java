package eu.mhealthhub.agora.thread;

import java.time.Instant;

/** One of a member's posts as their public page lists it: where it is and how it begins. */
public record AuthoredPost(long postId, String threadTitle, String groupSlug, String groupName, Instant createdAt,
    String excerpt) {}
