package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.notify.Delivery;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * E-mail over HTTP through the one-command configuration: mail really sent to the loopback SMTP
 * server and shown at /dev/mail to admins, the unsubscribe link of a received message (GET
 * changes nothing, the one-click POST and the button stop the kind), forged links refused, and the
 * admin page of failed messages.
 */
class MailPagesTest {

  private static TestApp app;
  private static Mail mail;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
    mail = app.agora().services().mail();
  }

  /** How the member now wants a kind of notification (unsubscribing turns it to the page only). */
  private static Delivery delivery(long memberId, NotificationKind kind) {
    return await(app.agora().services().notifications().delivery(memberId, kind));
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Composes a message for a member and records it in a transaction, as the notifications will. */
  private static MailMessage send(long memberId, String kind, String subject, Locale locale) {
    MailMessage message = mail.composer().compose(new Letter(memberId, locale, kind, subject, Optional.of("thread-1"),
        List.of(new MailBlock.Paragraph("Amélie mentioned you: <b>not bold</b>"),
            new MailBlock.Quote("Time saved per week matters."), new MailBlock.Action("Open the thread", "/threads/1"))));
    await(app.agora().services().database().pool().withTransaction(tx -> mail.outbox().enqueue(tx,
        OutgoingMail.now("member" + memberId + "@example.org", memberId, kind, message))));
    return message;
  }

  /** Waits until the loopback server has the message; returns its number at /dev/mail. */
  private static DevMailServer.Received received(MailMessage message) {
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      Optional<DevMailServer.Received> found = mail.devServer().orElseThrow().received().stream()
          .filter(r -> r.headers().stream().anyMatch(h -> h.name().equalsIgnoreCase("Message-ID") && h.value().equals(message.messageId())))
          .findFirst();
      if (found.isPresent()) {
        return found.get();
      }
      sleep(50);
    }
    throw new AssertionError("the loopback server did not receive " + message.messageId());
  }

  /** A new member, signed in once through the development provider; returns the id. */
  private static long member(String name) {
    return app.signInNew(new Browser(), name, Fixtures.unique("reader") + "@example.org");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String header(DevMailServer.Received r, String name) {
    return r.headers().stream().filter(h -> h.name().equalsIgnoreCase(name)).map(DevMailServer.HeaderLine::value)
        .findFirst().orElse(null);
  }

  @Test
  @DisplayName("with no SMTP URL, mail really goes to the loopback server, and an admin reads it at /dev/mail with the notice that it stays here")
  void devMail() {
    String subject = Fixtures.unique("[Reimbursement] Pricing of DiGA");
    MailMessage sent = send(member("Ada Reader"), "mention", subject, Locale.ENGLISH);
    DevMailServer.Received r = received(sent);
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");

    Document list = admin.get(app.url("/dev/mail")).html();
    assertThat(list.select("#mail-local")).hasSize(1);
    assertThat(list.select("#mail-received a[href=/dev/mail/" + r.number() + "]").text()).isEqualTo(subject);

    Response page = admin.get(app.url("/dev/mail/" + r.number()));
    assertThat(page.status()).isEqualTo(200);
    Document message = page.html();
    assertThat(message.select("h1").text()).isEqualTo(subject);
    assertThat(message.select("#mail-local")).hasSize(1);
    assertThat(message.select("#mail-headers th:containsOwn(List-Unsubscribe-Post) + td").text())
        .isEqualTo("List-Unsubscribe=One-Click");
    assertThat(message.select("#mail-text").text()).contains("Amélie mentioned you: <b>not bold</b>");
    // the HTML part is a sandboxed frame's document and escaped source, never markup of the page
    assertThat(message.select("iframe#mail-html[sandbox]").attr("sandbox")).isEmpty();
    assertThat(message.select("iframe#mail-html").attr("srcdoc")).contains("<blockquote").contains("&lt;b&gt;not bold&lt;/b&gt;");
    assertThat(message.select("main blockquote, main b")).isEmpty();
    assertThat(message.select("#mail-source").text()).contains("<blockquote");
    assertThat(page.header("Content-Security-Policy")).as("the frame's inline styles apply, scripts stay forbidden")
        .contains("style-src 'self' 'unsafe-inline'").contains("script-src 'self'");
    assertThat(admin.get(app.url("/dev/mail")).header("Content-Security-Policy")).doesNotContain("unsafe-inline");
  }

  @Test
  @DisplayName("/dev/mail is for admins: visitors are sent to sign in, members are refused, unknown numbers are 404")
  void devMailAdminsOnly() {
    Browser visitor = new Browser();
    Response anonymous = visitor.get(app.url("/dev/mail"));
    assertThat(anonymous.status()).isEqualTo(302);
    assertThat(anonymous.location()).contains("/auth/login?next=");
    Browser member = new Browser();
    app.signIn(member, "demo-lukas");
    assertThat(member.get(app.url("/dev/mail")).status()).isEqualTo(403);
    assertThat(member.get(app.url("/dev/mail/1")).status()).isEqualTo(403);
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertThat(admin.get(app.url("/dev/mail/99999999")).status()).isEqualTo(404);
    assertThat(admin.get(app.url("/dev/mail/0")).status()).isEqualTo(404);
    assertThat(admin.get(app.url("/dev/mail/x")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("the received message's unsubscribe link shows what it stops and changes nothing; its button stops that kind for that member")
  void unsubscribeByButton() {
    long claire = member("Claire Lectrice");
    MailMessage sent = send(claire, "digest.daily", Fixtures.unique("Digest"), Locale.FRENCH);
    String link = header(received(sent), "List-Unsubscribe");
    String url = link.substring(1, link.indexOf('>'));
    assertThat(url).startsWith(app.url("/mail/unsubscribe?t="));
    assertThat(delivery(claire, NotificationKind.WATCHED_THREAD)).isEqualTo(Delivery.DAILY);

    Browser reader = new Browser().acceptLanguage("fr");
    Response confirm = reader.get(url);
    assertThat(confirm.status()).isEqualTo(200);
    Document page = confirm.html();
    assertThat(page.select("main p").first().text()).contains("résumé quotidien");
    assertThat(delivery(claire, NotificationKind.WATCHED_THREAD)).as("a GET, as a mail scanner's prefetch, changes nothing")
        .isEqualTo(Delivery.DAILY);

    // the page's button: a plain form, no session and no CSRF token needed
    Map<String, String> fields = Map.of("List-Unsubscribe", page.select("form.unsubscribe input[name=List-Unsubscribe]").val());
    Response done = reader.post(app.url(page.select("form.unsubscribe").attr("action")), fields);
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.html().select("#unsubscribed").text()).contains("résumé quotidien");
    assertThat(delivery(claire, NotificationKind.WATCHED_THREAD)).as("every kind of the daily digest now stays on the site")
        .isEqualTo(Delivery.PAGE);
    assertThat(delivery(claire, NotificationKind.MENTION)).as("other e-mails go on").isEqualTo(Delivery.IMMEDIATELY);
  }

  @Test
  @DisplayName("a mail client's one-click POST (RFC 8058) stops the kind without a session, CSRF token or Origin of ours")
  void oneClick() {
    long reader = member("Gerda Leserin");
    MailMessage sent = send(reader, "mention", Fixtures.unique("Mention"), Locale.GERMAN);
    String link = header(received(sent), "List-Unsubscribe");
    String url = link.substring(1, link.indexOf('>'));
    assertThat(delivery(reader, NotificationKind.MENTION)).isEqualTo(Delivery.IMMEDIATELY);
    Response r = new Browser().request("POST", url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click",
        "Origin", "https://mail.provider.example");
    assertThat(r.status()).isEqualTo(200);
    assertThat(delivery(reader, NotificationKind.MENTION)).isEqualTo(Delivery.PAGE);
  }

  @Test
  @DisplayName("a link whose member or kind was altered, or that is no token at all, is refused with 400 and stops nothing")
  void forged() {
    String token = mail.tokens().token(900_004, "mention");
    String forgedMember = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("900005:mention".getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
    String forgedKind = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("900004:digest.weekly".getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
    long before = TestDatabase.count("SELECT count(*) FROM notification_preferences");
    Browser b = new Browser();
    for (String bad : List.of(forgedMember, forgedKind, "garbage", "")) {
      String url = app.url("/mail/unsubscribe?t=" + URLEncoder.encode(bad, StandardCharsets.UTF_8));
      Response get = b.get(url);
      assertThat(get.status()).as(bad).isEqualTo(400);
      assertThat(get.mainText()).contains("not valid");
      Response post = b.request("POST", url, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click");
      assertThat(post.status()).as(bad).isEqualTo(400);
    }
    assertThat(b.get(app.url("/mail/unsubscribe")).status()).isEqualTo(400);
    assertThat(TestDatabase.count("SELECT count(*) FROM notification_preferences")).isEqualTo(before);
  }

  @Test
  @DisplayName("admins see failed messages with the server's last error at /admin/mail; members are refused")
  void adminPage() {
    String subject = Fixtures.unique("Refused");
    long id = TestDatabase.count("""
        INSERT INTO mail_outbox (recipient, kind, subject, message_id, text_body, html_body, state, attempts,
                                 next_attempt_at, last_error, created_at)
        VALUES ('gone@example.org', 'mention', ?, ?, 't', '<p>h</p>', 'failed', 1, now(), '550 5.1.1 no such user', now())
        RETURNING id""", subject, "<" + subject + "@test>");
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Document page = admin.get(app.url("/admin/mail")).html();
    assertThat(page.select("#mail-failed tr#mail-" + id + " td").eachText())
        .contains("gone@example.org", subject, "550 5.1.1 no such user");
    assertThat(page.select("#mail-local")).as("the loopback server is in use").hasSize(1);

    Browser member = new Browser();
    app.signIn(member, "demo-lukas");
    assertThat(member.get(app.url("/admin/mail")).status()).isEqualTo(403);
    assertThat(new Browser().get(app.url("/admin/mail")).status()).isEqualTo(302);
  }
}
