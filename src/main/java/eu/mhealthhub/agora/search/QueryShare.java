package eu.mhealthhub.agora.search;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The share of posts a full-text query is expected to match, from the planner's statistics of the posts'
 * vectors: the share of posts each of the most common lexemes is in, and the share of the least common of
 * them. It only chooses how a search reads the posts ({@link SearchRepository.Words#plan}); every choice gives
 * the same results, so an estimate that is wrong costs time, never a wrong answer.
 *
 * <p>The query is PostgreSQL's text form of a tsquery ({@code 'reimburs' & 'evid' | 'health' <-> 'data'}).
 * Words are taken as independent: an AND or a phrase multiplies its parts' shares, an OR adds them up to one,
 * a NOT takes the rest. A lexeme that is not among the most common is taken as a quarter of the least common
 * (most of the rarer ones are far rarer); a prefix ({@code :*}) as common as the least common at least.
 */
final class QueryShare {

  private final String text;
  private final Map<String, Double> common;
  private final double least;
  private int at;

  private QueryShare(String text, Map<String, Double> common, double least) {
    this.text = text;
    this.common = common;
    this.least = least;
  }

  /**
   * The expected share (0 to 1) of posts matching {@code query}, given the common lexemes' shares and the least
   * common share; 1 when the query cannot be read (the safe side: no single pass).
   */
  static double of(String query, Map<String, Double> common, double least) {
    QueryShare parser = new QueryShare(query == null ? "" : query, common, least);
    try {
      double share = parser.or();
      parser.space();
      return parser.at == parser.text.length() ? Math.max(0, Math.min(1, share)) : 1;
    } catch (IllegalStateException e) {
      return 1;
    }
  }

  /** An OR adds its parts' shares, each distinct part once (the query ORs each word's stems in three configurations, often alike). */
  private double or() {
    Set<String> seen = new HashSet<>();
    double share = 0;
    do {
      if (peek('|')) {
        at++;
      }
      space();
      int start = at;
      double part = and();
      if (seen.add(text.substring(start, at).strip())) {
        share += part;
      }
    } while (peek('|'));
    return Math.min(1, share);
  }

  private double and() {
    double share = phrase();
    while (peek('&')) {
      at++;
      share *= phrase();
    }
    return share;
  }

  private double phrase() {
    double share = not();
    while (peek('<')) {
      int close = text.indexOf('>', at);
      if (close < 0) {
        throw new IllegalStateException("phrase operator");
      }
      at = close + 1;
      share *= not();
    }
    return share;
  }

  private double not() {
    if (peek('!')) {
      at++;
      return 1 - not();
    }
    if (peek('(')) {
      at++;
      double share = or();
      if (!peek(')')) {
        throw new IllegalStateException("parenthesis");
      }
      at++;
      return share;
    }
    return lexeme();
  }

  /** {@code 'lexeme'} with {@code ''} for a quote inside, then an optional {@code :*} and weights. */
  private double lexeme() {
    if (!peek('\'')) {
      throw new IllegalStateException("lexeme");
    }
    StringBuilder lexeme = new StringBuilder();
    at++;
    while (true) {
      if (at >= text.length()) {
        throw new IllegalStateException("quote");
      }
      char c = text.charAt(at++);
      if (c == '\'') {
        if (at < text.length() && text.charAt(at) == '\'') {
          lexeme.append('\'');
          at++;
        } else {
          break;
        }
      } else {
        lexeme.append(c);
      }
    }
    boolean prefix = false;
    if (at < text.length() && text.charAt(at) == ':') {
      at++;
      while (at < text.length() && "*ABCDabcd".indexOf(text.charAt(at)) >= 0) {
        prefix |= text.charAt(at) == '*';
        at++;
      }
    }
    Double share = common.get(lexeme.toString());
    if (share != null) {
      return share;
    }
    return prefix ? least : least / 4;
  }

  private boolean peek(char c) {
    space();
    return at < text.length() && text.charAt(at) == c;
  }

  private void space() {
    while (at < text.length() && text.charAt(at) == ' ') {
      at++;
    }
  }
}
