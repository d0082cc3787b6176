package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.text.CleanText;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a CSV of former followers (RFC 4180: comma-separated, fields optionally in double quotes
 * with quotes doubled, CRLF or LF line ends, UTF-8, an optional byte-order mark) and checks it row by
 * row. The first line names the columns: {@code email} and {@code name} are required; {@code organisation},
 * {@code country} (ISO 3166-1 alpha-2), {@code stakeholder_type} (a code of StakeholderType),
 * {@code language} ({@code en}, {@code fr}, {@code de}) and {@code topics} (codes separated by {@code ;}) may
 * follow, in any order. Pure: nothing is stored here.
 */
final class FollowerCsv {

  /** The most rows (after the header) one file may hold. */
  static final int MAX_ROWS = 20_000;
  /** The largest file, in bytes. */
  static final int MAX_BYTES = 2 * 1024 * 1024;
  static final Set<String> REQUIRED = Set.of("email", "name");
  static final Set<String> KNOWN = Set.of("email", "name", "organisation", "country", "stakeholder_type", "language", "topics");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  /** Topics of an imported follower whose row names none. */
  static final List<String> DEFAULT_TOPICS = List.of("talks", "results");

  /** A whole file refused, with a message key and its argument. */
  static final class Refused extends Exception {
    final String messageKey;
    final Object argument;

    Refused(String messageKey, Object argument) {
      super(messageKey, null, false, false);
      this.messageKey = messageKey;
      this.argument = argument;
    }
  }

  /** A row that may become a follower. */
  record Valid(int line, String email, String name, String organisation, String country, String stakeholderType,
      String language, List<String> topics) {}

  /** What the file would do: rows to create, rows skipped (the address follows already) and rows rejected (line: message key). */
  record Report(List<Valid> valid, Map<Integer, String> rejected) {}

  private FollowerCsv() {}

  /**
   * Checks the file; throws {@link Refused} for a file that cannot be read as a whole (wrong columns,
   * too many rows, unbalanced quotes), so nothing of it is used.
   */
  static Report read(String content, Set<String> knownTopics) throws Refused {
    List<List<String>> rows = parse(content.startsWith("\uFEFF") ? content.substring(1) : content);
    if (rows.isEmpty()) {
      throw new Refused("import.error.empty", null);
    }
    List<String> header = rows.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
    for (String h : header) {
      if (!KNOWN.contains(h)) {
        throw new Refused("import.error.column", h.length() > 40 ? h.substring(0, 40) : h);
      }
    }
    if (!header.containsAll(REQUIRED) || new HashSet<>(header).size() != header.size()) {
      throw new Refused("import.error.columns", String.join(", ", KNOWN));
    }
    if (rows.size() - 1 > MAX_ROWS) {
      throw new Refused("import.error.rows", MAX_ROWS);
    }
    List<Valid> valid = new ArrayList<>();
    Map<Integer, String> rejected = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      int line = i + 1;
      if (row.size() == 1 && row.get(0).isBlank()) {
        continue;
      }
      if (row.size() != header.size()) {
        rejected.put(line, "import.reject.fields");
        continue;
      }
      Map<String, String> f = new LinkedHashMap<>();
      for (int c = 0; c < header.size(); c++) {
        String v = CleanText.line(row.get(c));
        f.put(header.get(c), v == null ? "" : v.strip());
      }
      String email = f.get("email").toLowerCase(Locale.ROOT);
      String name = f.get("name");
      String organisation = blank(f.get("organisation"));
      String country = blank(f.get("country"));
      country = country == null ? null : country.toUpperCase(Locale.ROOT);
      String type = blank(f.get("stakeholder_type"));
      String language = blank(f.get("language"));
      List<String> topics = f.get("topics") == null || f.get("topics").isBlank() ? DEFAULT_TOPICS
          : List.of(f.get("topics").split(";")).stream().map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
      String problem = null;
      if (!JoinForm.validEmail(email)) {
        problem = "import.reject.email";
      } else if (name.isEmpty() || name.codePointCount(0, name.length()) > JoinForm.MAX_NAME) {
        problem = "import.reject.name";
      } else if (organisation != null && organisation.codePointCount(0, organisation.length()) > JoinForm.MAX_ORGANISATION) {
        problem = "import.reject.organisation";
      } else if (country != null && !COUNTRIES.contains(country)) {
        problem = "import.reject.country";
      } else if (type != null && StakeholderType.of(type).isEmpty()) {
        problem = "import.reject.stakeholder";
      } else if (language != null && !List.of("en", "fr", "de").contains(language)) {
        problem = "import.reject.language";
      } else if (topics.isEmpty() || !knownTopics.containsAll(topics)) {
        problem = "import.reject.topics";
      } else if (!seen.add(email)) {
        problem = "import.reject.duplicate";
      }
      if (problem != null) {
        rejected.put(line, problem);
      } else {
        valid.add(new Valid(line, email, name, organisation, country, type, language == null ? "en" : language, topics));
      }
    }
    return new Report(valid, rejected);
  }

  private static String blank(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** RFC 4180 fields; a quote left open is a refusal. Stops early past the row limit (the caller refuses). */
  static List<List<String>> parse(String text) throws Refused {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
        continue;
      }
      any = true;
      if (c == '"' && field.isEmpty()) {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        any = false;
        if (rows.size() > MAX_ROWS + 1) {
          throw new Refused("import.error.rows", MAX_ROWS);
        }
      } else {
        field.append(c);
      }
    }
    if (quoted) {
      throw new Refused("import.error.quote", null);
    }
    if (any || !field.isEmpty() || !row.isEmpty()) {
      row.add(field.toString());
      rows.add(row);
    }
    if (rows.size() > MAX_ROWS + 1) {
      throw new Refused("import.error.rows", MAX_ROWS);
    }
    return rows;
  }
}
