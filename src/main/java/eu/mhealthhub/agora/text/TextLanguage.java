package eu.mhealthhub.agora.text;

import java.util.Locale;
import java.util.Optional;

/**
 * The languages Agora indexes text in, each with the PostgreSQL text search configuration that
 * stems it (see migrations/V012__search.sql). {@link #SIMPLE} is "another or several languages":
 * words indexed as written, accents aside. Stored by {@link #code()} in the {@code language} columns.
 */
public enum TextLanguage {
  ENGLISH("english", "en"),
  FRENCH("french", "fr"),
  GERMAN("german", "de"),
  SPANISH("spanish", "es"),
  ITALIAN("italian", "it"),
  SIMPLE("simple", "");

  private final String code;
  private final String tag;

  TextLanguage(String code, String tag) {
    this.code = code;
    this.tag = tag;
  }

  /** The stored name, which is also the language column's value. */
  public String code() {
    return code;
  }

  /** The text search configuration that indexes this language (accents aside). */
  public String searchConfig() {
    return "agora_" + code;
  }

  /** A stored or submitted name; empty for anything else. */
  public static Optional<TextLanguage> ofCode(String code) {
    if (code == null) {
      return Optional.empty();
    }
    for (TextLanguage l : values()) {
      if (l.code.equals(code.strip())) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }

  /** The language of a locale (its language subtag), {@link #SIMPLE} for one Agora does not stem. */
  public static TextLanguage of(Locale locale) {
    if (locale == null) {
      return SIMPLE;
    }
    return ofTag(locale.getLanguage());
  }

  /** As {@link #of(Locale)} for a language tag such as "fr" or "de-CH"; null is {@link #SIMPLE}. */
  public static TextLanguage ofTag(String tag) {
    if (tag == null || tag.isBlank()) {
      return SIMPLE;
    }
    String language = Locale.forLanguageTag(tag.strip()).getLanguage();
    for (TextLanguage l : values()) {
      if (!l.tag.isEmpty() && l.tag.equals(language)) {
        return l;
      }
    }
    return SIMPLE;
  }
}
