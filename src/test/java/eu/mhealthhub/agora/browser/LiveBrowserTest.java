package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** Thread pages that update themselves, in two real browsers. */
@InChromium
@DisplayName("Live thread pages in a real browser")
class LiveBrowserTest {

  private static TestApp app;
  private static Chromium reader;
  private static Chromium writer;

  @BeforeAll
  static void start(Chromium one, Chromium two) {
    app = TestApp.shared();
    reader = one;
    writer = two;
  }

  private static WebDriverWait wait(ChromeDriver d) {
    return Chromium.waiting(d, 15);
  }

  private static void signIn(ChromeDriver d, String person) {
    assertEquals(person, Chromium.signIn(d, app.url("/"), person));
  }

  private static long freshThread(String title) {
    long groupId = TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'assessment'");
    long author = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-pieter'");
    long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, ?, ?, 1) RETURNING id",
        groupId, title, author);
    long postId = TestDatabase.count("INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) "
        + "VALUES (?, 1, ?, 'Opening post', '<p>Opening post</p>') RETURNING id", threadId, author);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) "
        + "VALUES (?, 1, ?, 'Opening post', '<p>Opening post</p>')", postId, author);
    return threadId;
  }

  private static void waitForSocket(ChromeDriver d) throws InterruptedException {
    // the page registers as soon as its socket opens; give it a moment
    Thread.sleep(800);
  }

  private static int heldCount(org.openqa.selenium.WebDriver d) {
    WebElement button = d.findElement(By.id("live-new-posts"));
    String digits = button.isDisplayed() ? button.getText().replaceAll("[^0-9]", "") : "";
    return digits.isEmpty() ? 0 : Integer.parseInt(digits);
  }

  @Test
  @DisplayName("one member replies in her browser and the other sees the reply appear without reloading")
  void replyAppears() throws Exception {
    long threadId = freshThread("Live reply " + System.nanoTime());
    ChromeDriver a = reader.driver();
    ChromeDriver b = writer.driver();
    reader.clearCookies();
    writer.clearCookies();
    signIn(a, "Dr Jonas Becker");
    signIn(b, "Elena Rossi");
    a.get(app.url("/threads/" + threadId));
    Object marker = a.executeScript("window.agoraMarker = 42; return window.agoraMarker;");
    assertEquals(42L, marker);
    waitForSocket(a);

    b.get(app.url("/threads/" + threadId));
    b.findElement(By.id("body")).sendKeys("Appearing live in the other browser");
    b.findElement(By.xpath("//section[@id='reply']//button[@value='post']")).click();
    wait(b).until(ExpectedConditions.urlContains("#post-"));

    WebElement arrived = wait(a).until(ExpectedConditions.presenceOfElementLocated(
        By.xpath("//article[contains(., 'Appearing live in the other browser')]")));
    assertTrue(arrived.isDisplayed());
    assertEquals(42L, a.executeScript("return window.agoraMarker;"), "no reload happened");

    // an edit, a reaction and a deletion made elsewhere replace the post in place
    long postId = TestDatabase.count("SELECT max(id) FROM posts WHERE thread_id = ?", threadId);
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    String csrf = app.csrf(elena);
    long revision = TestDatabase.count("SELECT revision FROM posts WHERE id = ?", postId);
    assertEquals(200, elena.request("PATCH", app.url("/api/v1/posts/" + postId), "application/json",
        new JsonObject().put("body", "Edited live in the other browser").put("revision", revision).encode(),
        "X-CSRF-Token", csrf).status());
    wait(a).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//article[contains(., 'Edited live in the other browser')]")));
    Browser amelie = new Browser();
    app.signIn(amelie, "demo-pieter");
    assertEquals(200, amelie.request("POST", app.url("/api/v1/posts/" + postId + "/reactions"), "application/json",
        new JsonObject().put("kind", "insightful").encode(), "X-CSRF-Token", app.csrf(amelie)).status());
    wait(a).until(d ->
        d.findElement(By.cssSelector("#post-" + postId + " button[value='insightful']")).getText().trim().endsWith("1"));
    assertEquals(204, elena.request("DELETE", app.url("/api/v1/posts/" + postId), "application/json", "",
        "X-CSRF-Token", csrf).status());
    wait(a).until(d ->
        d.findElement(By.id("post-" + postId)).getText().contains("Deleted by"));
    assertEquals(42L, a.executeScript("return window.agoraMarker;"), "still no reload");
    reader.assertAccessible("a live thread page after an update");
  }

  @Test
  @DisplayName("after a dropped connection and 20 changes the page shows each new post once, in order")
  void reconnectCatchesUp() throws Exception {
    long threadId = freshThread("Live reconnect " + System.nanoTime());
    ChromeDriver a = reader.driver();
    reader.clearCookies();
    signIn(a, "Dr Jonas Becker");
    a.get(app.url("/threads/" + threadId));
    a.executeScript("window.agoraMarker = 7;");
    waitForSocket(a);

    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    String csrf = app.csrf(elena);
    a.executeScript("window.agoraLive.drop();");
    List<String> bodies = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      String text = "Missed change number " + i + " of twenty";
      bodies.add(text);
      Response r = elena.request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
          new JsonObject().put("body", text).encode(), "X-CSRF-Token", csrf);
      assertEquals(201, r.status(), r.body());
    }
    // once the thread outgrows the window, later posts wait behind a "new posts" button
    wait(a).until(d -> d.findElements(By.xpath("//article[contains(., 'Missed change number')]")).size()
        + heldCount(d) >= 20);
    Thread.sleep(1500); // anything doubled would have arrived by now
    WebElement button = a.findElement(By.id("live-new-posts"));
    if (button.isDisplayed()) {
      button.click();
    }
    List<WebElement> shown = a.findElements(By.xpath("//article[contains(., 'Missed change number')]//div[@class='body']"));
    List<String> texts = shown.stream().map(WebElement::getText).toList();
    assertEquals(bodies, texts, "each once, in order");
    assertEquals(7L, a.executeScript("return window.agoraMarker;"), "caught up without reloading");
  }

  @Test
  @DisplayName("a group page lists a thread started elsewhere without reloading")
  void groupPageRefreshes() throws Exception {
    ChromeDriver a = reader.driver();
    reader.clearCookies();
    signIn(a, "Dr Jonas Becker");
    a.get(app.url("/groups/assessment"));
    a.executeScript("window.agoraMarker = 9;");
    Thread.sleep(800);
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    String title = "Started elsewhere " + System.nanoTime();
    Response r = pieter.request("POST", app.url("/api/v1/groups/assessment/threads"), "application/json",
        new JsonObject().put("title", title).put("body", "Hello").encode(), "X-CSRF-Token", app.csrf(pieter));
    assertEquals(201, r.status(), r.body());
    wait(a).until(ExpectedConditions.presenceOfElementLocated(By.linkText(title)));
    assertEquals(9L, a.executeScript("return window.agoraMarker;"), "no reload happened");
  }

  @Test
  @DisplayName("where WebSockets are blocked the page falls back to SockJS polling and still updates")
  void pollingFallback() throws Exception {
    long threadId = freshThread("Live polling " + System.nanoTime());
    ChromeDriver a = reader.driver();
    reader.clearCookies();
    signIn(a, "Dr Jonas Becker");
    a.get(app.url("/threads/" + threadId + "?live-transport=xhr-polling"));
    a.executeScript("window.agoraMarker = 5;");
    Thread.sleep(1500);
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    Response r = elena.request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Delivered by polling").encode(), "X-CSRF-Token", app.csrf(elena));
    assertEquals(201, r.status(), r.body());
    wait(a).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//article[contains(., 'Delivered by polling')]")));
    assertEquals(5L, a.executeScript("return window.agoraMarker;"));
  }
}
