package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import java.util.List;
import java.util.Map;

/** The view records of the audit pages. */
final class AuditViews {

  private AuditViews() {}

  /** A choice in the action-kind filter. */
  public record KindChoice(String value, String label, boolean selected) {}

  /** The audit log page, of one group ({@code groupName} set) or site-wide. */
  public record LogPage(String groupName, String groupSlug, String action, List<AuditEntry> entries, boolean empty,
      long total, AuditFilter filter, List<KindChoice> kinds, List<Map<String, Object>> pages, String pageBase,
      String csvLink, boolean site) {}

  /** The yearly transparency summary. */
  public record SummaryPage(AuditService.Summary summary, boolean empty, boolean hasMedian, int previousYear, int nextYear) {}

  static LogPage log(I18n.Messages m, AuditService.Page p, AuditFilter filter) {
    String base = p.group() == null ? "/admin/audit" : "/groups/" + p.group().slug() + "/audit";
    List<KindChoice> kinds = AuditFilter.KINDS.stream()
        .map(k -> new KindChoice(k, m.get("audit.kind." + k), k.equals(filter.kind()))).toList();
    return new LogPage(p.group() == null ? null : p.group().name(), p.group() == null ? null : p.group().slug(), base,
        p.entries(), p.entries().isEmpty(), p.total(), filter, kinds, Forms.pageLinks(p.page(), p.pages()),
        base + "?" + filter.query(), base + "?" + filter.query() + "format=csv", p.group() == null);
  }
}
