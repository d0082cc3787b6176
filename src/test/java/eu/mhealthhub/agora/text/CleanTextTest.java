package eu.mhealthhub.agora.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which characters of typed text Agora keeps, for single-line fields and for multi-line bodies. */
class CleanTextTest {

  @Test
  @DisplayName("a single line loses C0 and C1 controls and DEL; tabs and line breaks become one space; the ends are trimmed")
  void lineControls() {
    assertEquals("Budget review", CleanText.line("\u0000Bud\u0007get\u001B re\u007Fview\u0085"));
    assertEquals("Budget review 2026", CleanText.line("  Budget\treview\r\n2026\u2028 "));
    assertEquals("Zahlung", CleanText.line("Zah\u0080\u0085\u009Flung\u000B\u000C"));
    assertEquals("one two three", CleanText.line("one\u2028two\u2029three"));
  }

  @Test
  @DisplayName("a single line loses every bidirectional control, so a name cannot reverse itself")
  void lineBidi() {
    // "evil\u202Egnp.exe" shows as "evilexe.png" in a file list
    assertEquals("evilgnp.exe", CleanText.line("evil\u202Egnp.exe"));
    assertEquals("abcdefghij", CleanText.line("a\u202Ab\u202Bc\u202Cd\u202De\u2066f\u2067g\u2068h\u2069i\u200E\u200Fj\u061C"));
  }

  @Test
  @DisplayName("a single line loses other invisible format characters, noncharacters and lone surrogates, but keeps the joiners scripts and emoji need")
  void lineFormat() {
    assertEquals("Admin", CleanText.line("Ad\u00ADm\u200Bi\u2060n\uFEFF"));
    assertEquals("ab", CleanText.line("a\uFFFE\uFFFF\uFDD0b\uD83F\uDFFE"));
    assertEquals("ab", CleanText.line("a\uD800b"));
    assertEquals("flag", CleanText.line("flag\uDB40\uDC01"));
    // ZWNJ in Persian, ZWJ in an emoji family
    assertEquals("می\u200Cخواهم", CleanText.line("می\u200Cخواهم"));
    assertEquals("\uD83D\uDC69\u200D\uD83D\uDCBB", CleanText.line("\uD83D\uDC69\u200D\uD83D\uDCBB"));
  }

  @Test
  @DisplayName("letters of every script, punctuation and symbols pass through a single line unchanged")
  void lineKeepsText() {
    for (String text : new String[] {"Отчёт о возмещении", "Σχέδιο αξιολόγησης", "報告書 2026", "تقرير السداد",
        "50% discount #1 ? <b>&amp;</b>", "Émile Zoë Łukasz ß", "e\u0301t\u00E9"}) {
      assertEquals(text, CleanText.line(text));
    }
  }

  @Test
  @DisplayName("a body keeps tabs and line breaks and loses the other controls")
  void bodyControls() {
    assertEquals("line one\r\n\tline two\nend", CleanText.body("line one\r\n\tline\u0000 two\u000B\u000C\nend\u0085\u009B"));
  }

  @Test
  @DisplayName("a body loses the bidirectional controls that reorder text, and keeps the marks right-to-left writers use")
  void bodyBidi() {
    assertEquals("if (admin) { return; } // check later",
        CleanText.body("if (admin) { return; } \u202E// check later\u202C"));
    assertEquals("abcde", CleanText.body("a\u2066b\u2067c\u2068d\u2069e"));
    assertEquals("שלום.\u200F and \u200Eok\u061C", CleanText.body("שלום.\u200F and \u200Eok\u061C"));
  }

  @Test
  @DisplayName("a body loses the byte-order mark, interlinear annotations, noncharacters and lone surrogates, and keeps typography")
  void bodyFormat() {
    assertEquals("ab", CleanText.body("\uFEFFa\uFFF9\uFFFA\uFFFB\uFFFEb\uD800"));
    String typography = "co\u00ADoperation, ภาษา\u200Bไทย, \uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC65\uDB40\uDC6E\uDB40\uDC67\uDB40\uDC7F";
    assertEquals(typography, CleanText.body(typography));
  }

  @Test
  @DisplayName("clean text comes back as it was, and null stays null")
  void untouched() {
    String clean = "Nothing to remove here.\n\nSecond paragraph.";
    assertSame(clean, CleanText.body(clean));
    assertNull(CleanText.line(null));
    assertNull(CleanText.body(null));
  }
}
