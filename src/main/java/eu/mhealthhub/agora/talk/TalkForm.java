package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.declaration.Declaration;
import eu.mhealthhub.agora.declaration.DeclarationForm;
import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Talk as typed into the create and edit form. Times are typed in the editor's time zone and
 * stored as instants. Speakers are numbered rows ({@code speaker.0.name}, {@code speaker.0.member} for a
 * member's handle, {@code speaker.0.kind.1} for an entry of their declaration, see {@link SpeakerForm});
 * a row left blank is dropped, so the form can offer blank rows without JavaScript.
 * {@link #problems} names every field in error, by message key.
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
    List<SpeakerForm> speakers,
    List<Long> groupIds,
    String language) {

  public static final int MAX_SPEAKERS = 20;
  public static final int MAX_NAME = 120;
  public static final int MAX_AFFILIATION = 200;

  /**
   * A speaker as typed: {@code key} carried from edit to edit (empty for a new speaker), the
   * {@code handle} of the member they are (empty if none; {@code memberId} once found), and the
   * declaration typed for a speaker who is not a member.
   */
  public record SpeakerForm(int row, String key, String name, String affiliation, String handle, Long memberId,
      DeclarationForm declaration) {

    boolean blank() {
      return name.isEmpty() && affiliation.isEmpty() && handle.isEmpty() && declaration.empty();
    }

    /** This speaker as the member with {@code id}, or as nobody's when {@code id} is null. */
    SpeakerForm asMember(Long id) {
      return new SpeakerForm(row, key, name, affiliation, handle, id, declaration);
    }

    /** The field name prefix of this row's fields. */
    String prefix() {
      return "speaker." + row + ".";
    }
  }

  /**
   * The speaker rows of a submitted form, blank ones dropped and the rest numbered again from 0.
   * A handle is read without its leading {@code @}.
   */
  static List<SpeakerForm> speakers(MultiMap form) {
    int rows = 0;
    for (String name : form.names()) {
      java.util.regex.Matcher m = SPEAKER_FIELD.matcher(name);
      if (m.matches()) {
        rows = Math.max(rows, Integer.parseInt(m.group(1)) + 1);
      }
    }
    List<SpeakerForm> speakers = new ArrayList<>();
    for (int i = 0; i < Math.min(rows, MAX_SPEAKERS + 5); i++) {
      String prefix = "speaker." + i + ".";
      String handle = line(form.get(prefix + "member"));
      SpeakerForm s = new SpeakerForm(speakers.size(), line(form.get(prefix + "key")), line(form.get(prefix + "name")),
          line(form.get(prefix + "affiliation")), handle.startsWith("@") ? handle.substring(1) : handle, null,
          DeclarationForm.of(form, prefix));
      if (!s.blank()) {
        speakers.add(s);
      }
    }
    return List.copyOf(speakers);
  }

  private static final java.util.regex.Pattern SPEAKER_FIELD = java.util.regex.Pattern.compile("speaker\\.(\\d{1,3})\\..+");

  private static String line(String s) {
    String c = CleanText.line(s == null ? "" : s);
    return c == null ? "" : c.strip();
  }

  /** The same form with the speakers' members found: handle to member id (members not found are absent). */
  TalkForm withMembers(Map<String, Long> found) {
    List<SpeakerForm> resolved = speakers.stream()
        .map(s -> s.asMember(s.handle().isEmpty() ? null : found.get(s.handle().toLowerCase(java.util.Locale.ROOT))))
        .toList();
    return new TalkForm(slug, title, description, startText, endText, startsAt, endsAt, slidesUrl, recordingUrl,
        resolved, groupIds, language);
  }

  /**
   * Reads the form's fields; {@code zone} is the editor's time zone. Text is cleaned as it enters
   * ({@link CleanText}): the title, slug, links and each speaker's fields as single lines, the
   * description and the speakers' lines as multi-line text. A time that reads is kept in the form
   * a {@code datetime-local} input shows; one that does not is kept exactly as typed, so the form
   * can show it again (see {@link #startUnreadable()}).
   */
  public static TalkForm parse(Map<String, String> f, List<Long> groupIds, ZoneId zone, List<SpeakerForm> speakers) {
    String start = CleanText.line(f.getOrDefault("startsAt", ""));
    String end = CleanText.line(f.getOrDefault("endsAt", ""));
    LocalDateTime startLocal = local(start);
    LocalDateTime endLocal = local(end);
    return new TalkForm(CleanText.line(f.getOrDefault("slug", "")).toLowerCase(java.util.Locale.ROOT),
        CleanText.line(f.getOrDefault("title", "")), CleanText.body(f.getOrDefault("description", "")).strip(),
        startLocal == null ? start : startLocal.toString(), endLocal == null ? end : endLocal.toString(),
        startLocal == null ? null : startLocal.atZone(zone).toInstant(),
        endLocal == null ? null : endLocal.atZone(zone).toInstant(),
        blankToNull(CleanText.line(f.get("slidesUrl"))), blankToNull(CleanText.line(f.get("recordingUrl"))),
        List.copyOf(speakers), List.copyOf(groupIds),
        CleanText.line(f.getOrDefault("language", "")).isEmpty() ? eu.mhealthhub.agora.ContentLanguage.DEFAULT
            : CleanText.line(f.getOrDefault("language", "")));
  }

  /**
   * The form as submitted ({@link #parse}); a group that is not a number is a 400, like a forged
   * form.
   */
  static TalkForm read(MultiMap form, ZoneId zone) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String name : List.of("slug", "title", "description", "startsAt", "endsAt", "slidesUrl", "recordingUrl",
        "language")) {
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
    return parse(fields, groupIds, zone, speakers(form));
  }

  /** The language select's choices, this form's language chosen. */
  public List<eu.mhealthhub.agora.ContentLanguage.Option> languages() {
    return eu.mhealthhub.agora.ContentLanguage.options(language);
  }

  /** The empty form for a new Talk. */
  static TalkForm empty() {
    return new TalkForm("", "", "", "", "", null, null, null, null, List.of(), List.of(),
        eu.mhealthhub.agora.ContentLanguage.DEFAULT);
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

  /** The form for an existing Talk, times in the editor's zone, each speaker's latest declaration in its rows. */
  public static TalkForm of(Talk t, ZoneId zone) {
    List<SpeakerForm> speakers = new ArrayList<>();
    for (Talk.Speaker s : t.speakers()) {
      Talk.SpeakerDeclaration d = s.declaration();
      List<DeclarationForm.EntryForm> entries = new ArrayList<>();
      if (d != null) {
        for (Declaration.Entry e : d.entries()) {
          entries.add(new DeclarationForm.EntryForm(entries.size(), e.kind(), e.organisation(), e.description(),
              e.startMonth(), e.endMonth() == null ? "" : e.endMonth(), e.current(), e.band() == null ? "" : e.band()));
        }
      }
      speakers.add(new SpeakerForm(speakers.size(), s.key(), s.name(), s.affiliation(),
          s.memberHandle() == null ? "" : s.memberHandle(), s.memberId(),
          new DeclarationForm(d != null && d.nothingToDeclare(), List.copyOf(entries))));
    }
    return new TalkForm(t.slug(), t.title(), t.description(), local(t.startsAt(), zone), local(t.endsAt(), zone),
        t.startsAt(), t.endsAt(), t.slidesUrl(), t.recordingUrl(), List.copyOf(speakers), t.groupIds(),
        t.language());
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
    if (!eu.mhealthhub.agora.ContentLanguage.known(language)) {
      p.put("language", "overview.language.error");
    }
    if (speakers.size() > MAX_SPEAKERS) {
      p.put("speakers", "talk.form.error.speakers");
    }
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    for (SpeakerForm s : speakers) {
      String at = s.prefix();
      if (s.name().isEmpty()) {
        p.put(at + "name", "talk.speaker.error.name");
      } else if (s.name().codePointCount(0, s.name().length()) > MAX_NAME) {
        p.put(at + "name", "talk.speaker.error.nameLong");
      }
      if (s.affiliation().codePointCount(0, s.affiliation().length()) > MAX_AFFILIATION) {
        p.put(at + "affiliation", "talk.speaker.error.affiliation");
      }
      if (!s.handle().isEmpty() && s.memberId() == null) {
        p.put(at + "member", "talk.speaker.error.member");
      } else if (!s.handle().isEmpty() && !s.declaration().empty()) {
        p.put(at + "member", "talk.speaker.error.memberDeclares");
      }
      // a speaker's declaration may be left empty (not given yet); anything typed is checked as a member's is
      s.declaration().problems(now).forEach((field, key) -> {
        if (!"declaration.error.empty".equals(key)) {
          p.put(at + field, key);
        }
      });
    }
    return p;
  }
}
