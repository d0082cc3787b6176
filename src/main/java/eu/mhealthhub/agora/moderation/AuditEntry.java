package eu.mhealthhub.agora.moderation;

import java.time.Instant;

/**
 * One row of the audit log: who did what to which target, in which group (null for site-wide
 * actions such as a Talk room's), when, why, and the state before and after where one applies.
 */
public record AuditEntry(long id, Instant createdAt, String actorName, String actorHandle, String action,
    String targetType, long targetId, String groupSlug, String reason, String ground, String before, String after,
    String detail) {}
