package eu.mhealthhub.agora.rounds;

import java.time.Instant;

/**
 * A consensus round on a document: its rule, panel kind and settings, fixed once it is open.
 *
 * @param status          as stored: draft, open or closed (a round past its deadline is closed
 *                        whatever is stored, see {@link #closedAt(Instant)})
 * @param showRaters      moderators see who has rated (never what)
 * @param reasonsRequired a rating in the lower band needs a reason
 * @param hideInterim     figures stay hidden until the round closes
 * @param balanceThreshold a stakeholder type under this share (%) of panellists or responses is flagged
 */
public record Round(
    long id,
    long documentId,
    long groupId,
    String documentTitle,
    int number,
    Long previousRoundId,
    String title,
    String status,
    Scale scale,
    String panelKind,
    ConsensusRule rule,
    Instant deadline,
    boolean showRaters,
    boolean reasonsRequired,
    boolean hideInterim,
    int balanceThreshold,
    Instant createdAt,
    Instant openedAt,
    Instant closedAt) {

  public static final int MAX_TITLE = 200;
  public static final int MAX_STATEMENT = 5000;
  public static final int MAX_REASON = 2000;

  public boolean draft() {
    return "draft".equals(status);
  }

  /** Open for ratings at {@code now}: opened, not closed, and the deadline (server clock) not reached. */
  public boolean openAt(Instant now) {
    return "open".equals(status) && now.isBefore(deadline);
  }

  /** Closed at {@code now}: by a moderator, or because the deadline passed. */
  public boolean closedAt(Instant now) {
    return "closed".equals(status) || ("open".equals(status) && !now.isBefore(deadline));
  }

  /** When it closed: the moderator's close, or the deadline. */
  public Instant endedAt() {
    return closedAt != null ? closedAt : deadline;
  }

  public String url() {
    return "/rounds/" + id;
  }
}
