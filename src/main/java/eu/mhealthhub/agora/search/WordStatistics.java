package eu.mhealthhub.agora.search;

import java.util.HashMap;
import java.util.Map;

/**
 * The planner's statistics of the posts' words, as ANALYZE left them: how many posts there are, the share of
 * posts each of the most common lexemes is in, and the share of the least common of them (every other lexeme is
 * rarer). They only choose how a search reads the posts ({@link SearchRepository.Words#plan}), never what it
 * finds, so a node keeps them for a while ({@link SearchService}): stale or missing statistics cost time, not
 * correctness.
 */
record WordStatistics(double posts, Map<String, Double> common, double least) {

  /** Before the posts were first analysed: nothing is known, every search reads as when nothing is known. */
  static final WordStatistics UNKNOWN = new WordStatistics(-1, Map.of(), 0);

  /**
   * From {@code pg_stats}: {@code shares} holds one share per lexeme, then the least and the greatest of them
   * and the share of posts without any (PostgreSQL's layout of {@code most_common_elem_freqs}).
   */
  static WordStatistics of(Double posts, String[] lexemes, Float[] shares) {
    if (posts == null || posts <= 0 || lexemes == null || shares == null || shares.length < lexemes.length + 1) {
      return UNKNOWN;
    }
    Map<String, Double> common = new HashMap<>();
    for (int i = 0; i < lexemes.length; i++) {
      if (lexemes[i] != null && shares[i] != null) {
        common.put(lexemes[i], shares[i].doubleValue());
      }
    }
    Float least = shares[lexemes.length];
    return least == null ? UNKNOWN : new WordStatistics(posts, Map.copyOf(common), least);
  }

  boolean known() {
    return posts > 0;
  }
}
