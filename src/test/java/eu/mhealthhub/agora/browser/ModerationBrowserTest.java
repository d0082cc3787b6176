package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Flags and notices of illegal content in a real browser: from a post's links, with axe-core on each page. */
@InChromium
@DisplayName("Flags and notices in a real browser")
class ModerationBrowserTest {

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
    // the notices sent here count against loopback's hourly limit: take them out of the last hour
    TestDatabase.update("UPDATE notices SET created_at = created_at - interval '2 hours' WHERE created_at > now() - interval '1 hour'");
  }

  /** A public group's thread with one post by someone else; returns the thread id and the post id. */
  private static long[] threadWithPost(String text) {
    long groupId = Fixtures.group(Fixtures.unique("flagbrowser"), false, true);
    long authorId = TestDatabase.count("""
        INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', ?, 'Pat Poster', ?) RETURNING id""",
        Fixtures.unique("pat"), Fixtures.unique("pat"));
    long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Browser flags', ?, 1) RETURNING id",
        groupId, authorId);
    long postId = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?) RETURNING id""",
        threadId, authorId, text, "<p>" + text + "</p>");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        postId, authorId, text, "<p>" + text + "</p>");
    return new long[] {threadId, postId};
  }

  @Test
  @DisplayName("a member flags a post from its link: the flag form passes axe-core, with its problems too, and the flag is stored")
  void flagForm() {
    long[] ids = threadWithPost("Cheap pills, click here");
    Chromium.signIn(driver, app.url("/"), "Maria Hoffmann");
    driver.get(app.url("/threads/" + ids[0]));
    driver.findElement(By.cssSelector("#post-" + ids[1] + " a.flag-link")).click();
    WebDriverWait wait = Chromium.waiting(driver, 10);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form.flag-form")));
    chromium.assertAccessible("flag form");

    driver.findElement(By.cssSelector("form.flag-form button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("reason-error")));
    chromium.assertAccessible("flag form with a problem");

    driver.findElement(By.id("reason-spam")).click();
    driver.findElement(By.cssSelector("form.flag-form button[type=submit]")).click();
    wait.until(ExpectedConditions.urlContains("/threads/" + ids[0]));
    assertThat(TestDatabase.text("SELECT reason FROM flags WHERE item_type = 'post' AND item_id = ?", ids[1])).isEqualTo("spam");
  }

  @Test
  @DisplayName("a visitor reports a post as illegal from its link: the notice form and the receipt pass axe-core")
  void noticeForm() {
    long[] ids = threadWithPost("Something defamatory");
    driver.get(app.url("/threads/" + ids[0]));
    driver.findElement(By.cssSelector("#post-" + ids[1] + " a.notice-link")).click();
    WebDriverWait wait = Chromium.waiting(driver, 10);
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form.notice-form")));
    assertThat(driver.findElement(By.id("url")).getAttribute("value")).isEqualTo("/posts/" + ids[1]);
    chromium.assertAccessible("notice form");

    driver.findElement(By.cssSelector("form.notice-form button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("problems")));
    chromium.assertAccessible("notice form with problems");

    new Select(driver.findElement(By.id("category"))).selectByValue("defamation");
    driver.findElement(By.id("explanation")).sendKeys("It claims I was convicted; I never was.");
    driver.findElement(By.id("legalGround")).sendKeys("Defamation Act 2013, s. 1");
    driver.findElement(By.id("name")).sendKeys("Vera Visitor");
    driver.findElement(By.id("email")).sendKeys(Fixtures.unique("vera") + "@example.org");
    driver.findElement(By.id("goodFaith")).click();
    driver.findElement(By.cssSelector("form.notice-form button[type=submit]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("dd.reference")));
    assertThat(driver.findElement(By.cssSelector("dd.reference")).getText()).matches("N-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}");
    chromium.assertAccessible("notice receipt");
  }
}
