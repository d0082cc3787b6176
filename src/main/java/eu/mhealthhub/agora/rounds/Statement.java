package eu.mhealthhub.agora.rounds;

/**
 * A statement of a round, its text frozen: a section's Markdown at {@code revision}, or text
 * written for the round ({@code sectionKey} null). In a next round {@code previousId} is the
 * statement it continues and {@code reworded} whether its text changed.
 */
public record Statement(long id, long roundId, int position, Integer sectionKey, Integer revision, String body,
    Long previousId, boolean reworded) {

  public boolean fromSection() {
    return sectionKey != null;
  }

  public String sectionLabel() {
    return sectionKey == null ? null : "§" + sectionKey;
  }
}
