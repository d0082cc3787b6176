package eu.mhealthhub.agora.text;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Word-level difference of two texts, for showing what changed between two versions of a post or
 * document.
 *
 * <p>Both texts are cut into tokens: words (letters, digits and combining marks), runs of
 * horizontal whitespace, single line breaks, and single other characters (punctuation, symbols).
 * The token sequences are compared with Myers' O(ND) algorithm in its linear-space form, after
 * trimming the common prefix and suffix. A whitespace-only unchanged piece squeezed between two
 * changes is folded into them ("the cat" → "a dog" reads as one replacement, not two), and within
 * each run of changes the deleted text comes before the inserted text.
 *
 * <p>The result always reproduces both texts exactly: the {@link Kind#SAME} and
 * {@link Kind#DELETED} chunks concatenated give {@code before}, the {@link Kind#SAME} and
 * {@link Kind#INSERTED} chunks give {@code after}. Adjacent chunks never have the same kind.
 *
 * <p>Cost is bounded. Where two stretches of text differ in more than a few hundred tokens, the
 * search settles for a good rather than a minimal split (as GNU diff does), which keeps the cost
 * close to linear: two unrelated 20,000-word texts take a fraction of a second. Past a hard work
 * budget, whatever is left unsolved comes out as deleted and inserted whole. Either way the result
 * still reproduces both texts exactly, only less finely.
 *
 * <p>All methods are thread-safe.
 */
public final class WordDiff {

  /** What happened to a piece of text. */
  public enum Kind { SAME, INSERTED, DELETED }

  /** A piece of text and what happened to it. */
  public record Chunk(Kind kind, String text) {
    public Chunk {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
    }
  }

  /** The two halves of a side-by-side view: each an HTML fragment. */
  public record SideBySide(String beforeHtml, String afterHtml) {
  }

  /**
   * Work budget of one diff, counted in visited diagonal cells; about a fraction of a second. Past
   * it, the remaining unsolved parts come out as deleted + inserted.
   */
  private static final long WORK_BUDGET = 100_000_000L;

  /**
   * How many edit steps the search for a middle snake may take before it settles for the furthest
   * point reached: two ranges differing in up to about twice this many tokens get a minimal diff.
   */
  private static final int D_LIMIT = 256;

  private WordDiff() {
  }

  /**
   * The word-level difference from {@code before} to {@code after}.
   *
   * @param before the old text; {@code null} is treated as empty
   * @param after the new text; {@code null} is treated as empty
   * @return the chunks, in text order, adjacent ones of different kinds, none empty
   */
  public static List<Chunk> diff(String before, String after) {
    List<String> a = tokenize(before == null ? "" : before);
    List<String> b = tokenize(after == null ? "" : after);

    Map<String, Integer> ids = new HashMap<>();
    int[] x = intern(a, ids);
    int[] y = intern(b, ids);

    List<Op> ops = new ArrayList<>();
    new Myers(x, y).diff(ops);

    List<Chunk> raw = new ArrayList<>();
    for (Op op : ops) {
      List<String> source = op.kind == Kind.INSERTED ? b : a;
      StringBuilder text = new StringBuilder();
      for (int i = op.start; i < op.end; i++) {
        text.append(source.get(i));
      }
      raw.add(new Chunk(op.kind, text.toString()));
    }
    return normalize(foldWhitespace(normalize(raw)));
  }

  /**
   * The chunks as one HTML fragment: unchanged text as is, deletions in {@code <del>}, insertions
   * in {@code <ins>}, each starting with a visually hidden label for screen readers, line breaks as
   * {@code <br>}. All text, labels included, is HTML-escaped.
   *
   * @param chunks the diff
   * @param deletedLabel the hidden label of deletions, e.g. {@code "deleted: "}; empty or
   *     {@code null} for none
   * @param insertedLabel the hidden label of insertions, e.g. {@code "inserted: "}; empty or
   *     {@code null} for none
   * @return the HTML fragment
   */
  public static String inlineHtml(List<Chunk> chunks, String deletedLabel, String insertedLabel) {
    StringBuilder html = new StringBuilder();
    for (Chunk chunk : chunks) {
      appendChunk(html, chunk, deletedLabel, insertedLabel);
    }
    return html.toString();
  }

  /**
   * The chunks as two HTML fragments: the old text with its deletions marked ({@code SAME} and
   * {@code DELETED} chunks) and the new text with its insertions marked ({@code SAME} and
   * {@code INSERTED} chunks). Markup and escaping as in {@link #inlineHtml}.
   *
   * @param chunks the diff
   * @param deletedLabel the hidden label of deletions; empty or {@code null} for none
   * @param insertedLabel the hidden label of insertions; empty or {@code null} for none
   * @return both fragments
   */
  public static SideBySide sideBySideHtml(List<Chunk> chunks, String deletedLabel,
      String insertedLabel) {
    StringBuilder before = new StringBuilder();
    StringBuilder after = new StringBuilder();
    for (Chunk chunk : chunks) {
      if (chunk.kind() != Kind.INSERTED) {
        appendChunk(before, chunk, deletedLabel, insertedLabel);
      }
      if (chunk.kind() != Kind.DELETED) {
        appendChunk(after, chunk, deletedLabel, insertedLabel);
      }
    }
    return new SideBySide(before.toString(), after.toString());
  }

  // ---------------------------------------------------------------------------------------------
  // tokens

  /**
   * Words, horizontal whitespace runs, single line breaks ({@code \r\n}, {@code \n} or
   * {@code \r}) and single other code points. Concatenated, the tokens give the text back.
   */
  static List<String> tokenize(String text) {
    List<String> tokens = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      int start = i;
      int cp = text.codePointAt(i);
      if (cp == '\r') {
        i += (i + 1 < n && text.charAt(i + 1) == '\n') ? 2 : 1;
      } else if (cp == '\n') {
        i++;
      } else if (isWordChar(cp)) {
        while (i < n && isWordChar(cp = text.codePointAt(i))) {
          i += Character.charCount(cp);
        }
      } else if (isSpace(cp)) {
        while (i < n && isSpace(cp = text.codePointAt(i))) {
          i += Character.charCount(cp);
        }
      } else {
        i += Character.charCount(cp);
      }
      tokens.add(text.substring(start, i));
    }
    return tokens;
  }

  private static boolean isWordChar(int cp) {
    return Character.isLetterOrDigit(cp) || cp == '_'
        || Character.getType(cp) == Character.NON_SPACING_MARK
        || Character.getType(cp) == Character.COMBINING_SPACING_MARK;
  }

  private static boolean isSpace(int cp) {
    return cp != '\n' && cp != '\r' && (Character.isWhitespace(cp) || Character.isSpaceChar(cp));
  }

  private static int[] intern(List<String> tokens, Map<String, Integer> ids) {
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ids.computeIfAbsent(tokens.get(i), t -> ids.size());
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Myers' algorithm, linear-space variant (middle snake, divide and conquer)

  /** A run of tokens: {@code [start, end)} of {@code before} (SAME, DELETED) or {@code after}. */
  private record Op(Kind kind, int start, int end) {
  }

  private static final class Myers {
    private final int[] a;
    private final int[] b;
    /** Work done so far, in visited diagonals plus snake steps. */
    private long work;

    Myers(int[] a, int[] b) {
      this.a = a;
      this.b = b;
    }

    /** A range still to compare: {@code a[aStart, aEnd)} against {@code b[bStart, bEnd)}. */
    private record Range(int aStart, int aEnd, int bStart, int bEnd) {
    }

    /**
     * Appends the edit script of all of {@code a} → {@code b}. Divide and conquer, with an explicit
     * stack (in text order) instead of recursion, so that long texts cannot overflow the stack.
     */
    void diff(List<Op> out) {
      Deque<Object> stack = new ArrayDeque<>();
      stack.push(new Range(0, a.length, 0, b.length));
      while (!stack.isEmpty()) {
        Object task = stack.pop();
        if (task instanceof Op op) {
          out.add(op);
          continue;
        }
        Range r = (Range) task;
        int aStart = r.aStart();
        int aEnd = r.aEnd();
        int bStart = r.bStart();
        int bEnd = r.bEnd();
        // common prefix: emitted now, it comes first
        int prefix = 0;
        while (aStart + prefix < aEnd && bStart + prefix < bEnd
            && a[aStart + prefix] == b[bStart + prefix]) {
          prefix++;
        }
        if (prefix > 0) {
          out.add(new Op(Kind.SAME, aStart, aStart + prefix));
          aStart += prefix;
          bStart += prefix;
        }
        // common suffix: emitted after everything in between
        int suffix = 0;
        while (aEnd - suffix > aStart && bEnd - suffix > bStart
            && a[aEnd - suffix - 1] == b[bEnd - suffix - 1]) {
          suffix++;
        }
        aEnd -= suffix;
        bEnd -= suffix;
        if (suffix > 0) {
          stack.push(new Op(Kind.SAME, aEnd, aEnd + suffix));
        }

        if (aStart == aEnd) {
          if (bStart < bEnd) {
            out.add(new Op(Kind.INSERTED, bStart, bEnd));
          }
        } else if (bStart == bEnd) {
          out.add(new Op(Kind.DELETED, aStart, aEnd));
        } else {
          int[] split = middleSnake(aStart, aEnd, bStart, bEnd);
          if (split == null) {
            out.add(new Op(Kind.DELETED, aStart, aEnd));
            out.add(new Op(Kind.INSERTED, bStart, bEnd));
          } else {
            stack.push(new Range(split[0], aEnd, split[1], bEnd));
            stack.push(new Range(aStart, split[0], bStart, split[1]));
          }
        }
      }
    }

    /**
     * A point {@code {x, y}} (absolute indices) strictly inside the edit graph of the two ranges,
     * at which to split them. Normally the middle of an optimal path (Myers' middle snake). When
     * the ranges differ by more than about {@code 2 * D_LIMIT} tokens, the point on the forward or
     * reverse path that got furthest after {@code D_LIMIT} steps: the result is then no longer
     * minimal, but the cost stays near linear. {@code null} when the ranges have nothing in
     * common or the work budget is spent. Both ranges are non-empty and differ in their first and
     * in their last tokens.
     */
    private int[] middleSnake(int aStart, int aEnd, int bStart, int bEnd) {
      int n = aEnd - aStart;
      int m = bEnd - bStart;
      int maxD = (n + m + 1) / 2;
      // d stays below both maxD and D_LIMIT, so diagonals stay within ±dCap
      int dCap = Math.min(maxD, D_LIMIT);
      int offset = dCap + 1;
      int length = 2 * dCap + 3;
      int[] v1 = new int[length];
      int[] v2 = new int[length];
      Arrays.fill(v1, -1);
      Arrays.fill(v2, -1);
      v1[offset + 1] = 0;
      v2[offset + 1] = 0;
      int delta = n - m;
      boolean front = (delta & 1) != 0; // odd delta: the forward path meets the reverse one
      int k1start = 0;
      int k1end = 0;
      int k2start = 0;
      int k2end = 0;
      // furthest points reached so far, forward and reverse (reverse ones counted from the end)
      int bestForward = -1;
      int fx = 0;
      int fy = 0;
      int bestReverse = -1;
      int rx = 0;
      int ry = 0;
      for (int d = 0; d < maxD; d++) {
        if (work > WORK_BUDGET) {
          return null;
        }
        if (d == D_LIMIT) {
          int x;
          int y;
          if (bestForward >= bestReverse) {
            x = fx;
            y = fy;
          } else {
            x = n - rx;
            y = m - ry;
          }
          if (x + y <= 0 || x + y >= n + m) {
            return null;
          }
          return new int[] {aStart + x, bStart + y};
        }
        // forward path
        for (int k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
          int k1Offset = offset + k1;
          int x1;
          if (k1 == -d || (k1 != d && v1[k1Offset - 1] < v1[k1Offset + 1])) {
            x1 = v1[k1Offset + 1];
          } else {
            x1 = v1[k1Offset - 1] + 1;
          }
          int y1 = x1 - k1;
          int snakeStart = x1;
          while (x1 < n && y1 < m && a[aStart + x1] == b[bStart + y1]) {
            x1++;
            y1++;
          }
          work += 1 + x1 - snakeStart;
          v1[k1Offset] = x1;
          if (x1 > n) {
            k1end += 2; // ran off the right of the graph
          } else if (y1 > m) {
            k1start += 2; // ran off the bottom
          } else {
            if (x1 + y1 > bestForward) {
              bestForward = x1 + y1;
              fx = x1;
              fy = y1;
            }
            if (front) {
              int k2Offset = offset + delta - k1;
              if (k2Offset >= 0 && k2Offset < length && v2[k2Offset] != -1) {
                int x2 = n - v2[k2Offset]; // the reverse path's x, seen from the start
                if (x1 >= x2) {
                  return new int[] {aStart + x1, bStart + y1};
                }
              }
            }
          }
        }
        // reverse path
        for (int k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
          int k2Offset = offset + k2;
          int x2;
          if (k2 == -d || (k2 != d && v2[k2Offset - 1] < v2[k2Offset + 1])) {
            x2 = v2[k2Offset + 1];
          } else {
            x2 = v2[k2Offset - 1] + 1;
          }
          int y2 = x2 - k2;
          int snakeStart = x2;
          while (x2 < n && y2 < m && a[aEnd - x2 - 1] == b[bEnd - y2 - 1]) {
            x2++;
            y2++;
          }
          work += 1 + x2 - snakeStart;
          v2[k2Offset] = x2;
          if (x2 > n) {
            k2end += 2;
          } else if (y2 > m) {
            k2start += 2;
          } else {
            if (x2 + y2 > bestReverse) {
              bestReverse = x2 + y2;
              rx = x2;
              ry = y2;
            }
            if (!front) {
              int k1Offset = offset + delta - k2;
              if (k1Offset >= 0 && k1Offset < length && v1[k1Offset] != -1) {
                int x1 = v1[k1Offset];
                int y1 = x1 - (k1Offset - offset);
                if (x1 >= n - x2) {
                  return new int[] {aStart + x1, bStart + y1};
                }
              }
            }
          }
        }
      }
      return null; // nothing in common
    }
  }

  // ---------------------------------------------------------------------------------------------
  // clean-up

  /** Drops empty chunks, merges neighbours of the same kind, puts DELETED before INSERTED. */
  private static List<Chunk> normalize(List<Chunk> chunks) {
    List<Chunk> out = new ArrayList<>();
    StringBuilder deleted = new StringBuilder();
    StringBuilder inserted = new StringBuilder();
    StringBuilder same = new StringBuilder();
    for (Chunk chunk : chunks) {
      if (chunk.text().isEmpty()) {
        continue;
      }
      if (chunk.kind() == Kind.SAME) {
        flushChanges(out, deleted, inserted);
        same.append(chunk.text());
      } else {
        if (same.length() > 0) {
          out.add(new Chunk(Kind.SAME, same.toString()));
          same.setLength(0);
        }
        (chunk.kind() == Kind.DELETED ? deleted : inserted).append(chunk.text());
      }
    }
    flushChanges(out, deleted, inserted);
    if (same.length() > 0) {
      out.add(new Chunk(Kind.SAME, same.toString()));
    }
    return out;
  }

  private static void flushChanges(List<Chunk> out, StringBuilder deleted,
      StringBuilder inserted) {
    if (deleted.length() > 0) {
      out.add(new Chunk(Kind.DELETED, deleted.toString()));
      deleted.setLength(0);
    }
    if (inserted.length() > 0) {
      out.add(new Chunk(Kind.INSERTED, inserted.toString()));
      inserted.setLength(0);
    }
  }

  /**
   * Turns an unchanged piece of horizontal whitespace between two changes into a deletion plus an
   * insertion of itself, so that the changes around it read as one (needs a later
   * {@link #normalize}). Only when both neighbouring changes replace text (delete and insert):
   * a pure insertion keeps its surrounding spaces as unchanged.
   */
  private static List<Chunk> foldWhitespace(List<Chunk> chunks) {
    List<Chunk> out = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      Chunk chunk = chunks.get(i);
      if (chunk.kind() == Kind.SAME && chunk.text().isBlank() && !chunk.text().contains("\n")
          && !chunk.text().contains("\r")
          && isReplacementEnd(chunks, i - 1, -1) && isReplacementEnd(chunks, i + 1, 1)) {
        out.add(new Chunk(Kind.DELETED, chunk.text()));
        out.add(new Chunk(Kind.INSERTED, chunk.text()));
      } else {
        out.add(chunk);
      }
    }
    return out;
  }

  /** Whether the run of changes starting at {@code i} (walking by {@code step}) deletes and inserts. */
  private static boolean isReplacementEnd(List<Chunk> chunks, int i, int step) {
    boolean deleted = false;
    boolean inserted = false;
    for (; i >= 0 && i < chunks.size() && chunks.get(i).kind() != Kind.SAME; i += step) {
      deleted |= chunks.get(i).kind() == Kind.DELETED;
      inserted |= chunks.get(i).kind() == Kind.INSERTED;
    }
    return deleted && inserted;
  }

  // ---------------------------------------------------------------------------------------------
  // HTML

  private static void appendChunk(StringBuilder html, Chunk chunk, String deletedLabel,
      String insertedLabel) {
    switch (chunk.kind()) {
      case SAME -> appendText(html, chunk.text());
      case DELETED -> appendMarked(html, "del", deletedLabel, chunk.text());
      case INSERTED -> appendMarked(html, "ins", insertedLabel, chunk.text());
    }
  }

  private static void appendMarked(StringBuilder html, String tag, String label, String text) {
    html.append('<').append(tag).append('>');
    if (label != null && !label.isEmpty()) {
      html.append("<span class=\"visually-hidden\">");
      appendText(html, label);
      html.append("</span>");
    }
    appendText(html, text);
    html.append("</").append(tag).append('>');
  }

  /** HTML-escaped text, line breaks as {@code <br>}. */
  private static void appendText(StringBuilder html, String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> html.append("&amp;");
        case '<' -> html.append("&lt;");
        case '>' -> html.append("&gt;");
        case '"' -> html.append("&quot;");
        case '\'' -> html.append("&#39;");
        case '\r' -> {
          if (i + 1 < n && text.charAt(i + 1) == '\n') {
            i++;
          }
          html.append("<br>");
        }
        case '\n' -> html.append("<br>");
        default -> html.append(c);
      }
    }
  }
}
