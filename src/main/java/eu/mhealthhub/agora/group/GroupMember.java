package eu.mhealthhub.agora.group;

import java.time.Instant;

/**
 * A member as listed in a group, with their role there and their trust level in it (see
 * thread.TrustRepository), {@code trustSet} when a moderator set it.
 */
public record GroupMember(long memberId, String displayName, String handle, String role, Instant joinedAt, int trustLevel,
    boolean trustSet) {
  public boolean moderator() {
    return "moderator".equals(role);
  }
}
