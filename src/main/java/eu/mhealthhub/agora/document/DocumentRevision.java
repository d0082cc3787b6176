package eu.mhealthhub.agora.document;

import java.time.Instant;
import java.util.List;

/**
 * One immutable revision: who wrote it (the proposer, for an accepted proposal), who committed it,
 * why, and its sections. {@code sections} is empty where a list shows revisions without bodies.
 */
public record DocumentRevision(
    long documentId,
    int number,
    long authorId,
    String authorName,
    String committerName,
    String summary,
    String summaryHtml,
    String body,
    Long proposalId,
    Instant createdAt,
    List<Section> sections) {

  /** One section of a revision under its stable key. */
  public record Section(int key, boolean heading, String source, String html) {
    public String label() {
      return "§" + key;
    }
  }

  public boolean creditedToOther() {
    return !authorName.equals(committerName);
  }
}
