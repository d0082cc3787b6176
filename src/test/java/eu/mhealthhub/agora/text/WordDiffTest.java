package eu.mhealthhub.agora.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.HtmlChecker;
import eu.mhealthhub.agora.text.WordDiff.Chunk;
import eu.mhealthhub.agora.text.WordDiff.Kind;
import eu.mhealthhub.agora.text.WordDiff.SideBySide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Word-level diffs of two versions of a text, and their HTML views. */
class WordDiffTest {

  private static final String DELETED = "deleted: ";
  private static final String INSERTED = "inserted: ";

  private static Chunk same(String text) {
    return new Chunk(Kind.SAME, text);
  }

  private static Chunk del(String text) {
    return new Chunk(Kind.DELETED, text);
  }

  private static Chunk ins(String text) {
    return new Chunk(Kind.INSERTED, text);
  }

  /** The text the chunks give when the ones of kind {@code skip} are left out. */
  private static String join(List<Chunk> chunks, Kind skip) {
    StringBuilder out = new StringBuilder();
    for (Chunk chunk : chunks) {
      if (chunk.kind() != skip) {
        out.append(chunk.text());
      }
    }
    return out.toString();
  }

  /** The chunks reproduce both texts, and are well-formed. */
  private static void assertReproduces(String before, String after, List<Chunk> chunks) {
    assertEquals(before, join(chunks, Kind.INSERTED), "SAME + DELETED must give before");
    assertEquals(after, join(chunks, Kind.DELETED), "SAME + INSERTED must give after");
    for (int i = 0; i < chunks.size(); i++) {
      assertFalse(chunks.get(i).text().isEmpty(), "empty chunk at " + i);
      if (i > 0) {
        assertNotEquals(chunks.get(i - 1).kind(), chunks.get(i).kind(), "unmerged chunks at " + i);
      }
    }
  }

  private static List<Chunk> diff(String before, String after) {
    List<Chunk> chunks = WordDiff.diff(before, after);
    assertReproduces(before, after, chunks);
    return chunks;
  }

  @Test
  @DisplayName("an unchanged text is one SAME chunk")
  void unchanged() {
    assertEquals(List.of(same("Nothing changed here.")),
        diff("Nothing changed here.", "Nothing changed here."));
  }

  @Test
  @DisplayName("two empty texts (or nulls) give no chunks")
  void empty() {
    assertEquals(List.of(), diff("", ""));
    assertEquals(List.of(), WordDiff.diff(null, null));
    assertEquals(List.of(ins("new text")), diff("", "new text"));
    assertEquals(List.of(del("old text")), diff("old text", ""));
  }

  @Test
  @DisplayName("an inserted word is one INSERTED chunk")
  void insert() {
    assertEquals(List.of(same("the quick "), ins("brown "), same("fox")),
        diff("the quick fox", "the quick brown fox"));
    assertEquals(List.of(same("one two"), ins(" three")), diff("one two", "one two three"));
  }

  @Test
  @DisplayName("a deleted word is one DELETED chunk")
  void delete() {
    assertEquals(List.of(same("the quick "), del("brown "), same("fox")),
        diff("the quick brown fox", "the quick fox"));
    assertEquals(List.of(del("Well, "), same("yes")), diff("Well, yes", "yes"));
  }

  @Test
  @DisplayName("a replaced word is a DELETED chunk followed by an INSERTED one")
  void replace() {
    assertEquals(List.of(same("the quick "), del("brown"), ins("red"), same(" fox")),
        diff("the quick brown fox", "the quick red fox"));
  }

  @Test
  @DisplayName("neighbouring replaced words read as one replacement, not word by word")
  void replacedPhrase() {
    assertEquals(List.of(del("the cat"), ins("a dog"), same(" sat on the mat.")),
        diff("the cat sat on the mat.", "a dog sat on the mat."));
  }

  @Test
  @DisplayName("words, not characters, are the unit: a changed word is replaced whole")
  void wordsAreUnits() {
    assertEquals(List.of(same("We "), del("agree"), ins("disagree"), same(".")),
        diff("We agree.", "We disagree."));
  }

  @Test
  @DisplayName("punctuation is its own token")
  void punctuation() {
    assertEquals(List.of(same("Yes"), del("."), ins("!"), same(" Go")),
        diff("Yes. Go", "Yes! Go"));
  }

  @Test
  @DisplayName("line breaks are kept and compared line by line")
  void lineBreaks() {
    assertEquals(List.of(same("line one\n"), ins("new line\n"), same("line two\n")),
        diff("line one\nline two\n", "line one\nnew line\nline two\n"));
    diff("windows\r\nline\r\n", "windows\r\nline\nmac\rline");
  }

  @Test
  @DisplayName("non-ASCII text and surrogate pairs survive intact")
  void unicode() {
    List<Chunk> chunks = diff("Grüße aus Köln 😀 und 😃!", "Grüße aus Genf 😀 und 😄!");
    assertEquals(List.of(same("Grüße aus "), del("Köln"), ins("Genf"), same(" 😀 und "),
        del("😃"), ins("😄"), same("!")), chunks);
  }

  @Test
  @DisplayName("inline HTML escapes everything, <script> included, and marks changes with labels")
  void inlineHtml() {
    List<Chunk> chunks = diff("Say <script>alert(1)</script> & \"bye\"\nnow",
        "Say <script>alert(2)</script> & 'bye'\nnow");
    String html = WordDiff.inlineHtml(chunks, DELETED, INSERTED);
    assertFalse(html.contains("<script"), html);
    assertTrue(html.contains("&lt;script&gt;alert("), html);
    assertTrue(html.contains("<br>"), html);
    Element body = Jsoup.parseBodyFragment(html).body();
    assertTrue(body.select("script").isEmpty());
    assertEquals(List.of("deleted: 1", "deleted: \"", "deleted: \""),
        body.select("del").eachText());
    assertEquals(List.of("inserted: 2", "inserted: '", "inserted: '"),
        body.select("ins").eachText());
    for (Element mark : body.select("del, ins")) {
      Element label = mark.child(0);
      assertEquals("span", label.normalName());
      assertEquals("visually-hidden", label.className());
    }
    assertEquals("Say <script>alert(deleted: 1inserted: 2)</script> & deleted: \"inserted: 'bye"
        + "deleted: \"inserted: ' now", body.text());
  }

  @Test
  @DisplayName("the side-by-side view shows deletions on the left and insertions on the right, escaped")
  void sideBySide() {
    List<Chunk> chunks = diff("keep <script>old</script>\nend", "keep <script>new</script>\nend");
    SideBySide views = WordDiff.sideBySideHtml(chunks, DELETED, INSERTED);
    assertFalse(views.beforeHtml().contains("<script"), views.beforeHtml());
    assertFalse(views.afterHtml().contains("<script"), views.afterHtml());
    Element before = Jsoup.parseBodyFragment(views.beforeHtml()).body();
    Element after = Jsoup.parseBodyFragment(views.afterHtml()).body();
    assertTrue(before.select("ins").isEmpty());
    assertTrue(after.select("del").isEmpty());
    assertEquals(List.of("deleted: old"), before.select("del").eachText());
    assertEquals(List.of("inserted: new"), after.select("ins").eachText());
    assertEquals(1, before.select("br").size());
    assertEquals(1, after.select("br").size());
    assertEquals("keep <script>deleted: old</script> end", before.text());
    assertEquals("keep <script>inserted: new</script> end", after.text());
  }

  @Test
  @DisplayName("inline and side-by-side diffs are valid HTML where the pages put them (Nu HTML Checker)")
  void validHtml() {
    List<Chunk> chunks = diff("# Title\n\nSay <script>alert(1)</script> & \"bye\"\n\n| a | b |\n\nend",
        "# New title\n\nSay <b>2</b> & 'bye'\nnow\n\n| a | c |\n\nend  ");
    SideBySide views = WordDiff.sideBySideHtml(chunks, DELETED, INSERTED);
    String page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>diff</title></head><body><main>"
        + "<h1>diff</h1><div class=\"diff\">" + WordDiff.inlineHtml(chunks, DELETED, INSERTED) + "</div>"
        + "<div class=\"diff\">" + views.beforeHtml() + "</div><div class=\"diff\">" + views.afterHtml() + "</div>"
        + "<p>" + WordDiff.inlineHtml(chunks, "", null) + "</p></main></body></html>";
    HtmlChecker.assertValid(page, "word diff");
  }

  @Test
  @DisplayName("labels are escaped too, and can be left out")
  void labels() {
    List<Chunk> chunks = List.of(same("a "), del("b"), ins("c"));
    String html = WordDiff.inlineHtml(chunks, "<gelöscht>: ", "eingefügt & neu: ");
    assertTrue(html.contains("<del><span class=\"visually-hidden\">&lt;gelöscht&gt;: </span>b</del>"),
        html);
    assertTrue(html.contains("<ins><span class=\"visually-hidden\">eingefügt &amp; neu: </span>c</ins>"),
        html);
    assertEquals("a <del>b</del><ins>c</ins>", WordDiff.inlineHtml(chunks, "", null));
  }

  @Test
  @DisplayName("a 20,000-word text with a few edits diffs correctly in well under a second")
  void largeText() {
    Random random = new Random(20_000);
    List<String> words = randomWords(random, 20_000);
    String before = String.join(" ", words);
    List<String> edited = new ArrayList<>(words);
    edited.set(100, "CHANGED");
    edited.add(5_000, "INSERTED");
    String removed = edited.remove(12_000); // words[11_999], after the insertion
    edited.set(19_990, "LAST");
    String after = String.join(" ", edited);

    WordDiff.diff(before, after); // warm up the JIT
    List<Chunk> chunks = assertTimeoutPreemptively(Duration.ofMillis(900),
        () -> WordDiff.diff(before, after));
    assertReproduces(before, after, chunks);
    List<Chunk> changes = chunks.stream().filter(c -> c.kind() != Kind.SAME).toList();
    assertEquals(6, changes.size(), changes.toString());
    assertEquals(List.of(del(words.get(100)), ins("CHANGED")), changes.subList(0, 2));
    assertTrue(changes.get(2).equals(ins("INSERTED ")) || changes.get(2).equals(ins(" INSERTED")),
        changes.toString());
    assertTrue(changes.get(3).equals(del(removed + " ")) || changes.get(3).equals(del(" " + removed)),
        changes.toString());
    assertEquals(List.of(del(words.get(19_990)), ins("LAST")), changes.subList(4, 6));
  }

  @Test
  @DisplayName("two unrelated 20,000-word texts still diff correctly, without running away")
  void largeUnrelatedTexts() {
    Random random = new Random(7);
    String before = String.join(" ", randomWords(random, 20_000));
    String after = String.join(" ", randomWords(random, 20_000));
    // a guard against a runaway search (quadratic would take minutes), not a speed target: this
    // machine is shared and noisy, so speed belongs in benchmarks
    List<Chunk> chunks = assertTimeoutPreemptively(Duration.ofSeconds(20),
        () -> WordDiff.diff(before, after));
    assertReproduces(before, after, chunks);
  }

  @Test
  @DisplayName("random edit scripts: the chunks always reproduce both texts exactly")
  void randomEditScripts() {
    Random random = new Random(42);
    String[] extras = {",", ".", "\n", "\n\n", "  ", "\t", "<b>", "&", "é", "😀", "-"};
    for (int round = 0; round < 400; round++) {
      List<String> words = randomWords(random, 1 + random.nextInt(round < 300 ? 60 : 600));
      List<String> tokens = new ArrayList<>();
      for (String word : words) {
        tokens.add(word);
        tokens.add(random.nextInt(6) == 0 ? extras[random.nextInt(extras.length)] : " ");
      }
      List<String> edited = new ArrayList<>(tokens);
      int edits = random.nextInt(1 + tokens.size() / (random.nextBoolean() ? 2 : 10));
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(edited.size() + 1);
        switch (random.nextInt(4)) {
          case 0 -> edited.add(at, randomWords(random, 1).get(0) + " ");
          case 1 -> {
            if (at < edited.size()) {
              edited.remove(at);
            }
          }
          case 2 -> {
            if (at < edited.size()) {
              edited.set(at, extras[random.nextInt(extras.length)]);
            }
          }
          default -> {
            // move a stretch
            int from = random.nextInt(edited.size());
            int to = Math.min(edited.size(), from + random.nextInt(8));
            List<String> stretch = new ArrayList<>(edited.subList(from, to));
            edited.subList(from, to).clear();
            edited.addAll(Math.min(at, edited.size()), stretch);
          }
        }
      }
      String before = String.join("", tokens);
      String after = String.join("", edited);
      List<Chunk> chunks = WordDiff.diff(before, after);
      assertReproduces(before, after, chunks);
      // and the reverse direction mirrors it
      assertReproduces(after, before, WordDiff.diff(after, before));
      if (before.equals(after)) {
        assertTrue(chunks.size() <= 1, "identical texts must be one SAME chunk");
      }
    }
  }

  @Test
  @DisplayName("a small change in a long text shows as just that change")
  void minimalForSmallChanges() {
    Random random = new Random(3);
    for (int round = 0; round < 50; round++) {
      List<String> words = randomWords(random, 200 + random.nextInt(800));
      List<String> edited = new ArrayList<>(words);
      int at = random.nextInt(words.size());
      edited.set(at, "REPLACEMENT" + round);
      List<Chunk> chunks = diff(String.join(" ", words), String.join(" ", edited));
      List<Chunk> changes = chunks.stream().filter(c -> c.kind() != Kind.SAME).toList();
      assertEquals(List.of(del(words.get(at)), ins("REPLACEMENT" + round)), changes);
    }
  }

  private static List<String> randomWords(Random random, int count) {
    String[] vocabulary = ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
        + "tempor incididunt ut labore et dolore magna aliqua health app patient data privacy "
        + "consent evidence guideline").split(" ");
    List<String> words = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      words.add(vocabulary[random.nextInt(vocabulary.length)]);
    }
    return words;
  }
}
