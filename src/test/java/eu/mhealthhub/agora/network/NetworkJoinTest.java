package eu.mhealthhub.agora.network;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * "Join our network" over HTTP with the loopback SMTP server: double opt-in, no enumeration, the
 * topics page and one-click unsubscribe by signed links, announcements only to the confirmed
 * followers of their topics, and a follower becoming a member at first sign-in.
 */
class NetworkJoinTest {

  private static final Pattern CONFIRM_LINK = Pattern.compile("https?://[^\\s]+/network/confirm\\?token=([A-Za-z0-9_.-]+)");
  private static final Pattern TOPICS_LINK = Pattern.compile("https?://[^\\s]+(/network/topics\\?token=[A-Za-z0-9_.%-]+)");
  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
  }

  private static Map<String, String> form(String name, String email, String topic) {
    return new HashMap<>(Map.of("name", name, "email", email, "organisation", "Santé Publique", "country", "FR",
        "stakeholderType", "hta", "topic", topic, "consent", "yes", "website", ""));
  }

  static List<DevMailServer.Received> mailsTo(TestApp app, String address) {
    return app.agora().services().mail().devServer().orElseThrow().received().stream()
        .filter(r -> r.to().contains(address)).toList();
  }

  static DevMailServer.Received awaitMail(TestApp app, String address, int count) {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      app.agora().services().mail().outbox().runRound().toCompletionStage().toCompletableFuture().join();
      List<DevMailServer.Received> found = mailsTo(app, address);
      if (found.size() >= count) {
        return found.get(count - 1);
      }
      sleep(50);
    }
    throw new AssertionError("no e-mail number " + count + " to " + address);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Lets the outbox send what is due, so that "nothing more arrived" means something. */
  static void drain(TestApp app) {
    for (int i = 0; i < 3; i++) {
      app.agora().services().mail().outbox().runRound().toCompletionStage().toCompletableFuture().join();
    }
  }

  private static String confirmToken(DevMailServer.Received mail) {
    Matcher m = CONFIRM_LINK.matcher(mail.text());
    assertThat(m.find()).as(mail.text()).isTrue();
    return m.group(1);
  }

  private static String status(String email) {
    return TestDatabase.text("SELECT status FROM network_followers WHERE email = ?", email);
  }

  @Test
  @DisplayName("a visitor joins, confirms by the e-mailed link, and gets an announcement on a followed topic and not one on another")
  void joinConfirmAnnounce() {
    Browser visitor = new Browser();
    Document page = visitor.get(app.url("/network/join")).html();
    assertThat(page.select("input#consent").hasAttr("checked")).isFalse();
    assertThat(page.select("input[name=topic]").eachAttr("value")).contains("talks", "results");
    String email = Fixtures.unique("vera") + "@example.org";

    Response joined = visitor.post(app.url("/network/join"), form("Vera Visitor", email, "talks"));
    assertThat(joined.status()).as(joined.body()).isEqualTo(303);
    assertThat(joined.location()).endsWith("/network/joined");
    assertThat(status(email)).isEqualTo("pending");

    DevMailServer.Received confirmation = awaitMail(app, email, 1);
    assertThat(confirmation.headers()).anyMatch(h -> h.name().equalsIgnoreCase("List-Unsubscribe")
        && h.value().contains("/network/unsubscribe?token="));
    assertThat(confirmation.headers()).anyMatch(h -> h.name().equalsIgnoreCase("List-Unsubscribe-Post"));
    String token = confirmToken(confirmation);

    // the link's page changes nothing (mail scanners fetch links); its button confirms
    Document confirmPage = visitor.get(app.url("/network/confirm?token=" + token)).html();
    assertThat(confirmPage.select("form.network-confirm input[name=token]").val()).isEqualTo(token);
    assertThat(status(email)).isEqualTo("pending");
    Response confirmed = visitor.post(app.url("/network/confirm"), Map.of("token", token));
    assertThat(confirmed.status()).isEqualTo(303);
    assertThat(status(email)).isEqualTo("confirmed");
    Document topics = visitor.get(confirmed.location()).html();
    assertThat(topics.select("#confirmed").text()).contains("Vera Visitor");
    assertThat(topics.select("input[name=topic][checked]").eachAttr("value")).containsExactly("talks");

    // replayed: refused, nothing changes
    Response replay = visitor.post(app.url("/network/confirm"), Map.of("token", token));
    assertThat(replay.status()).isEqualTo(400);
    assertThat(replay.html().select("main").text()).contains("This link is not valid");

    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String csrf = app.csrf(admin);
    String other = "Results only " + Fixtures.unique("r");
    Response off = admin.post(app.url("/admin/announcements"), Map.of("_csrf", csrf, "topic", "results",
        "titleEn", other, "bodyEn", "For results followers.", "action", "send"));
    assertThat(off.status()).as(off.body()).isEqualTo(303);
    String title = "Talk on reimbursement " + Fixtures.unique("t");
    Response on = admin.post(app.url("/admin/announcements"), Map.of("_csrf", csrf, "topic", "talks",
        "titleEn", title, "bodyEn", "Join us **on Tuesday**.", "titleFr", "Talk sur le remboursement",
        "bodyFr", "Rejoignez-nous mardi.", "action", "send"));
    assertThat(on.status()).as(on.body()).isEqualTo(303);

    DevMailServer.Received announcement = awaitMail(app, email, 2);
    assertThat(announcement.subject()).isEqualTo(title);
    assertThat(announcement.text()).contains("Join us **on Tuesday**.");
    assertThat(announcement.headers()).anyMatch(h -> h.name().equalsIgnoreCase("List-Unsubscribe"));
    drain(app);
    assertThat(mailsTo(app, email)).extracting(DevMailServer.Received::subject).doesNotContain(other);

    // published, and its page renders the sanitised Markdown
    Document list = new Browser().get(app.url("/announcements")).html();
    assertThat(list.select("ul.announcements a").eachText()).contains(title, other);
    String href = list.select("ul.announcements a:contains(" + title + ")").attr("href");
    assertThat(new Browser().get(app.url(href)).html().select("article.announcement strong").text()).isEqualTo("on Tuesday");
    // and in the Atom feed, which parses back
    Response atom = new Browser().get(app.url("/announcements.atom"));
    assertThat(atom.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
    try {
      com.rometools.rome.feed.synd.SyndFeed feed = new com.rometools.rome.io.SyndFeedInput()
          .build(new java.io.StringReader(atom.body()));
      assertThat(feed.getFeedType()).isEqualTo("atom_1.0");
      assertThat(feed.getEntries()).extracting(com.rometools.rome.feed.synd.SyndEntry::getTitle).contains(title, other);
    } catch (com.rometools.rome.io.FeedException e) {
      throw new AssertionError(e);
    }
    // in French where a translation is given
    assertThat(new Browser().acceptLanguage("fr").get(app.url(href)).html().select("h1").text())
        .isEqualTo("Talk sur le remboursement");
  }

  @Test
  @DisplayName("signing up again answers exactly like the first time and mails the address at most once in ten minutes")
  void noEnumeration() {
    String email = Fixtures.unique("rita") + "@example.org";
    Browser visitor = new Browser();
    Response first = visitor.post(app.url("/network/join"), form("Rita", email, "results"));
    Response second = visitor.post(app.url("/network/join"), form("Rita", email, "results"));
    Response fresh = visitor.post(app.url("/network/join"), form("Nobody", Fixtures.unique("nobody") + "@example.org", "results"));
    assertThat(List.of(first.status(), second.status(), fresh.status())).containsOnly(303);
    assertThat(second.location()).isEqualTo(first.location()).isEqualTo(fresh.location());
    awaitMail(app, email, 1);
    drain(app);
    assertThat(mailsTo(app, email)).hasSize(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ?", email)).isEqualTo(1);
  }

  @Test
  @DisplayName("bad sign-ups answer 400 with each problem beside its field and store nothing: no consent, bad e-mail, unknown country, unknown topic")
  void badInput() {
    String email = Fixtures.unique("bad") + "@example.org";
    Map<String, String> noConsent = form("Bea", email, "talks");
    noConsent.remove("consent");
    Response r = new Browser().post(app.url("/network/join"), noConsent);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.html().select("#consent-error").text()).startsWith("Tick the box");
    assertThat(r.html().select("input#email").val()).isEqualTo(email);

    Map<String, String> bad = form("Bea", "not-an-address", "group:999999999");
    bad.put("country", "XX");
    Response r2 = new Browser().post(app.url("/network/join"), bad);
    assertThat(r2.status()).isEqualTo(400);
    assertThat(r2.html().select("#email-error, #country-error, #topics-error")).hasSize(3);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email IN (?, 'not-an-address')", email)).isZero();

    Map<String, String> robot = form("Bot", email, "talks");
    robot.put("website", "https://spam.example");
    assertThat(new Browser().post(app.url("/network/join"), robot).status()).isEqualTo(400);
    assertThat(new Browser().post(app.url("/network/join"), form("Eve", email, "talks"), "Origin", "https://evil.example")
        .status()).isEqualTo(403);
    // a browser that leaves Origin out still says where the form came from
    assertThat(new Browser().post(app.url("/network/join"), form("Eve", email, "talks"), "Sec-Fetch-Site", "cross-site")
        .status()).isEqualTo(403);
    assertThat(new Browser().post(app.url("/network/join"), form("Eve", email, "talks"), "Sec-Fetch-Site", "same-site")
        .status()).isEqualTo(403);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ?", email)).isZero();
  }

  @Test
  @DisplayName("forged links are refused with 400 and change nothing; a follower changes topics and unsubscribes in one click without signing in")
  void linksAndUnsubscribe() {
    String email = Fixtures.unique("tom") + "@example.org";
    Browser visitor = new Browser();
    visitor.post(app.url("/network/join"), form("Tom", email, "talks"));
    String token = confirmToken(awaitMail(app, email, 1));
    String forged = token.substring(0, token.indexOf('.')) + ".AAAA" + token.substring(token.indexOf('.') + 5);
    assertThat(visitor.get(app.url("/network/confirm?token=" + forged)).status()).isEqualTo(400);
    assertThat(visitor.post(app.url("/network/confirm"), Map.of("token", forged)).status()).isEqualTo(400);
    assertThat(visitor.get(app.url("/network/topics?token=" + token)).status()).as("a confirmation token is no topics token")
        .isEqualTo(400);
    assertThat(status(email)).isEqualTo("pending");

    Response confirmed = visitor.post(app.url("/network/confirm"), Map.of("token", token));
    String topicsUrl = confirmed.location();
    String topicsToken = topicsUrl.substring(topicsUrl.indexOf("token=") + 6);
    Response saved = visitor.post(app.url("/network/topics"), Map.of("token", java.net.URLDecoder.decode(topicsToken,
        java.nio.charset.StandardCharsets.UTF_8), "topic", "results"));
    assertThat(saved.status()).isEqualTo(303);
    assertThat(TestDatabase.text("SELECT array_to_string(topics, ',') FROM network_followers WHERE email = ?", email))
        .isEqualTo("results");

    DevMailServer.Received mail = awaitMail(app, email, 1);
    String oneClick = mail.headers().stream().filter(h -> h.name().equalsIgnoreCase("List-Unsubscribe")).findFirst()
        .orElseThrow().value().replaceAll("^<|>$", "");
    Response stop = new Browser().request("POST", oneClick, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
    assertThat(stop.status()).isEqualTo(200);
    assertThat(status(email)).isEqualTo("unsubscribed");
  }

  @Test
  @DisplayName("a confirmed follower who signs in for the first time with the same verified e-mail becomes a member with the same data, linked; erasing the member erases the follower")
  void followerBecomesMember() {
    String email = Fixtures.unique("fiona") + "@example.org";
    Browser visitor = new Browser();
    visitor.post(app.url("/network/join"), form("Fiona", email, "talks"));
    visitor.post(app.url("/network/confirm"), Map.of("token", confirmToken(awaitMail(app, email, 1))));
    long member = app.signInNew(new Browser(), "Fiona Follower", email);
    assertThat(TestDatabase.text("SELECT affiliation || '|' || country || '|' || stakeholder_type FROM members WHERE id = ?",
        member)).isEqualTo("Santé Publique|FR|hta");
    assertThat(TestDatabase.count("SELECT member_id FROM network_followers WHERE email = ?", email)).isEqualTo(member);

    TestDatabase.update("UPDATE members SET erased_at = now() WHERE id = ?", member);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ?", email)).isZero();
  }

  @Test
  @DisplayName("a group's moderator announces to the followers of their own public group only; a member may not announce")
  void moderatorAnnounces() {
    long pieter = Fixtures.demoMember("demo-pieter");
    long group = TestDatabase.count("""
        SELECT g.id FROM group_memberships m JOIN working_groups g ON g.id = m.group_id
         WHERE m.member_id = ? AND m.role = 'moderator' AND g.visibility = 'public' ORDER BY g.id LIMIT 1""", pieter);
    String topic = "group:" + group;
    String email = Fixtures.unique("gina") + "@example.org";
    Browser visitor = new Browser();
    visitor.post(app.url("/network/join"), form("Gina", email, topic));
    visitor.post(app.url("/network/confirm"), Map.of("token", confirmToken(awaitMail(app, email, 1))));

    Browser moderator = new Browser();
    app.signIn(moderator, "demo-pieter");
    Document page = moderator.get(app.url("/admin/announcements")).html();
    assertThat(page.select("input[name=topic]").eachAttr("value")).containsExactly(topic);
    String csrf = app.csrf(moderator);
    Response elsewhere = moderator.post(app.url("/admin/announcements"), Map.of("_csrf", csrf, "topic", "talks",
        "titleEn", "Not mine", "bodyEn", "No.", "action", "send"));
    assertThat(elsewhere.status()).isEqualTo(400);
    String title = "From the group " + Fixtures.unique("g");
    Response mine = moderator.post(app.url("/admin/announcements"), Map.of("_csrf", csrf, "topic", topic,
        "titleEn", title, "bodyEn", "Our next meeting.", "action", "send"));
    assertThat(mine.status()).as(mine.body()).isEqualTo(303);
    assertThat(awaitMail(app, email, 2).subject()).isEqualTo(title);

    Browser member = new Browser();
    app.signInNew(member, "Mo Member", Fixtures.unique("mo") + "@example.org");
    assertThat(member.get(app.url("/admin/announcements")).status()).isEqualTo(403);
  }

@Test
  @DisplayName("a confirmation link past its seven days is refused and confirms nothing (test clock)")
  void expiredLink() {
    MutableClock clock = new MutableClock(Instant.now());
    try (TestApp own = TestApp.start(Map.of(), clock, r -> { })) {
      String email = Fixtures.unique("late") + "@example.org";
      new Browser().post(own.url("/network/join"), form("Late", email, "talks"));
      // the shared app's outbox worker may send it (one database, two workers): read it from the outbox
      String token = null;
      for (int i = 0; i < 100 && token == null; i++) {
        String body = TestDatabase.text("SELECT coalesce(max(text_body), '') FROM mail_outbox WHERE recipient = ?", email);
        Matcher m = CONFIRM_LINK.matcher(body);
        token = m.find() ? m.group(1) : null;
        if (token == null) {
          sleep(100);
        }
      }
      assertThat(token).isNotNull();
      clock.advance(Duration.ofDays(8));
      Response late = new Browser().post(own.url("/network/confirm"), Map.of("token", token));
      assertThat(late.status()).isEqualTo(400);
      assertThat(status(email)).isEqualTo("pending");
    }
  }
}
