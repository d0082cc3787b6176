package eu.mhealthhub.agora.web;

import java.util.List;

/**
 * CSV for spreadsheets (RFC 4180: CRLF line ends, every field quoted, quotes doubled). A field
 * that a spreadsheet would read as a formula (starting with = + - @, or a tab or carriage return)
 * gets a leading single quote, so an exported name such as {@code =HYPERLINK(...)} cannot run in the
 * reader's spreadsheet. The same rule as moderation's audit export, here for every feature (a
 * library may be used by any feature without a cycle).
 */
public final class Csv {

  private final StringBuilder out = new StringBuilder();

  /** Appends one row. */
  public Csv row(List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(field(fields.get(i)));
    }
    out.append("\r\n");
    return this;
  }

  @Override
  public String toString() {
    return out.toString();
  }

  /** One field, guarded against formulas and quoted. */
  public static String field(String value) {
    String v = value == null ? "" : value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return '"' + v.replace("\"", "\"\"") + '"';
  }
}
