package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.moderation.AuditCsv;
import eu.mhealthhub.agora.network.NetworkRepository.Count;
import eu.mhealthhub.agora.network.NetworkRepository.Listed;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The admin's overview of the network: the page record, its chart drawn on the server as SVG (a
 * title and description inside, the same numbers in a table beside it), and the followers' CSV.
 * Pure: the numbers come from {@link NetworkService#overview}.
 */
public final class NetworkOverview {

  /** The demand side of mHealth: who adopts, pays for, assesses, regulates, prescribes and uses it. */
  static final Set<String> DEMAND = Set.of("patient", "patient_org", "clinician", "payer", "hta", "regulator",
      "public_authority");
  /** The supply side: who builds it. */
  static final Set<String> SUPPLY = Set.of("industry");

  private NetworkOverview() {}

  /** One row of a table: its label (a message key when {@code key}), followers, members and both. */
  public record Row(String label, boolean key, long followers, long members, long total) {}

  /**
   * The overview page.
   *
   * @param chartSvg the chart of {@code months}, markup made here from numbers and escaped labels
   */
  public record Page(List<Row> months, String chartSvg, List<Row> byStakeholder, List<Row> byCountry, List<Row> byTopic,
      long demand, long supply, long neither, int demandPercent, int supplyPercent, NetworkOverTime.OverTime overTime) {}

  static Page page(List<Count> months, List<Count> stakeholders, List<Count> countries, List<Count> topics,
      List<NetworkService.Topic> topicNames, Locale reader, ChartLabels labels, NetworkOverTime.OverTime overTime) {
    List<Row> monthRows = months.stream().map(c -> row(c.key(), false, c)).toList();
    List<Row> byType = stakeholders.stream().map(c -> c.key().isEmpty() ? row("network.overview.notGiven", true, c)
        : row(StakeholderType.labelOf(c.key()), true, c)).toList();
    List<Row> byCountry = countries.stream().map(c -> c.key().isEmpty() ? row("network.overview.notGiven", true, c)
        : row(new Locale("", c.key()).getDisplayCountry(reader), false, c)).toList();
    List<Row> byTopic = topics.stream().map(c -> topicNames.stream().filter(t -> t.code().equals(c.key())).findFirst()
        .map(t -> row(t.label(), t.key(), c)).orElseGet(() -> row(c.key(), false, c))).toList();
    long demand = 0;
    long supply = 0;
    long neither = 0;
    for (Count c : stakeholders) {
      long n = c.followers() + c.members();
      if (DEMAND.contains(c.key())) {
        demand += n;
      } else if (SUPPLY.contains(c.key())) {
        supply += n;
      } else {
        neither += n;
      }
    }
    long sided = demand + supply;
    int demandPercent = sided == 0 ? 0 : (int) Math.round(100.0 * demand / sided);
    return new Page(monthRows, chart(months, labels), byType, byCountry, byTopic, demand, supply, neither, demandPercent,
        sided == 0 ? 0 : 100 - demandPercent, overTime);
  }

  private static Row row(String label, boolean key, Count c) {
    return new Row(label, key, c.followers(), c.members(), c.followers() + c.members());
  }

  /** The chart's words in the reader's language. */
  record ChartLabels(String title, String description, String followers, String members) {}

  static final int WIDTH = 720;
  static final int HEIGHT = 320;
  private static final int LEFT = 48;
  private static final int BOTTOM = 40;
  private static final int TOP = 40;

  /** Grouped bars per month, followers and members, with a legend; role img, named by its title and description. */
  static String chart(List<Count> months, ChartLabels labels) {
    long max = 1;
    for (Count c : months) {
      max = Math.max(max, Math.max(c.followers(), c.members()));
    }
    int plotWidth = WIDTH - LEFT - 16;
    int plotHeight = HEIGHT - TOP - BOTTOM;
    double slot = months.isEmpty() ? plotWidth : (double) plotWidth / months.size();
    double bar = Math.max(2, slot / 2 - 4);
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network-chart\" role=\"img\" viewBox=\"0 0 ")
        .append(WIDTH).append(' ').append(HEIGHT).append("\" aria-labelledby=\"chart-title chart-desc\">")
        .append("<title id=\"chart-title\">").append(escape(labels.title())).append("</title>")
        .append("<desc id=\"chart-desc\">").append(escape(labels.description())).append("</desc>");
    // legend
    svg.append("<rect x=\"").append(LEFT).append("\" y=\"10\" width=\"14\" height=\"14\" fill=\"#0b57d0\"/>")
        .append("<text x=\"").append(LEFT + 20).append("\" y=\"22\" font-size=\"13\" fill=\"#1d2330\">")
        .append(escape(labels.followers())).append("</text>")
        .append("<rect x=\"").append(LEFT + 200).append("\" y=\"10\" width=\"14\" height=\"14\" fill=\"#b3261e\"/>")
        .append("<text x=\"").append(LEFT + 220).append("\" y=\"22\" font-size=\"13\" fill=\"#1d2330\">")
        .append(escape(labels.members())).append("</text>");
    // axis and the top value
    int baseline = TOP + plotHeight;
    svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(baseline).append("\" x2=\"").append(WIDTH - 16)
        .append("\" y2=\"").append(baseline).append("\" stroke=\"#4a5160\"/>")
        .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(TOP + 4)
        .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\">").append(max).append("</text>")
        .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(baseline)
        .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\">0</text>");
    for (int i = 0; i < months.size(); i++) {
      Count c = months.get(i);
      double x = LEFT + i * slot + 2;
      double hf = (double) c.followers() / max * plotHeight;
      double hm = (double) c.members() / max * plotHeight;
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#0b57d0\"/>",
          x, baseline - hf, bar, hf));
      svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b3261e\"/>",
          x + bar + 2, baseline - hm, bar, hm));
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2330\">%s</text>",
          x + bar, baseline + 16, escape(c.key().length() >= 7 ? c.key().substring(2) : c.key())));
    }
    return svg.append("</svg>").toString();
  }

  /** The followers as CSV (RFC 4180), each field guarded against spreadsheet formulas by {@link AuditCsv#field}. */
  static String csv(List<Listed> followers) {
    StringBuilder csv = new StringBuilder();
    line(csv, List.of("email", "name", "organisation", "country", "stakeholder_type", "topics", "status", "source",
        "created_at", "confirmed_at", "member"));
    for (Listed f : followers) {
      line(csv, List.of(f.email(), f.name(), n(f.organisation()), n(f.country()), n(f.stakeholderType()),
          String.join(";", f.topics()), f.status(), f.source(), f.createdAt().toString(),
          f.confirmedAt() == null ? "" : f.confirmedAt().toString(), Boolean.toString(f.member())));
    }
    return csv.toString();
  }

  private static String n(String s) {
    return s == null ? "" : s;
  }

  private static void line(StringBuilder csv, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        csv.append(',');
      }
      csv.append(AuditCsv.field(fields.get(i)));
    }
    csv.append("\r\n");
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
