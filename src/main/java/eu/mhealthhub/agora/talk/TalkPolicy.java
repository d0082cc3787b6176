package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what with Talks and their rooms. Talks are public: everyone reads them and their
 * room. Members take part while the room is open. A Talk's moderators are site admins and the
 * moderators of any working group the Talk concerns; they alone see pending and hidden questions
 * and who asked anonymous ones. The presenter view shows what every reader sees, and never an
 * anonymous author, whoever looks at it.
 */
public final class TalkPolicy {

  private TalkPolicy() {}

  private static boolean admin(Optional<Member> viewer) {
    return viewer.map(Member::admin).orElse(false);
  }

  /**
   * Create Talks: admins, and moderators of at least one group (for the groups they moderate).
   *
   * @param groups the groups the viewer may read, with the viewer's role
   */
  public static boolean canCreate(Optional<Member> viewer, List<WorkingGroup> groups) {
    return admin(viewer) || viewer.isPresent() && groups.stream().anyMatch(WorkingGroup::viewerIsModerator);
  }

  /**
   * Moderate a Talk's room and edit the Talk.
   *
   * @param talkGroups the Talk's groups that the viewer may read, with the viewer's role
   */
  public static boolean canModerate(Optional<Member> viewer, List<WorkingGroup> talkGroups) {
    return admin(viewer) || viewer.isPresent() && talkGroups.stream().anyMatch(g -> GroupPolicy.canModerate(viewer, g));
  }

  /** Send messages and questions, vote: members, while the room is open. */
  public static boolean canTakePart(Optional<Member> viewer, Talk talk) {
    return viewer.isPresent() && talk.roomOpen();
  }

  /**
   * A question in the room's list: moderators see all but merged ones; others the visible ones, their
   * own pending ones, and a notice in place of one held for review after flags.
   */
  public static boolean canSee(Optional<Member> viewer, boolean moderator, Question q) {
    if (q.merged()) {
      return false;
    }
    if (moderator || q.visible() || q.held()) {
      return true;
    }
    return q.pending() && viewer.map(m -> m.id() == q.authorId()).orElse(false);
  }

  /** Whether the author's name is shown to this viewer. */
  public static boolean canSeeAuthor(Optional<Member> viewer, boolean moderator, Question q) {
    return !q.anonymous() || moderator || viewer.map(m -> m.id() == q.authorId()).orElse(false);
  }

  /** Whether the text of a question is shown: a held one's stays with its author and the moderators, others read a notice. */
  public static boolean canReadText(Optional<Member> viewer, boolean moderator, Question q) {
    return !q.held() || moderator || viewer.map(m -> m.id() == q.authorId()).orElse(false);
  }

  /** Vote on a question: members, on visible questions of an open room. */
  public static boolean canVote(Optional<Member> viewer, Talk talk, Question q) {
    return canTakePart(viewer, talk) && q.visible();
  }

  /** Flag an item in the room: members, not their own item, while it is shown. */
  public static boolean canFlag(Optional<Member> viewer, long authorId) {
    return viewer.map(m -> m.id() != authorId).orElse(false);
  }

  /** The presenter view: visible questions only, whoever looks. */
  public static boolean onPresenterView(Question q) {
    return q.visible();
  }
}
