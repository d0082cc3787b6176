package eu.mhealthhub.agora.network;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.network.NetworkRepository.MonthCount;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin's network over time: the monthly breakdowns by stakeholder type, country and topic, the
 * balance per month and the CSV, checked exactly on followers seeded in months no other test uses
 * (two to five months ago: other tests add followers now, so in those months a month's increase is
 * exactly what was seeded in it).
 */
class NetworkOverTimeTest {

  private static final String TAG = Fixtures.unique("ot");
  private static TestApp app;
  private static Browser admin;

  @BeforeAll
  static void start() {
    TestApp.shared();
    TestDatabase.update("""
        INSERT INTO network_followers (email, name, country, stakeholder_type, topics, consent, source, status, confirmed_at)
        VALUES (?, 'A', 'AQ', 'payer', ARRAY[?], true, 'signup', 'confirmed', date_trunc('month', now()) - interval '5 months' + interval '9 days'),
               (?, 'B', 'AQ', 'industry', ARRAY[?], true, 'signup', 'confirmed', date_trunc('month', now()) - interval '4 months' + interval '4 days'),
               (?, 'C', NULL, 'payer', ARRAY[?, '=cmd|' || ?], true, 'signup', 'confirmed', date_trunc('month', now()) - interval '4 months' + interval '19 days'),
               (?, 'D', 'AQ', 'payer', ARRAY[?], true, 'signup', 'pending', NULL),
               (?, 'E', 'AQ', 'academia', ARRAY[?], true, 'signup', 'confirmed', date_trunc('month', now()) - interval '2 months' + interval '2 days')""",
        TAG + "-a@example.org", TAG, TAG + "-b@example.org", TAG, TAG + "-c@example.org", TAG, TAG,
        TAG + "-d@example.org", TAG, TAG + "-e@example.org", TAG);
    app = TestApp.shared();
    admin = new Browser();
    app.signIn(admin, "demo-maria");
  }

  @AfterAll
  static void stop() {
    TestDatabase.update("DELETE FROM network_followers WHERE email LIKE ?", TAG + "-%");
  }

  /** The column of a table's header cell with this text (0 = the month). */
  private static int column(Element table, String header) {
    List<String> headers = table.select("thead th").eachText();
    assertThat(headers).contains(header);
    return headers.indexOf(header);
  }

  /** The numbers in one column, month by month (0 where the column does not exist). */
  private static List<Long> columnValues(Element table, String header) {
    int col = column(table, header);
    List<Long> values = new ArrayList<>();
    for (Element row : table.select("tbody tr")) {
      values.add(Long.parseLong(row.child(col).text()));
    }
    return values;
  }

  /** The month {@code back} months before this one, as the overview names it. */
  private static String month(int back) {
    return YearMonth.now(ZoneOffset.UTC).minusMonths(back).toString();
  }

  /** The increases from one month to the next, five to two months ago (index 6 to 9 of twelve). */
  private static List<Long> increases(List<Long> values) {
    List<Long> diffs = new ArrayList<>();
    for (int i = 6; i <= 9; i++) {
      diffs.add(values.get(i) - values.get(i - 1));
    }
    return diffs;
  }

  @Test
  @DisplayName("the overview shows followers and members per month by stakeholder type, country and topic, each as a chart and a table with the same figures")
  void breakdowns() {
    Document page = admin.get(app.url("/admin/network")).html();

    Element topics = page.selectFirst("table.network-over-topic");
    assertThat(topics.select("tbody tr")).hasSize(12);
    assertThat(topics.select("tbody th[scope=row]").eachText()).startsWith(month(11)).endsWith(month(0));
    // a topic nobody else follows: exactly the seeded confirmed followers, month by month (D is pending)
    assertThat(columnValues(topics, TAG)).containsExactly(0L, 0L, 0L, 0L, 0L, 0L, 1L, 3L, 3L, 4L, 4L, 4L);

    Element types = page.selectFirst("table.network-over-stakeholder");
    assertThat(types.select("tbody tr")).hasSize(12);
    assertThat(increases(columnValues(types, "Payer or insurer"))).containsExactly(1L, 1L, 0L, 0L);
    assertThat(increases(columnValues(types, "Industry or start-up"))).containsExactly(0L, 1L, 0L, 0L);
    List<String> headers = types.select("thead th").eachText();
    assertThat(increases(columnValues(types, headers.get(headers.size() - 1)))).containsExactly(1L, 2L, 0L, 1L);

    Element countries = page.selectFirst("table.network-over-country");
    List<String> countryHeaders = countries.select("thead th").eachText();
    // at most the ten largest countries, "other countries", the month and the total
    assertThat(countryHeaders.size()).isLessThanOrEqualTo(13);
    assertThat(increases(columnValues(countries, countryHeaders.get(countryHeaders.size() - 1))))
        .containsExactly(1L, 2L, 0L, 1L);

    Element balance = page.selectFirst("table.network-balance-months");
    assertThat(balance.select("tbody tr")).hasSize(12);
    assertThat(increases(columnValues(balance, "Demand side"))).containsExactly(1L, 1L, 0L, 0L);
    assertThat(increases(columnValues(balance, "Supply side"))).containsExactly(0L, 1L, 0L, 0L);
    assertThat(increases(columnValues(balance, "Others or not given"))).containsExactly(0L, 0L, 0L, 1L);

    for (String id : List.of("stakeholder", "country", "topic")) {
      Element svg = page.selectFirst("svg#chart-" + id);
      assertThat(svg.attr("role")).isEqualTo("img");
      assertThat(svg.attr("aria-labelledby")).isEqualTo("chart-" + id + "-title chart-" + id + "-desc");
      assertThat(svg.selectFirst("title").text()).isEqualTo(page.selectFirst("#over-" + id + "-title").text());
      assertThat(svg.selectFirst("desc").text()).contains("The same numbers are in the table below");
    }
    // the growth chart above stays the one chart of its kind; the breakdowns are charts of their own
    assertThat(page.select("svg.network-chart")).hasSize(1);
    assertThat(page.select("svg.network-over-time-chart")).hasSize(3);
    // the topic chart names the seeded topic in its legend
    assertThat(page.select("svg#chart-topic text").eachText()).contains(TAG);
  }

  @Test
  @DisplayName("the CSV has one row per month, breakdown and key and the balance per month, formulas neutralised; admins only")
  void csv() {
    Response csv = admin.get(app.url("/admin/network/overview.csv"));
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("\"month\",\"breakdown\",\"key\",\"label\",\"followers\",\"members\",\"total\"");
    assertThat(lines).contains(
        "\"" + month(6) + "\",\"topic\",\"" + TAG + "\",\"" + TAG + "\",\"0\",\"0\",\"0\"",
        "\"" + month(5) + "\",\"topic\",\"" + TAG + "\",\"" + TAG + "\",\"1\",\"0\",\"1\"",
        "\"" + month(4) + "\",\"topic\",\"" + TAG + "\",\"" + TAG + "\",\"3\",\"0\",\"3\"",
        "\"" + month(0) + "\",\"topic\",\"" + TAG + "\",\"" + TAG + "\",\"4\",\"0\",\"4\"",
        "\"" + month(0) + "\",\"topic\",\"'=cmd|" + TAG + "\",\"'=cmd|" + TAG + "\",\"1\",\"0\",\"1\"");
    assertThat(lines).noneMatch(l -> l.contains(",\"=cmd"));
    assertThat(lines.stream().filter(l -> l.contains(",\"side\",")).count()).isEqualTo(36);
    assertThat(lines.stream().filter(l -> l.startsWith("\"" + month(0) + "\",\"stakeholder\",\"payer\",")).count()).isEqualTo(1);
    assertThat(new Browser().get(app.url("/admin/network/overview.csv")).status()).isIn(302, 303, 403);
  }

  @Test
  @DisplayName("the country breakdown keeps the ten largest countries of the last month and adds up the rest as other countries")
  void topTenCountries() {
    List<MonthCount> counts = new ArrayList<>();
    String[] codes = {"BE", "DE", "FR", "IT", "ES", "NL", "AT", "PT", "IE", "FI", "SE", "DK"};
    for (int i = 0; i < codes.length; i++) {
      counts.add(new MonthCount("2031-05", codes[i], 1, 0));
      counts.add(new MonthCount("2031-06", codes[i], 20 - i, i % 2));
    }
    List<MonthCount> top = NetworkOverTime.topCountries(counts);
    assertThat(top.stream().filter(c -> c.month().equals("2031-06")).map(MonthCount::key).toList())
        .containsExactly("BE", "DE", "FR", "IT", "ES", "NL", "AT", "PT", "IE", "FI", NetworkOverTime.OTHER);
    MonthCount other = top.stream().filter(c -> c.month().equals("2031-06") && c.key().equals(NetworkOverTime.OTHER))
        .findFirst().orElseThrow();
    assertThat(other.followers()).isEqualTo(10 + 9);
    assertThat(other.members()).isEqualTo(0 + 1);
    NetworkOverTime.Breakdown b = NetworkOverTime.breakdown("country", "T", List.of("2031-05", "2031-06"), top,
        k -> k.equals(NetworkOverTime.OTHER) ? "Other countries" : new Locale("", k).getDisplayCountry(Locale.ENGLISH),
        new NetworkOverTime.Words(k -> k, Locale.ENGLISH));
    assertThat(b.series().get(b.series().size() - 1).label()).isEqualTo("Other countries");
    assertThat(b.months().get(0).cells().get(b.series().size() - 1).total()).isEqualTo(2);
    assertThat(b.months().get(1).total()).isEqualTo(counts.stream().filter(c -> c.month().equals("2031-06"))
        .mapToLong(c -> c.followers() + c.members()).sum());
  }
}
