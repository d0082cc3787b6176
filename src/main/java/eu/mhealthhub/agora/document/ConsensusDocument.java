package eu.mhealthhub.agora.document;

import java.time.Instant;

/**
 * A consensus document of a working group, as its list and header show it.
 *
 * @param status           where the document stands in its workflow
 * @param adoptedRevision  the revision that was adopted, once the document has been
 * @param endorsements     members endorsing any revision
 * @param pendingProposals proposals awaiting a moderator
 * @param openComments     comments without a disposition yet
 */
public record ConsensusDocument(
    long id,
    long groupId,
    String title,
    DocumentStatus status,
    int currentRevision,
    Integer adoptedRevision,
    int nextSection,
    Instant createdAt,
    Instant updatedAt,
    String lastEditorName,
    long endorsements,
    long pendingProposals,
    long openComments,
    String language) {

  public static final int MAX_TITLE = 200;
  public static final int MAX_SUMMARY = 1000;
  public static final int MAX_NOTE = 1000;

  public boolean frozen() {
    return status.frozen();
  }

  public String statusKey() {
    return status.key();
  }
}
