package eu.mhealthhub.agora.document;

import java.time.Instant;

/** The small records of a document's history: status moves, endorsements and citations. */
public final class DocumentEvents {

  private DocumentEvents() {}

  /** A move in the workflow, at the revision that was current. */
  public record StatusChange(DocumentStatus from, DocumentStatus to, int revision, String memberName, String note,
      Instant at) {
    public String toKey() {
      return to.key();
    }

    public String fromKey() {
      return from == null ? null : from.key();
    }
  }

  /** A member endorsing one revision; {@code outdated} once a later revision is current. */
  public record Endorsement(long memberId, String memberName, String handle, int revision, Instant at, boolean outdated,
      Integer declarationVersion) {}

  /**
   * A post or thread cited by a revision summary or a section comment. {@code threadTitle} is
   * null when the viewer may not read the cited thread.
   */
  public record Citation(long documentId, String documentTitle, Integer revision, Long commentId, Integer sectionKey,
      long threadId, Long postId, String threadTitle) {
    public String sectionLabel() {
      return sectionKey == null ? null : "§" + sectionKey;
    }

    public String url() {
      return postId != null ? "/posts/" + postId : "/threads/" + threadId;
    }
  }
}
