package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The profile form and a member's public page in a real browser: filled with the form alone, and axe. */
@InChromium
@DisplayName("Profiles in a real browser")
class ProfileBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("a member fills the profile form, sees a refused link explained, then her public page; the form, the refusal and the page pass axe")
  void fillAndAxe() {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Tomasz Nowak", Chromium.signIn(d, app.url("/"), "Tomasz Nowak"));
    String handle = TestDatabase.text("SELECT handle FROM members WHERE display_name = 'Tomasz Nowak' ORDER BY id LIMIT 1");
    List<String> failures = new ArrayList<>();
    try {
      TestDatabase.update("UPDATE members SET time_zone = NULL WHERE handle = ?", handle);
      d.get(app.url("/me"));
      // with no time zone chosen, the browser's own is offered and one click chooses it
      String zone = (String) d.executeScript("return Intl.DateTimeFormat().resolvedOptions().timeZone");
      if (!new Select(d.findElement(By.id("timeZone"))).getOptions().stream().filter(o -> zone.equals(o.getAttribute("value"))
          || zone.equals(o.getText())).toList().isEmpty()) {
        d.findElement(By.cssSelector("#timeZone-browser button")).click();
        assertEquals(zone, new Select(d.findElement(By.id("timeZone"))).getFirstSelectedOption().getText());
      }
      scan("profile form", failures);
      d.findElement(By.id("affiliation")).clear();
      d.findElement(By.id("affiliation")).sendKeys("Polish HTA agency");
      new Select(d.findElement(By.id("country"))).selectByValue("PL");
      new Select(d.findElement(By.id("stakeholderType"))).selectByValue("hta");
      d.findElement(By.id("languages")).clear();
      d.findElement(By.id("languages")).sendKeys("pl, en");
      d.findElement(By.id("bio")).clear();
      d.findElement(By.id("bio")).sendKeys("Health economist.");
      d.findElement(By.id("links")).clear();
      d.findElement(By.id("links")).sendKeys("http://example.org/plain");
      d.findElement(By.cssSelector("form[action='/me'] button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(10)).until(x -> !x.findElements(By.id("links-error")).isEmpty());
      scan("profile form with a refused link", failures);

      d.findElement(By.id("links")).clear();
      d.findElement(By.id("links")).sendKeys("https://example.org/tomasz");
      d.findElement(By.cssSelector("form[action='/me'] button[type=submit]")).click();
      new WebDriverWait(d, Duration.ofSeconds(10)).until(x -> x.getCurrentUrl().contains("saved=1"));
      assertEquals("Polish HTA agency", TestDatabase.text("SELECT affiliation FROM members WHERE handle = ?", handle));

      d.get(app.url("/members/" + handle));
      assertEquals("HTA body", d.findElement(By.cssSelector(".member-stakeholder")).getText());
      scan("public profile", failures);
    } finally {
      TestDatabase.update("""
          UPDATE members SET affiliation = NULL, country = NULL, stakeholder_type = NULL, languages = '{}', bio = '',
                 links = '{}' WHERE handle = ?""", handle);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
