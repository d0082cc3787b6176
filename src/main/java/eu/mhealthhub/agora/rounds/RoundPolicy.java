package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may do what with a consensus round. Everything starts from reading the group (a closed
 * group's rounds exist for its members only). Moderators of the group make, open and close rounds
 * and see who has rated, never what; panellists rate while the round is open; results are for every
 * reader of the group once the round has closed, and for nobody before.
 */
public final class RoundPolicy {

  private RoundPolicy() {}

  public static boolean canManage(Optional<Member> viewer, WorkingGroup group) {
    return GroupPolicy.canModerate(viewer, group) && !group.archived();
  }

  /** A draft exists for the group's moderators only. */
  public static boolean canSee(Optional<Member> viewer, WorkingGroup group, Round round) {
    return GroupPolicy.canRead(viewer, group) && (!round.draft() || GroupPolicy.canModerate(viewer, group));
  }

  public static boolean canRate(boolean panellist, Round round, Instant now) {
    return panellist && round.openAt(now);
  }

  /** Who has rated, never what: moderators, when the round shows raters. */
  public static boolean canSeeRaters(Optional<Member> viewer, WorkingGroup group, Round round) {
    return GroupPolicy.canModerate(viewer, group) && round.showRaters();
  }

  /** Figures: at close for every reader; while open only if the round does not hide them, to its panel and moderators. */
  public static boolean canSeeFigures(Optional<Member> viewer, WorkingGroup group, Round round, boolean panellist,
      Instant now) {
    if (round.closedAt(now)) {
      return GroupPolicy.canRead(viewer, group);
    }
    return round.openAt(now) && !round.hideInterim() && (panellist || GroupPolicy.canModerate(viewer, group));
  }
}
