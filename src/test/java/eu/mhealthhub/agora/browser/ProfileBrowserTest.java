package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Chromium;
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
import org.openqa.selenium.support.ui.Select;

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
      Chromium.waiting(d, 10).until(x -> !x.findElements(By.id("links-error")).isEmpty());
      scan("profile form with a refused link", failures);

      d.findElement(By.id("links")).clear();
      d.findElement(By.id("links")).sendKeys("https://example.org/tomasz");
      d.findElement(By.cssSelector("form[action='/me'] button[type=submit]")).click();
      Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("saved=1"));
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

  @Test
  @DisplayName("with the keyboard alone a member chooses reduced motion and no live announcements on the settings page; every page then moves nothing and the thread's live switch starts off; the page passes axe")
  void preferencesTakeEffect() {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Sofia Marques", Chromium.signIn(d, app.url("/"), "Sofia Marques"));
    String handle = TestDatabase.text("SELECT handle FROM members WHERE display_name = 'Sofia Marques' ORDER BY id DESC LIMIT 1");
    long thread = TestDatabase.count("""
        SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id WHERE g.visibility = 'public'
         ORDER BY t.id LIMIT 1""");
    List<String> failures = new ArrayList<>();
    try {
      TestDatabase.update("UPDATE members SET reduced_motion = 'system', live_announce = true WHERE handle = ?", handle);
      d.get(app.url("/threads/" + thread));
      assertEquals("agora-arrive", arrivalAnimation(d), "motion by default (the headless device asks for none to be reduced)");

      d.get(app.url("/me"));
      scan("settings page", failures);
      // radios: focus the group, arrows choose; Enter on the button submits
      d.findElement(By.id("reducedMotion-system")).sendKeys(org.openqa.selenium.Keys.ARROW_DOWN);
      assertTrue(d.findElement(By.id("reducedMotion-on")).isSelected());
      d.findElement(By.id("liveAnnounce-on")).sendKeys(org.openqa.selenium.Keys.ARROW_DOWN);
      assertTrue(d.findElement(By.id("liveAnnounce-off")).isSelected());
      d.findElement(By.cssSelector("form[action='/me/preferences'] button[type=submit]")).sendKeys(org.openqa.selenium.Keys.ENTER);
      Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("preferences=1"));
      assertEquals("on|false", TestDatabase.text("SELECT reduced_motion || '|' || live_announce FROM members WHERE handle = ?", handle));
      assertTrue(d.findElement(By.id("settings-notice")).isDisplayed());
      scan("settings page after saving", failures);

      d.get(app.url("/threads/" + thread));
      assertEquals("on", d.findElement(By.tagName("html")).getAttribute("data-reduced-motion"));
      assertEquals("none", arrivalAnimation(d), "the style sheet honours the choice on the first paint");
      Chromium.waiting(d, 10).until(x -> x.findElement(By.cssSelector(".live-controls")).isDisplayed());
      assertTrue(!d.findElement(By.id("live-announce")).isSelected(), "the live script starts with announcements off");
      assertEquals(Boolean.TRUE, ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
          "return window.agoraLive.reducesMotion() && window.agoraLive.announcePreference() === 'off';"));
    } finally {
      TestDatabase.update("UPDATE members SET reduced_motion = 'system', live_announce = true WHERE handle = ?", handle);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  /** The animation a newly arrived post would get on this page. */
  private static String arrivalAnimation(ChromeDriver d) {
    return (String) d.executeScript("""
        var list = document.createElement('ol'); list.className = 'posts';
        var li = document.createElement('li'); li.className = 'arrived'; list.appendChild(li);
        document.body.appendChild(list);
        var name = getComputedStyle(li).animationName; list.remove(); return name;""");
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
