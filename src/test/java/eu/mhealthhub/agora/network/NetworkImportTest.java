package eu.mhealthhub.agora.network;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.privacy.RetentionJob;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The admin's import of former followers over HTTP: the dry run, the idempotent apply, hostile
 * files refused whole with nothing stored, and the re-permission message: one per imported
 * follower, nothing more to those who do not confirm, who are deleted after the period (test clock).
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class NetworkImportTest {

  private static final MutableClock CLOCK = new MutableClock(Instant.now());
  private static TestApp app;
  private static Browser admin;

  @BeforeAll
  static void start() {
    TestApp.shared(); // the shared app seeds the demo members (the admin signs in as one) and sends mail too
    app = TestApp.start(Map.of(), CLOCK, r -> { });
    admin = new Browser();
    app.signIn(admin, "demo-maria");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static Response upload(String csv) {
    return upload(csv.getBytes(StandardCharsets.UTF_8));
  }

  private static Response upload(byte[] csv) {
    return admin.postMultipart(app.url("/admin/network/import"), Map.of("_csrf", app.csrf(admin)),
        List.of(new Browser.FilePart("file", "followers.csv", "text/csv", csv)));
  }

  private static long followers() {
    return TestDatabase.count("SELECT count(*) FROM network_followers");
  }

  private static long imports() {
    return TestDatabase.count("SELECT count(*) FROM network_imports");
  }

  /**
   * What arrived for the address at this app's loopback server or the shared app's: both apps use
   * one database, so either outbox worker may send a message.
   */
  private static List<DevMailServer.Received> mailsTo(String address) {
    List<DevMailServer.Received> all = new java.util.ArrayList<>();
    for (TestApp a : List.of(app, TestApp.shared())) {
      a.agora().services().mail().devServer().orElseThrow().received().stream()
          .filter(r -> r.to().contains(address)).forEach(all::add);
    }
    return all;
  }

  /** The mails to the address once there are at least {@code count} (the outbox run meanwhile). */
  private static List<DevMailServer.Received> awaitMails(String address, int count) {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      drain();
      List<DevMailServer.Received> found = mailsTo(address);
      if (found.size() >= count) {
        return found;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("fewer than " + count + " e-mails to " + address);
  }

  private static void drain() {
    for (int i = 0; i < 3; i++) {
      app.agora().services().mail().outbox().runRound().toCompletionStage().toCompletableFuture().join();
    }
  }

  @Test
  @DisplayName("a dry run shows what would be created, skipped and rejected and stores no follower; applying twice creates them once")
  void dryRunThenIdempotentApply() {
    String tag = Fixtures.unique("imp");
    String existing = tag + "-old@example.org";
    TestDatabase.update("""
        INSERT INTO network_followers (email, name, consent, source, status, confirmed_at)
        VALUES (?, 'Old Follower', true, 'signup', 'confirmed', now())""", existing);
    String csv = "email,name,organisation,country,stakeholder_type,language,topics\r\n"
        + tag + "-a@example.org,Anna,AOK,DE,payer,de,talks\r\n"
        + "\"" + tag + "-b@example.org\",\"=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",,FR,,fr,\r\n"
        + "not-an-email,Nobody,,,,,\r\n"
        + tag + "-c@example.org,Carl,,XX,,,\r\n"
        + tag + "-A@example.org,Anna again,,,,,\r\n"
        + existing + ",Old Follower,,,,,\r\n"
        + tag + "-d@example.org,Dora,,,,,group:999999999\r\n";
    long before = followers();
    Response uploaded = upload(csv);
    assertThat(uploaded.status()).as(uploaded.body()).isEqualTo(303);
    Document report = admin.get(uploaded.location()).html();
    assertThat(report.select("#create-count").text()).isEqualTo("2");
    assertThat(report.select("#skip-count").text()).isEqualTo("1");
    assertThat(report.select("#reject-count").text()).isEqualTo("4");
    assertThat(report.select("table.import-rejected td").eachText()).contains("4", "Not an e-mail address.", "5",
        "Not a two-letter country code of ISO 3166.", "6", "The address appears earlier in the file.");
    assertThat(followers()).as("a dry run stores no follower").isEqualTo(before);

    String apply = report.select("form[action$=/apply]").attr("action");
    Response applied = admin.post(app.url(apply), Map.of("_csrf", app.csrf(admin)));
    assertThat(applied.status()).isEqualTo(303);
    assertThat(admin.get(applied.location()).html().select("#created").text()).startsWith("2 followers created");
    assertThat(followers()).isEqualTo(before + 2);
    assertThat(TestDatabase.text("SELECT status || '|' || source || '|' || consent || '|' || locale FROM network_followers WHERE email = ?",
        tag + "-a@example.org")).isEqualTo("pending|import|false|de");

    Response again = admin.post(app.url(apply), Map.of("_csrf", app.csrf(admin)));
    assertThat(again.location()).endsWith("created=0");
    assertThat(followers()).isEqualTo(before + 2);

    // the name that is a formula comes out of the followers' CSV as text a spreadsheet does not run
    Response csvExport = admin.get(app.url("/admin/network/followers.csv"));
    assertThat(csvExport.status()).isEqualTo(200);
    assertThat(csvExport.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    String row = csvExport.body().lines().filter(l -> l.contains(tag + "-b@example.org")).findFirst().orElseThrow();
    assertThat(row).contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",");
    assertThat(csvExport.body().lines()).noneMatch(l -> l.contains(",\"=HYPERLINK"));
    assertThat(new Browser().get(app.url("/admin/network/followers.csv")).status()).isIn(302, 303, 403);
  }

  @Test
  @DisplayName("the overview shows the demand and supply balance, a chart with its text alternative and the same numbers in tables")
  void overview() {
    String tag = Fixtures.unique("ov");
    TestDatabase.update("""
        INSERT INTO network_followers (email, name, country, stakeholder_type, topics, consent, source, status, confirmed_at)
        VALUES (?, 'Payer', 'BE', 'payer', '{talks}', true, 'signup', 'confirmed', now()),
               (?, 'Maker', 'BE', 'industry', '{results}', true, 'signup', 'confirmed', now())""",
        tag + "-p@example.org", tag + "-i@example.org");
    Document page = admin.get(app.url("/admin/network")).html();
    assertThat(page.select("#balance").text()).startsWith("Demand side").contains("supply side");
    assertThat(page.select("svg.network-chart title").text()).isEqualTo("Confirmed followers and members at the end of each month");
    assertThat(page.select("svg.network-chart").attr("role")).isEqualTo("img");
    assertThat(page.select("table.network-months tbody tr")).hasSize(12);
    long followersNow = TestDatabase.count("SELECT count(*) FROM network_followers WHERE status = 'confirmed'");
    assertThat(page.select("table.network-months tbody tr").last().select("td").first().text())
        .isEqualTo(Long.toString(followersNow));
    assertThat(page.select("table.network-types th[scope=row]").eachText()).contains("Payer or insurer", "Industry or start-up");
    assertThat(page.select("table.network-countries th[scope=row]").eachText()).contains("Belgium");
    assertThat(page.select("table.network-topics th[scope=row]").eachText()).contains("mHealth Hub Talks");
  }

  @Test
  @DisplayName("hostile files are refused whole with a clear answer and nothing stored: wrong columns, 100,000 rows, not UTF-8, an open quote")
  void hostileFiles() {
    long followers = followers();
    long imports = imports();

    Response columns = upload("mail,fullname\r\na@example.org,A\r\n");
    assertThat(columns.status()).isEqualTo(400);
    assertThat(columns.html().select("main").text()).contains("a column Agora does not know: mail");

    StringBuilder big = new StringBuilder("email,name\n");
    for (int i = 0; i < 100_000; i++) {
      big.append('r').append(i).append("@x.eu,R\n");
    }
    Response tooMany = upload(big.toString());
    assertThat(tooMany.status()).isEqualTo(413);
    assertThat(tooMany.html().select("main").text()).contains("more than 20,000 rows");

    Response latin1 = upload("email,name\nz@example.org,Z\u00fcrich\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThat(latin1.status()).isEqualTo(400);
    Response quote = upload("email,name\nq@example.org,\"Open\n");
    assertThat(quote.status()).isEqualTo(400);

    assertThat(followers()).isEqualTo(followers);
    assertThat(imports()).isEqualTo(imports);
    assertThat(new Browser().get(app.url("/admin/network/import")).status()).as("visitors are sent to sign in")
        .isIn(302, 303);
  }

  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // last (unordered tests come at Order.DEFAULT): it moves the test clock a month on, past every session
  @DisplayName("re-permission: each imported follower gets one e-mail; one who does not confirm gets nothing more and is deleted after the period")
  void repermission() {
    String tag = Fixtures.unique("rep");
    String quiet = tag + "-quiet@example.org";
    String keen = tag + "-keen@example.org";
    Response uploaded = upload("email,name\n" + quiet + ",Quiet\n" + keen + ",Keen\n");
    String apply = admin.get(uploaded.location()).html().select("form[action$=/apply]").attr("action");
    admin.post(app.url(apply), Map.of("_csrf", app.csrf(admin)));

    Response sent = admin.post(app.url("/admin/network/repermission"), Map.of("_csrf", app.csrf(admin)));
    assertThat(sent.status()).isEqualTo(303);
    Response second = admin.post(app.url("/admin/network/repermission"), Map.of("_csrf", app.csrf(admin)));
    assertThat(second.location()).endsWith("asked=0");
    awaitMails(quiet, 1);
    DevMailServer.Received ask = awaitMails(keen, 1).get(0);
    drain();
    assertThat(mailsTo(quiet)).hasSize(1);
    assertThat(ask.subject()).isEqualTo("Do you still want to hear from the European mHealth Hub?");
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("/network/confirm\\?token=([A-Za-z0-9_.-]+)").matcher(ask.text());
    assertThat(m.find()).isTrue();
    assertThat(new Browser().post(app.url("/network/confirm"), Map.of("token", m.group(1))).status()).isEqualTo(303);

    // an announcement to every topic reaches the one who confirmed, not the one who did not
    String title = "After the move " + tag;
    Response announced = admin.post(app.url("/admin/announcements"), Map.of("_csrf", app.csrf(admin), "topic", "talks",
        "titleEn", title, "bodyEn", "Hello again.", "action", "send"));
    assertThat(announced.status()).isEqualTo(303);
    assertThat(awaitMails(keen, 2)).extracting(DevMailServer.Received::subject).contains(title);
    drain();
    assertThat(mailsTo(quiet)).hasSize(1);

    CLOCK.advance(Duration.ofDays(31));
    RetentionJob.Run run = new RetentionJob(app.agora().services().database().pool(), CLOCK, AppConfig.DEFAULT_RETENTION)
        .run().toCompletionStage().toCompletableFuture().join();
    assertThat(run.deleted().get("unconfirmed_followers")).isGreaterThanOrEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ?", quiet)).isZero();
    assertThat(TestDatabase.text("SELECT status FROM network_followers WHERE email = ?", keen)).isEqualTo("confirmed");
  }
}
