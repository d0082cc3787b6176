package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.network.NetworkRepository.MonthCount;
import eu.mhealthhub.agora.web.Csv;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The network over time for the admin's overview: for each of the last twelve months, followers and
 * members by stakeholder type, by country (the ten largest, then the rest together) and by topic,
 * each as a stacked bar chart drawn on the server (title and description inside) with the same
 * figures in a table, the demand and supply balance per month, and all of it as CSV. Pure: the
 * counts come from {@link NetworkRepository#monthly}.
 */
public final class NetworkOverTime {

  /** How many countries the country breakdown names; the rest are counted together. */
  static final int TOP_COUNTRIES = 10;
  /** The key of "the rest together" in the country breakdown. */
  static final String OTHER = "\u0000other";

  private NetworkOverTime() {}

  /** One series of a breakdown: its key as stored, its label in the reader's language. */
  public record Series(String key, String label, String colour) {}

  /** One month of a breakdown: its cells (followers, members, together), one per series. */
  public record Month(String month, List<Cell> cells, long total) {}

  /** One cell: followers, members and both together. */
  public record Cell(long followers, long members, long total) {}

  /**
   * One breakdown over the months.
   *
   * @param id a short name (stakeholder, country, topic), used in element ids and the CSV
   * @param chartSvg markup made here from numbers and escaped labels
   */
  public record Breakdown(String id, String title, List<Series> series, List<Month> months, String chartSvg) {}

  /** The balance of one month: people on the demand side, the supply side, neither; percentages of the sided. */
  public record Balance(String month, long demand, long supply, long neither, int demandPercent, int supplyPercent) {}

  /** Everything over time. */
  public record OverTime(List<Breakdown> breakdowns, List<Balance> balance) {}

  /** The words charts and labels need, in the reader's language. */
  record Words(Function<String, String> messages, Locale reader) {}

  static OverTime of(List<String> months, List<MonthCount> types, List<MonthCount> countries, List<MonthCount> topics,
      List<NetworkService.Topic> topicNames, Words words) {
    Function<String, String> m = words.messages();
    Function<String, String> typeLabel = k -> k.isEmpty() ? m.apply("network.overview.notGiven")
        : java.util.Optional.ofNullable(eu.mhealthhub.agora.StakeholderType.labelOf(k)).map(m).orElse(k);
    Function<String, String> countryLabel = k -> k.isEmpty() ? m.apply("network.overview.notGiven")
        : OTHER.equals(k) ? m.apply("overview.other") : new Locale("", k).getDisplayCountry(words.reader());
    Function<String, String> topicLabel = k -> topicNames.stream().filter(t -> t.code().equals(k)).findFirst()
        .map(t -> t.key() ? m.apply(t.label()) : t.label()).orElse(k);
    List<Breakdown> breakdowns = List.of(
        breakdown("stakeholder", m.apply("overview.byStakeholder"), months, types, typeLabel, words),
        breakdown("country", m.apply("overview.byCountry"), months, topCountries(countries), countryLabel, words),
        breakdown("topic", m.apply("overview.byTopic"), months, topics, topicLabel, words));
    return new OverTime(breakdowns, balance(months, types));
  }

  /** The ten countries with the most people in the last month keep their name; the rest become {@link #OTHER}. */
  static List<MonthCount> topCountries(List<MonthCount> countries) {
    if (countries.isEmpty()) {
      return countries;
    }
    String last = countries.stream().map(MonthCount::month).max(Comparator.naturalOrder()).orElseThrow();
    List<String> top = countries.stream().filter(c -> c.month().equals(last))
        .sorted(Comparator.comparingLong((MonthCount c) -> c.followers() + c.members()).reversed()
            .thenComparing(MonthCount::key))
        .limit(TOP_COUNTRIES).map(MonthCount::key).toList();
    Map<String, MonthCount> merged = new LinkedHashMap<>();
    for (MonthCount c : countries) {
      String key = top.contains(c.key()) ? c.key() : OTHER;
      merged.merge(c.month() + "|" + key, new MonthCount(c.month(), key, c.followers(), c.members()),
          (a, b) -> new MonthCount(a.month(), key, a.followers() + b.followers(), a.members() + b.members()));
    }
    return new ArrayList<>(merged.values());
  }

  private static final String[] COLOURS = {"#0b57d0", "#b3261e", "#146c2e", "#8a4a00", "#6f3eb5", "#00677f",
      "#9c2f6b", "#4a5160", "#3b6e00", "#a83a00", "#1d3a8a", "#7a6400"};

  static Breakdown breakdown(String id, String title, List<String> months, List<MonthCount> counts,
      Function<String, String> label, Words words) {
    // series ordered by their size in the last month, largest first ("the rest" last)
    Map<String, Long> size = new LinkedHashMap<>();
    String last = months.isEmpty() ? "" : months.get(months.size() - 1);
    for (MonthCount c : counts) {
      size.merge(c.key(), c.month().equals(last) ? c.followers() + c.members() : 0, Long::sum);
    }
    List<String> keys = size.keySet().stream()
        .sorted(Comparator.comparing((String k) -> OTHER.equals(k)).thenComparing(k -> -size.get(k))
            .thenComparing(Comparator.naturalOrder()))
        .toList();
    List<Series> series = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      series.add(new Series(keys.get(i), label.apply(keys.get(i)), COLOURS[i % COLOURS.length]));
    }
    List<Month> rows = new ArrayList<>();
    for (String month : months) {
      List<Cell> cells = new ArrayList<>();
      long total = 0;
      for (String key : keys) {
        MonthCount c = counts.stream().filter(x -> x.month().equals(month) && x.key().equals(key)).findFirst()
            .orElse(new MonthCount(month, key, 0, 0));
        cells.add(new Cell(c.followers(), c.members(), c.followers() + c.members()));
        total += c.followers() + c.members();
      }
      rows.add(new Month(month, cells, total));
    }
    String desc = words.messages().apply("overview.chartDesc");
    return new Breakdown(id, title, series, rows, chart(id, title, desc, series, rows));
  }

  static List<Balance> balance(List<String> months, List<MonthCount> types) {
    List<Balance> list = new ArrayList<>();
    for (String month : months) {
      long demand = 0;
      long supply = 0;
      long neither = 0;
      for (MonthCount c : types) {
        if (!c.month().equals(month)) {
          continue;
        }
        long n = c.followers() + c.members();
        if (NetworkOverview.DEMAND.contains(c.key())) {
          demand += n;
        } else if (NetworkOverview.SUPPLY.contains(c.key())) {
          supply += n;
        } else {
          neither += n;
        }
      }
      long sided = demand + supply;
      int dp = sided == 0 ? 0 : (int) Math.round(100.0 * demand / sided);
      list.add(new Balance(month, demand, supply, neither, dp, sided == 0 ? 0 : 100 - dp));
    }
    return list;
  }

  private static final int WIDTH = 720;
  private static final int PLOT_HEIGHT = 240;
  private static final int LEFT = 48;
  private static final int TOP = 16;
  private static final int LEGEND_ROW = 20;
  private static final int LEGEND_PER_ROW = 3;

  /** Stacked bars per month (followers and members together per series), a legend below; role img. */
  static String chart(String id, String title, String description, List<Series> series, List<Month> months) {
    long max = 1;
    for (Month m : months) {
      max = Math.max(max, m.total());
    }
    int legendRows = (series.size() + LEGEND_PER_ROW - 1) / LEGEND_PER_ROW;
    int baseline = TOP + PLOT_HEIGHT;
    int height = baseline + 28 + legendRows * LEGEND_ROW + 8;
    int plotWidth = WIDTH - LEFT - 16;
    double slot = months.isEmpty() ? plotWidth : (double) plotWidth / months.size();
    double bar = Math.max(2, slot - 10);
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"network-over-time-chart\" id=\"chart-").append(id)
        .append("\" role=\"img\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
        .append("\" aria-labelledby=\"chart-").append(id).append("-title chart-").append(id).append("-desc\">")
        .append("<title id=\"chart-").append(id).append("-title\">").append(escape(title)).append("</title>")
        .append("<desc id=\"chart-").append(id).append("-desc\">").append(escape(description)).append("</desc>");
    svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(baseline).append("\" x2=\"").append(WIDTH - 16)
        .append("\" y2=\"").append(baseline).append("\" stroke=\"#4a5160\"/>")
        .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(TOP + 4)
        .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\">").append(max).append("</text>")
        .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(baseline)
        .append("\" font-size=\"12\" text-anchor=\"end\" fill=\"#1d2330\">0</text>");
    for (int i = 0; i < months.size(); i++) {
      Month m = months.get(i);
      double x = LEFT + i * slot + 5;
      double y = baseline;
      for (int s = 0; s < series.size(); s++) {
        long n = m.cells().get(s).total();
        if (n == 0) {
          continue;
        }
        double h = (double) n / max * PLOT_HEIGHT;
        y -= h;
        svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
            x, y, bar, h, series.get(s).colour()));
      }
      svg.append(String.format(Locale.ROOT,
          "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\" fill=\"#1d2330\">%s</text>",
          x + bar / 2, baseline + 16, escape(m.month().length() >= 7 ? m.month().substring(2) : m.month())));
    }
    for (int s = 0; s < series.size(); s++) {
      int lx = LEFT + (s % LEGEND_PER_ROW) * 220;
      int ly = baseline + 28 + (s / LEGEND_PER_ROW) * LEGEND_ROW;
      svg.append("<rect x=\"").append(lx).append("\" y=\"").append(ly).append("\" width=\"14\" height=\"14\" fill=\"")
          .append(series.get(s).colour()).append("\"/>")
          .append("<text x=\"").append(lx + 20).append("\" y=\"").append(ly + 12)
          .append("\" font-size=\"13\" fill=\"#1d2330\">").append(escape(series.get(s).label())).append("</text>");
    }
    return svg.append("</svg>").toString();
  }

  /**
   * All of it as CSV: one row per month, breakdown and key (followers, members, together), then the
   * balance per month (breakdown "side": demand, supply, neither). Fields guarded by {@link Csv}.
   */
  static String csv(OverTime o) {
    Csv csv = new Csv().row(List.of("month", "breakdown", "key", "label", "followers", "members", "total"));
    for (Breakdown b : o.breakdowns()) {
      for (Month m : b.months()) {
        for (int s = 0; s < b.series().size(); s++) {
          Series series = b.series().get(s);
          Cell c = m.cells().get(s);
          csv.row(List.of(m.month(), b.id(), OTHER.equals(series.key()) ? "other" : series.key(), series.label(),
              Long.toString(c.followers()), Long.toString(c.members()), Long.toString(c.total())));
        }
      }
    }
    for (Balance b : o.balance()) {
      csv.row(List.of(b.month(), "side", "demand", "", "", "", Long.toString(b.demand())));
      csv.row(List.of(b.month(), "side", "supply", "", "", "", Long.toString(b.supply())));
      csv.row(List.of(b.month(), "side", "neither", "", "", "", Long.toString(b.neither())));
    }
    return csv.toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
