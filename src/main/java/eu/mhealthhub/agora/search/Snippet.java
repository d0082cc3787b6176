package eu.mhealthhub.agora.search;

import java.util.ArrayList;
import java.util.List;

/**
 * A passage of a result with the words that matched marked, as parts of plain text: templates
 * print each part escaped (a hit inside {@code <mark>}), so nothing a person wrote can become
 * markup. {@link #html()} is the same, escaped, for the results page and JSON clients.
 */
public record Snippet(List<Part> parts) {

  /** Starts and ends a hit in what {@code ts_headline} returns; removed from the text before it is searched. */
  static final char START = '\uE000';
  static final char STOP = '\uE001';

  /** A run of text, a hit or not. */
  public record Part(String text, boolean hit) {}

  /** Splits {@code ts_headline}'s output at the markers; a marker left unclosed ends at the end. */
  static Snippet of(String headline) {
    List<Part> parts = new ArrayList<>();
    if (headline == null) {
      return new Snippet(parts);
    }
    StringBuilder run = new StringBuilder();
    boolean hit = false;
    for (int i = 0; i < headline.length(); i++) {
      char c = headline.charAt(i);
      if (c == START || c == STOP) {
        if (run.length() > 0) {
          parts.add(new Part(run.toString(), hit));
          run.setLength(0);
        }
        hit = c == START;
      } else {
        run.append(c);
      }
    }
    if (run.length() > 0) {
      parts.add(new Part(run.toString(), hit));
    }
    return new Snippet(List.copyOf(parts));
  }

  /** The passage as plain text. */
  public String text() {
    StringBuilder b = new StringBuilder();
    parts.forEach(p -> b.append(p.text()));
    return b.toString();
  }

  /** The passage as HTML: every character escaped, then the hits wrapped in {@code <mark>}. */
  public String html() {
    StringBuilder b = new StringBuilder();
    for (Part p : parts) {
      if (p.hit()) {
        b.append("<mark>").append(escape(p.text())).append("</mark>");
      } else {
        b.append(escape(p.text()));
      }
    }
    return b.toString();
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
