package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/** The declaration of interests in a real browser: filled in with the form alone, and axe. */
@InChromium
@DisplayName("Declarations of interest in a real browser")
class DeclarationBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("a member declares an interest with the form; the form, its problems and the version page pass axe")
  void declareAndAxe() {
    String name = "Tomasz Nowak";
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    Chromium.signIn(d, app.url("/"), name);
    List<String> failures = new ArrayList<>();
    d.get(app.url("/me/declaration"));
    scan("declaration form", failures);

    // the demo seed gives Tomasz a declaration already (he speaks at a demo Talk): fill the first blank row
    String row = d.findElements(By.cssSelector("form.declaration-form input[id^='organisation.']")).stream()
        .filter(e -> e.getAttribute("value") == null || e.getAttribute("value").isEmpty()).findFirst().orElseThrow()
        .getAttribute("id").substring("organisation.".length());
    new Select(d.findElement(By.id("kind." + row))).selectByValue("research_funding");
    d.findElement(By.id("organisation." + row)).sendKeys("EU Horizon");
    d.findElement(By.cssSelector("form.declaration-form button:not([name])")).click();
    Chromium.waiting(d, 10).until(x -> !d.findElements(By.cssSelector(".error-summary")).isEmpty());
    scan("declaration form with problems", failures);

    // a browser without a month picker takes the month as text; with one, the script sets it
    ((org.openqa.selenium.JavascriptExecutor) d).executeScript("document.getElementById('start." + row + "').value = '2023-02'");
    d.findElement(By.cssSelector("form.declaration-form button:not([name])")).click();
    try {
      Chromium.waiting(d, 10).until(x -> x.getCurrentUrl().contains("saved="));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("not saved at " + d.getCurrentUrl() + " " + d.findElements(By.cssSelector("main h1, .notice")).stream().map(org.openqa.selenium.WebElement::getText).toList() + ": " + d.findElements(By.cssSelector(".error-summary, .field-error")).stream()
          .map(org.openqa.selenium.WebElement::getText).toList(), e);
    }
    long id = Fixtures.demoMember("demo-tomasz");
    String handle = Fixtures.handle(id);
    long version = TestDatabase.count("SELECT max(version) FROM declaration_versions WHERE member_id = ?", id);
    d.get(app.url("/members/" + handle + "/declarations/" + version));
    assertTrue(d.findElements(By.cssSelector("table.declaration-entries td")).stream()
        .anyMatch(td -> td.getText().equals("EU Horizon")), "the new entry is in the saved version");
    scan("declaration version page", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
