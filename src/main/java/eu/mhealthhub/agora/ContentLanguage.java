package eu.mhealthhub.agora;

import java.util.List;

/**
 * The languages a consensus document is written in and a Talk is held in (migrations/V035__results.sql
 * checks the same list; the results library filters by it). Chosen in the document and Talk forms,
 * shown as the {@code lang} attribute of their text.
 */
public final class ContentLanguage {

  /** The language tags, in the order the forms offer them. */
  public static final List<String> CODES = List.of("en", "fr", "de", "es", "it");
  /** The language of everything written before a form could choose one. */
  public static final String DEFAULT = "en";

  private ContentLanguage() {}

  /** One choice of a form's language select: its tag, its name's message key, whether chosen. */
  public record Option(String code, String label, boolean selected) {}

  /** A form's chosen language, with the select's choices for a template ({@code language.options}). */
  public record Chosen(String code) {
    public List<Option> options() {
      return ContentLanguage.options(code);
    }
  }

  /** Whether {@code code} is a language Agora records. */
  public static boolean known(String code) {
    return code != null && CODES.contains(code);
  }

  /** The select's choices with {@code chosen} selected. */
  public static List<Option> options(String chosen) {
    return CODES.stream().map(c -> new Option(c, "results.language." + c, c.equals(chosen))).toList();
  }
}
