package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
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

  /**
   * Reads the form's fields; {@code zone} is the editor's time zone. Text is cleaned as it enters
   * ({@link CleanText}): the title, slug, links and each speaker's fields as single lines, the
   * description and the speakers' lines as multi-line text. A time that reads is kept in the form
   * a {@code datetime-local} input shows; one that does not is kept exactly as typed, so the form
   * can show it again (see {@link #startUnreadable()}).
   */
  public static TalkForm parse(Map<String, String> f, List<Long> groupIds, ZoneId zone) {
    String start = CleanText.line(f.getOrDefault("startsAt", ""));
    String end = CleanText.line(f.getOrDefault("endsAt", ""));
    LocalDateTime startLocal = local(start);
    LocalDateTime endLocal = local(end);
    String speakersText = CleanText.body(f.getOrDefault("speakers", ""));
    List<Talk.Speaker> speakers = new ArrayList<>();
    for (String line : speakersText.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split("\\|", 3);
      speakers.add(new Talk.Speaker(CleanText.line(parts[0]), parts.length > 1 ? CleanText.line(parts[1]) : "", null,
          parts.length > 2 ? CleanText.line(parts[2]) : ""));
    }
    return new TalkForm(CleanText.line(f.getOrDefault("slug", "")).toLowerCase(java.util.Locale.ROOT),
        CleanText.line(f.getOrDefault("title", "")), CleanText.body(f.getOrDefault("description", "")).strip(),
        startLocal == null ? start : startLocal.toString(), endLocal == null ? end : endLocal.toString(),
        startLocal == null ? null : startLocal.atZone(zone).toInstant(),
        endLocal == null ? null : endLocal.atZone(zone).toInstant(),
        blankToNull(CleanText.line(f.get("slidesUrl"))), blankToNull(CleanText.line(f.get("recordingUrl"))), speakersText,
        List.copyOf(speakers), List.copyOf(groupIds));
  }

  /**
   * The form as submitted ({@link #parse}); a group that is not a number is a 400, like a forged
   * form.
   */
  static TalkForm read(MultiMap form, ZoneId zone) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : List.of("slug", "title", "description", "startsAt", "endsAt", "slidesUrl", "recordingUrl",
        "speakers")) {
      fields.put(name, form.get(name) == null ? "" : form.get(name));
    }
    List<Long> groupIds = new ArrayList<>();
    for (String g : form.getAll("group")) {
      try {
        groupIds.add(Long.parseLong(g));
      } catch (NumberFormatException e) {
        throw DomainException.badRequest("talk.form.error.groups");
      }
    }
    return parse(fields, groupIds, zone);
  }

  /** The empty form for a new Talk. */
  static TalkForm empty() {
    return new TalkForm("", "", "", "", "", null, null, null, null, "", List.of(), List.of());
  }

  /**
   * A start time was typed that is not a date and time: the form shows it in a text field, since a
   * {@code datetime-local} input cannot hold a value it does not understand and would show nothing.
   */
  public boolean startUnreadable() {
    return !startText.isEmpty() && startsAt == null;
  }

  /** As {@link #startUnreadable()}, for the end time. */
  public boolean endUnreadable() {
    return !endText.isEmpty() && endsAt == null;
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

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /**
   * A date and time as a {@code datetime-local} input sends it ({@code 2026-05-14T14:30}, seconds
   * optional) or as people type it where the browser offers a plain text field
   * ({@code 2026-05-14 14:30}); null for anything else. Seconds are dropped.
   */
  private static LocalDateTime local(String text) {
    try {
      return text.isEmpty() ? null
          : LocalDateTime.parse(text.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) +(?=\\d)", "$1T")).withSecond(0).withNano(0);
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
      p.put("startsAt", startUnreadable() ? "talk.form.error.timeFormat" : "talk.form.error.time");
    }
    if (endsAt == null) {
      p.put("endsAt", endUnreadable() ? "talk.form.error.timeFormat" : "talk.form.error.time");
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
