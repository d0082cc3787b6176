package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.AppConfig;
import java.text.MessageFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.Optional;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The message bundles ({@code i18n/messages_xx.properties}, UTF-8) and the choice of language for a
 * request. Adding a language is adding a bundle and listing it in {@link AppConfig#SUPPORTED_LOCALES}.
 */
public final class I18n {

  public static final String BUNDLE = "i18n.messages";

  private final Locale fallback;
  private final Map<Locale, ResourceBundle> bundles = new ConcurrentHashMap<>();

  public I18n(Locale fallback) {
    this.fallback = fallback;
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      bundles.put(l, ResourceBundle.getBundle(BUNDLE, l, ResourceBundle.Control.getNoFallbackControl(
          ResourceBundle.Control.FORMAT_PROPERTIES)));
    }
  }

  public Locale fallback() {
    return fallback;
  }

  /** The supported locale for a language tag, if we have it. */
  public static Optional<Locale> supported(String tag) {
    if (tag == null || tag.isBlank()) {
      return Optional.empty();
    }
    String language = Locale.forLanguageTag(tag.trim()).getLanguage();
    return AppConfig.SUPPORTED_LOCALES.stream().filter(l -> l.getLanguage().equals(language)).findFirst();
  }

  /**
   * Picks the language of a request: an explicit choice (the member's profile, else the language
   * cookie of an anonymous reader), else the best match of {@code Accept-Language}, else the default.
   */
  public Locale choose(Optional<String> chosen, String acceptLanguage) {
    Optional<Locale> explicit = chosen.flatMap(I18n::supported);
    if (explicit.isPresent()) {
      return explicit.get();
    }
    if (acceptLanguage != null && !acceptLanguage.isBlank()) {
      try {
        List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(acceptLanguage);
        Locale match = Locale.lookup(ranges, AppConfig.SUPPORTED_LOCALES);
        if (match != null) {
          return match;
        }
        for (Locale.LanguageRange range : ranges) {
          Optional<Locale> l = supported(range.getRange());
          if (l.isPresent()) {
            return l.get();
          }
        }
      } catch (IllegalArgumentException malformedHeader) {
        // a malformed header is no reason to refuse the page; use the default
      }
    }
    return fallback;
  }

  /** The message for a key in a locale, formatted with {@link MessageFormat}; a missing key shows as itself. */
  public String message(Locale locale, String key, Object... args) {
    ResourceBundle bundle = bundles.getOrDefault(locale, bundles.get(fallback));
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      return key;
    }
    if (args.length == 0) {
      return pattern;
    }
    return new MessageFormat(pattern, locale).format(args);
  }

  /** A view of the bundle for one locale, handed to templates and services that write text. */
  public Messages forLocale(Locale locale) {
    return new Messages(this, locale);
  }

  /** Messages bound to one locale. */
  public record Messages(I18n i18n, Locale locale) {
    public String get(String key, Object... args) {
      return i18n.message(locale, key, args);
    }

    public String languageTag() {
      return locale.toLanguageTag();
    }
  }
}
