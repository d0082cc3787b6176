package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.StakeholderType;
import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A moderator's new round, as typed: the statements (section keys of the current revision, and up
 * to {@link #NEW_STATEMENTS} statements written for the round), the panel, the scale, the rule
 * (blank fields take the scale's defaults), the deadline in the moderator's time zone, and the
 * settings. {@link #problems} is what both the form page and {@link RoundService#create} check.
 */
public record RoundForm(String title, Set<Integer> sections, List<String> newStatements, String panel,
    Set<String> types, String handles, String scale, String forShare, String forFrom, String forMedian,
    String againstShare, String againstTo, String deadline, boolean showRaters, boolean reasonsRequired,
    boolean hideInterim, String balanceThreshold, ZoneId zone) {

  public static final int NEW_STATEMENTS = 3;
  public static final int DEFAULT_BALANCE = 10;

  public static RoundForm of(MultiMap form, ZoneId zone) {
    Set<Integer> sections = new TreeSet<>();
    for (String s : form.getAll("section")) {
      try {
        sections.add(Integer.parseInt(s.trim()));
      } catch (NumberFormatException e) {
        sections.add(-1);
      }
    }
    List<String> written = new ArrayList<>();
    for (int i = 1; i <= NEW_STATEMENTS; i++) {
      written.add(field(form, "statement." + i));
    }
    return new RoundForm(field(form, "title"), sections, written, field(form, "panel"),
        new TreeSet<>(form.getAll("type")), field(form, "handles"), field(form, "scale"), field(form, "forShare"),
        field(form, "forFrom"), field(form, "forMedian"), field(form, "againstShare"), field(form, "againstTo"),
        field(form, "deadline"), form.contains("showRaters"), form.contains("reasonsRequired"),
        form.contains("hideInterim"), field(form, "balanceThreshold"), zone);
  }

  /** A blank form with the defaults: 1-9 scale and its rule, all members, raters shown, interim results hidden. */
  public static RoundForm blank(ZoneId zone) {
    ConsensusRule rule = Scale.NINE.defaultRule();
    return new RoundForm("", Set.of(), List.of("", "", ""), "all", Set.of(), "", Scale.NINE.code(),
        Integer.toString(rule.forShare()), Integer.toString(rule.forFrom()), rule.forMedianText(),
        Integer.toString(rule.againstShare()), Integer.toString(rule.againstTo()), "", true, false, true,
        Integer.toString(DEFAULT_BALANCE), zone);
  }

  static String field(MultiMap form, String name) {
    String v = form.get(name);
    return v == null ? "" : v.strip();
  }

  /** A field for a statement written for the round: its number (1...) and text. */
  public record StatementField(int number, String text) {}

  public List<StatementField> statementFields() {
    List<StatementField> fields = new ArrayList<>();
    for (int i = 0; i < NEW_STATEMENTS; i++) {
      fields.add(new StatementField(i + 1, i < newStatements.size() ? newStatements.get(i) : ""));
    }
    return fields;
  }

  public List<String> writtenStatements() {
    return newStatements.stream().filter(s -> !s.isBlank()).toList();
  }

  public List<String> handleList() {
    return java.util.Arrays.stream(handles.split("[\\s,;]+")).map(h -> h.replaceFirst("^@", "").toLowerCase(java.util.Locale.ROOT))
        .filter(h -> !h.isBlank()).distinct().toList();
  }

  public Scale scaleOrDefault() {
    return Scale.of(scale).orElse(Scale.NINE);
  }

  private static Integer integer(String s) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Double decimal(String s) {
    try {
      double d = Double.parseDouble(s.trim().replace(',', '.'));
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The rule as typed, blank fields taking the scale's defaults; null fields where a number does not parse. */
  public ConsensusRule rule() {
    ConsensusRule d = scaleOrDefault().defaultRule();
    Integer fs = forShare.isBlank() ? d.forShare() : integer(forShare);
    Integer ff = forFrom.isBlank() ? d.forFrom() : integer(forFrom);
    Double fm = forMedian.isBlank() ? d.forMedian() : decimal(forMedian);
    Integer as = againstShare.isBlank() ? d.againstShare() : integer(againstShare);
    Integer at = againstTo.isBlank() ? d.againstTo() : integer(againstTo);
    return new ConsensusRule(fs == null ? -1 : fs, ff == null ? -1 : ff, fm == null ? Double.NaN : fm,
        as == null ? -1 : as, at == null ? -1 : at);
  }

  /** The deadline as an instant in the moderator's zone, or null when it does not parse. */
  public Instant deadlineInstant() {
    try {
      return LocalDateTime.parse(deadline).atZone(zone).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  public int balance() {
    Integer b = balanceThreshold.isBlank() ? Integer.valueOf(DEFAULT_BALANCE) : integer(balanceThreshold);
    return b == null ? -1 : b;
  }

  /** Field name to message key of what is wrong, judged at {@code now}. */
  public Map<String, String> problems(Instant now) {
    Map<String, String> p = new LinkedHashMap<>();
    if (title.isBlank() || title.length() > Round.MAX_TITLE) {
      p.put("title", "rounds.error.title");
    }
    if (sections.contains(-1)) {
      p.put("sections", "rounds.error.section");
    }
    if (sections.isEmpty() && writtenStatements().isEmpty()) {
      p.put("statements", "rounds.error.noStatements");
    }
    if (writtenStatements().stream().anyMatch(s -> s.length() > Round.MAX_STATEMENT)) {
      p.put("statements", "rounds.error.statementLength");
    }
    switch (panel) {
      case "all" -> { }
      case "types" -> {
        if (types.isEmpty() || types.stream().anyMatch(t -> StakeholderType.of(t).isEmpty())) {
          p.put("panel", "rounds.error.types");
        }
      }
      case "named" -> {
        if (handleList().isEmpty()) {
          p.put("panel", "rounds.error.handles");
        }
      }
      default -> p.put("panel", "rounds.error.panel");
    }
    if (Scale.of(scale).isEmpty()) {
      p.put("scale", "rounds.error.scale");
    } else {
      rule().problems(scaleOrDefault()).forEach(p::putIfAbsent);
    }
    Instant at = deadlineInstant();
    if (at == null) {
      p.put("deadline", "rounds.error.deadline");
    } else if (!at.isAfter(now)) {
      p.put("deadline", "rounds.error.deadlinePast");
    }
    int b = balance();
    if (b < 0 || b > 100) {
      p.put("balanceThreshold", "rounds.error.balance");
    }
    return p;
  }
}
