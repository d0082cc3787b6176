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
record WordStatistics(double posts, Map<String, Double> common, double least, Map<Long, Double> groups) {

  /** Before the posts were first analysed: nothing is known, every search reads as when nothing is known. */
  static final WordStatistics UNKNOWN = new WordStatistics(-1, Map.of(), 0);

  /** Without the groups' shares. */
  WordStatistics(double posts, Map<String, Double> common, double least) {
    this(posts, common, least, Map.of());
  }

  /**
   * With the share of posts each group has, from the statistics of the posts' tag index ({@code group <id>} among
   * its most common elements, V032); a group not among them is left out (its share is not known).
   */
  WordStatistics withGroups(String[] ids, Float[] shares) {
    if (ids == null || shares == null) {
      return this;
    }
    Map<Long, Double> byGroup = new HashMap<>();
    for (int i = 0; i < Math.min(ids.length, shares.length); i++) {
      if (ids[i] != null && shares[i] != null && ids[i].matches("[0-9]{1,18}")) {
        byGroup.put(Long.parseLong(ids[i]), shares[i].doubleValue());
      }
    }
    return new WordStatistics(posts, common, least, Map.copyOf(byGroup));
  }

  /** The share of the posts in group {@code id}, negative when it is not known. */
  double groupShare(long id) {
    return groups.getOrDefault(id, -1.0);
  }

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
