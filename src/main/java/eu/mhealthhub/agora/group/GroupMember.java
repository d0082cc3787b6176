package eu.mhealthhub.agora.group;

import java.time.Instant;

/** A member as listed in a group, with their role there. */
public record GroupMember(long memberId, String displayName, String handle, String role, Instant joinedAt) {
  public boolean moderator() {
    return "moderator".equals(role);
  }
}
