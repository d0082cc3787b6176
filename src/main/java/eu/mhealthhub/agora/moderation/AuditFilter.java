package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the reader of an audit log asked for: an action kind, an actor's @handle, a date range
 * (whole days in the reader's time zone, both ends included), a page. Empty means "any".
 */
public record AuditFilter(String kind, String actor, String from, String to, int page) {

  /** The kinds of action a reader filters on: the first part of an action's name. */
  public static final List<String> KINDS = List.of("group", "member", "join", "moderator", "post", "thread",
      "document", "talk");
  private static final Pattern HANDLE = Pattern.compile("^@?[a-z0-9][a-z0-9._-]{1,39}$");

  public AuditFilter {
    kind = kind == null ? "" : kind.strip();
    actor = actor == null ? "" : actor.strip().toLowerCase(Locale.ROOT);
    from = from == null ? "" : from.strip();
    to = to == null ? "" : to.strip();
    page = Math.max(1, page);
  }

  /** Message keys of what is wrong with the filter; empty when it can be applied. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!kind.isEmpty() && !KINDS.contains(kind)) {
      problems.add("audit.error.kind");
    }
    if (!actor.isEmpty() && !HANDLE.matcher(actor).matches()) {
      problems.add("audit.error.actor");
    }
    LocalDate start = date(from);
    LocalDate end = date(to);
    if ((!from.isEmpty() && start == null) || (!to.isEmpty() && end == null)) {
      problems.add("audit.error.date");
    } else if (start != null && end != null && end.isBefore(start)) {
      problems.add("audit.error.range");
    }
    return problems;
  }

  /** The filter, or a 400 naming its first problem. */
  public AuditFilter checked() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw DomainException.badRequest(problems.get(0));
    }
    return this;
  }

  String handle() {
    return actor.startsWith("@") ? actor.substring(1) : actor;
  }

  java.time.OffsetDateTime start(ZoneId zone) {
    LocalDate d = date(from);
    return d == null ? null : d.atStartOfDay(zone).toOffsetDateTime();
  }

  /** The first instant after the range: the start of the day after {@code to}. */
  java.time.OffsetDateTime end(ZoneId zone) {
    LocalDate d = date(to);
    return d == null ? null : d.plusDays(1).atStartOfDay(zone).toOffsetDateTime();
  }

  /** The filter as a query string (without page), for pager links and the CSV link. */
  public String query() {
    StringBuilder q = new StringBuilder();
    append(q, "kind", kind);
    append(q, "actor", actor);
    append(q, "from", from);
    append(q, "to", to);
    return q.toString();
  }

  private static void append(StringBuilder q, String name, String value) {
    if (!value.isEmpty()) {
      q.append(name).append('=').append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)).append('&');
    }
  }

  private static LocalDate date(String value) {
    if (value.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
