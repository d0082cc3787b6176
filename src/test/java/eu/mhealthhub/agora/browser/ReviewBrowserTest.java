package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The review queue in a real browser: claim and decide with the keyboard and plain forms, and axe on every page. */
@InChromium
@DisplayName("The review queue in a real browser")
class ReviewBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("an admin opens a flagged post from the queue, claims it, hides it with a reason from the keyboard; queue, item and decision pages pass axe")
  void claimDecideAndAxe() {
    String slug = Fixtures.unique("review-browser");
    long groupId = Fixtures.group(slug, false, true);
    Browser author = new Browser();
    long authorId = app.signInNew(author, "Review Browser Author", Fixtures.unique("rba") + "@example.org");
    Fixtures.member(groupId, authorId, "member");
    long threadId = TestDatabase.count(
        "INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Browser review', ?, 1) RETURNING id", groupId, authorId);
    long postId = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, 1, ?, 'Flag me in a browser', '<p>Flag me in a browser</p>') RETURNING id""", threadId, authorId);
    TestDatabase.update("INSERT INTO flags (item_type, item_id, group_id, member_id, reason, detail) VALUES ('post', ?, ?, ?, 'other', 'Seen in a browser')",
        postId, groupId, Fixtures.demoMember("demo-maria"));

    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    assertEquals("Maria Hoffmann", Chromium.signIn(d, app.url("/"), "Maria Hoffmann"));
    List<String> failures = new ArrayList<>();
    WebDriverWait wait = Chromium.waiting(d, 10);

    d.get(app.url("/admin/review?kind=flagged"));
    scan("site-wide review queue", failures);
    d.get(app.url("/groups/" + slug + "/review"));
    scan("group review queue", failures);
    d.findElement(By.cssSelector("#review-post-" + postId + " a")).sendKeys(Keys.ENTER);
    wait.until(x -> x.getCurrentUrl().endsWith("/review/post/" + postId));
    scan("review item", failures);

    d.findElement(By.cssSelector("form[action$='/claim'] button")).sendKeys(Keys.ENTER);
    wait.until(x -> !x.findElements(By.id("review-claimed")).isEmpty());
    assertEquals("Claimed by Maria Hoffmann", d.findElement(By.id("review-claimed")).getText());
    scan("review item, claimed", failures);

    d.findElement(By.id("action-hide")).sendKeys(Keys.SPACE);
    d.findElement(By.id("reason")).sendKeys("Decided from the keyboard");
    d.findElement(By.cssSelector("form.review-act-form button[type=submit]")).sendKeys(Keys.ENTER);
    wait.until(x -> !x.findElements(By.cssSelector(".review-act p.empty")).isEmpty());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NOT NULL", postId));

    long decisionId = TestDatabase.count("SELECT id FROM moderation_decisions WHERE item_type = 'post' AND item_id = ?", postId);
    d.get(app.url("/moderation/decisions/" + decisionId));
    assertEquals("Decided from the keyboard", d.findElement(By.id("decision-reason")).getText());
    scan("statement of reasons", failures);
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
