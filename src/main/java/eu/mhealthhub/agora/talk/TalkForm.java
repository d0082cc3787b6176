package eu.mhealthhub.agora.talk;

import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Talk as typed into the create and edit form. Times are typed in the editor's time zone and
 * stored as instants. Speakers are one per line: {@code name | affiliation | declared interests}.
 * {@link #problems()} names every field in error, by message key.
 */
public record TalkForm(
    String slug,
    String title,
    String description,
    String startText,
    String endText,
    Instant startsAt,
    Instant endsAt,
    String slidesUrl,
    String recordingUrl,
    String speakersText,
    List<Talk.Speaker> speakers,
    List<Long> groupIds) {

  /** Reads the form's fields; {@code zone} is the editor's time zone. */
  public static TalkForm parse(Map<String, String> f, List<Long> groupIds, ZoneId zone) {
    String start = trim(f.get("startsAt"));
    String end = trim(f.get("endsAt"));
    String speakersText = f.getOrDefault("speakers", "");
    List<Talk.Speaker> speakers = new ArrayList<>();
    for (String line : speakersText.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\\|", 3);
      speakers.add(new Talk.Speaker(parts[0].strip(), parts.length > 1 ? parts[1].strip() : "", null,
          parts.length > 2 ? parts[2].strip() : ""));
    }
    return new TalkForm(trim(f.get("slug")).toLowerCase(java.util.Locale.ROOT), trim(f.get("title")),
        f.getOrDefault("description", "").strip(), start, end, time(start, zone), time(end, zone),
        blankToNull(f.get("slidesUrl")), blankToNull(f.get("recordingUrl")), speakersText, List.copyOf(speakers),
        List.copyOf(groupIds));
  }

  /** The form for an existing Talk, times in the editor's zone. */
  public static TalkForm of(Talk t, ZoneId zone) {
    StringBuilder speakers = new StringBuilder();
    for (Talk.Speaker s : t.speakers()) {
      speakers.append(s.name()).append(" | ").append(s.affiliation());
      if (!s.declaredInterests().isBlank()) {
        speakers.append(" | ").append(s.declaredInterests());
      }
      speakers.append('\n');
    }
    return new TalkForm(t.slug(), t.title(), t.description(), local(t.startsAt(), zone), local(t.endsAt(), zone),
        t.startsAt(), t.endsAt(), t.slidesUrl(), t.recordingUrl(), speakers.toString(), t.speakers(), t.groupIds());
  }

  private static String local(Instant i, ZoneId zone) {
    return LocalDateTime.ofInstant(i, zone).withSecond(0).withNano(0).toString();
  }

  private static String trim(String s) {
    return s == null ? "" : s.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static Instant time(String text, ZoneId zone) {
    try {
      return text.isEmpty() ? null : LocalDateTime.parse(text).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static boolean url(String s) {
    if (s == null) {
      return true;
    }
    try {
      URI u = URI.create(s);
      return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null && s.length() <= 500;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Field name to message key, for every problem; empty when the form is valid. */
  public Map<String, String> problems(boolean creating) {
    Map<String, String> p = new LinkedHashMap<>();
    if (creating && (slug.isEmpty() || slug.length() > 80 || !slug.matches("[a-z0-9]+(-[a-z0-9]+)*"))) {
      p.put("slug", "talk.form.error.slug");
    }
    if (title.isEmpty() || title.length() > Talk.MAX_TITLE) {
      p.put("title", "talk.form.error.title");
    }
    if (description.length() > Talk.MAX_DESCRIPTION) {
      p.put("description", "talk.form.error.description");
    }
    if (startsAt == null) {
      p.put("startsAt", "talk.form.error.time");
    }
    if (endsAt == null) {
      p.put("endsAt", "talk.form.error.time");
    } else if (startsAt != null && !endsAt.isAfter(startsAt)) {
      p.put("endsAt", "talk.form.error.order");
    }
    if (!url(slidesUrl)) {
      p.put("slidesUrl", "talk.form.error.url");
    }
    if (!url(recordingUrl)) {
      p.put("recordingUrl", "talk.form.error.url");
    }
    if (speakers.size() > 20 || speakers.stream().anyMatch(s -> s.name().isEmpty() || s.name().length() > 120
        || s.affiliation().length() > 200 || s.declaredInterests().length() > 1000)) {
      p.put("speakers", "talk.form.error.speakers");
    }
    return p;
  }
}
