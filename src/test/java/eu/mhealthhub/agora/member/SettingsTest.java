package eu.mhealthhub.agora.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, point 3: the one settings page holds the display preferences (reduced motion, live
 * announcements), applied on the server to every page the member sees, and the e-mail address used
 * for mail, which changes only through a link mailed to the new address.
 */
class SettingsTest {

  private static final Pattern LINK = Pattern.compile("/me/email/confirm\\?token=([A-Za-z0-9_-]+)");

  private final TestApp app = TestApp.shared();

  /** A fresh member, signed in. */
  private final class Someone {
    final String tag = Fixtures.unique("set");
    final Browser browser = new Browser();
    final String email = tag + "@example.org";
    final long id = app.signInNew(browser, "Settings " + tag, email);

    Map<String, String> profile(String newEmail) {
      Map<String, String> f = new HashMap<>();
      f.put("_csrf", app.csrf(browser));
      f.put("displayName", "Settings " + tag);
      f.put("email", newEmail);
      f.put("locale", "en");
      f.put("timeZone", "");
      return f;
    }

    Response preferences(String motion, String announce) {
      Map<String, String> f = new HashMap<>();
      f.put("_csrf", app.csrf(browser));
      if (motion != null) {
        f.put("reducedMotion", motion);
      }
      if (announce != null) {
        f.put("liveAnnounce", announce);
      }
      return browser.post(app.url("/me/preferences"), f);
    }

    String stored() {
      return TestDatabase.text("SELECT reduced_motion || '|' || live_announce FROM members WHERE id = ?", id);
    }

    String email() {
      return TestDatabase.text("SELECT coalesce(email, '-') FROM members WHERE id = ?", id);
    }
  }

  private static Optional<DevMailServer.Received> mailTo(TestApp app, String address, String subject) {
    DevMailServer server = app.agora().services().mail().devServer().orElseThrow();
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      Optional<DevMailServer.Received> found = server.received().stream()
          .filter(r -> r.to().contains(address) && r.subject().contains(subject)).findFirst();
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

  private String tokenMailedTo(String address) {
    DevMailServer.Received mail = mailTo(app, address, "Confirm your new e-mail address")
        .orElseThrow(() -> new AssertionError("no confirmation mail to " + address));
    Matcher m = LINK.matcher(mail.text());
    assertThat(m.find()).as("the mail holds the link: %s", mail.text()).isTrue();
    return m.group(1);
  }

  @Test
  @DisplayName("reduced motion and live announcements are stored per member and written on <html> of every page, shared ones too")
  void preferencesOnEveryPage() {
    Someone s = new Someone();
    Document before = s.browser.get(app.url("/me")).html();
    assertEquals("system", before.selectFirst("html").attr("data-reduced-motion"), "the default follows the device");
    assertEquals("on", before.selectFirst("html").attr("data-live-announce"));
    assertThat(before.select("#reducedMotion-system[checked]")).hasSize(1);
    assertThat(before.select("#liveAnnounce-on[checked]")).hasSize(1);
    assertThat(before.select("a[href=/notifications/preferences]")).as("notification settings linked").isNotEmpty();

    Response saved = s.preferences("on", "off");
    assertEquals(303, saved.status(), saved.body());
    assertEquals("on|false", s.stored());
    Document after = s.browser.follow(saved).html();
    assertThat(after.select("#settings-notice").text()).contains("display and announcement preferences were saved");
    assertThat(after.select("#reducedMotion-on[checked]")).hasSize(1);
    assertThat(after.select("#liveAnnounce-off[checked]")).hasSize(1);
    for (String page : new String[] {"/", "/groups", "/talks", "/me"}) {
      Document d = s.browser.get(app.url(page)).html();
      assertEquals("on", d.selectFirst("html").attr("data-reduced-motion"), page);
      assertEquals("off", d.selectFirst("html").attr("data-live-announce"), page);
    }
    Document anonymous = new Browser().get(app.url("/groups")).html();
    assertEquals("system", anonymous.selectFirst("html").attr("data-reduced-motion"),
        "a shared page rendered for the member is not served to others with the member's choice");
    assertEquals("", anonymous.selectFirst("html").attr("data-live-announce"));

    s.preferences("off", "on");
    assertEquals("off|true", s.stored());
    assertEquals("off", s.browser.get(app.url("/groups")).html().selectFirst("html").attr("data-reduced-motion"));
  }

  @Test
  @DisplayName("unknown or missing preference values are refused with 400 naming the field, and nothing is stored")
  void badPreferences() {
    Someone s = new Someone();
    s.preferences("on", "off");
    for (String[] bad : new String[][] {{"sometimes", "off"}, {"on", "loud"}, {null, "on"}, {"system", null}}) {
      Response refused = s.preferences(bad[0], bad[1]);
      assertEquals(400, refused.status(), String.join("/", String.valueOf(bad[0]), String.valueOf(bad[1])));
      Document page = refused.html();
      assertThat(page.select(".error-summary li").eachText()).isNotEmpty();
      assertThat(page.select(".field-error").eachText()).containsAnyOf(
          "Choose how much motion to show: follow your device, reduce or show.",
          "Choose whether live updates are announced.");
      assertEquals("on|false", s.stored(), "nothing stored");
    }
  }

  @Test
  @DisplayName("a new e-mail address changes only after the link mailed to it is opened, once; until then mail goes to the old one")
  void emailChangeConfirmed() {
    Someone s = new Someone();
    String newAddress = s.tag + ".new@example.org";
    Response saved = s.browser.post(app.url("/me"), s.profile(newAddress));
    assertEquals(303, saved.status(), saved.body());
    assertEquals(s.email, s.email(), "the old address stays until confirmed");
    Document page = s.browser.follow(saved).html();
    assertThat(page.select("#settings-notice").text()).contains("We sent a confirmation link to the new address");
    assertThat(page.select("#email-pending").text()).contains(newAddress);
    assertEquals(s.email, page.selectFirst("#email").val(), "the form shows the address in use");

    String token = tokenMailedTo(newAddress);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM email_changes WHERE member_id = ? AND status = 'pending'", s.id));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM email_changes WHERE position(convert_to(?, 'UTF8') in token_hash) > 0",
        token), "the link's secret is not stored");

    Response confirmPage = s.browser.get(app.url("/me/email/confirm?token=" + token));
    assertEquals(200, confirmPage.status(), confirmPage.body());
    assertThat(confirmPage.html().select("main p").first().text()).contains(newAddress);
    assertEquals(s.email, s.email(), "opening the page (a mail scanner, say) changes nothing");

    Response confirmed = s.browser.post(app.url("/me/email/confirm"), Map.of("_csrf", app.csrf(s.browser), "token", token));
    assertEquals(303, confirmed.status(), confirmed.body());
    assertEquals(newAddress, s.email());
    assertThat(s.browser.follow(confirmed).html().select("#settings-notice").text()).contains("Your e-mail address was changed.");

    Response again = s.browser.post(app.url("/me/email/confirm"), Map.of("_csrf", app.csrf(s.browser), "token", token));
    assertEquals(400, again.status());
    assertThat(again.html().select("main").text()).contains("This confirmation link was already used.");
  }

  @Test
  @DisplayName("an invalid or already used new address is refused on the form (400, 409); nothing is stored and no link is sent")
  void badNewAddress() {
    Someone s = new Someone();
    Someone other = new Someone();
    Response invalid = s.browser.post(app.url("/me"), s.profile("not-an-address"));
    assertEquals(400, invalid.status());
    assertThat(invalid.html().select("#email-error").text()).contains("Enter an e-mail address like name@example.org.");

    Response taken = s.browser.post(app.url("/me"), s.profile(other.email.toUpperCase()));
    assertEquals(409, taken.status(), taken.body());
    Document page = taken.html();
    assertThat(page.select("#email-error").text()).isEqualTo("Another member already uses this e-mail address.");
    assertThat(page.select("#email[aria-invalid=true]")).hasSize(1);
    assertEquals(s.email, s.email());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM email_changes WHERE member_id = ?", s.id));
  }

  @Test
  @DisplayName("a forged, someone else's, expired or replaced confirmation link is refused with a clear error and changes nothing")
  void badLinks() {
    Someone s = new Someone();
    String first = s.tag + ".one@example.org";
    String second = s.tag + ".two@example.org";
    s.browser.post(app.url("/me"), s.profile(first));
    String firstToken = tokenMailedTo(first);
    s.browser.post(app.url("/me"), s.profile(second));
    String secondToken = tokenMailedTo(second);

    Response replaced = s.browser.get(app.url("/me/email/confirm?token=" + firstToken));
    assertEquals(400, replaced.status());
    assertThat(replaced.html().select("main").text()).contains("use the newest link");

    Response forged = s.browser.post(app.url("/me/email/confirm"),
        Map.of("_csrf", app.csrf(s.browser), "token", secondToken.substring(1) + "A"));
    assertEquals(400, forged.status());
    assertThat(forged.html().select("main").text()).contains("This confirmation link is not valid for your account.");
    assertThat(forged.html().select("main a[href=/me]")).isNotEmpty();

    Someone other = new Someone();
    Response stolen = other.browser.post(app.url("/me/email/confirm"),
        Map.of("_csrf", app.csrf(other.browser), "token", secondToken));
    assertEquals(400, stolen.status(), "a link works only for the member who asked");
    assertEquals(other.email, other.email());

    Response anonymous = new Browser().get(app.url("/me/email/confirm?token=" + secondToken));
    assertEquals(302, anonymous.status(), "a visitor is sent to sign in first");

    TestDatabase.update("UPDATE email_changes SET expires_at = now() - interval '1 minute' WHERE member_id = ?", s.id);
    Response expired = s.browser.post(app.url("/me/email/confirm"), Map.of("_csrf", app.csrf(s.browser), "token", secondToken));
    assertEquals(400, expired.status());
    assertThat(expired.html().select("main").text()).contains("This confirmation link has expired.");
    assertEquals(s.email, s.email(), "nothing changed");
  }
}
