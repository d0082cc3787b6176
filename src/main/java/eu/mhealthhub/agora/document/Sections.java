package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.text.Markdown;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * A document body cut into sections, each under a key that stays with it from revision to
 * revision: the key is what "§7" and the anchor {@code #s7} name.
 *
 * <p>A section is one top-level Markdown block: a heading, a paragraph, a list, a table, a quote,
 * a code block. When a new revision comes in as plain Markdown, its blocks inherit the keys of
 * the previous revision's blocks: unchanged blocks in the same order first (longest common
 * subsequence); then, in each stretch between those, the blocks in place of as many old ones
 * (each rewritten in place), or where the numbers differ, blocks that still share at least 40% of
 * their words with an old block of the stretch, in order; then unchanged blocks that moved. Every other block gets
 * a fresh key from the document's counter. Keys are never reused, so a removed §7 never comes
 * back as something else; numbers therefore need not be consecutive in reading order.
 *
 * <p>Sections render one by one, so a link reference definition in one block does not serve
 * another (inline links do).
 */
public final class Sections {

  /** Documents stay readable and diffable: about 60 printed pages. */
  public static final int MAX_BODY = 100_000;

  private static final Parser PARSER = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS).build();

  /** One block of a body under its key. */
  public record Block(int key, boolean heading, String source, String html) {}

  /** The blocks of a new body and the document's next free key after them. */
  public record Keyed(List<Block> blocks, int nextKey) {
    public String body() {
      return join(blocks.stream().map(Block::source).toList());
    }
  }

  private Sections() {}

  /** The body's top-level blocks as source text, in order; blank lines between them dropped. */
  public static List<String> split(String markdown) {
    String text = markdown == null ? "" : markdown.replace("\r\n", "\n").replace('\r', '\n');
    String[] lines = text.split("\n", -1);
    List<String> blocks = new ArrayList<>();
    for (Node n = PARSER.parse(text).getFirstChild(); n != null; n = n.getNext()) {
      List<SourceSpan> spans = n.getSourceSpans();
      if (spans.isEmpty()) {
        continue;
      }
      int from = spans.get(0).getLineIndex();
      int to = spans.get(spans.size() - 1).getLineIndex();
      StringBuilder b = new StringBuilder();
      for (int i = from; i <= to && i < lines.length; i++) {
        if (b.length() > 0) {
          b.append('\n');
        }
        b.append(lines[i]);
      }
      String block = b.toString().stripTrailing();
      if (!block.isBlank()) {
        blocks.add(block);
      }
    }
    return blocks;
  }

  /** Blocks joined back into a body, one blank line apart. */
  public static String join(List<String> blocks) {
    return String.join("\n\n", blocks);
  }

  /**
   * Keys for the blocks of {@code markdown}, inherited from {@code previous} where a block stayed
   * or was edited in place, fresh from {@code nextKey} otherwise.
   */
  public static Keyed assign(List<Block> previous, String markdown, int nextKey) {
    List<String> fresh = split(markdown);
    int[] keys = new int[fresh.size()];
    boolean[] oldUsed = new boolean[previous.size()];
    List<String> old = previous.stream().map(Block::source).toList();

    // 1. unchanged blocks in order
    int[][] pairs = lcs(old, fresh);
    for (int[] p : pairs) {
      keys[p[1]] = previous.get(p[0]).key();
      oldUsed[p[0]] = true;
    }
    // 2. edited in place: within each stretch between unchanged blocks, in order
    int oldFrom = 0;
    int newFrom = 0;
    for (int k = 0; k <= pairs.length; k++) {
      int oldTo = k < pairs.length ? pairs[k][0] : old.size();
      int newTo = k < pairs.length ? pairs[k][1] : fresh.size();
      int o = oldFrom;
      boolean sameCount = oldTo - oldFrom == newTo - newFrom;
      for (int n = newFrom; n < newTo; n++) {
        if (sameCount) {
          // as many blocks out as in, between two unchanged ones: each was rewritten in place
          keys[n] = previous.get(oldFrom + n - newFrom).key();
          oldUsed[oldFrom + n - newFrom] = true;
          continue;
        }
        for (int c = o; c < oldTo; c++) {
          if (!oldUsed[c] && similar(old.get(c), fresh.get(n))) {
            keys[n] = previous.get(c).key();
            oldUsed[c] = true;
            o = c + 1;
            break;
          }
        }
      }
      if (k < pairs.length) {
        oldFrom = pairs[k][0] + 1;
        newFrom = pairs[k][1] + 1;
      }
    }
    // 3. moved, unchanged
    Map<String, List<Integer>> unusedByText = new HashMap<>();
    for (int c = 0; c < old.size(); c++) {
      if (!oldUsed[c]) {
        unusedByText.computeIfAbsent(old.get(c), t -> new ArrayList<>()).add(c);
      }
    }
    List<Block> blocks = new ArrayList<>();
    int next = nextKey;
    // the blocks follow each other on one page: each heading at most one level below the last
    int heading = Markdown.PAGE_HEADING;
    for (int n = 0; n < fresh.size(); n++) {
      if (keys[n] == 0) {
        List<Integer> same = unusedByText.get(fresh.get(n));
        if (same != null && !same.isEmpty()) {
          keys[n] = previous.get(same.remove(0)).key();
        } else {
          keys[n] = next++;
        }
      }
      String source = fresh.get(n);
      Markdown.Rendered rendered = Markdown.render(source, heading);
      heading = rendered.lastHeading();
      blocks.add(new Block(keys[n], isHeading(source), source, rendered.html()));
    }
    return new Keyed(List.copyOf(blocks), next);
  }

  private static boolean isHeading(String source) {
    return PARSER.parse(source).getFirstChild() instanceof Heading;
  }

  /** At least 40% of the words in common (Dice coefficient over word multisets). */
  static boolean similar(String a, String b) {
    Map<String, Integer> counts = new HashMap<>();
    String[] wa = words(a);
    String[] wb = words(b);
    if (wa.length == 0 || wb.length == 0) {
      return false;
    }
    for (String w : wa) {
      counts.merge(w, 1, Integer::sum);
    }
    int common = 0;
    for (String w : wb) {
      Integer c = counts.get(w);
      if (c != null && c > 0) {
        common++;
        counts.put(w, c - 1);
      }
    }
    return 2.0 * common / (wa.length + wb.length) >= 0.4;
  }

  private static String[] words(String s) {
    String t = s.toLowerCase(java.util.Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    return t.isEmpty() ? new String[0] : t.split(" ");
  }

  /**
   * Past this many cells (a few megabytes) the exact table would cost too much memory and time:
   * thousands of blocks changed at once fall back to a greedy common subsequence.
   */
  private static final long MAX_LCS_CELLS = 1_000_000;

  /** A common subsequence found in one pass: each new block matches the next equal old block. */
  private static int[][] greedy(List<String> a, List<String> b, int prefix, int suffix) {
    Map<String, java.util.ArrayDeque<Integer>> positions = new HashMap<>();
    for (int i = prefix; i < a.size() - suffix; i++) {
      positions.computeIfAbsent(a.get(i), t -> new java.util.ArrayDeque<>()).add(i);
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      pairs.add(new int[] {i, i});
    }
    int last = prefix - 1;
    for (int j = prefix; j < b.size() - suffix; j++) {
      java.util.ArrayDeque<Integer> at = positions.get(b.get(j));
      while (at != null && !at.isEmpty() && at.peekFirst() <= last) {
        at.pollFirst();
      }
      if (at != null && !at.isEmpty()) {
        last = at.pollFirst();
        pairs.add(new int[] {last, j});
      }
    }
    for (int s = suffix; s > 0; s--) {
      pairs.add(new int[] {a.size() - s, b.size() - s});
    }
    return pairs.toArray(new int[0][]);
  }

  /** Index pairs (old, new) of a longest common subsequence of equal strings, in order. */
  static int[][] lcs(List<String> a, List<String> b) {
    int prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.get(prefix).equals(b.get(prefix))) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix
        && a.get(a.size() - 1 - suffix).equals(b.get(b.size() - 1 - suffix))) {
      suffix++;
    }
    int n = a.size() - prefix - suffix;
    int m = b.size() - prefix - suffix;
    if ((long) n * m > MAX_LCS_CELLS) {
      return greedy(a, b, prefix, suffix);
    }
    int[][] len = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        len[i][j] = a.get(prefix + i).equals(b.get(prefix + j)) ? len[i + 1][j + 1] + 1
            : Math.max(len[i + 1][j], len[i][j + 1]);
      }
    }
    List<int[]> pairs = new ArrayList<>();
    for (int i = 0; i < prefix; i++) {
      pairs.add(new int[] {i, i});
    }
    int i = 0;
    int j = 0;
    while (i < n && j < m) {
      if (a.get(prefix + i).equals(b.get(prefix + j))) {
        pairs.add(new int[] {prefix + i, prefix + j});
        i++;
        j++;
      } else if (len[i + 1][j] >= len[i][j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    for (int s = suffix; s > 0; s--) {
      pairs.add(new int[] {a.size() - s, b.size() - s});
    }
    return pairs.toArray(new int[0][]);
  }

  /**
   * Three-way merge of block lists: the changes from {@code base} to {@code ours} and from
   * {@code base} to {@code theirs}, both applied, when they touch different blocks. Empty when
   * both changed the same stretch differently: a person has to decide.
   */
  public static java.util.Optional<List<String>> merge(List<String> base, List<String> ours, List<String> theirs) {
    int[] inOurs = matchOf(base, ours);
    int[] inTheirs = matchOf(base, theirs);
    List<String> out = new ArrayList<>();
    int b = 0;
    int o = 0;
    int t = 0;
    while (true) {
      // next base block kept by both sides
      int s = b;
      while (s < base.size() && (inOurs[s] < 0 || inTheirs[s] < 0)) {
        s++;
      }
      int oEnd = s < base.size() ? inOurs[s] : ours.size();
      int tEnd = s < base.size() ? inTheirs[s] : theirs.size();
      List<String> baseChunk = base.subList(b, s);
      List<String> ourChunk = ours.subList(o, oEnd);
      List<String> theirChunk = theirs.subList(t, tEnd);
      if (ourChunk.equals(baseChunk)) {
        out.addAll(theirChunk);
      } else if (theirChunk.equals(baseChunk) || theirChunk.equals(ourChunk)) {
        out.addAll(ourChunk);
      } else {
        return java.util.Optional.empty();
      }
      if (s >= base.size()) {
        return java.util.Optional.of(out);
      }
      out.add(base.get(s));
      b = s + 1;
      o = oEnd + 1;
      t = tEnd + 1;
    }
  }

  private static int[] matchOf(List<String> base, List<String> other) {
    int[] match = new int[base.size()];
    java.util.Arrays.fill(match, -1);
    for (int[] p : lcs(base, other)) {
      match[p[0]] = p[1];
    }
    return match;
  }
}
