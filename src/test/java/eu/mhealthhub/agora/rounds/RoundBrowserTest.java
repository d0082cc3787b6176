package eu.mhealthhub.agora.rounds;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** A consensus round in a real browser: rated with the keyboard alone, and the pages pass axe. */
@InChromium
@DisplayName("Consensus rounds in a real browser")
class RoundBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("a panellist rates a statement with the keyboard alone; the rating page, its problems and the results "
      + "(whose SVG chart has a text alternative) pass axe")
  void rateWithKeyboard() {
    RoundFixture f = new RoundFixture(app, false);
    long elena = Fixtures.demoMember("demo-elena");
    Fixtures.member(f.groupId, elena, "member");
    long round = f.openRound(Map.of("handles", String.join(" ", f.handles) + " " + Fixtures.handle(elena),
        "reasonsRequired", "1"));
    long alpha = f.statementId(round, 1);
    List<String> failures = new ArrayList<>();

    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    Chromium.signIn(d, app.url("/"), "Elena Rossi");
    d.get(app.url("/rounds/" + round));
    scan("rating page", failures);
    WebDriverWait wait = Chromium.waiting(d, 10);

    // keyboard only: into the radio group, arrows to 2 (lower band), Tab past reason and recusal, Enter: refused
    WebElement first = d.findElement(By.id("rating-" + alpha + "-1"));
    first.sendKeys(Keys.SPACE);
    new Actions(d).sendKeys(Keys.ARROW_RIGHT).perform();
    assertEquals("rating-" + alpha + "-2", d.switchTo().activeElement().getAttribute("id"));
    new Actions(d).sendKeys(Keys.TAB).sendKeys(Keys.TAB).sendKeys(Keys.TAB).perform();
    assertEquals("submit", d.switchTo().activeElement().getAttribute("type"));
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait.until(x -> !x.findElements(By.id("statement-" + alpha + "-error")).isEmpty());
    assertThat(d.findElement(By.id("statement-" + alpha + "-error")).getText()).contains("reason");
    scan("rating page with a problem", failures);
    assertEquals(0, RoundFixture.ratings(round));

    // again: the radio kept its value; Tab to the reason, type it, Tab twice and Enter
    d.findElement(By.id("rating-" + alpha + "-2")).sendKeys("");
    new Actions(d).sendKeys(Keys.TAB).sendKeys("Evidence is thin").sendKeys(Keys.TAB).sendKeys(Keys.TAB)
        .sendKeys(Keys.ENTER).perform();
    wait.until(x -> x.getCurrentUrl().contains("saved="));
    assertEquals("2", TestDatabase.text("SELECT rating::text FROM round_ratings WHERE statement_id = ? AND member_id = ?",
        alpha, elena));
    assertEquals("Evidence is thin", TestDatabase.text(
        "SELECT reason FROM round_ratings WHERE statement_id = ? AND member_id = ?", alpha, elena));
    scan("rating page after saving", failures);

    TestDatabase.update("UPDATE consensus_rounds SET deadline = now() - interval '1 minute' WHERE id = ?", round);
    d.get(app.url("/rounds/" + round + "/results"));
    WebElement svg = d.findElement(By.cssSelector("#result-" + alpha + " svg[role=img]"));
    String labelledBy = svg.getAttribute("aria-labelledby");
    assertThat(labelledBy).isEqualTo("chart-" + alpha + "-title chart-" + alpha + "-desc");
    assertThat(d.findElement(By.cssSelector("#result-" + alpha + " table.distribution")).getText()).contains("Rating");
    scan("results page", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  @DisplayName("a moderator's round page counts the panellists who have finished live, without reloading, and never shows "
      + "what they rated")
  void participationIsLive() {
    RoundFixture f = new RoundFixture(app, false);
    long elena = Fixtures.demoMember("demo-elena");
    Fixtures.member(f.groupId, elena, "moderator");
    long round = f.openRound(Map.of());
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    Chromium.signIn(d, app.url("/"), "Elena Rossi");
    d.get(app.url("/rounds/" + round));
    assertThat(d.findElement(By.id("round-progress")).getText()).contains("0 of 5");
    d.executeScript("window.notReloaded = true");
    WebDriverWait wait = Chromium.waiting(d, 15);
    for (int s = 1; s <= 2; s++) {
      assertEquals(303, f.rate(f.panel.get(0), round, f.statementId(round, s), "8", "Only mine to know").status());
    }
    wait.until(x -> x.findElement(By.id("round-progress")).getText().contains("1 of 5"));
    assertEquals(Boolean.TRUE, d.executeScript("return window.notReloaded === true"), "the page was not reloaded");
    assertThat(d.findElement(By.id("round-participation")).getText()).doesNotContain("Only mine to know");
    assertThat(d.findElements(By.cssSelector("table.distribution, table.interim"))).isEmpty();
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
