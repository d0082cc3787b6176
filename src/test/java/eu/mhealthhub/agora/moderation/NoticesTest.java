package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Notices of illegal content over HTTP, as a visitor who is not signed in files them: the receipt
 * page and the receipt e-mail in the notifier's language (really received by the loopback SMTP
 * server), anonymity only for suspected child sexual abuse material, and the refusals (missing
 * statement of good faith, honeypot, too many from one address) storing nothing.
 */
class NoticesTest {

  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
  }

  private static long notices() {
    return TestDatabase.count("SELECT count(*) FROM notices");
  }

  private static Map<String, String> valid(String url, String email) {
    Map<String, String> form = new HashMap<>(Map.of("url", url, "category", "defamation",
        "explanation", "It says I was convicted of fraud; I never was.", "legalGround", "§ 186 StGB (üble Nachrede)",
        "name", "Nora Notifier", "email", email, "goodFaith", "yes", "website", ""));
    return form;
  }

  private static Optional<DevMailServer.Received> mailTo(String address) {
    DevMailServer server = app.agora().services().mail().devServer().orElseThrow();
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      Optional<DevMailServer.Received> found = server.received().stream().filter(r -> r.to().contains(address)).findFirst();
      if (found.isPresent()) {
        return found;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return Optional.empty();
  }

  @Test
  @DisplayName("a visitor files a notice from an item's link and gets a receipt page and a receipt e-mail in her language")
  void anonymousNoticeWithReceipt() {
    Browser visitor = new Browser().acceptLanguage("fr");
    Document form = visitor.get(app.url("/notices/new?url=/posts/42")).html();
    assertThat(form.select("input#url").val()).isEqualTo("/posts/42");
    assertThat(form.select("select#category option")).hasSize(NoticeCategory.values().length + 1);
    String email = Fixtures.unique("nora") + "@example.org";
    long before = notices();

    Response sent = visitor.post(app.url("/notices"), valid("/posts/42", email));
    assertThat(sent.status()).as(sent.body()).isEqualTo(303);
    assertThat(sent.location()).matches(".*/notices/N-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}");
    String reference = sent.location().substring(sent.location().lastIndexOf('/') + 1);
    assertThat(notices()).isEqualTo(before + 1);
    assertThat(TestDatabase.text("SELECT status || '|' || locale || '|' || notifier_email FROM notices WHERE reference = ?", reference))
        .isEqualTo("received|fr|" + email);

    Document receipt = visitor.get(app.url("/notices/" + reference)).html();
    assertThat(receipt.select("h1").text()).isEqualTo("Signalement reçu");
    assertThat(receipt.select("dd.reference").text()).isEqualTo(reference);
    assertThat(receipt.select("dd.url").text()).isEqualTo("/posts/42");

    DevMailServer.Received mail = mailTo(email).orElseThrow(() -> new AssertionError("no receipt e-mail"));
    assertThat(mail.subject()).isEqualTo("Votre signalement " + reference + " a été reçu");
    assertThat(mail.text()).contains(reference).contains("/notices/" + reference).doesNotContain("unsubscribe");
    assertThat(mail.headers()).noneMatch(h -> h.name().equalsIgnoreCase("List-Unsubscribe"));
  }

  @Test
  @DisplayName("suspected child sexual abuse material may be reported without name or e-mail; any other notice needs both")
  void anonymityOnlyForCsam() {
    Browser visitor = new Browser();
    long before = notices();
    Map<String, String> form = valid("https://example.org/elsewhere", "");
    form.put("name", "");
    Response refused = visitor.post(app.url("/notices"), form);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.html().select("#name-error").text()).isEqualTo("Give your name (at most 200 characters).");
    assertThat(refused.html().select("#email-error")).hasSize(1);
    assertThat(refused.html().select("textarea#explanation").text()).isEqualTo("It says I was convicted of fraud; I never was.");
    assertThat(notices()).isEqualTo(before);

    form.put("category", "csam");
    Response sent = visitor.post(app.url("/notices"), form);
    assertThat(sent.status()).isEqualTo(303);
    assertThat(notices()).isEqualTo(before + 1);
    Document receipt = visitor.get(sent.location()).html();
    assertThat(receipt.select("main p").last().text()).startsWith("Keep this page’s address");
  }

  @Test
  @DisplayName("a notice without the statement of good faith is refused with 400 and the form again; nothing stored")
  void goodFaithRequired() {
    long before = notices();
    Map<String, String> form = valid("/posts/1", Fixtures.unique("gf") + "@example.org");
    form.remove("goodFaith");
    Response refused = new Browser().post(app.url("/notices"), form);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.html().select("#goodFaith-error").text()).isEqualTo("Confirm the statement of good faith.");
    assertThat(notices()).isEqualTo(before);
  }

  @Test
  @DisplayName("a notice whose hidden honeypot field is filled in is refused with 400; nothing stored, no e-mail")
  void honeypot() {
    long before = notices();
    String email = Fixtures.unique("robot") + "@example.org";
    Map<String, String> form = valid("/posts/1", email);
    form.put("website", "https://spam.example");
    Response refused = new Browser().post(app.url("/notices"), form);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.html().select("main").text()).contains("looks automated");
    assertThat(notices()).isEqualTo(before);
    assertThat(TestDatabase.count("SELECT count(*) FROM mail_outbox WHERE recipient = ?", email)).isZero();
  }

  @Test
  @DisplayName("a receipt is found only by its reference: any other is a 404")
  void unknownReference() {
    assertThat(new Browser().get(app.url("/notices/N-AAAA-BBBB-CCCC")).status()).isEqualTo(404);
    assertThat(new Browser().get(app.url("/notices/anything")).status()).isEqualTo(404);
  }

  @Test
  @DisplayName("a signed-in member's notice needs the session's CSRF token, and another site's Origin is refused")
  void forgedRequests() {
    long before = notices();
    Browser member = new Browser();
    app.signInNew(member, "Mona Member", Fixtures.unique("mona") + "@example.org");
    assertThat(member.post(app.url("/notices"), valid("/posts/1", "mona@example.org")).status()).isEqualTo(403);
    assertThat(new Browser().post(app.url("/notices"), valid("/posts/1", "x@example.org"), "Origin", "https://evil.example").status())
        .isEqualTo(403);
    assertThat(new Browser().post(app.url("/notices"), valid("/posts/1", "x@example.org"), "Sec-Fetch-Site", "cross-site")
        .status()).isEqualTo(403);
    // a member's form from another site is refused even with the right token, when the browser says where it came from
    Map<String, String> forged = valid("/posts/1", Fixtures.unique("mona") + "@example.org");
    forged.put("_csrf", app.csrf(member));
    assertThat(member.post(app.url("/notices"), forged, "Sec-Fetch-Site", "cross-site").status()).isEqualTo(403);
    assertThat(notices()).isEqualTo(before);
    Map<String, String> form = valid("/posts/1", Fixtures.unique("mona") + "@example.org");
    form.put("_csrf", app.csrf(member));
    assertThat(member.post(app.url("/notices"), form).status()).isEqualTo(303);
    assertThat(notices()).isEqualTo(before + 1);
  }
}
