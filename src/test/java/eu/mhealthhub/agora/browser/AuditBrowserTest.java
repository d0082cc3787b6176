package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** The audit pages in a real browser: filtering with the form alone, and axe. */
@InChromium
@DisplayName("The audit log in a real browser")
class AuditBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("an admin filters the audit log by kind with the form; the log, the yearly summary and the administration page pass axe")
  void filterAndAxe() {
    String slug = Fixtures.unique("audit-browser");
    long groupId = Fixtures.group(slug, false, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Audit Browser Mod", Fixtures.unique("abm") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Audit Browser Member", Fixtures.unique("abmem") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/members/" + memberId + "/remove"),
        Map.of("_csrf", app.csrf(mod), "reason", "Shown in the browser")).status());

    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Maria Hoffmann", Chromium.signIn(d, app.url("/"), "Maria Hoffmann"));
    List<String> failures = new ArrayList<>();
    d.get(app.url("/groups/" + slug + "/audit"));
    scan("group audit log", failures);
    d.get(app.url("/admin/audit"));
    new Select(d.findElement(By.id("audit-kind"))).selectByValue("member");
    d.findElement(By.id("audit-actor")).sendKeys("@" + Fixtures.handle(modId));
    d.findElement(By.cssSelector("form.audit-filter button[type=submit]")).click();
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("kind=member"));
    List<String> reasons = d.findElements(By.cssSelector("td.audit-reason")).stream().map(e -> e.getText()).toList();
    assertEquals(List.of("Shown in the browser"), reasons);
    scan("site-wide audit log, filtered", failures);
    d.get(app.url("/admin/audit/summary"));
    scan("transparency summary", failures);
    // the administration page, reached from the header and left by the keyboard alone: Tab to its first tool, Enter
    d.get(app.url("/groups"));
    d.findElement(By.cssSelector("nav.site-nav a[href='/admin']")).click();
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().endsWith("/admin"));
    scan("administration", failures);
    d.findElement(By.cssSelector("main h1")).click();
    org.openqa.selenium.WebElement focused = d.switchTo().activeElement();
    for (int i = 0; i < 20 && !"/admin/review".equals(focused.getDomAttribute("href")); i++) {
      focused.sendKeys(org.openqa.selenium.Keys.TAB);
      focused = d.switchTo().activeElement();
    }
    assertEquals("/admin/review", focused.getDomAttribute("href"), "the first tool is reached with Tab");
    focused.sendKeys(org.openqa.selenium.Keys.ENTER);
    Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().endsWith("/admin/review"));
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
