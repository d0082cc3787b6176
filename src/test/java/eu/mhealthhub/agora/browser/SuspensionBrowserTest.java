package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/** The suspension page in a real browser: suspending and lifting with the forms alone, and axe. */
@InChromium
@DisplayName("Suspensions in a real browser")
class SuspensionBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("an admin suspends a member for a week and lifts it with the page's forms; the page passes axe in both states")
  void suspendLiftAndAxe() {
    String slug = Fixtures.unique("suspend-browser");
    long groupId = Fixtures.group(slug, false, true);
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Browser Suspended", Fixtures.unique("bsus") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    String page = app.url("/members/" + Fixtures.handle(memberId) + "/suspension");

    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Maria Hoffmann", Chromium.signIn(d, app.url("/"), "Maria Hoffmann"));
    List<String> failures = new ArrayList<>();
    d.get(page);
    scan("suspension page, not suspended", failures);
    d.findElement(By.id("period-7d")).click();
    d.findElement(By.id("reason")).sendKeys("Repeated personal attacks");
    d.findElement(By.cssSelector("form.suspend-form button[type=submit]")).click();
    Chromium.waiting(d, 10).until(x -> !x.findElements(By.cssSelector("p.suspended-state")).isEmpty());
    assertEquals("Repeated personal attacks", d.findElement(By.cssSelector(".suspension-current .suspension-reason")).getText());
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM member_suspensions WHERE member_id = ? AND ends_at > now() + interval '6 days'""", memberId));
    scan("suspension page, suspended", failures);
    d.findElement(By.id("lift-reason")).sendKeys("Apologised");
    d.findElement(By.cssSelector("form.lift-form button[type=submit]")).click();
    Chromium.waiting(d, 10).until(x -> !x.findElements(By.cssSelector("p.active-state")).isEmpty());
    assertEquals(1, d.findElements(By.cssSelector("ul.suspension-history li")).size());
    scan("suspension page, lifted", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
