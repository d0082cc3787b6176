package eu.mhealthhub.agora.group;

import java.time.Instant;

/**
 * A member as listed in a group, with their role there and their trust level in it (see
 * thread.TrustRepository), {@code trustSet} when a moderator set it.
 */
public record GroupMember(long memberId, String displayName, String handle, String role, Instant joinedAt, int trustLevel,
    boolean trustSet, String affiliation, String stakeholderType) {

  /** The message key of the member's stakeholder type, or null when they have not said. */
  public String stakeholderLabel() {
    return eu.mhealthhub.agora.StakeholderType.labelOf(stakeholderType);
  }

  public boolean moderator() {
    return "moderator".equals(role);
  }
}
