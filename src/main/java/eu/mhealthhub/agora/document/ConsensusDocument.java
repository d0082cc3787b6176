package eu.mhealthhub.agora.document;

import java.time.Instant;

/**
 * A consensus document of a working group, as its list and header show it.
 *
 * @param status           draft, open (for comment), consensus, adopted or archived
 * @param adoptedRevision  the revision that was adopted, once the document has been
 * @param endorsements     members endorsing any revision
 * @param pendingProposals proposals awaiting a moderator
 * @param openComments     comments without a disposition yet
 */
public record ConsensusDocument(
    long id,
    long groupId,
    String title,
    String status,
    int currentRevision,
    Integer adoptedRevision,
    int nextSection,
    Instant createdAt,
    Instant updatedAt,
    String lastEditorName,
    long endorsements,
    long pendingProposals,
    long openComments) {

  public static final int MAX_TITLE = 200;
  public static final int MAX_SUMMARY = 1000;
  public static final int MAX_NOTE = 1000;

  /** Statuses in workflow order. */
  public static final java.util.List<String> STATUSES = java.util.List.of("draft", "open", "consensus", "adopted", "archived");

  public boolean frozen() {
    return "adopted".equals(status) || "archived".equals(status);
  }

  public String statusKey() {
    return "document.status." + status;
  }
}
