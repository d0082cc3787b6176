package eu.mhealthhub.agora.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import eu.mhealthhub.agora.search.SearchRepository.Plan;
import eu.mhealthhub.agora.search.SearchRepository.Words;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How many posts a query's words are expected in, from the posts' word statistics, and the plan that follows. */
class QueryShareTest {

  private static final Map<String, Double> COMMON = Map.of("reimburs", 0.0154, "reimbursement", 0.0154,
      "evid", 0.0137, "evidence", 0.0137, "health", 0.014, "data", 0.0144, "it's", 0.02);
  private static final double LEAST = 0.006;
  private static final WordStatistics STATS = new WordStatistics(100_000, COMMON, LEAST);

  @Test
  @DisplayName("an OR adds each distinct part once, an AND or a phrase multiplies, a NOT takes the rest")
  void operators() {
    assertThat(QueryShare.of("'reimburs' | 'reimburs' | 'reimbursement'", COMMON, LEAST)).isCloseTo(0.0308, within(1e-9));
    assertThat(QueryShare.of("'reimburs' & 'evid' | 'reimburs' & 'evid' | 'reimbursement' & 'evidence'", COMMON, LEAST))
        .isCloseTo(2 * 0.0154 * 0.0137, within(1e-9));
    assertThat(QueryShare.of("'health' <-> 'data' | 'health' <2> 'data'", COMMON, LEAST))
        .isCloseTo(2 * 0.014 * 0.0144, within(1e-9));
    assertThat(QueryShare.of("'health' & !'data'", COMMON, LEAST)).isCloseTo(0.014 * (1 - 0.0144), within(1e-9));
    assertThat(QueryShare.of("( 'health' | 'data' ) & 'evid'", COMMON, LEAST)).isCloseTo((0.014 + 0.0144) * 0.0137,
        within(1e-9));
  }

  @Test
  @DisplayName("a word not among the common ones is a quarter of the least common, a prefix at least as common, a quote inside a lexeme is read")
  void rareWordsPrefixesAndQuotes() {
    assertThat(QueryShare.of("'zzqx'", COMMON, LEAST)).isCloseTo(LEAST / 4, within(1e-12));
    assertThat(QueryShare.of("'zzq':*", COMMON, LEAST)).isCloseTo(LEAST, within(1e-12));
    assertThat(QueryShare.of("'it''s':B", COMMON, LEAST)).isCloseTo(0.02, within(1e-12));
  }

  @Test
  @DisplayName("a query that cannot be read is taken as matching every post, never as a rare one")
  void unreadable() {
    for (String odd : new String[] {"'open", "( 'health'", "'health' &", "health", "'a' ) 'b'"}) {
      assertThat(QueryShare.of(odd, COMMON, LEAST)).as(odd).isEqualTo(1.0);
    }
  }

  @Test
  @DisplayName("few expected posts are read in one pass, many by the bands alone unless a filter narrows them")
  void plans() {
    Words frequent = Words.of("'reimburs' | 'reimburs' | 'reimbursement'", STATS);
    assertThat(frequent.expected()).isCloseTo(3080, within(0.5));
    assertThat(frequent.plan(true, false)).isEqualTo(Plan.BANDS);
    assertThat(frequent.plan(true, true)).isEqualTo(Plan.PASS_THEN_BANDS);
    assertThat(frequent.plan(false, false)).as("no posts searched").isEqualTo(Plan.ONE_PASS);
    Words few = Words.of("'reimburs' & 'evid' | 'reimbursement' & 'evidence'", STATS);
    assertThat(few.plan(true, false)).isEqualTo(Plan.ONE_PASS);
    assertThat(Words.of("'zzqx'", STATS).plan(true, false)).isEqualTo(Plan.ONE_PASS);
    // between: about 600 expected, the first pass and the bands when needed
    assertThat(Words.of("'zzq':*", STATS).plan(true, false)).isEqualTo(Plan.PASS_THEN_BANDS);
    assertThat(Words.of("'reimburs'", WordStatistics.UNKNOWN).plan(true, false)).isEqualTo(Plan.PASS_THEN_BANDS);
    assertThat(Words.NONE.plan(true, false)).isEqualTo(Plan.FILTERS);
  }

  @Test
  @DisplayName("a word spelt as the posts' common lexemes, accents and case aside, is not looked up for 'did you mean'")
  void speltWords() {
    WordStatistics stats = new WordStatistics(100_000, Map.of("donnees", 0.01, "sante", 0.01), LEAST);
    assertThat(SearchService.spelt("Données", stats)).isTrue();
    assertThat(SearchService.spelt("santé", stats)).isTrue();
    assertThat(SearchService.spelt("donnes", stats)).isFalse();
    assertThat(SearchService.spelt("données", WordStatistics.UNKNOWN)).as("nothing known").isFalse();
  }

  @Test
  @DisplayName("statistics are read as pg_stats lays them out: a share per lexeme, then the least common share")
  void statistics() {
    WordStatistics s = WordStatistics.of(1000.0, new String[] {"a", "b"}, new Float[] {0.5f, 0.25f, 0.25f, 0.5f, 0f});
    assertThat(s.known()).isTrue();
    assertThat(s.common()).containsEntry("a", 0.5).containsEntry("b", 0.25).hasSize(2);
    assertThat(s.least()).isEqualTo(0.25);
    assertThat(WordStatistics.of(null, null, null).known()).isFalse();
    assertThat(WordStatistics.of(1000.0, new String[] {"a"}, new Float[] {0.5f}).known()).as("no least share").isFalse();
    assertThat(WordStatistics.of(-1.0, new String[] {}, new Float[] {0f, 0f, 0f}).known()).as("never analysed").isFalse();
  }
}
