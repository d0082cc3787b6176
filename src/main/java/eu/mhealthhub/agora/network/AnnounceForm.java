package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.text.Markdown;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An announcement as written: English title and Markdown body (required), French and German ones
 * (optional, each both or neither), and the topics it goes to.
 */
public record AnnounceForm(String titleEn, String bodyEn, String titleFr, String bodyFr, String titleDe, String bodyDe,
    List<String> topics) {

  static final int MAX_TITLE = 200;
  static final int MAX_BODY = 20_000;

  public static AnnounceForm of(MultiMap f) {
    return new AnnounceForm(line(f.get("titleEn")), body(f.get("bodyEn")), line(f.get("titleFr")), body(f.get("bodyFr")),
        line(f.get("titleDe")), body(f.get("bodyDe")),
        f.getAll("topic").stream().map(CleanText::line).filter(t -> t != null && !t.isBlank()).distinct().toList());
  }

  public static AnnounceForm empty() {
    return new AnnounceForm("", "", "", "", "", "", List.of());
  }

  /** Field to message key; empty when it may be sent. */
  public Map<String, String> problems(Set<String> knownTopics) {
    Map<String, String> p = new LinkedHashMap<>();
    if (titleEn.isEmpty() || titleEn.length() > MAX_TITLE) {
      p.put("titleEn", "announcement.error.title");
    }
    if (bodyEn.isBlank() || bodyEn.length() > MAX_BODY) {
      p.put("bodyEn", "announcement.error.body");
    }
    translation(p, titleFr, bodyFr, "titleFr");
    translation(p, titleDe, bodyDe, "titleDe");
    if (topics.isEmpty() || !knownTopics.containsAll(topics)) {
      p.put("topics", "announcement.error.topics");
    }
    return p;
  }

  private static void translation(Map<String, String> p, String title, String body, String field) {
    if (title.isEmpty() != body.isBlank() || title.length() > MAX_TITLE || body.length() > MAX_BODY) {
      p.put(field, "announcement.error.translation");
    }
  }

  /** The announcement, its Markdown rendered through the sanitiser. */
  Announcement toAnnouncement(Instant at) {
    return new Announcement(0, topics, text(titleEn, bodyEn), text(titleFr, bodyFr), text(titleDe, bodyDe), at);
  }

  private static Announcement.Text text(String title, String body) {
    return title.isEmpty() ? null : new Announcement.Text(title, body, Markdown.toHtml(body));
  }

  private static String line(String s) {
    String c = CleanText.line(s);
    return c == null ? "" : c.strip();
  }

  private static String body(String s) {
    String c = CleanText.body(s);
    return c == null ? "" : c;
  }
}
