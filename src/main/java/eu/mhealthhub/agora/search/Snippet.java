package eu.mhealthhub.agora.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A passage of a result with the words that matched marked, as parts of plain text: templates
 * print {@link #html()}, where every character is escaped and the hits are then wrapped in
 * {@code <mark>}, so nothing a person wrote can become markup. The JSON API gives both.
 *
 * <p>The passage is cut here rather than by PostgreSQL's {@code ts_headline}, which parsed and
 * stemmed every word of each shown result again (about a sixth of a single word's search), with
 * the same shape: up to two fragments of at most {@value #MAX_WORDS} words around the hits, joined
 * by " … ", or the first {@value #MIN_WORDS} words when no word of the text matched (a title did).
 * A word is a hit when, lower case and without accents, it is one of the query's lexemes (as
 * PostgreSQL prints them: stems of the reader's language and the words as typed) or a stem of at
 * least four letters followed by an ending of at most {@value #ENDING} letters: "remboursées" for
 * {@code rembours}, "Gesundheitsanwendungen" for {@code gesundheitsanwend}.
 */
public record Snippet(List<Part> parts) {

  static final int MIN_WORDS = 12;
  static final int MAX_WORDS = 30;
  static final int MAX_FRAGMENTS = 2;
  static final String DELIMITER = " … ";
  private static final int ENDING = 5;
  private static final java.util.regex.Pattern LEXEME = java.util.regex.Pattern.compile("(!?)'((?:[^']|'')*)'");

  /** A run of text, a hit or not. */
  public record Part(String text, boolean hit) {}

  /**
   * The passage of {@code text} for a query whose lexemes PostgreSQL printed as {@code query}
   * ({@code 'evalu' | 'evaluation'}; negated ones are not marked); null text gives no passage.
   */
  static Snippet of(String text, String query) {
    return of(text, lexemes(query));
  }

  /** The passage of {@code text} for the query's {@link #lexemes}; null text gives no passage. */
  static Snippet of(String text, List<String> lexemes) {
    if (text == null || text.isEmpty()) {
      return new Snippet(List.of());
    }
    // words: maximal runs of letters and digits, as [start, end) offsets
    List<int[]> words = new ArrayList<>();
    List<Integer> hits = new ArrayList<>();
    java.util.BitSet hit = new java.util.BitSet();
    // the first letters of the lexemes (ASCII): a word that starts with another ASCII letter or digit cannot
    // match, and is not folded (folding every word was most of the time spent here)
    boolean[] firsts = new boolean[128];
    for (String lexeme : lexemes) {
      if (!lexeme.isEmpty() && lexeme.charAt(0) < 128) {
        firsts[lexeme.charAt(0)] = true;
      }
    }
    int i = 0;
    int n = text.length();
    while (i < n) {
      int c = text.codePointAt(i);
      if (!Character.isLetterOrDigit(c)) {
        i += Character.charCount(c);
        continue;
      }
      int start = i;
      while (i < n && Character.isLetterOrDigit(c = text.codePointAt(i))) {
        i += Character.charCount(c);
      }
      char first = text.charAt(start);
      boolean candidate = first >= 128 || firsts[Character.toLowerCase(first)];
      if (candidate && !lexemes.isEmpty() && matches(fold(text.substring(start, i)), lexemes)) {
        hits.add(words.size());
        hit.set(words.size());
      }
      words.add(new int[] {start, i});
    }
    if (words.isEmpty()) {
      return new Snippet(List.of(new Part(text.strip(), false)));
    }
    List<Part> parts = new ArrayList<>();
    if (hits.isEmpty()) {
      int last = Math.min(words.size(), MIN_WORDS) - 1;
      parts.add(new Part(text.substring(0, words.get(last)[1]).stripLeading(), false));
      return new Snippet(List.copyOf(parts));
    }
    int fragments = 0;
    int covered = -1;
    for (int h : hits) {
      if (h <= covered || fragments == MAX_FRAGMENTS) {
        continue;
      }
      // the hit with about a third of the words before it and the rest after, within the text and after the last fragment
      int from = Math.max(covered + 1, h - MAX_WORDS / 3);
      int to = Math.min(words.size() - 1, from + MAX_WORDS - 1);
      from = Math.max(covered + 1, Math.min(from, to - MAX_WORDS + 1));
      if (fragments > 0) {
        parts.add(new Part(DELIMITER, false));
      }
      int at = words.get(from)[0];
      for (int w = from; w <= to; w++) {
        if (hit.get(w)) {
          if (words.get(w)[0] > at) {
            parts.add(new Part(text.substring(at, words.get(w)[0]), false));
          }
          parts.add(new Part(text.substring(words.get(w)[0], words.get(w)[1]), true));
          at = words.get(w)[1];
        }
      }
      if (words.get(to)[1] > at) {
        parts.add(new Part(text.substring(at, words.get(to)[1]), false));
      }
      covered = to;
      fragments++;
    }
    return new Snippet(List.copyOf(merged(parts)));
  }

  /** Neighbouring parts of the same kind as one. */
  private static List<Part> merged(List<Part> parts) {
    List<Part> out = new ArrayList<>();
    for (Part p : parts) {
      Part last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.hit() == p.hit() && !p.hit()) {
        out.set(out.size() - 1, new Part(last.text() + p.text(), false));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** The lexemes of a query as PostgreSQL prints a tsquery, negated ones left out, without repeats. */
  static List<String> lexemes(String query) {
    if (query == null || query.isEmpty()) {
      return List.of();
    }
    java.util.LinkedHashSet<String> found = new java.util.LinkedHashSet<>();
    var m = LEXEME.matcher(query);
    while (m.find()) {
      if (m.group(1).isEmpty()) {
        found.add(m.group(2).replace("''", "'"));
      }
    }
    return List.copyOf(found);
  }

  private static boolean matches(String word, List<String> lexemes) {
    for (String lexeme : lexemes) {
      if (word.equals(lexeme) || lexeme.length() >= 4 && word.length() - lexeme.length() <= ENDING
          && word.startsWith(lexeme)) {
        return true;
      }
    }
    return false;
  }

  /** Lower case without accents, as the search configurations fold words ({@code unaccent}). */
  static String fold(String word) {
    String lower = word.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      if (lower.charAt(i) > 127) {
        String decomposed = java.text.Normalizer.normalize(lower, java.text.Normalizer.Form.NFD);
        StringBuilder bare = new StringBuilder(decomposed.length());
        for (int j = 0; j < decomposed.length(); j++) {
          char c = decomposed.charAt(j);
          switch (c) {
            case 'ß' -> bare.append("ss");
            case 'œ' -> bare.append("oe");
            case 'æ' -> bare.append("ae");
            default -> {
              if (Character.getType(c) != Character.NON_SPACING_MARK) {
                bare.append(c);
              }
            }
          }
        }
        return bare.toString();
      }
    }
    return lower;
  }

  /** The passage as plain text. */
  public String text() {
    StringBuilder b = new StringBuilder();
    parts.forEach(p -> b.append(p.text()));
    return b.toString();
  }

  /** The passage as HTML: every character escaped, then the hits wrapped in {@code <mark>}. */
  public String html() {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p.hit()) {
        b.append("<mark>").append(escape(p.text())).append("</mark>");
      } else {
        b.append(escape(p.text()));
      }
    }
    return b.toString();
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
