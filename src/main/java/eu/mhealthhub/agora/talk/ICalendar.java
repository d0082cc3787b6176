package eu.mhealthhub.agora.talk;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Talks as iCalendar (RFC 5545): lines end with CRLF and are folded before 75 octets (never inside
 * a UTF-8 character), text values escape backslash, semicolon, comma and line breaks, times are UTC,
 * and each event has a stable UID and the DTSTAMP of this answer.
 */
public final class ICalendar {

  private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final int MAX_OCTETS = 75;

  private ICalendar() {}

  /**
   * A calendar of the given Talks.
   *
   * @param name the feed's display name, or null for a single event's file
   */
  public static String of(List<Talk> talks, String publicUrl, Instant now, String name) {
    StringBuilder out = new StringBuilder();
    line(out, "BEGIN:VCALENDAR");
    line(out, "VERSION:2.0");
    line(out, "PRODID:-//European mHealth Hub//Agora//EN");
    line(out, "CALSCALE:GREGORIAN");
    line(out, "METHOD:PUBLISH");
    if (name != null) {
      line(out, "X-WR-CALNAME:" + text(name));
    }
    String host = URI.create(publicUrl).getHost();
    for (Talk t : talks) {
      String url = publicUrl + "/talks/" + t.slug();
      line(out, "BEGIN:VEVENT");
      line(out, "UID:talk-" + t.id() + "@" + host);
      line(out, "DTSTAMP:" + UTC.format(now.truncatedTo(ChronoUnit.SECONDS)));
      line(out, "DTSTART:" + UTC.format(t.startsAt()));
      line(out, "DTEND:" + UTC.format(t.endsAt()));
      if (t.updatedAt() != null) {
        line(out, "LAST-MODIFIED:" + UTC.format(t.updatedAt().truncatedTo(ChronoUnit.SECONDS)));
      }
      line(out, "SUMMARY:" + text(t.title()));
      String speakers = t.speakers().stream().map(s -> s.affiliation().isBlank() ? s.name() : s.name() + " (" + s.affiliation() + ")")
          .collect(Collectors.joining(", "));
      line(out, "DESCRIPTION:" + text(t.description() + (speakers.isEmpty() ? "" : "\n\n" + speakers) + "\n\n" + url));
      line(out, "URL:" + url);
      line(out, "END:VEVENT");
    }
    line(out, "END:VCALENDAR");
    return out.toString();
  }

  /** Escapes a TEXT value (RFC 5545 §3.3.11). */
  static String text(String value) {
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n");
  }

  /** Appends a content line, folded so no physical line exceeds 75 octets (§3.1). */
  static void line(StringBuilder out, String content) {
    int octets = 0;
    int limit = MAX_OCTETS;
    for (int i = 0; i < content.length(); ) {
      int cp = content.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (octets + size > limit) {
        out.append("\r\n ");
        octets = 0;
        limit = MAX_OCTETS - 1; // the leading space of a continuation line counts
      }
      out.appendCodePoint(cp);
      octets += size;
      i += Character.charCount(cp);
    }
    out.append("\r\n");
  }
}
