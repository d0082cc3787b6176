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
import org.openqa.selenium.support.ui.WebDriverWait;

/** A held post in a real browser: its author's "awaiting approval" and the moderator's approve form, with axe-core on both. */
@InChromium
@DisplayName("Posts held for approval in a real browser")
class TrustBrowserTest {

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

  @Test
  @DisplayName("a new member's link-heavy reply shows as awaiting approval to its author, marked with approve and reject forms to a moderator who approves it; both pages pass axe-core")
  void heldReply() {
    long groupId = Fixtures.group(Fixtures.unique("trustbrowser"), false, true);
    Fixtures.newMember(groupId, Fixtures.demoMember("demo-tomasz"));
    Fixtures.member(groupId, Fixtures.demoMember("demo-amelie"), "moderator");
    long starter = Fixtures.demoMember("demo-pieter");
    Fixtures.member(groupId, starter, "member");
    long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Reading list', ?, 1) RETURNING id",
        groupId, starter);
    long opening = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) VALUES (?, 1, ?, 'Share links', '<p>Share links</p>') RETURNING id""",
        threadId, starter);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, 'Share links', '<p>Share links</p>')",
        opening, starter);

    WebDriverWait wait = Chromium.waiting(driver, 10);
    Chromium.signIn(driver, app.url("/"), "Tomasz Nowak");
    driver.get(app.url("/threads/" + threadId + "/reply"));
    driver.findElement(By.id("body")).sendKeys("See https://example.org/one, https://example.org/two and https://example.org/three");
    driver.findElement(By.cssSelector("button[name=action][value=post]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("article.post.held .held-notice")));
    long held = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND held_reason = 'links'", threadId);
    assertThat(driver.findElement(By.cssSelector("#post-" + held + " .held-notice")).getText()).contains("Awaiting approval");
    chromium.assertAccessible("thread page with the author's held post");

    chromium.clearCookies();
    Chromium.signIn(driver, app.url("/"), "Amélie Laurent");
    driver.get(app.url("/threads/" + threadId));
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#post-" + held + " form.approve")));
    chromium.assertAccessible("thread page with a held post for its moderator");
    driver.findElement(By.cssSelector("#post-" + held + " form.approve button[type=submit]")).click();
    wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#post-" + held + " .held-notice")));
    assertThat(TestDatabase.count("SELECT position FROM posts WHERE id = ?", held)).isEqualTo(2);
  }
}
