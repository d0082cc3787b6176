package eu.mhealthhub.agora.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SectionsTest {

  private static List<Integer> keys(Sections.Keyed k) {
    return k.blocks().stream().map(Sections.Block::key).toList();
  }

  @Test
  @DisplayName("a body splits into its top-level blocks, code fences and lists with blank lines kept whole")
  void split() {
    String body = "# Title\n\nFirst paragraph\nstill first.\n\n- a\n\n- b\n\n```\ncode\n\nmore code\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    List<String> blocks = Sections.split(body);
    assertEquals(List.of("# Title", "First paragraph\nstill first.", "- a\n\n- b", "```\ncode\n\nmore code\n```",
        "| a | b |\n|---|---|\n| 1 | 2 |"), blocks);
    assertEquals(List.of(), Sections.split("  \n\n "));
    assertEquals(List.of("a", "b"), Sections.split("a\r\n\r\nb"));
  }

  @Test
  @DisplayName("inserting, rewriting, moving and removing blocks keeps every other block's key")
  void keysSurviveEdits() {
    Sections.Keyed v1 = Sections.assign(List.of(), "# A\n\none\n\ntwo\n\nthree", 1);
    assertEquals(List.of(1, 2, 3, 4), keys(v1));
    assertTrue(v1.blocks().get(0).heading());
    assertEquals(5, v1.nextKey());

    Sections.Keyed v2 = Sections.assign(v1.blocks(), "# A\n\nnew first\n\none\n\ntwo\n\nthree", v1.nextKey());
    assertEquals(List.of(1, 5, 2, 3, 4), keys(v2), "an inserted block gets a fresh key, the others keep theirs");

    Sections.Keyed v3 = Sections.assign(v2.blocks(), "# A\n\nnew first\n\nentirely different words\n\ntwo\n\nthree", v2.nextKey());
    assertEquals(List.of(1, 5, 2, 3, 4), keys(v3), "a block rewritten in place keeps its key");

    Sections.Keyed v4 = Sections.assign(v3.blocks(), "# A\n\ntwo\n\nnew first\n\nthree", v3.nextKey());
    assertEquals(List.of(1, 3, 5, 4), keys(v4), "a moved block keeps its key; a removed one takes its key away");

    Sections.Keyed v5 = Sections.assign(v4.blocks(), "# A\n\ntwo\n\nnew first\n\nthree\n\nentirely different words", v4.nextKey());
    assertEquals(6, keys(v5).get(4), "a removed key is never handed out again, even for the same text");
  }

  @Test
  @DisplayName("an edited paragraph among new ones keeps its key when it still shares most of its words")
  void similarBlocksKeepKeys() {
    Sections.Keyed v1 = Sections.assign(List.of(), "Budget impact is estimated over three years for the payer.", 1);
    Sections.Keyed v2 = Sections.assign(v1.blocks(),
        "A new opening paragraph.\n\nBudget impact is estimated over five years for the payer.\n\nA closing one.", 2);
    assertEquals(List.of(2, 1, 3), keys(v2));
  }

  @Test
  @DisplayName("a three-way merge applies changes to different blocks and refuses changes to the same one")
  void merge() {
    List<String> base = List.of("a", "b", "c", "d");
    assertEquals(Optional.of(List.of("A", "b", "c", "D")), Sections.merge(base, List.of("A", "b", "c", "d"),
        List.of("a", "b", "c", "D")));
    assertEquals(Optional.of(List.of("a", "x", "b", "d", "y")), Sections.merge(base, List.of("a", "x", "b", "c", "d"),
        List.of("a", "b", "d", "y")), "insertions and a removal on both sides");
    assertEquals(Optional.empty(), Sections.merge(base, List.of("a", "B1", "c", "d"), List.of("a", "B2", "c", "d")));
    assertEquals(Optional.of(List.of("a", "B", "c", "d")), Sections.merge(base, List.of("a", "B", "c", "d"),
        List.of("a", "B", "c", "d")), "the same change on both sides is one change");
  }

  @Test
  @DisplayName("thousands of changed blocks are matched without a quadratic table, keeping unchanged ones")
  void manyBlocks() {
    StringBuilder before = new StringBuilder();
    StringBuilder after = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      before.append("block ").append(i).append("\n\n");
      after.append(i % 2 == 0 ? "block " + i : "changed " + i).append("\n\n");
    }
    Sections.Keyed v1 = Sections.assign(List.of(), before.toString(), 1);
    Sections.Keyed v2 = Sections.assign(v1.blocks(), after.toString(), v1.nextKey());
    assertEquals(5000, v2.blocks().size());
    for (int i = 0; i < 5000; i += 2) {
      assertEquals(i + 1, v2.blocks().get(i).key(), "unchanged block " + i);
    }
  }
}
