package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import java.util.Map;
import java.util.Optional;

/**
 * Who may do what with a consensus document. Reading follows the group (a closed group's documents
 * exist for its members only); moderators curate; members take part while the document is open for
 * comment; adopted and archived documents are a record and change no more.
 */
public final class DocumentPolicy {

  private DocumentPolicy() {}

  public static boolean canRead(Optional<Member> viewer, WorkingGroup group) {
    return GroupPolicy.canRead(viewer, group);
  }

  /** Start a document in the group. */
  public static boolean canCreate(Optional<Member> viewer, WorkingGroup group) {
    return GroupPolicy.canModerate(viewer, group) && !group.archived();
  }

  /** Write a new revision directly. */
  public static boolean canEdit(Optional<Member> viewer, WorkingGroup group, ConsensusDocument document) {
    return GroupPolicy.canModerate(viewer, group) && !group.archived() && !document.frozen();
  }

  /** Propose a change, comment on a section: members while the document is open for comment. */
  public static boolean canParticipate(Optional<Member> viewer, WorkingGroup group, ConsensusDocument document) {
    return GroupPolicy.canPost(viewer, group) && document.status().openForComment();
  }

  /** Accept or decline proposals, resolve comments. */
  public static boolean canCurate(Optional<Member> viewer, WorkingGroup group, ConsensusDocument document) {
    return GroupPolicy.canModerate(viewer, group) && !group.archived() && document.status() != DocumentStatus.ARCHIVED;
  }

  public static boolean canMove(Optional<Member> viewer, WorkingGroup group, ConsensusDocument document, DocumentStatus to) {
    return GroupPolicy.canModerate(viewer, group) && !group.archived()
        && document.status().canMoveTo(to);
  }

  /** Endorse the current revision once it is out of draft, until it is archived. */
  public static boolean canEndorse(Optional<Member> viewer, WorkingGroup group, ConsensusDocument document) {
    return GroupPolicy.canPost(viewer, group)
        && document.status().endorsable();
  }
}
