package eu.mhealthhub.agora.declaration;

import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declaration as submitted: "nothing to declare", or entries. The form has numbered rows
 * ({@code kind.0}, {@code organisation.0}, {@code start.0} as {@code yyyy-MM}...); a row left
 * entirely blank is ignored, so the form can offer blank rows without JavaScript.
 */
public record DeclarationForm(boolean nothingToDeclare, List<EntryForm> entries) {

  public static final int MAX_ENTRIES = 50;
  public static final int MAX_ORGANISATION = 200;
  public static final int MAX_DESCRIPTION = 1000;
  public static final Set<String> KINDS = Set.of("employment", "consultancy", "research_funding", "shares",
      "payer_hta", "speaker_fees", "other");
  public static final Set<String> BANDS = Set.of("under_1k", "1k_10k", "10k_50k", "50k_100k", "over_100k");

  /** One row as typed; {@code start} and {@code end} as {@code yyyy-MM}, blank optional fields empty. */
  public record EntryForm(int row, String kind, String organisation, String description, String start, String end,
      boolean current, String band) {

    boolean blank() {
      return kind.isEmpty() && organisation.isEmpty() && description.isEmpty() && start.isEmpty() && end.isEmpty()
          && band.isEmpty() && !current;
    }

    YearMonth startMonth() {
      return month(start);
    }

    YearMonth endMonth() {
      return month(end);
    }
  }

  /** Reads the rows {@code 0..rows-1} of a submitted form, dropping blank ones. */
  public static DeclarationForm of(MultiMap f) {
    return of(f, "");
  }

  /**
   * As {@link #of(MultiMap)}, for a declaration inside a larger form whose fields all start with
   * {@code prefix} ({@code speaker.0.kind.1}, {@code speaker.0.nothingToDeclare}): a Talk's speakers.
   */
  public static DeclarationForm of(MultiMap f, String prefix) {
    int rows = Math.min(rowCount(f, prefix), MAX_ENTRIES + 10);
    List<EntryForm> entries = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      EntryForm e = new EntryForm(i, line(f.get(prefix + "kind." + i)), line(f.get(prefix + "organisation." + i)),
          text(f.get(prefix + "description." + i)), line(f.get(prefix + "start." + i)), line(f.get(prefix + "end." + i)),
          f.get(prefix + "current." + i) != null, line(f.get(prefix + "band." + i)));
      if (!e.blank()) {
        entries.add(new EntryForm(entries.size(), e.kind(), e.organisation(), e.description(), e.start(), e.end(),
            e.current(), e.band()));
      }
    }
    return new DeclarationForm(f.get(prefix + "nothingToDeclare") != null, List.copyOf(entries));
  }

  /** Neither "nothing to declare" nor an entry: nothing was declared in this form. */
  public boolean empty() {
    return !nothingToDeclare && entries.isEmpty();
  }

  /** The entries as they are stored: months as their first day, a band not given as null. */
  public List<Declaration.Entry> storedEntries() {
    return entries.stream().map(e -> new Declaration.Entry(e.kind(), e.organisation(), e.description(),
        e.startMonth() == null ? null : e.startMonth().atDay(1), e.endMonth() == null ? null : e.endMonth().atDay(1),
        e.current(), e.band().isEmpty() ? null : e.band())).toList();
  }

  /** How many rows the submitted form had: one past the highest numbered field after the prefix. */
  private static int rowCount(MultiMap f, String prefix) {
    int rows = 0;
    for (String full : f.names()) {
      if (!full.startsWith(prefix)) {
        continue;
      }
      String name = full.substring(prefix.length());
      int dot = name.lastIndexOf('.');
      if (dot > 0 && name.indexOf('.') == dot) {
        try {
          rows = Math.max(rows, Integer.parseInt(name.substring(dot + 1)) + 1);
        } catch (NumberFormatException ignored) {
          // not a row field
        }
      }
    }
    return rows;
  }

  /**
   * Field name ({@code organisation.2}, or {@code entries}) to message key for every problem; empty
   * when the declaration may be stored. {@code now} is the current month: nothing starts after it.
   */
  public Map<String, String> problems(YearMonth now) {
    Map<String, String> problems = new LinkedHashMap<>();
    if (nothingToDeclare && !entries.isEmpty()) {
      problems.put("nothingToDeclare", "declaration.error.nothingAndEntries");
    } else if (!nothingToDeclare && entries.isEmpty()) {
      problems.put("nothingToDeclare", "declaration.error.empty");
    }
    if (entries.size() > MAX_ENTRIES) {
      problems.put("entries", "declaration.error.tooMany");
    }
    for (EntryForm e : entries) {
      int i = e.row();
      if (!KINDS.contains(e.kind())) {
        problems.put("kind." + i, "declaration.error.kind");
      }
      if (e.organisation().isEmpty()) {
        problems.put("organisation." + i, "declaration.error.organisation.required");
      } else if (e.organisation().codePointCount(0, e.organisation().length()) > MAX_ORGANISATION) {
        problems.put("organisation." + i, "declaration.error.organisation.long");
      }
      if (e.description().codePointCount(0, e.description().length()) > MAX_DESCRIPTION) {
        problems.put("description." + i, "declaration.error.description.long");
      }
      YearMonth start = e.startMonth();
      if (start == null) {
        problems.put("start." + i, "declaration.error.start");
      } else if (start.isAfter(now)) {
        problems.put("start." + i, "declaration.error.start.future");
      }
      YearMonth end = e.endMonth();
      if (!e.end().isEmpty() && end == null) {
        problems.put("end." + i, "declaration.error.end");
      } else if (end != null && start != null && end.isBefore(start)) {
        problems.put("end." + i, "declaration.error.end.beforeStart");
      } else if (end != null && e.current() && end.isBefore(now)) {
        problems.put("end." + i, "declaration.error.end.current");
      }
      if (!e.band().isEmpty() && !BANDS.contains(e.band())) {
        problems.put("band." + i, "declaration.error.band");
      }
    }
    return problems;
  }

  /** A month as {@code yyyy-MM} (what {@code <input type=month>} sends), or null. */
  static YearMonth month(String s) {
    if (s == null || s.isEmpty() || s.length() > 7) {
      return null;
    }
    try {
      YearMonth m = YearMonth.parse(s);
      return m.getYear() < 1900 ? null : m;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static String line(String s) {
    String c = CleanText.line(s);
    return c == null ? "" : c.strip();
  }

  private static String text(String s) {
    String c = CleanText.body(s);
    return c == null ? "" : c.strip();
  }
}
