package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The notification badge, page and preferences in a real browser. */
@InChromium
@DisplayName("Notifications in a real browser")
class NotificationBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  private static String count(ChromeDriver d) {
    return d.findElement(By.cssSelector("#notification-badge .count")).getText();
  }

  @Test
  @DisplayName("a mention raises the header badge without a reload; the notifications and preferences pages pass axe")
  void liveBadgeAndAxe() throws Exception {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Dr Jonas Becker", Chromium.signIn(d, app.url("/"), "Dr Jonas Becker"));
    long jonas = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-jonas'");
    TestDatabase.update("UPDATE notifications SET read_at = now() WHERE recipient_id = ? AND read_at IS NULL", jonas);
    d.get(app.url("/groups"));
    assertEquals("0", count(d));
    Thread.sleep(800); // the badge's socket registers member.<id>

    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    Response form = pieter.get(app.url("/groups/assessment/threads/new"));
    String title = Fixtures.unique("Badge ");
    assertEquals(303, pieter.postMultipart(app.url("/groups/assessment/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", "What do you think, @" + Fixtures.handle(jonas) + "?",
        "action", "post"), List.of()).status());
    Chromium.waiting(d, 15).until(x -> "1".equals(count((ChromeDriver) x)));
    assertEquals(app.url("/groups"), d.getCurrentUrl(), "no reload, no navigation");

    List<String> failures = new ArrayList<>();
    d.get(app.url("/notifications"));
    assertTrue(d.findElement(By.cssSelector("li.notification.unread")).getText().contains(title));
    scan("notifications page", failures);
    d.get(app.url("/notifications/preferences"));
    scan("preferences page", failures);
    d.findElement(By.cssSelector("input[name=reaction][value=weekly]")).click();
    d.findElement(By.xpath("//button[normalize-space()='Save preferences']")).click();
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("saved=1"));
    scan("preferences page, saved", failures);
    assertEquals("weekly", TestDatabase.text("SELECT delivery FROM notification_preferences WHERE member_id = ? AND kind = 'reaction'",
        jonas));
    TestDatabase.update("DELETE FROM notification_preferences WHERE member_id = ?", jonas);

    d.get(app.url("/notifications"));
    d.findElement(By.cssSelector("li.notification.unread a.notification-open")).click();
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("/threads/"));
    assertEquals("0", count(d), "following it marked it read");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
