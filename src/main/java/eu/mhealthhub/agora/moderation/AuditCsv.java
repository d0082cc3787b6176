package eu.mhealthhub.agora.moderation;

import java.util.List;

/**
 * The audit log as CSV (RFC 4180: CRLF line ends, every field quoted, quotes doubled). A field
 * that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return)
 * is prefixed with a single quote, so an exported reason cannot run in the reader's spreadsheet.
 */
public final class AuditCsv {

  static final List<String> HEADER = List.of("id", "time", "actor_handle", "actor_name", "action", "target_type",
      "target_id", "group", "reason", "ground", "before", "after", "detail");

  private AuditCsv() {}

  public static String of(List<AuditEntry> entries) {
    StringBuilder csv = new StringBuilder();
    row(csv, HEADER);
    for (AuditEntry e : entries) {
      row(csv, List.of(Long.toString(e.id()), e.createdAt().toString(), e.actorHandle(), e.actorName(), e.action(),
          e.targetType(), Long.toString(e.targetId()), e.groupSlug() == null ? "" : e.groupSlug(), e.reason(), e.ground(),
          e.before(), e.after(), e.detail()));
    }
    return csv.toString();
  }

  private static void row(StringBuilder csv, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        csv.append(',');
      }
      csv.append(field(fields.get(i)));
    }
    csv.append("\r\n");
  }

  /** One field, guarded and quoted. */
  public static String field(String value) {
    return eu.mhealthhub.agora.web.Csv.field(value);
  }
}
