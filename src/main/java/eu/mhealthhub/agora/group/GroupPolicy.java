package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.member.Member;
import java.util.Optional;

/**
 * Who may see a working group. Every path that shows group content asks here: a closed group is
 * visible to its members and to site admins only, and to everyone else it does not exist.
 */
public final class GroupPolicy {

  private GroupPolicy() {}

  public static boolean canRead(Optional<Member> viewer, WorkingGroup group) {
    return !group.closed() || group.viewerIsMember() || viewer.map(Member::admin).orElse(false);
  }
}
