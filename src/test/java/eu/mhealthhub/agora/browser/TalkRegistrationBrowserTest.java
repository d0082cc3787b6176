package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The Talks programme and a visitor's registration in a real browser, with the keyboard alone, and axe. */
@InChromium
@DisplayName("Talk registration in a real browser")
class TalkRegistrationBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  /** Presses Tab until the focused element matches {@code css}; fails after 80 presses. */
  private static WebElement tabTo(ChromeDriver d, String css) {
    for (int i = 0; i < 80; i++) {
      new Actions(d).sendKeys(Keys.TAB).perform();
      WebElement focused = d.switchTo().activeElement();
      if (!d.findElements(By.cssSelector(css)).isEmpty() && d.findElements(By.cssSelector(css)).contains(focused)) {
        return focused;
      }
    }
    throw new AssertionError("the keyboard never reached " + css);
  }

  @Test
  @DisplayName("a visitor finds an upcoming Talk in the programme, registers with the keyboard (a wrong address first), and every page passes axe")
  void registerWithKeyboard() {
    String slug = Fixtures.unique("kbtalk");
    TestDatabase.update("""
        INSERT INTO talks (slug, title, description, starts_at, ends_at)
        VALUES (?, ?, 'Apps on prescription.', now() + interval '3 days', now() + interval '3 days 1 hour')""",
        slug, "Keyboard Talk " + slug);
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    List<String> failures = new ArrayList<>();
    WebDriverWait wait = Chromium.waiting(d, 10);

    d.get(app.url("/talks"));
    scan("programme", failures);
    tabTo(d, "ul.programme a[href='/talks/" + slug + "']");
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait.until(x -> x.getCurrentUrl().endsWith("/talks/" + slug));
    scan("Talk page with registration", failures);

    tabTo(d, "#registration a#register");
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait.until(x -> x.getCurrentUrl().endsWith("/talks/" + slug + "/register"));
    scan("registration form", failures);

    tabTo(d, "#reg-name");
    new Actions(d).sendKeys("Kim Keyboard").perform();
    tabTo(d, "#reg-email");
    new Actions(d).sendKeys("kim-at-example.org").perform();
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait.until(x -> !x.findElements(By.id("reg-email-error")).isEmpty());
    scan("registration form with a problem", failures);
    WebElement email = d.findElement(By.id("reg-email"));
    assertThat(email.getDomAttribute("aria-invalid")).isEqualTo("true");

    tabTo(d, "#reg-email");
    new Actions(d).keyDown(Keys.CONTROL).sendKeys("a").keyUp(Keys.CONTROL).sendKeys(slug + "@example.org").perform();
    tabTo(d, "#register-submit");
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait.until(x -> x.getCurrentUrl().endsWith("/registration/sent"));
    assertThat(d.findElement(By.id("registration-sent")).getText()).contains("a confirmation is on its way");
    scan("registration sent", failures);
    assertThat(TestDatabase.text("SELECT status FROM talk_registrations WHERE email = ?", slug + "@example.org"))
        .isEqualTo("registered");
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
