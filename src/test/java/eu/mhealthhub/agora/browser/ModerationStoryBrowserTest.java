package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
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

/**
 * Issue 13's main path in headless Chromium, driven through links, the keyboard and plain forms as a
 * person does (the HTTP version on two nodes is ModerationStoryTest): a new member's link-heavy
 * reply is held; the moderator reaches the review queue from the group's page and approves it with
 * a reason, and hides the member's second held reply with a reason; the author reads why, edits and
 * resubmits it; three members' flags (set up over HTTP) put a post in the queue; an anonymous
 * visitor files a notice and reads the receipt; the moderator suspends the author from the
 * suspension page; the author's next sign-in lands on the suspended page, which leads to the
 * statement of reasons and its appeal form; an admin reverses the appeal from the queue; the audit
 * log lists each step with its reason and links its CSV export. axe-core scans every page of it.
 */
@InChromium
@DisplayName("Issue 13's moderation story in a real browser")
class ModerationStoryBrowserTest {

  private static TestApp app;
  private static Chromium chromium;
  private static ChromeDriver d;

  private final List<String> failures = new ArrayList<>();

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
    d = chromium.driver();
  }

  @BeforeEach
  @AfterEach
  void forget() {
    chromium.clearCookies();
    // notices sent here count against loopback's hourly limit: take them out of the last hour
    TestDatabase.update("UPDATE notices SET created_at = created_at - interval '2 hours' WHERE created_at > now() - interval '1 hour'");
  }

  private record Person(String name, String email, long id) {
  }

  /** A person known to Agora (signed up once over HTTP) who signs in again in the browser by typing their name and e-mail. */
  private static Person person(String name) {
    String email = Fixtures.unique("bstory") + "@example.org";
    long id = app.signInNew(new Browser(), name, email);
    return new Person(name, email, id);
  }

  private static WebDriverWait waiting() {
    return Chromium.waiting(d, 15);
  }

  /** Forgets the last person, then signs in through the header's link and the provider's name and e-mail form, submitted with Enter. */
  private static void signInTyping(Person p) {
    chromium.clearCookies();
    d.get(app.url("/"));
    d.findElement(By.linkText("Sign in")).click();
    waiting().until(x -> URI.create(x.getCurrentUrl()).getHost().equals("127.0.0.1"));
    d.findElement(By.id("name")).sendKeys(p.name());
    WebElement email = d.findElement(By.id("email"));
    email.sendKeys(p.email());
    email.sendKeys(Keys.ENTER);
  }

  private static void signIn(Person p) {
    signInTyping(p);
    assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".member-name"))).getText())
        .isEqualTo(p.name());
  }

  /** Follows a link with the keyboard and waits for the next page. */
  private static void follow(WebElement link) {
    String href = link.getAttribute("href");
    link.sendKeys(Keys.ENTER);
    waiting().until(x -> x.getCurrentUrl().equals(href) || x.getCurrentUrl().startsWith(href + "#"));
  }

  /** Submits a form by pressing Enter on its submit button and waits until the button has left the page. */
  private static void submit(WebElement button) {
    button.sendKeys(Keys.ENTER);
    waiting().until(Chromium.replaced(button));
  }

  private void scan(String what) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what + " (" + d.getCurrentUrl() + ")", violations));
    }
  }

  /** A post written straight to the database (what the story does not look at closely). */
  private static long post(long threadId, long by, String text) {
    int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", threadId);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", threadId, position, by, text, "<p>" + text + "</p>");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, by, text, "<p>" + text + "</p>");
    return id;
  }

  /** The author replies to the opening post from its "Reply" link, typing the text; returns the new post's id. */
  private static long replyTo(long threadId, long opening, String text) {
    d.get(app.url("/threads/" + threadId));
    follow(d.findElement(By.cssSelector("#post-" + opening + " a[href$='/reply?to=" + opening + "']")));
    long before = TestDatabase.count("SELECT coalesce(max(id), 0) FROM posts WHERE thread_id = ?", threadId);
    d.findElement(By.id("body")).sendKeys(text);
    submit(d.findElement(By.cssSelector("button[name=action][value=post]")));
    long id = TestDatabase.count("SELECT coalesce(max(id), 0) FROM posts WHERE thread_id = ?", threadId);
    assertThat(id).as("a reply was stored").isGreaterThan(before);
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#post-" + id + " .held-notice")));
    return id;
  }

  /** From the group's page, the "Review queue" link, then the queue's filter by kind. */
  private void queue(String slug, String kind, String what) {
    d.get(app.url("/groups/" + slug));
    follow(d.findElement(By.id("group-review")));
    assertThat(d.findElement(By.tagName("h1")).getText()).startsWith("Review queue");
    new Select(d.findElement(By.id("review-kind"))).selectByValue(kind);
    submit(d.findElement(By.cssSelector("form.review-filter button[type=submit]")));
    waiting().until(x -> x.getCurrentUrl().contains("kind=" + kind));
    scan(what);
  }

  /** Opens an item from the queue and decides it with the action's radio button, a typed reason and Enter. */
  private void decide(String rowId, String action, String reason, String what) {
    follow(d.findElement(By.cssSelector("#" + rowId + " a")));
    if (what != null) {
      scan(what);
    }
    d.findElement(By.id("action-" + action)).sendKeys(Keys.SPACE);
    d.findElement(By.id("reason")).sendKeys(reason);
    d.findElement(By.cssSelector("form.review-act-form button[type=submit]")).sendKeys(Keys.ENTER);
    waiting().until(x -> !x.findElements(By.cssSelector(".review-act p.empty")).isEmpty());
  }

  @Test
  @DisplayName("held, approved and hidden from the queue, edited and resubmitted, flagged, noticed, suspended, appealed and reversed, audited: "
      + "every page passes axe-core")
  void story() {
    String slug = Fixtures.unique("bstory");
    long groupId = Fixtures.group(slug, false, true);
    Person moderator = person("Mona Moderator");
    Fixtures.member(groupId, moderator.id(), "moderator");
    Person author = person("Nico Newcomer");
    Fixtures.newMember(groupId, author.id());
    Person reader = person("Rita Reader");
    Fixtures.member(groupId, reader.id(), "member");
    Person admin = new Person("Maria Hoffmann", null, Fixtures.demoMember("demo-maria"));
    long threadId = TestDatabase.count(
        "INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Apps on prescription', ?, 0) RETURNING id",
        groupId, moderator.id());
    long opening = post(threadId, moderator.id(), "Which evidence do payers ask for?");
    long readersPost = post(threadId, reader.id(), "Randomised trials, mostly.");

    // 1. the new member's link-heavy replies are held, and say so to their author
    signIn(author);
    long approved = replyTo(threadId, opening, "On DiGA: https://example.org/a, https://example.org/b and https://example.org/c");
    assertThat(d.findElement(By.cssSelector("#post-" + approved + " .held-notice")).getText()).startsWith("Awaiting approval");
    long hidden = replyTo(threadId, opening, "On PECAN: https://example.org/d, https://example.org/e and https://example.org/f");
    assertThat(TestDatabase.text("SELECT held_reason FROM posts WHERE id = ?", hidden)).isEqualTo("links");

    // 2. the moderator follows the group's "Review queue" link, approves one reply and hides the other, each with a reason
    signIn(moderator);
    queue(slug, "held", "review queue, held posts");
    assertThat(d.findElements(By.id("review-post-" + approved))).hasSize(1);
    assertThat(d.findElements(By.id("review-post-" + hidden))).hasSize(1);
    decide("review-post-" + approved, "approve", "The sources are relevant", "review item, held post");
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND held_at IS NULL AND deleted_at IS NULL", approved))
        .isEqualTo(1);
    follow(d.findElement(By.linkText("Back to the review queue")));
    decide("review-post-" + hidden, "hide", "Please summarise the links in your own words", null);

    // 3. the author sees why on the thread, edits the reply and resubmits it: held again
    signIn(author);
    d.get(app.url("/threads/" + threadId));
    WebElement why = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#post-" + hidden + " .held-notice")));
    assertThat(why.getText()).contains("Please summarise the links in your own words");
    scan("thread with the author's hidden reply");
    follow(d.findElement(By.cssSelector("#post-" + hidden + " a[href='/posts/" + hidden + "/edit']")));
    WebElement body = d.findElement(By.id("body"));
    body.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    body.sendKeys("In short: both frameworks ask for a comparative study.");
    submit(d.findElement(By.cssSelector("button[name=action][value=save]")));
    assertThat(waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#post-" + hidden + " .held-notice")))
        .getText()).startsWith("Awaiting approval");
    assertThat(TestDatabase.text("SELECT body_markdown FROM posts WHERE id = ? AND held_at IS NOT NULL AND deleted_at IS NULL", hidden))
        .isEqualTo("In short: both frameworks ask for a comparative study.");

    // 4. three members who took part flag the approved reply (over HTTP): it leaves the thread and waits in the queue
    for (int i = 1; i <= 3; i++) {
      Browser b = new Browser();
      long flagger = app.signInNew(b, "Flo Flagger " + i, Fixtures.unique("bflag") + "@example.org");
      Fixtures.member(groupId, flagger, "member");
      post(threadId, flagger, "A contribution by flagger " + i);
      Response page = b.get(app.url("/flags/post/" + approved));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(b.post(app.url("/flags/post/" + approved), Map.of("_csrf", page.inputValue("_csrf"), "reason", "spam", "detail", ""))
          .status()).isEqualTo(303);
    }
    signIn(moderator);
    queue(slug, "flagged", "review queue, flagged posts");
    assertThat(d.findElement(By.cssSelector("#review-post-" + approved + " td.review-flags")).getText()).isEqualTo("3");

    // 5. an anonymous visitor reports a post through its "Report illegal content" link and reads the receipt
    chromium.clearCookies();
    d.get(app.url("/threads/" + threadId));
    follow(d.findElement(By.cssSelector("#post-" + readersPost + " a.notice-link")));
    scan("notice form");
    new Select(d.findElement(By.id("category"))).selectByValue("defamation");
    d.findElement(By.id("explanation")).sendKeys("It says I falsified trial data; I never did.");
    d.findElement(By.id("legalGround")).sendKeys("§ 186 StGB");
    d.findElement(By.id("name")).sendKeys("Vera Visitor");
    d.findElement(By.id("email")).sendKeys(Fixtures.unique("vera") + "@example.org");
    d.findElement(By.id("goodFaith")).sendKeys(Keys.SPACE);
    submit(d.findElement(By.cssSelector("form.notice-form button[type=submit]")));
    String reference = waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("dd.reference"))).getText();
    assertThat(reference).matches("N-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}");
    assertThat(d.getCurrentUrl()).endsWith("/notices/" + reference);
    scan("notice receipt");

    // 6. the moderator goes from the flagged item to the author's suspension page and suspends them for a day
    signIn(moderator);
    queue(slug, "flagged", "review queue, flagged posts again");
    follow(d.findElement(By.cssSelector("#review-post-" + approved + " a")));
    follow(d.findElement(By.cssSelector(".review-history a[href='/members/" + Fixtures.handle(author.id()) + "/suspension']")));
    d.findElement(By.id("period-1d")).sendKeys(Keys.SPACE);
    d.findElement(By.id("reason")).sendKeys("Repeated promotion after a warning");
    submit(d.findElement(By.cssSelector("form.suspend-form button[type=submit]")));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("p.suspended-state")));
    scan("suspension page, suspended");

    // 7. the author's next sign-in lands on the suspended page, which leads to the statement of reasons and its appeal
    signInTyping(author);
    waiting().until(ExpectedConditions.urlToBe(app.url("/auth/suspended")));
    assertThat(d.findElement(By.cssSelector(".suspension-reason")).getText()).isEqualTo("Repeated promotion after a warning");
    scan("suspended page");
    follow(d.findElement(By.id("suspension-appeal")));
    assertThat(d.findElement(By.id("decision-reason")).getText()).isEqualTo("Repeated promotion after a warning");
    scan("statement of reasons with the appeal form");
    d.findElement(By.id("appeal-text")).sendKeys("I posted sources, not adverts; please look again.");
    submit(d.findElement(By.cssSelector("form.appeal-form button[type=submit]")));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("appeal-state")));
    scan("statement of reasons, appealed");
    long appealId = TestDatabase.count("SELECT a.id FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id"
        + " WHERE d.item_type = 'suspension' AND d.affected_id = ?", author.id());

    // 8. an admin reverses the appeal from the site-wide queue: the author may sign in again
    chromium.clearCookies();
    assertThat(Chromium.signIn(d, app.url("/"), admin.name())).isEqualTo(admin.name());
    d.get(app.url("/admin/review?kind=appeal"));
    scan("site-wide review queue, appeals");
    decide("review-appeal-" + appealId, "reverse", "A day is too harsh for a first offence", "review item, appeal");
    assertThat(TestDatabase.count("SELECT count(*) FROM member_suspensions WHERE member_id = ? AND lifted_at IS NULL"
        + " AND (ends_at IS NULL OR ends_at > now())", author.id())).as("lifted").isZero();
    signIn(author);

    // 9. the moderator opens the audit log from the group's page: every step with its reason, and the CSV link
    signIn(moderator);
    d.get(app.url("/groups/" + slug));
    follow(d.findElement(By.cssSelector("a[href='/groups/" + slug + "/audit']")));
    scan("group audit log");
    assertThat(reasons("post.approve")).contains("The sources are relevant");
    assertThat(reasons("post.reject")).contains("Please summarise the links in your own words");
    assertThat(reasons("member.suspend")).contains("Repeated promotion after a warning");
    assertThat(reasons("member.lift")).contains("A day is too harsh for a first offence");
    assertThat(d.findElement(By.id("audit-csv")).getAttribute("href")).contains("/groups/" + slug + "/audit").contains("format=csv");

    assertThat(failures).as(String.join("\n", failures)).isEmpty();
  }

  private static List<String> reasons(String action) {
    return d.findElements(By.cssSelector("tr[data-action='" + action + "'] td.audit-reason")).stream().map(WebElement::getText).toList();
  }
}
