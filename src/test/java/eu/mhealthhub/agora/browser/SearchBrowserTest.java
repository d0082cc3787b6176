package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Search in a real browser: the header's suggestions by keyboard, as a screen reader hears them, and axe on the pages. */
@InChromium
@DisplayName("Search in a real browser")
class SearchBrowserTest {

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver driver;
  private static String word;
  private static long threadId;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    driver = chromium.driver();
    word = "browsersearch" + Fixtures.unique("w").replaceAll("[^a-z0-9]", "");
    long group = Fixtures.group(Fixtures.unique("findable"), false, true);
    long author = Fixtures.demoMember("demo-elena");
    threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, ?, ?, 1) RETURNING id",
        group, word + " reimbursement pathways", author);
    long post = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, language)
        VALUES (?, 1, ?, ?, '<p>text</p>', 'english') RETURNING id""", threadId, author,
        "Payers want evidence of " + word + " outcomes.");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, 'x', '<p>x</p>')",
        post, author);
  }

  @BeforeEach
  void forget() {
    chromium.clearCookies();
  }

  private static WebDriverWait waiting() {
    return Chromium.waiting(driver, 10);
  }

  @Test
  @DisplayName("suggestions open as one types, are chosen with the arrow keys and Enter, close with Escape, and are announced")
  void suggestionsByKeyboard() {
    driver.get(app.url("/"));
    WebElement box = driver.findElement(By.id("site-search-q"));
    waiting().until(d -> "combobox".equals(box.getDomAttribute("role")));
    box.click();
    box.sendKeys(word.substring(0, 12));
    WebElement list = driver.findElement(By.id("site-search-list"));
    waiting().until(ExpectedConditions.visibilityOf(list));
    assertEquals("true", box.getDomAttribute("aria-expanded"));
    assertEquals("site-search-list", box.getDomAttribute("aria-controls"));
    assertThat(list.findElements(By.cssSelector("[role=option]"))).isNotEmpty();
    WebElement status = driver.findElement(By.id("site-search-status"));
    assertEquals("polite", status.getDomAttribute("aria-live"));
    assertThat(status.getDomProperty("textContent")).contains("suggestion");
    chromium.assertAccessible("the header's suggestions, open");

    box.sendKeys(Keys.ARROW_DOWN);
    WebElement first = list.findElement(By.cssSelector("[role=option]"));
    assertEquals(first.getDomAttribute("id"), box.getDomAttribute("aria-activedescendant"));
    assertEquals("true", first.getDomAttribute("aria-selected"));

    box.sendKeys(Keys.ESCAPE);
    waiting().until(ExpectedConditions.invisibilityOf(list));
    assertEquals("false", box.getDomAttribute("aria-expanded"));

    box.sendKeys(" ");
    box.sendKeys(Keys.BACK_SPACE);
    box.sendKeys(word.substring(12, 14));
    waiting().until(ExpectedConditions.visibilityOf(list));
    box.sendKeys(Keys.ARROW_DOWN);
    box.sendKeys(Keys.ENTER);
    waiting().until(ExpectedConditions.urlMatches("/threads/" + threadId + "$"));
  }

  @Test
  @DisplayName("the results page, with its filters open, passes axe; Enter without a choice searches")
  void resultsPage() {
    driver.get(app.url("/"));
    WebElement box = driver.findElement(By.id("site-search-q"));
    box.sendKeys(word + " outcomes");
    box.sendKeys(Keys.ENTER);
    waiting().until(ExpectedConditions.urlContains("/search?q="));
    assertThat(driver.findElements(By.cssSelector("ol.results li.result"))).isNotEmpty();
    assertThat(driver.findElements(By.cssSelector("ol.results mark"))).isNotEmpty();
    driver.findElement(By.cssSelector("details.search-filters summary")).click();
    chromium.assertAccessible("search results with filters open");

    driver.get(app.url("/search?q=a&kind=emails"));
    assertThat(driver.findElement(By.id("search-problem")).getText()).contains("posts, threads");
    chromium.assertAccessible("a refused search");
  }
}
