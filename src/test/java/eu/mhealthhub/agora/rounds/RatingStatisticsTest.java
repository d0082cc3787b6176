package eu.mhealthhub.agora.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.rounds.ConsensusRule.Outcome;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The figures and the rule of a consensus round, on distributions worked out by hand. */
class RatingStatisticsTest {

  private static RatingStatistics nine(Integer... ratings) {
    return RatingStatistics.of(Scale.NINE, List.of(ratings));
  }

  @Test
  @DisplayName("median and quartiles of an odd count: 1 3 5 7 9 has median 5, Q1 3, Q3 7, IQR 4")
  void oddCount() {
    RatingStatistics s = nine(9, 1, 7, 3, 5);
    assertEquals(5.0, s.median());
    assertEquals(3.0, s.q1());
    assertEquals(7.0, s.q3());
    assertEquals(4.0, s.iqr());
  }

  @Test
  @DisplayName("median and quartiles of an even count interpolate: 1 2 3 4 has median 2.5, Q1 1.75, Q3 3.25")
  void evenCount() {
    RatingStatistics s = nine(4, 3, 2, 1);
    assertEquals(2.5, s.median());
    assertEquals(1.75, s.q1());
    assertEquals(3.25, s.q3());
    assertEquals("1.5", RatingStatistics.format(s.iqr()));
  }

  @Test
  @DisplayName("one rating is its own median with an IQR of 0; no ratings have no median")
  void degenerate() {
    RatingStatistics one = nine(8);
    assertEquals(8.0, one.median());
    assertEquals(0.0, one.iqr());
    RatingStatistics none = nine();
    assertThat(Double.isNaN(none.median())).isTrue();
    assertEquals("–", RatingStatistics.format(none.median()));
    assertEquals(Outcome.NONE, Scale.NINE.defaultRule().outcome(none));
  }

  @Test
  @DisplayName("the distribution, bands and shares: 7 7 8 9 2 gives 4 of 5 (80%) in 7-9 and 1 (20%) in 1-3")
  void bands() {
    RatingStatistics s = nine(7, 7, 8, 9, 2);
    assertEquals(2, s.countOf(7));
    assertEquals(0, s.countOf(5));
    assertEquals(4, s.atLeast(7));
    assertEquals(1, s.atMost(3));
    assertEquals(0, s.between(4, 6));
    assertEquals("80", s.percent(s.atLeast(7)));
    assertEquals("66.7", nine(7, 8, 1).percent(2));
  }

  @Test
  @DisplayName("exactly 75% in 7-9 with median 7 is consensus in favour; just under 75% is not")
  void exactlySeventyFivePercent() {
    ConsensusRule rule = Scale.NINE.defaultRule();
    assertEquals(Outcome.FOR, rule.outcome(nine(7, 7, 8, 2)), "3 of 4 = 75%, median 7");
    assertEquals(Outcome.NONE, rule.outcome(nine(7, 7, 8, 9, 2, 2, 2, 1, 9, 9, 9, 9)),
        "8 of 12 = 66.7%");
    assertEquals(Outcome.FOR, rule.outcome(nine(7, 8, 9, 5)), "3 of 4 = 75%, median 7.5");
    assertEquals(Outcome.NONE, rule.outcome(nine(7, 8, 9, 5, 5)), "3 of 5 = 60%");
  }

  @Test
  @DisplayName("75% in 7-9 but a median under the threshold is no consensus in favour")
  void medianThreshold() {
    ConsensusRule strict = new ConsensusRule(75, 7, 8, 75, 3);
    assertEquals(Outcome.NONE, strict.outcome(nine(7, 7, 7, 9)), "median 7 < 8");
    assertEquals(Outcome.FOR, strict.outcome(nine(8, 8, 9, 2)), "median 8");
  }

  @Test
  @DisplayName("exactly 75% in 1-3 is consensus against; 74% is none")
  void against() {
    ConsensusRule rule = Scale.NINE.defaultRule();
    assertEquals(Outcome.AGAINST, rule.outcome(nine(1, 2, 3, 9)));
    assertEquals(Outcome.NONE, rule.outcome(nine(1, 2, 5, 9)));
  }

  @Test
  @DisplayName("a rule that makes no sense is refused field by field; the defaults make sense on both scales")
  void ruleProblems() {
    assertThat(Scale.NINE.defaultRule().problems(Scale.NINE)).isEmpty();
    assertThat(Scale.FIVE.defaultRule().problems(Scale.FIVE)).isEmpty();
    assertThat(new ConsensusRule(50, 7, 7, 75, 3).problems(Scale.NINE)).containsKey("forShare");
    assertThat(new ConsensusRule(75, 7, 7, 75, 7).problems(Scale.NINE)).containsEntry("againstTo", "rounds.error.overlap");
    assertThat(new ConsensusRule(75, 7, 5, 75, 3).problems(Scale.NINE)).containsKey("forMedian");
    assertThat(new ConsensusRule(75, 7, 7, 75, 3).problems(Scale.FIVE)).containsKeys("forFrom", "forMedian");
  }
}
