package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.Member;
import java.util.Optional;

/**
 * Who may do what in a working group. Every path that shows or changes group content asks here:
 * pages, JSON, search, attachments, mentions. A closed group is visible to its members and to
 * site admins only; to everyone else it does not exist. Moderators act only in the groups they
 * moderate.
 */
public final class GroupPolicy {

  private GroupPolicy() {}

  private static boolean admin(Optional<Member> viewer) {
    return viewer.map(Member::admin).orElse(false);
  }

  public static boolean canRead(Optional<Member> viewer, WorkingGroup group) {
    return !group.closed() || group.viewerIsMember() || admin(viewer);
  }

  /** Start threads and reply: members (and admins) of an active group. */
  public static boolean canPost(Optional<Member> viewer, WorkingGroup group) {
    return viewer.isPresent() && !group.archived() && (group.viewerIsMember() || admin(viewer));
  }

  /** Pin, lock, move, delete and restore others' posts, decide join requests, appoint moderators. */
  public static boolean canModerate(Optional<Member> viewer, WorkingGroup group) {
    return viewer.isPresent() && (group.viewerIsModerator() || admin(viewer));
  }

  /**
   * Join, or ask to join. A closed group is invisible to non-members, so nobody can ask to join
   * it: its moderators add members by handle.
   */
  public static boolean canJoin(Optional<Member> viewer, WorkingGroup group) {
    return viewer.isPresent() && !group.viewerIsMember() && !group.archived() && !group.closed();
  }

  /** Create, edit and archive groups. */
  public static boolean canAdminister(Optional<Member> viewer) {
    return admin(viewer);
  }
}
