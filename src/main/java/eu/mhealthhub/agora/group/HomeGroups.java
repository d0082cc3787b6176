package eu.mhealthhub.agora.group;

import java.time.Instant;
import java.util.List;

/**
 * The groups the home page lists, bounded whatever the Hub's size: the viewer's own groups, then the
 * most recently active of the others the viewer may read, each with its counters (V045).
 *
 * @param mine        the viewer's own active groups, in the Hub's order (empty for visitors)
 * @param moreMine    the viewer belongs to more groups than {@code mine} shows
 * @param others      the other groups the viewer may read, the most recently active first
 * @param moreOthers  there are more such groups than {@code others} shows (all are on /groups)
 */
public record HomeGroups(List<Listed> mine, boolean moreMine, List<Listed> others, boolean moreOthers) {

  /**
   * A group as a list shows it: the group as the viewer sees it (role, member and thread counts), its
   * shown posts and its latest activity (null: none yet).
   */
  public record Listed(WorkingGroup group, long postCount, Instant lastActiveAt) {}
}
