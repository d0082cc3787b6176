package eu.mhealthhub.agora.network;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An announcement: the topics it goes to, its English text and optional French and German ones
 * (Markdown as written and the sanitised HTML), and when it was published.
 *
 * @param id 0 before it is stored
 */
public record Announcement(long id, List<String> topics, Text en, Text fr, Text de, Instant publishedAt) {

  /** One language's version. */
  public record Text(String title, String body, String html) {}

  enum Lang { EN, FR, DE }

  public Announcement {
    topics = List.copyOf(topics);
  }

  /** The version for a reader of that language: theirs when one is given, else the English one. */
  public Text in(Locale locale) {
    String lang = locale == null ? "en" : locale.getLanguage();
    if ("fr".equals(lang) && fr != null) {
      return fr;
    }
    if ("de".equals(lang) && de != null) {
      return de;
    }
    return en;
  }

  private Text text(Lang lang) {
    return switch (lang) {
      case EN -> en;
      case FR -> fr;
      case DE -> de;
    };
  }

  String title(Lang lang) {
    Text t = text(lang);
    return t == null ? null : t.title();
  }

  String body(Lang lang) {
    Text t = text(lang);
    return t == null ? null : t.body();
  }

  String html(Lang lang) {
    Text t = text(lang);
    return t == null ? null : t.html();
  }
}
