package eu.mhealthhub.agora.moderation;

import java.time.Instant;

/**
 * One suspension of a member, in force while not lifted, started and not ended
 * ({@link #inForce}); {@code endsAt} null means until lifted.
 *
 * @param groupSlug the group whose moderator decided it, or null when an admin decided it site-wide
 */
public record Suspension(long id, long memberId, String suspendedBy, String groupSlug, String reason, Instant startsAt,
    Instant endsAt, Instant liftedAt, String liftedBy, String liftReason, boolean inForce, boolean expired) {}
