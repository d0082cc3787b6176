package eu.mhealthhub.agora.document;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where a consensus document stands in its workflow, in workflow order. The database, forms and
 * templates carry the lower-case {@link #value()} (which {@link #toString()} also returns).
 */
public enum DocumentStatus {
  DRAFT, OPEN, CONSENSUS, ADOPTED, ARCHIVED;

  private final String value = name().toLowerCase(Locale.ROOT);

  /** The status a form or database value names, if any. */
  public static Optional<DocumentStatus> parse(String value) {
    for (DocumentStatus s : values()) {
      if (s.value.equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The status a database value names; fails on a value the schema does not allow. */
  static DocumentStatus of(String value) {
    return parse(value).orElseThrow(() -> new IllegalArgumentException("unknown document status " + value));
  }

  /** Where the workflow lets a moderator move a document from this status, in workflow order. */
  public Set<DocumentStatus> moves() {
    return switch (this) {
      case DRAFT -> EnumSet.of(OPEN);
      case OPEN -> EnumSet.of(DRAFT, CONSENSUS);
      case CONSENSUS -> EnumSet.of(OPEN, ADOPTED);
      case ADOPTED -> EnumSet.of(ARCHIVED);
      case ARCHIVED -> EnumSet.noneOf(DocumentStatus.class);
    };
  }

  public boolean canMoveTo(DocumentStatus to) {
    return moves().contains(to);
  }

  /** Adopted and archived documents are a record: no more revisions. */
  public boolean frozen() {
    return this == ADOPTED || this == ARCHIVED;
  }

  /** Members propose changes and comment on sections only while the document is open for comment. */
  public boolean openForComment() {
    return this == OPEN;
  }

  /** A revision can be endorsed once the document is out of draft, until it is archived. */
  public boolean endorsable() {
    return this == OPEN || this == CONSENSUS || this == ADOPTED;
  }

  public String value() {
    return value;
  }

  /** The message key of the status's name. */
  public String key() {
    return "document.status." + value;
  }

  @Override
  public String toString() {
    return value;
  }
}
