package eu.mhealthhub.agora.rounds;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The rule a round is judged by, fixed before it opens. "In favour": at least {@code forShare} % of
 * the ratings lie in the upper band [{@code forFrom}, max] and the median is at least
 * {@code forMedian}. "Against": at least {@code againstShare} % lie in the lower band [1,
 * {@code againstTo}]. Recusals are not ratings: they count apart. Shares are compared exactly
 * (count x 100 against share x n), so 75% of 4 ratings is 3, and 74.9% is not enough.
 */
public record ConsensusRule(int forShare, int forFrom, double forMedian, int againstShare, int againstTo) {

  /** What a statement came to. */
  public enum Outcome {
    FOR, AGAINST, NONE;

    public String key() {
      return "rounds.outcome." + name().toLowerCase(java.util.Locale.ROOT);
    }

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean consensus() {
      return this != NONE;
    }
  }

  /**
   * What makes no sense about this rule on {@code scale}: field name to message key. Shares above
   * 50% keep "for" and "against" from both holding at once; the bands must not overlap and must
   * leave the scale's ends inside them; the median threshold must lie in the upper band.
   */
  public Map<String, String> problems(Scale scale) {
    Map<String, String> p = new LinkedHashMap<>();
    if (forShare < 51 || forShare > 100) {
      p.put("forShare", "rounds.error.share");
    }
    if (againstShare < 51 || againstShare > 100) {
      p.put("againstShare", "rounds.error.share");
    }
    if (forFrom < 2 || forFrom > scale.max()) {
      p.put("forFrom", "rounds.error.band");
    }
    if (againstTo < 1 || againstTo >= scale.max()) {
      p.put("againstTo", "rounds.error.band");
    } else if (againstTo >= forFrom) {
      p.put("againstTo", "rounds.error.overlap");
    }
    if (Double.isNaN(forMedian) || forMedian < forFrom || forMedian > scale.max()) {
      p.put("forMedian", "rounds.error.median");
    }
    return p;
  }

  /** The outcome of a statement's ratings (recusals left out) by this rule. */
  public Outcome outcome(RatingStatistics stats) {
    int n = stats.count();
    if (n == 0) {
      return Outcome.NONE;
    }
    if (stats.atLeast(forFrom) * 100L >= (long) forShare * n && stats.median() >= forMedian) {
      return Outcome.FOR;
    }
    if (stats.atMost(againstTo) * 100L >= (long) againstShare * n) {
      return Outcome.AGAINST;
    }
    return Outcome.NONE;
  }

  /** The median threshold as people write it: 7, or 6.5. */
  public String forMedianText() {
    return RatingStatistics.format(forMedian);
  }
}
