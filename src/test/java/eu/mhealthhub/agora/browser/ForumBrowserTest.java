package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
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

/**
 * The forum in a real browser: replying with a preview, reacting, quoting and editing by plain
 * clicks and typing, and axe-core on every forum page, as members, a moderator and an admin see them.
 */
@InChromium
@DisplayName("The forum in a real browser")
class ForumBrowserTest {

  private static final String AMELIE = "Amélie Laurent";
  private static final String ELENA = "Elena Rossi";
  private static final String JONAS = "Dr Jonas Becker";
  private static final String MARIA = "Maria Hoffmann";
  private static final String LUKAS = "Lukas Weber";

  private static final Pattern POST_FRAGMENT = Pattern.compile("/threads/(\\d+)(?:\\?page=\\d+)?#post-(\\d+)$");

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver driver;

  @BeforeAll
  static void startBrowser(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    driver = chromium.driver();
  }

  @BeforeEach
  void forgetEverything() {
    chromium.clearCookies();
  }

  @Test
  @DisplayName("a member posts a reply in Chromium and sees it in the thread")
  void replyWithPreview() {
    signInByClicking(ELENA);
    driver.get(app.url("/groups/assessment"));
    driver.findElement(By.linkText("Patient-reported outcomes worth measuring")).click();
    wait(driver).until(ExpectedConditions.urlMatches("/threads/\\d+$"));
    long threadId = Long.parseLong(URI.create(driver.getCurrentUrl()).getPath().replaceAll("\\D+", ""));
    long postCount = TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", threadId);
    long posts = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);

    if (driver.findElements(By.id("body")).isEmpty()) {
      // the thread has grown past one page: the reply form is on the last page, or its own page
      driver.findElement(By.cssSelector("a.button[href='/threads/" + threadId + "/reply']")).click();
    }
    String words = "A core set should include **time saved** per week, as @jonas suggested.";
    WebElement body = driver.findElement(By.id("body"));
    body.click();
    body.sendKeys(words);
    assertEquals(words, body.getDomProperty("value"), "typed into the textarea");

    buttonIn(body, "Preview").click();
    WebElement preview = wait(driver).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".preview .body")));
    assertThat(Jsoup.parseBodyFragment(preview.getDomProperty("innerHTML")).select("strong").eachText())
        .as("the preview renders the Markdown").contains("time saved");
    assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId), "a preview stores nothing");
    WebElement kept = driver.findElement(By.id("body"));
    assertEquals(words, kept.getDomProperty("value"), "the preview keeps the text");

    buttonIn(kept, "Post reply").click();
    wait(driver).until(ExpectedConditions.urlMatches(POST_FRAGMENT.pattern()));
    Matcher at = POST_FRAGMENT.matcher(driver.getCurrentUrl());
    assertTrue(at.find(), driver.getCurrentUrl());
    assertEquals(threadId, Long.parseLong(at.group(1)), "back on the same thread");
    long postId = Long.parseLong(at.group(2));

    WebElement post = driver.findElement(By.id("post-" + postId));
    assertTrue(post.isDisplayed());
    assertEquals(ELENA, post.findElement(By.cssSelector(".author")).getText());
    WebElement bold = post.findElement(By.cssSelector(".body strong"));
    assertEquals("time saved", bold.getText());
    assertTrue(bold.isDisplayed());
    WebElement mention = post.findElement(By.cssSelector(".body a.mention[href='/members/jonas']"));
    assertEquals("@jonas", mention.getText());

    assertEquals(postCount + 1, TestDatabase.count("SELECT post_count FROM threads WHERE id = ?", threadId),
        "the thread counts one more post");
    assertEquals(posts + 1, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM posts p JOIN members m ON m.id = p.author_id
         WHERE p.id = ? AND p.thread_id = ? AND m.subject = 'demo-elena'""", postId, threadId));
  }

  @Test
  @DisplayName("a member reacts, quotes and edits without JavaScript-specific steps")
  void reactQuoteEdit() {
    signInByClicking(JONAS);
    // A thread of his own, so the first post starts with no reactions whatever other tests did.
    String title = "Minimal evidence for symptom diaries " + Fixtures.unique("t");
    long threadId = startThread("assessment", title, "Which outcomes should a symptom diary report?");
    long firstPostId = firstPostOnPage();

    // react
    WebElement like = reactionButton(firstPostId, "Like");
    assertEquals("false", like.getDomAttribute("aria-pressed"));
    assertTrue(like.getText().strip().endsWith("0"), like.getText());
    like.click();
    wait(driver).until(eu.mhealthhub.agora.support.Chromium.replaced(like));
    wait(driver).until(ExpectedConditions.urlMatches("#post-" + firstPostId + "$"));
    // the live page may replace the post again (its own reaction event) while we read it: retry until it settles
    String state = wait(driver).ignoring(org.openqa.selenium.WebDriverException.class).until(d -> {
      WebElement b = reactionButton(firstPostId, "Like");
      String s = b.getDomAttribute("aria-pressed") + "/" + b.getText().replaceAll("\\D", "");
      return s.equals("true/1") ? s : null;
    });
    assertEquals("true/1", state, "pressed, and the count went to 1");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM reactions WHERE post_id = ?", firstPostId));

    // quote
    driver.findElement(By.id("post-" + firstPostId))
        .findElement(By.xpath(".//a[starts-with(normalize-space(), 'Quote')]")).click();
    wait(driver).until(ExpectedConditions.urlContains("quote=" + firstPostId));
    String quoted = driver.findElement(By.id("body")).getDomProperty("value");
    assertTrue(quoted.startsWith("> [" + JONAS + "](/posts/" + firstPostId + ")"), quoted);
    assertTrue(quoted.contains("> Which outcomes should a symptom diary report?"), quoted);

    // edit
    driver.get(app.url("/threads/" + threadId));
    WebElement post = driver.findElement(By.id("post-" + firstPostId));
    assertTrue(post.findElements(By.linkText("edited")).isEmpty(), "not edited yet");
    post.findElement(By.linkText("Edit")).click();
    wait(driver).until(ExpectedConditions.urlContains("/posts/" + firstPostId + "/edit"));
    WebElement body = driver.findElement(By.id("body"));
    body.clear();
    body.sendKeys("Which outcomes should a symptom diary report to the clinician?");
    buttonIn(body, "Save changes").click();
    wait(driver).until(ExpectedConditions.urlMatches("/threads/" + threadId + "#post-" + firstPostId + "$"));
    post = driver.findElement(By.id("post-" + firstPostId));
    assertEquals("Which outcomes should a symptom diary report to the clinician?",
        post.findElement(By.cssSelector(".body")).getText());

    post.findElement(By.linkText("edited")).click();
    wait(driver).until(ExpectedConditions.urlContains("/posts/" + firstPostId + "/history"));
    List<WebElement> changes = driver.findElements(By.cssSelector(".diff ins, .diff del"));
    assertFalse(changes.isEmpty(), "the history shows what changed");
    assertThat(changes).as("the added words are marked as inserted")
        .anyMatch(e -> "ins".equals(e.getTagName()) && e.getText().contains("clinician"));
    assertEquals(2, driver.findElements(By.cssSelector("ol.revisions > li")).size(), "two versions");
  }

  @Test
  @DisplayName("every forum page passes axe-core with zero WCAG 2.1 AA violations")
  void everyForumPagePassesAxe() {
    List<String> failures = new ArrayList<>();

    // --- a group moderator
    signInByClicking(AMELIE);
    driver.get(app.url("/groups/reimbursement"));
    assertFalse(driver.findElements(By.xpath("//button[normalize-space()='Leave group']")).isEmpty(), "she can leave");
    assertFalse(driver.findElements(By.id("subscription-level")).isEmpty(), "she can subscribe");
    scan("moderator: /groups/reimbursement", failures);

    driver.findElement(By.cssSelector("table.threads tbody a[href^='/threads/']")).click();
    wait(driver).until(ExpectedConditions.urlMatches("/threads/\\d+$"));
    long threadId = Long.parseLong(URI.create(driver.getCurrentUrl()).getPath().replaceAll("\\D+", ""));
    assertFalse(driver.findElements(By.cssSelector("section.moderation")).isEmpty(), "moderation controls shown");
    assertFalse(driver.findElements(By.cssSelector("details.delete")).isEmpty(), "delete controls shown");
    scan("moderator: a thread of reimbursement", failures);
    driver.findElement(By.cssSelector("details.delete summary")).click();
    scan("moderator: a thread of reimbursement, delete form open", failures);

    driver.get(app.url("/groups/reimbursement/members"));
    assertFalse(driver.findElements(By.id("add-handle")).isEmpty(), "the moderator's add form");
    scan("moderator: /groups/reimbursement/members", failures);
    driver.findElement(By.cssSelector("details.remove-member summary")).click();
    scan("moderator: /groups/reimbursement/members, a member's removal form open", failures);
    // the page the provider frames when it signs someone out (an unknown session: nobody is signed out)
    driver.get(app.url("/auth/frontchannel-logout?iss=" + java.net.URLEncoder.encode(
        app.agora().services().provider().issuer().toString(), java.nio.charset.StandardCharsets.UTF_8) + "&sid=no-such-session"));
    scan("front-channel logout page", failures);

    // a group joined by request with someone waiting, so the approve/decline form shows
    String slug = Fixtures.unique("axe-requests");
    long groupId = Fixtures.group(slug, false, false);
    Fixtures.member(groupId, Fixtures.demoMember("demo-amelie"), "moderator");
    TestDatabase.update("INSERT INTO group_join_requests (group_id, member_id, message) VALUES (?, ?, ?)",
        groupId, Fixtures.demoMember("demo-pieter"), "I would like to follow the payer discussions.");
    driver.get(app.url("/groups/" + slug + "/members"));
    assertFalse(driver.findElements(By.cssSelector("ul.requests button[value=approve]")).isEmpty(), "a request to decide");
    scan("moderator: the members page with a request waiting", failures);

    driver.get(app.url("/groups/reimbursement/threads/new"));
    scan("moderator: /groups/reimbursement/threads/new", failures);
    driver.findElement(By.xpath("//form[contains(@action, '/threads')]//button[@value='post']")).click();
    wait(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
    assertEquals("true", driver.findElement(By.id("title")).getDomAttribute("aria-invalid"));
    scan("moderator: the new-thread form with errors", failures);

    driver.get(app.url("/threads/" + threadId));
    long quotedId = firstPostOnPage();
    driver.get(app.url("/threads/" + threadId + "/reply?quote=" + quotedId + "&to=" + quotedId));
    assertTrue(driver.findElement(By.id("body")).getDomProperty("value").startsWith("> ["));
    scan("moderator: the reply form with a quote", failures);

    // a post of her own, previewed, posted, edited; on the way, the mention suggestions open
    WebElement body = driver.findElement(By.id("body"));
    body.sendKeys("Thanks @jo");
    wait(driver).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#body-mentions [role=option]")));
    scan("moderator: the reply form with mention suggestions open", failures);
    body.sendKeys(Keys.ESCAPE);
    body.sendKeys("nas. Registries are the usual answer, **with risk adjustment**.");
    buttonIn(body, "Preview").click();
    wait(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".preview")));
    scan("moderator: the reply form with a preview", failures);
    buttonIn(driver.findElement(By.id("body")), "Post reply").click();
    wait(driver).until(ExpectedConditions.urlMatches(POST_FRAGMENT.pattern()));
    Matcher at = POST_FRAGMENT.matcher(driver.getCurrentUrl());
    assertTrue(at.find());
    long ownPost = Long.parseLong(at.group(2));
    scan("moderator: the thread after her reply", failures);

    driver.get(app.url("/posts/" + ownPost + "/edit"));
    scan("moderator: the edit form of her post", failures);
    WebElement edit = driver.findElement(By.id("body"));
    edit.clear();
    edit.sendKeys("Registries are the usual answer, with careful risk adjustment.");
    buttonIn(edit, "Save changes").click();
    wait(driver).until(ExpectedConditions.urlMatches("#post-" + ownPost + "$"));
    driver.get(app.url("/posts/" + ownPost + "/history"));
    assertFalse(driver.findElements(By.cssSelector(".diff ins, .diff del")).isEmpty(), "a diff to show");
    scan("moderator: the history of her post", failures);

    driver.get(app.url("/posts/" + ownPost + "/reactions"));
    scan("moderator: /posts/<id>/reactions, nobody yet", failures);
    driver.get(app.url("/posts/" + ownPost));
    WebElement thanks = reactionButton(ownPost, "Thanks");
    thanks.click();
    wait(driver).until(eu.mhealthhub.agora.support.Chromium.replaced(thanks));
    // the live page may replace the post again (its own reaction event) while we read it: retry until it settles
    assertEquals(Boolean.TRUE, wait(driver).ignoring(org.openqa.selenium.WebDriverException.class)
        .until(d -> "true".equals(reactionButton(ownPost, "Thanks").getDomAttribute("aria-pressed")) ? Boolean.TRUE : null));
    driver.get(app.url("/posts/" + ownPost + "/reactions"));
    assertFalse(driver.findElements(By.cssSelector("dl.who-reacted dd")).isEmpty());
    scan("moderator: /posts/<id>/reactions", failures);

    driver.get(app.url("/members/amelie"));
    scan("moderator: /members/amelie", failures);

    // --- the site admin
    chromium.clearCookies();
    signInByClicking(MARIA);
    driver.get(app.url("/groups/new"));
    scan("admin: /groups/new", failures);
    driver.findElement(By.xpath("//form[@action='/groups']//button[@type='submit']")).click();
    wait(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
    scan("admin: /groups/new with errors", failures);
    driver.get(app.url("/groups/reimbursement/edit"));
    scan("admin: /groups/reimbursement/edit", failures);

    // --- someone in no group
    chromium.clearCookies();
    signInByClicking(LUKAS);
    driver.get(app.url("/groups/integration"));
    assertFalse(driver.findElements(By.xpath("//button[normalize-space()='Ask to join']")).isEmpty(), "the request form");
    scan("no group: /groups/integration", failures);

    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  // ---------------------------------------------------------------------------------------------

  /** Starts a thread through the group page's button and form; returns its id, on its page. */
  private long startThread(String slug, String title, String text) {
    driver.get(app.url("/groups/" + slug));
    driver.findElement(By.linkText("Start a thread")).click();
    wait(driver).until(ExpectedConditions.urlContains("/groups/" + slug + "/threads/new"));
    driver.findElement(By.id("title")).sendKeys(title);
    WebElement body = driver.findElement(By.id("body"));
    body.sendKeys(text);
    buttonIn(body, "Start thread").click();
    wait(driver).until(ExpectedConditions.urlMatches("/threads/\\d+$"));
    assertEquals(title, driver.findElement(By.tagName("h1")).getText());
    return Long.parseLong(URI.create(driver.getCurrentUrl()).getPath().replaceAll("\\D+", ""));
  }

  private long firstPostOnPage() {
    String id = driver.findElement(By.cssSelector("ol.posts article.post")).getDomAttribute("id");
    return Long.parseLong(id.substring("post-".length()));
  }

  /** The reaction button of a post, found by its accessible (visually hidden) name. */
  private WebElement reactionButton(long postId, String name) {
    return driver.findElement(By.id("post-" + postId)).findElement(By.xpath(
        ".//form[contains(@class,'reactions')]//button[span[contains(@class,'visually-hidden') and normalize-space()='"
            + name + "']]"));
  }

  /** A submit button by its words, in the form that holds the given field. */
  private static WebElement buttonIn(WebElement field, String words) {
    return field.findElement(By.xpath("ancestor::form[1]//button[normalize-space()='" + words + "']"));
  }

  private void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what + " (" + driver.getCurrentUrl() + ")", violations));
    }
  }

  /** Clicks through the sign-in: the header link, then the person's button on the provider's page. */
  private void signInByClicking(String person) {
    assertEquals(person, Chromium.signIn(driver, app.url("/"), person));
  }

  private static WebDriverWait wait(ChromeDriver d) {
    return Chromium.waiting(d, 10);
  }
}
