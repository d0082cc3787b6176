package eu.mhealthhub.agora.document;

import java.time.Instant;

/**
 * A member's comment on one section, made while a given revision was current, and the moderator's
 * disposition once resolved (accepted, partial, declined, with a reason). {@code held}: hidden pending
 * review because several members flagged it; its {@code html} is then empty.
 */
public record SectionComment(
    long id,
    long documentId,
    int sectionKey,
    int revision,
    long authorId,
    String authorName,
    String body,
    String html,
    String disposition,
    String dispositionReason,
    String resolvedByName,
    Instant resolvedAt,
    Instant createdAt,
    boolean held,
    String authorHandle,
    /** The version of the author's declaration of interests in force when it was written; null if none. */
    Integer declarationVersion) {

  public static final int MAX_BODY = 10_000;
  public static final java.util.List<String> DISPOSITIONS = java.util.List.of("accepted", "partial", "declined");

  public boolean resolved() {
    return disposition != null;
  }

  public String dispositionKey() {
    return disposition == null ? "document.disposition.open" : "document.disposition." + disposition;
  }

  public String sectionLabel() {
    return "§" + sectionKey;
  }
}
