package eu.mhealthhub.agora.moderation;

/**
 * A statement of reasons (DSA Art. 17) to record: what was decided ({@code action}: approve, hide,
 * delete, restore, warn, none, uphold, reverse) about which item, on what ground (the flag reasons,
 * a notice's legal ground, or {@link #GUIDELINES}), the facts relied on, the reason given, whether
 * it was automated, and the member affected (told, and who may appeal once; null for nobody).
 * {@code title} and {@code link} say where the item is (a thread title and the post's link).
 */
public record Decision(String itemType, long itemId, Long groupId, Long affectedId, Long decidedBy, String action,
    String ground, String facts, String reason, boolean automated, String title, String link) {

  /** The ground when no flag or notice names one. */
  public static final String GUIDELINES = "community guidelines";
}
