package eu.mhealthhub.agora.declaration;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.declaration.DeclarationForm.EntryForm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the declaration pages show, one record per page. */
public final class DeclarationPages {

  /** Blank rows the form offers beyond what is filled in; "add more rows" offers this many more. */
  static final int BLANK_ROWS = 3;

  private static final List<Choice> KINDS = List.of("employment", "consultancy", "research_funding", "shares", "payer_hta",
      "speaker_fees", "other").stream().map(k -> new Choice(k, "declaration.kind." + k)).toList();
  private static final List<Choice> BANDS = List.of("under_1k", "1k_10k", "10k_50k", "50k_100k", "over_100k").stream()
      .map(b -> new Choice(b, "declaration.band." + b)).toList();

  private DeclarationPages() {}

  /** The kinds of interest, as the form's select offers them. */
  public static List<Choice> kinds() {
    return KINDS;
  }

  /** The amount bands, as the form's select offers them. */
  public static List<Choice> bands() {
    return BANDS;
  }

  /**
   * The rows of a declaration form holding {@code entries}, then {@code blanks} blank ones (never
   * more than {@link DeclarationForm#MAX_ENTRIES} in all); {@code problems} by field name without
   * prefix ({@code organisation.2}) are given to their rows.
   */
  public static List<Row> entryRows(List<EntryForm> entries, Map<String, String> problems, int blanks) {
    List<Row> rows = new ArrayList<>();
    for (EntryForm e : entries) {
      int i = rows.size();
      Map<String, String> own = new java.util.HashMap<>();
      problems.forEach((field, key) -> {
        if (field.endsWith("." + i)) {
          own.put(field.substring(0, field.lastIndexOf('.')), key);
        }
      });
      rows.add(new Row(i, e, own));
    }
    while (rows.size() < Math.min(entries.size() + blanks, DeclarationForm.MAX_ENTRIES)) {
      rows.add(new Row(rows.size(), new EntryForm(rows.size(), "", "", "", "", "", false, ""), Map.of()));
    }
    return List.copyOf(rows);
  }

  /** A value a select offers, with the message key of its label. */
  public record Choice(String value, String label) {}

  /** One row of the form, numbered from 0, as typed. */
  public record Row(int row, EntryForm entry, Map<String, String> problems) {

    /** Its number as readers count, from 1. */
    public int number() {
      return row + 1;
    }
  }

  /**
   * The member's declaration form: their latest version (null before the first), its rows and
   * blank ones, and the problems of a refused submission (field to message key).
   */
  public record FormPage(Declaration latest, boolean nothingToDeclare, List<Row> rows, int rowCount,
      Map<String, String> problems, boolean hasProblems, boolean saved, boolean confirmed, List<Choice> kinds,
      List<Choice> bands) {

    static FormPage of(Optional<Declaration> latest, boolean saved, boolean confirmed, int extra) {
      List<EntryForm> entries = latest.map(d -> d.entries().stream().map(e -> new EntryForm(0, e.kind(),
          e.organisation(), e.description(), e.startMonth(), e.endMonth() == null ? "" : e.endMonth(), e.current(),
          e.band() == null ? "" : e.band())).toList()).orElse(List.of());
      return build(latest.orElse(null), latest.map(Declaration::nothingToDeclare).orElse(false), entries, Map.of(),
          saved, confirmed, extra);
    }

    static FormPage submitted(Optional<Declaration> latest, DeclarationForm form, Map<String, String> problems,
        int extra) {
      return build(latest.orElse(null), form.nothingToDeclare(), form.entries(), problems, false, false, extra);
    }

    private static FormPage build(Declaration latest, boolean nothing, List<EntryForm> entries,
        Map<String, String> problems, boolean saved, boolean confirmed, int extra) {
      int blanks = BLANK_ROWS + Math.max(0, Math.min(extra, DeclarationForm.MAX_ENTRIES));
      List<Row> rows = entryRows(entries, problems, blanks);
      return new FormPage(latest, nothing, rows, rows.size(), problems, !problems.isEmpty(), saved,
          confirmed, KINDS, BANDS);
    }
  }

  /** A group's setting, for its moderators: whether posting and endorsing need a current declaration. */
  public record RequirementPage(eu.mhealthhub.agora.group.WorkingGroup group, boolean required, boolean saved) {}

  /** A member's declarations: every version, newest first. */
  public record HistoryPage(Member member, List<Declaration> versions) {}

  /** One version of a member's declaration, and whether a later one replaced it. */
  public record VersionPage(Member member, Declaration declaration, boolean superseded) {}
}
