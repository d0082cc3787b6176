package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.results.ResultsFixtures;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The results library and the Cite this box in a real browser, by keyboard, with axe. */
@InChromium
@DisplayName("The results library in a real browser")
class ResultsBrowserTest {

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver driver;
  private static String group;
  private static String word;
  private static long document;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    driver = chromium.driver();
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    group = ResultsFixtures.moderatedGroup(false);
    word = ResultsFixtures.word("browse");
    document = ResultsFixtures.adoptedDocument(app, pieter, group, "Browser paper " + word,
        "# Scope\n\nHospitals adopting " + word + " apps.\n");
    ResultsFixtures.closedTalk(group, "Browser Talk " + word, "Summary of " + word, "Follow-up " + word);
  }

  @BeforeEach
  void forget() {
    chromium.clearCookies();
  }

  private static WebDriverWait waiting() {
    return Chromium.waiting(driver, 10);
  }

  @Test
  @DisplayName("a visitor filters the library with the form, searches it, opens a result and copies its citation by keyboard")
  void walk() {
    driver.get(app.url("/results"));
    chromium.assertAccessible("the results library");

    new Select(driver.findElement(By.id("results-group"))).selectByValue(group);
    new Select(driver.findElement(By.id("results-kind"))).selectByValue("documents");
    driver.findElement(By.cssSelector("form.results-filters button[type=submit]")).click();
    waiting().until(ExpectedConditions.urlContains("group=" + group));
    assertThat(driver.findElements(By.cssSelector("li.result h3 a"))).extracting(WebElement::getText)
        .containsExactly("Browser paper " + word);
    chromium.assertAccessible("the library filtered");

    WebElement q = driver.findElement(By.id("results-q"));
    q.clear();
    new Select(driver.findElement(By.id("results-kind"))).selectByValue("");
    q.sendKeys(word);
    q.sendKeys(Keys.ENTER);
    waiting().until(ExpectedConditions.urlContains("q=" + word));
    assertThat(driver.findElements(By.cssSelector("li.result h3 a"))).extracting(WebElement::getText)
        .containsExactlyInAnyOrder("Browser paper " + word, "Browser Talk " + word);

    driver.findElement(By.linkText("Browser paper " + word)).click();
    waiting().until(ExpectedConditions.urlMatches("/documents/" + document + "/revisions/1$"));
    WebElement bibtex = driver.findElement(By.id("cite-bibtex"));
    assertThat(bibtex.getDomProperty("value")).startsWith("@techreport{mhealthhub-doc" + document + "-rev1,");
    // the copy buttons appear with the script; each is reached and pressed from the keyboard
    WebElement copy = driver.findElement(By.cssSelector("button.cite-copy[data-copy=cite-bibtex]"));
    waiting().until(ExpectedConditions.visibilityOf(copy));
    chromium.assertAccessible("an adopted revision with its Cite this box");
    copy.sendKeys(Keys.ENTER);
    waiting().until(d -> copy.getDomAttribute("data-state") != null);
    Object selected = driver.executeScript(
        "const a = document.getElementById('cite-bibtex'); return a.value.substring(a.selectionStart, a.selectionEnd);");
    assertEquals(bibtex.getDomProperty("value"), selected, "the whole citation is selected for copying");
    assertEquals("cite-bibtex", driver.switchTo().activeElement().getDomAttribute("id"));
  }

  @Test
  @DisplayName("a bad filter shows a readable 400 page that passes axe")
  void badFilter() {
    driver.get(app.url("/results?year=99"));
    assertThat(driver.findElement(By.tagName("main")).getText()).contains("four digits");
    chromium.assertAccessible("a refused results filter");
  }
}
