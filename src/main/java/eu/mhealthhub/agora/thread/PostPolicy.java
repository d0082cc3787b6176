package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import java.util.Optional;

/** Who may do what to threads and posts; the group's policy decides reading and moderating. */
public final class PostPolicy {

  private PostPolicy() {}

  public static boolean canReply(Optional<Member> viewer, WorkingGroup group, ForumThread thread) {
    return GroupPolicy.canPost(viewer, group) && (!thread.locked() || GroupPolicy.canModerate(viewer, group));
  }

  /**
   * Authors edit their own posts while they are not deleted (a held post a moderator rejected they
   * may edit, which resubmits it); nobody edits another's words.
   */
  public static boolean canEdit(Optional<Member> viewer, WorkingGroup group, Post post) {
    return viewer.map(m -> m.id() == post.authorId()).orElse(false) && (!post.deleted() || post.held()) && !group.archived()
        && GroupPolicy.canRead(viewer, group);
  }

  /**
   * A moderator of the group edits someone else's post, with a note that its history shows
   * (issue 13 point 3); never a deleted post or one in an archived group.
   */
  public static boolean canModeratorEdit(Optional<Member> viewer, WorkingGroup group, Post post) {
    return viewer.map(m -> m.id() != post.authorId()).orElse(false) && !post.deleted() && !group.archived()
        && GroupPolicy.canModerate(viewer, group);
  }

  /** The author's own edit or a moderator's with a note. */
  public static boolean canEditAny(Optional<Member> viewer, WorkingGroup group, Post post) {
    return canEdit(viewer, group, post) || canModeratorEdit(viewer, group, post);
  }

  public static boolean canDelete(Optional<Member> viewer, WorkingGroup group, Post post) {
    return !post.deleted() && (viewer.map(m -> m.id() == post.authorId()).orElse(false)
        || GroupPolicy.canModerate(viewer, group));
  }

  public static boolean canRestore(Optional<Member> viewer, WorkingGroup group, Post post) {
    return post.deleted() && GroupPolicy.canModerate(viewer, group);
  }

  /** Deleted posts show their content to moderators only. */
  public static boolean canSeeDeleted(Optional<Member> viewer, WorkingGroup group) {
    return GroupPolicy.canModerate(viewer, group);
  }

  public static boolean canReact(Optional<Member> viewer, WorkingGroup group, Post post) {
    return GroupPolicy.canPost(viewer, group) && !post.deleted() && !post.held();
  }

  /** Approve or reject a post held for approval: the group's moderators. */
  public static boolean canApprove(Optional<Member> viewer, WorkingGroup group, Post post) {
    return post.awaitingApproval() && GroupPolicy.canModerate(viewer, group);
  }
}
