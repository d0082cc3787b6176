package eu.mhealthhub.agora.declaration;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One version of a member's declaration of interests, as stored: never changed after it is made,
 * except that confirming it unchanged moves {@code confirmedAt}.
 */
public record Declaration(long id, long memberId, int version, boolean nothingToDeclare, Instant createdAt,
    Instant confirmedAt, List<Entry> entries) {

  /** One declared interest; {@code end} null while open-ended, {@code band} null when not given. */
  public record Entry(String kind, String organisation, String description, LocalDate start, LocalDate end,
      boolean current, String band) {

    /** The message key of the kind's name. */
    public String kindLabel() {
      return "declaration.kind." + kind;
    }

    public String bandLabel() {
      return band == null ? null : "declaration.band." + band;
    }

    public String startMonth() {
      return start.toString().substring(0, 7);
    }

    public String endMonth() {
      return end == null ? null : end.toString().substring(0, 7);
    }
  }

  /**
   * A contributor to something (a document) with the declaration in force when they contributed:
   * {@code version} null when they had none then.
   */
  public record Contributor(String name, String handle, Integer version, boolean nothingToDeclare, List<Entry> entries) {}

  /** Whether it was confirmed within a year of {@code now}: a group that requires a declaration accepts it. */
  public boolean currentAt(Instant now) {
    return confirmedAt.isAfter(now.minus(java.time.Duration.ofDays(365)));
  }
}
