package eu.mhealthhub.agora.text;

/**
 * The one place that decides which characters of typed text Agora keeps. Every piece of text a
 * person sends goes through it where it enters (the form records and form readers of the routes,
 * the JSON API's field reader, file names of uploads, names from the identity provider), so that
 * pages, live fragments, e-mails, exports, headers and the database never hold characters that
 * cannot be seen.
 *
 * <p>{@link #line} is for single-line fields: titles, display names, group names, file names,
 * speaker names, URLs. Tabs, line feeds, carriage returns and the Unicode line and paragraph
 * separators become a space (a run of them one space), so that words a pasted line break
 * separated stay apart; everything else that is not a visible character is removed: the other C0
 * and all C1 control characters and DEL, the bidirectional controls (U+202A
 * to U+202E embeddings and overrides, U+2066 to U+2069 isolates, the marks U+200E, U+200F and
 * U+061C), every other format character (soft hyphen, zero-width space, word joiner, byte-order
 * mark, tag characters, ...) except ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER, which Persian,
 * the Indic scripts and emoji sequences need; noncharacters (U+FDD0 to U+FDEF and the last two
 * code points of every plane) and lone surrogate halves. The result is trimmed. A name that
 * reverses itself with an override, or hides text between invisible characters, cannot spoof
 * another one in a list.
 *
 * <p>{@link #body} is for multi-line text (posts, comments, questions, descriptions, reasons):
 * tab, line feed and carriage return stay; the other control characters, noncharacters and lone
 * surrogates go, and so do the bidirectional embeddings, overrides and isolates (U+202A to U+202E,
 * U+2066 to U+2069), the byte-order mark and the interlinear annotation characters. Bodies are
 * Markdown rendered to HTML: an override or isolate reorders what a reader sees without changing
 * what is there (a link, a command in a code block or a quoted figure that reads differently from
 * what it is, the "Trojan Source" trick), and right-to-left writing does not need them, since the
 * Unicode bidirectional algorithm orders mixed text by itself. The directional marks (U+200E,
 * U+200F, U+061C) are kept: they only nudge neutral characters such as punctuation next to them,
 * cannot reorder anything else, and are what right-to-left writers use to place a full stop. The
 * other format characters are typography (soft hyphens, zero-width spaces for Thai or Khmer word
 * breaks, joiners, tag characters of subdivision flags) and are kept. A body is not trimmed.
 *
 * <p>Both keep null as null, so callers keep their own "missing field" rule.
 */
public final class CleanText {

  private static final int ZWNJ = 0x200C;
  private static final int ZWJ = 0x200D;

  private CleanText() {}

  /** A single-line field as it may be stored and shown; see the class comment. Null stays null. */
  public static String line(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean breaking = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (lineBreakOrTab(cp)) {
        // a run of them (CR LF, say) is one space
        if (!breaking) {
          out.append(' ');
        }
        breaking = true;
      } else if (keptInLine(cp)) {
        out.appendCodePoint(cp);
        breaking = false;
      }
    }
    return out.toString().strip();
  }

  /** A multi-line text as it may be stored and shown; see the class comment. Null stays null. */
  public static String body(String text) {
    if (text == null) {
      return null;
    }
    if (text.codePoints().allMatch(CleanText::keptInBody)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(CleanText::keptInBody).forEach(out::appendCodePoint);
    return out.toString();
  }

  private static boolean lineBreakOrTab(int cp) {
    return cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
  }

  private static boolean keptInLine(int cp) {
    return switch (Character.getType(cp)) {
      case Character.CONTROL, Character.SURROGATE -> false;
      case Character.FORMAT -> cp == ZWNJ || cp == ZWJ;
      // unassigned code points include the noncharacters; other unassigned ones may be assigned
      // by a later Unicode version than this JDK knows, so they stay
      default -> !noncharacter(cp);
    };
  }

  private static boolean keptInBody(int cp) {
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      return true;
    }
    int type = Character.getType(cp);
    if (type == Character.CONTROL || type == Character.SURROGATE || noncharacter(cp)) {
      return false;
    }
    return !reordering(cp) && cp != 0xFEFF && !(cp >= 0xFFF9 && cp <= 0xFFFB);
  }

  /** The bidirectional embeddings, overrides and isolates, which reorder the text that follows them. */
  private static boolean reordering(int cp) {
    return cp >= 0x202A && cp <= 0x202E || cp >= 0x2066 && cp <= 0x2069;
  }

  private static boolean noncharacter(int cp) {
    return cp >= 0xFDD0 && cp <= 0xFDEF || (cp & 0xFFFE) == 0xFFFE;
  }
}
