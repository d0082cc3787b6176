package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/** "Join our network" in a real browser, with the keyboard alone, and axe on every page of the way. */
@InChromium
@DisplayName("Joining the network in a real browser")
class NetworkBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  /** Moves the focus with Tab until the element with this id has it (at most 200 steps), as a keyboard user would. */
  private static WebElement tabTo(ChromeDriver d, String id) {
    for (int i = 0; i < 200; i++) {
      WebElement active = d.switchTo().activeElement();
      if (id.equals(active.getAttribute("id"))) {
        return active;
      }
      active.sendKeys(Keys.TAB);
    }
    throw new AssertionError("Tab never reached #" + id);
  }

  @Test
  @DisplayName("a visitor signs up with the keyboard, is told of the problems, confirms by the e-mailed link and changes topics; every page passes axe")
  void joinWithKeyboard() {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    List<String> failures = new ArrayList<>();
    String email = Fixtures.unique("kim") + "@example.org";

    d.get(app.url("/network/join"));
    scan("sign-up form", failures);
    d.findElement(By.tagName("body")).click();
    tabTo(d, "name").sendKeys("Kim Keyboard");
    tabTo(d, "email").sendKeys(email);
    tabTo(d, "topic-talks").sendKeys(Keys.SPACE);
    // submitted without the consent: the problems, and the box still unticked
    tabTo(d, "consent");
    d.switchTo().activeElement().sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> !d.findElements(By.cssSelector(".error-summary")).isEmpty());
    assertEquals("Tick the box to agree to receive announcements; we cannot send you any without it.",
        d.findElement(By.id("consent-error")).getText());
    assertTrue(d.findElement(By.id("topic-talks")).isSelected(), "the ticked topic is kept");
    scan("sign-up form with problems", failures);

    d.findElement(By.tagName("h1")).click();
    tabTo(d, "consent").sendKeys(Keys.SPACE);
    d.switchTo().activeElement().sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().endsWith("/network/joined"));
    scan("check your inbox", failures);

    d.get(confirmLink(email));
    scan("confirmation page", failures);
    d.findElement(By.cssSelector("form.network-confirm button")).sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("/network/topics"));
    assertTrue(d.findElement(By.id("confirmed")).getText().contains("Kim Keyboard"));
    scan("topics page", failures);

    d.findElement(By.tagName("h1")).click();
    tabTo(d, "topic-results").sendKeys(Keys.SPACE);
    d.findElement(By.cssSelector("button[name=save]")).sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> !d.findElements(By.id("saved")).isEmpty());
    assertEquals("results,talks", TestDatabase.text(
        "SELECT array_to_string(ARRAY(SELECT unnest(topics) ORDER BY 1), ',') FROM network_followers WHERE email = ?",
        email));
    scan("topics page after saving", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  @DisplayName("a member reaches Hub announcements from the notification settings and follows a topic with the keyboard; axe passes")
  void memberFollowsWithKeyboard() {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    List<String> failures = new ArrayList<>();
    assertEquals("Maria Hoffmann", Chromium.signIn(d, app.url("/"), "Maria Hoffmann"));
    d.get(app.url("/notifications/preferences"));
    d.findElement(By.tagName("h1")).click();
    tabTo(d, "announcements-link").sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().endsWith("/network/join"));
    assertEquals("Hub announcements", d.findElement(By.tagName("h1")).getText());
    scan("a member's announcements page", failures);
    d.findElement(By.tagName("h1")).click();
    WebElement talks = tabTo(d, "topic-talks");
    if (!talks.isSelected()) {
      talks.sendKeys(Keys.SPACE);
    }
    d.findElement(By.cssSelector("form.network-follow button[name=save]")).sendKeys(Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> !d.findElements(By.id("saved")).isEmpty());
    assertTrue(d.findElement(By.id("topic-talks")).isSelected());
    scan("a member's announcements page, saved", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static String confirmLink(String email) {
    DevMailServer server = app.agora().services().mail().devServer().orElseThrow();
    Pattern link = Pattern.compile("(https?://[^\\s]+/network/confirm\\?token=[A-Za-z0-9_.-]+)");
    Instant end = Instant.now().plus(Duration.ofSeconds(20));
    while (Instant.now().isBefore(end)) {
      for (DevMailServer.Received r : server.received()) {
        Matcher m = link.matcher(r.text());
        if (r.to().contains(email) && m.find()) {
          return m.group(1);
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no confirmation e-mail to " + email);
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
