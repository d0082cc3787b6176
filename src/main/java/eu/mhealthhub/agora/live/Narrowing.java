package eu.mhealthhub.agora.live;

import java.util.List;

/**
 * A committed change that may have narrowed who can read some addresses: the subscriptions it
 * touches are re-checked on every node, and dropped where no longer allowed, before any later event
 * reaches them. A subscription is touched when its grant depends on one of {@code scopes} (or
 * scopes is empty) and its socket's member is one of {@code members} (or members is empty).
 */
public record Narrowing(List<LiveAddress> scopes, List<Long> members) {

  public Narrowing {
    scopes = List.copyOf(scopes);
    members = List.copyOf(members);
  }

  /** Everyone's access to a group and what is inside it (visibility changed, archived). */
  public static Narrowing group(long groupId) {
    return new Narrowing(List.of(LiveAddress.of("group", groupId)), List.of());
  }

  /** One member's access to a group and what is inside it (left, removed, role changed). */
  public static Narrowing memberOfGroup(long memberId, long groupId) {
    return new Narrowing(List.of(LiveAddress.of("group", groupId)), List.of(memberId));
  }

  /** Everyone's access to one thing that changed hands (a thread moved to another group). */
  public static Narrowing of(LiveAddress address) {
    return new Narrowing(List.of(address), List.of());
  }

  /** Everything one member reads (suspended, erased). */
  public static Narrowing member(long memberId) {
    return new Narrowing(List.of(), List.of(memberId));
  }

  /** Whether a subscription of {@code member} whose grant depends on {@code grantScopes} is touched. */
  public boolean touches(Long member, java.util.Set<LiveAddress> grantScopes) {
    boolean scoped = scopes.isEmpty() || scopes.stream().anyMatch(grantScopes::contains);
    boolean whose = members.isEmpty() || member != null && members.contains(member);
    return scoped && whose;
  }
}
