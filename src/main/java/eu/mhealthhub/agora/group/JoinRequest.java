package eu.mhealthhub.agora.group;

import java.time.Instant;

/** A request to join a group; {@code decision} is null while it waits for a moderator. */
public record JoinRequest(long id, long memberId, String displayName, String handle, String message,
    Instant createdAt, String decision, String reason) {
  public boolean pending() {
    return decision == null;
  }

  public boolean declined() {
    return "declined".equals(decision);
  }
}
