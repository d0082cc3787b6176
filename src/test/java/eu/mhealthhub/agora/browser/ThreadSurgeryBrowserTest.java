package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Splitting and merging threads from the thread page's moderator controls in a real browser, with axe-core. */
@InChromium
@DisplayName("Thread surgery in a real browser")
class ThreadSurgeryBrowserTest {

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver driver;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    driver = chromium.driver();
  }

  @BeforeEach
  @AfterEach
  void forget() {
    chromium.clearCookies();
  }

  private static long author() {
    return TestDatabase.count("""
        INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', ?, 'Pat Poster', ?) RETURNING id""",
        Fixtures.unique("pat"), Fixtures.unique("pat"));
  }

  private static long thread(long groupId, long authorId, String title) {
    return TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id", groupId, title, authorId);
  }

  private static long post(long threadId, long authorId, String text, int minutesAgo) {
    int position = (int) TestDatabase.count("SELECT count(*) + 1 FROM posts WHERE thread_id = ?", threadId);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, created_at)
        VALUES (?, ?, ?, ?, ?, now() - make_interval(mins => ?)) RETURNING id""",
        threadId, position, authorId, text, "<p>" + text + "</p>", minutesAgo);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, authorId, text, "<p>" + text + "</p>");
    TestDatabase.update("UPDATE threads SET post_count = post_count + 1, last_post_id = ? WHERE id = ?", id, threadId);
    return id;
  }

  private static WebDriverWait waiting() {
    return Chromium.waiting(driver, 10);
  }

  @Test
  @DisplayName("a moderator splits a thread and merges another with the keyboard; the forms, the refusal and the results pass axe-core")
  void splitAndMerge() {
    long groupId = Fixtures.group(Fixtures.unique("surgerybrowser"), false, true);
    long pat = author();
    long t = thread(groupId, pat, "Browser surgery");
    post(t, pat, "Opening", 40);
    post(t, pat, "On topic", 30);
    long digression = post(t, pat, "A digression", 20);
    long target = thread(groupId, pat, "Browser merge target");
    post(target, pat, "Target opening", 50);
    long duplicate = thread(groupId, pat, "Browser duplicate");
    long duplicatePost = post(duplicate, pat, "Duplicate opening", 10);

    Chromium.signIn(driver, app.url("/"), "Maria Hoffmann");
    driver.get(app.url("/threads/" + t));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("split-form")));
    chromium.assertAccessible("thread page with the split and merge forms");

    new Select(driver.findElement(By.id("split-post"))).selectByValue(String.valueOf(digression));
    driver.findElement(By.id("split-title")).sendKeys("Browser digression");
    driver.findElement(By.id("split-reason")).sendKeys("Off the thread's topic", Keys.ENTER);
    waiting().until(ExpectedConditions.textToBe(By.tagName("h1"), "Browser digression"));
    long split = TestDatabase.count("SELECT thread_id FROM posts WHERE id = ?", digression);
    assertThat(driver.getCurrentUrl()).endsWith("/threads/" + split);
    assertThat(driver.findElement(By.cssSelector("p.thread-link a")).getAttribute("href")).endsWith("/threads/" + t);
    chromium.assertAccessible("the thread split off, with its note");

    driver.get(app.url("/threads/" + duplicate));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("merge-form")));
    // a refusal: the browser would not send an empty reason, so take the requirement away as a script could
    driver.executeScript("document.getElementById('merge-reason').removeAttribute('required')");
    driver.findElement(By.id("merge-into")).sendKeys(String.valueOf(target), Keys.ENTER);
    waiting().until(ExpectedConditions.urlContains("/merge"));
    chromium.assertAccessible("the refused merge");
    assertEquals(duplicate, TestDatabase.count("SELECT thread_id FROM posts WHERE id = ?", duplicatePost), "nothing moved");

    driver.get(app.url("/threads/" + duplicate));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("merge-form")));
    driver.findElement(By.id("merge-into")).sendKeys(app.url("/threads/" + target));
    driver.findElement(By.id("merge-reason")).sendKeys("Same question", Keys.ENTER);
    waiting().until(ExpectedConditions.urlContains("/threads/" + target));
    assertThat(driver.findElements(By.id("post-" + duplicatePost))).hasSize(1);
    chromium.assertAccessible("the merge target with its note");
  }

  @Test
  @DisplayName("a page open on a thread that is merged away goes to the target by itself")
  void mergedPageFollows() throws Exception {
    long groupId = Fixtures.group(Fixtures.unique("surgerylive"), false, true);
    long pat = author();
    long away = thread(groupId, pat, "Live merged away");
    post(away, pat, "Soon elsewhere", 20);
    long target = thread(groupId, pat, "Live merge target");
    post(target, pat, "Staying", 10);

    Chromium.signIn(driver, app.url("/"), "Maria Hoffmann");
    driver.get(app.url("/threads/" + away));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("posts")));
    Thread.sleep(800); // the page registers as soon as its socket opens

    Browser moderator = new Browser();
    app.signIn(moderator, "demo-maria");
    Response merged = moderator.post(app.url("/threads/" + away + "/merge"),
        Map.of("_csrf", app.csrf(moderator), "into", String.valueOf(target), "reason", "Merged while read"));
    assertEquals(303, merged.status(), merged.body());
    waiting().until(ExpectedConditions.urlContains("/threads/" + target));
    assertThat(driver.findElements(By.xpath("//article[contains(., 'Soon elsewhere')]"))).hasSize(1);
  }
}
