package eu.mhealthhub.agora.document;

import java.time.Instant;

/** A member's proposed change: the whole edited body, the revision it started from and why. */
public record Proposal(
    long id,
    long documentId,
    int baseRevision,
    long authorId,
    String authorName,
    String rationale,
    String rationaleHtml,
    String body,
    String status,
    String decidedByName,
    Instant decidedAt,
    String decisionReason,
    Integer acceptedRevision,
    Instant createdAt,
    String authorHandle,
    Integer declarationVersion) {

  public static final int MAX_RATIONALE = 4000;

  public boolean pending() {
    return "pending".equals(status);
  }

  public String statusKey() {
    return "document.proposal.status." + status;
  }
}
