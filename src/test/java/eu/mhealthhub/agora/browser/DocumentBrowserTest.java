package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Consensus documents in real browsers: axe-core on every document page as a moderator and as a
 * member sees it (the edit conflict included), a comment written with the keyboard alone, and a
 * document page that follows new revisions, comments and proposals live and shows who else reads it.
 * Each test makes its own document in the assessment group (Pieter de Vries convenes it; Jonas
 * Becker, Elena Rossi and Sofia Marques are members), so tests run in any order.
 */
@InChromium
@DisplayName("Consensus documents in a real browser")
class DocumentBrowserTest {

  private static final String PIETER = "Pieter de Vries";
  private static final String JONAS = "Dr Jonas Becker";
  private static final String ELENA = "Elena Rossi";

  static final String BODY = """
      # Scope

      This checklist covers apps that support a clinical decision or replace a consultation.

      # Evidence

      Assessors ask for a randomised trial before any reimbursement.

      Real-world data may complement the trial after launch.

      # Costs

      Budget impact is estimated over three years.
      """;

  private static TestApp app;
  private static Chromium first;
  private static Chromium second;

  @BeforeAll
  static void start(Chromium one, Chromium two) {
    app = TestApp.shared();
    first = one;
    second = two;
  }

  @BeforeEach
  void forgetEverything() {
    first.clearCookies();
    second.clearCookies();
  }

  // ---- a fresh document, made over HTTP the way a browser without JavaScript would

  /** Someone signed in over HTTP, with their own cookies. */
  private static Browser as(String subject) {
    Browser b = new Browser();
    app.signIn(b, subject);
    return b;
  }

  private static long idFrom(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  private static String textarea(String html, String id) {
    Matcher m = Pattern.compile("<textarea id=\"" + id + "\"[^>]*>(.*?)</textarea>", Pattern.DOTALL).matcher(html);
    if (!m.find()) {
      throw new AssertionError("no textarea " + id);
    }
    return Response.unescape(m.group(1));
  }

  private static long create(Browser moderator, String title) {
    Response form = moderator.get(app.url("/groups/assessment/documents/new"));
    assertEquals(200, form.status(), form.body());
    Response created = moderator.post(app.url("/groups/assessment/documents"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", BODY, "summary", "First draft",
        "action", "save"));
    assertEquals(303, created.status(), created.body());
    return idFrom(created.location(), "/documents/(\\d+)");
  }

  private static void edit(Browser moderator, long id, UnaryOperator<String> change, String summary) {
    Response form = moderator.get(app.url("/documents/" + id + "/edit"));
    assertEquals(200, form.status(), form.body());
    Response saved = moderator.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "base", form.inputValue("base"),
        "body", change.apply(textarea(form.body(), "body")), "summary", summary, "action", "save"));
    assertEquals(303, saved.status(), saved.body());
  }

  private static void move(Browser moderator, long id, String from, String to) {
    Response r = moderator.post(app.url("/documents/" + id + "/status"), Map.of("_csrf", app.csrf(moderator),
        "from", from, "to", to, "note", "Moved by a browser test"));
    assertEquals(303, r.status(), r.body());
  }

  /** The key of the current section whose source holds {@code text}. */
  private static int section(long id, String text) {
    return (int) TestDatabase.count("""
        SELECT s.section_key FROM document_sections s JOIN documents d ON d.id = s.document_id AND d.current_revision = s.revision
         WHERE d.id = ? AND s.source LIKE ?""", id, "%" + text + "%");
  }

  private static long comment(Browser member, long id, int key, String body) {
    Response page = member.get(app.url("/documents/" + id + "/sections/" + key));
    assertEquals(200, page.status(), page.body());
    Response r = member.post(app.url("/documents/" + id + "/sections/" + key + "/comments"), Map.of(
        "_csrf", page.inputValue("_csrf"), "clientToken", page.inputValue("clientToken"), "body", body));
    assertEquals(303, r.status(), r.body());
    return idFrom(r.location(), "#comment-(\\d+)");
  }

  private static long propose(Browser member, long id, UnaryOperator<String> change, String rationale) {
    Response form = member.get(app.url("/documents/" + id + "/propose"));
    assertEquals(200, form.status(), form.body());
    Response r = member.post(app.url("/documents/" + id + "/proposals"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "base", form.inputValue("base"),
        "body", change.apply(textarea(form.body(), "body")), "rationale", rationale, "action", "save"));
    assertEquals(303, r.status(), r.body());
    return idFrom(r.location(), "/proposals/(\\d+)");
  }

  private static void resolve(Browser moderator, long id, long commentId, String disposition, String reason) {
    Response r = moderator.post(app.url("/documents/" + id + "/comments/" + commentId + "/resolve"), Map.of(
        "_csrf", app.csrf(moderator), "disposition", disposition, "reason", reason));
    assertEquals(303, r.status(), r.body());
  }

  private static void endorse(Browser member, long id) {
    long revision = TestDatabase.count("SELECT current_revision FROM documents WHERE id = ?", id);
    Response r = member.post(app.url("/documents/" + id + "/endorsement"), Map.of("_csrf", app.csrf(member),
        "revision", Long.toString(revision), "action", "endorse"));
    assertEquals(303, r.status(), r.body());
  }

  /** A document open for comment at revision 2, for the live and keyboard tests. */
  private static long openDocument(Browser pieter, String title) {
    long id = create(pieter, title);
    edit(pieter, id, b -> b.replace("three years.", "three years, and five for chronic conditions."), "Longer horizon");
    move(pieter, id, "draft", "open");
    return id;
  }

  // ---- axe-core

  @Test
  @DisplayName("every document page passes axe-core with zero WCAG 2.1 AA violations, for a moderator and for a member")
  void everyDocumentPagePassesAxe() {
    Browser pieter = as("demo-pieter");
    Browser jonas = as("demo-jonas");
    Browser elena = as("demo-elena");
    Browser sofia = as("demo-sofia");
    long id = openDocument(pieter, Fixtures.unique("Axe checklist"));
    int evidence = section(id, "randomised trial");
    int costs = section(id, "Budget impact");
    long postId = TestDatabase.count("""
        SELECT min(p.id) FROM posts p JOIN threads t ON t.id = p.thread_id JOIN working_groups g ON g.id = t.group_id
         WHERE g.slug = 'assessment'""");
    long accepted = comment(jonas, id, evidence, "An RCT is too slow for apps; see /posts/" + postId + ".");
    long declined = comment(elena, id, costs, "Five years would be **fairer** for every app.");
    comment(elena, id, evidence, "Which observational designs would count?");
    resolve(pieter, id, accepted, "partial", "Observational studies for low-risk apps only");
    resolve(pieter, id, declined, "declined", "Three years is the HTA norm");
    endorse(jonas, id);
    long proposal = propose(sofia, id, b -> b.replace("Assessors ask for a randomised trial before any reimbursement.",
        "Assessors accept a randomised trial or a well-designed observational study."), "Matches the DiGA practice.");
    edit(pieter, id, b -> b.replace("# Costs", "# Costs and budget impact"), "Clearer heading");

    List<String> failures = new ArrayList<>();
    for (String person : List.of(PIETER, JONAS)) {
      boolean moderator = person.equals(PIETER);
      String who = moderator ? "moderator" : "member";
      first.clearCookies();
      ChromeDriver d = first.driver();
      signIn(d, person);
      scan(d, "/groups/assessment/documents", who + ": the group's documents", failures);
      scan(d, "/documents/" + id, who + ": the document", failures);
      assertFalse(d.findElements(By.cssSelector(".endorsements .outdated .badge.warning")).isEmpty(),
          "Jonas endorsed an earlier revision");
      assertEquals(moderator, !d.findElements(By.id("move-note")).isEmpty(), who + ": the workflow form");
      scan(d, "/documents/" + id + "#s" + evidence, who + ": the document at a section", failures);
      scan(d, "/documents/" + id + "?revision=1", who + ": revision 1", failures);
      scan(d, "/documents/" + id + "/revisions", who + ": the revision log", failures);
      scan(d, "/documents/" + id + "/compare?from=1&to=3", who + ": compare inline", failures);
      assertFalse(d.findElements(By.cssSelector(".diff ins")).isEmpty(), "a diff to show");
      scan(d, "/documents/" + id + "/compare?from=1&to=3&view=side", who + ": compare side by side", failures);
      assertEquals(2, d.findElements(By.cssSelector(".side-by-side > section")).size());
      scan(d, "/documents/" + id + "/proposals/" + proposal, who + ": a pending proposal", failures);
      assertEquals(moderator, !d.findElements(By.id("decline-reason")).isEmpty(), who + ": the decision forms");
      scan(d, "/documents/" + id + "/proposals/" + proposal + "?view=side", who + ": a proposal side by side", failures);
      scan(d, "/documents/" + id + "/sections/" + evidence, who + ": a section with comments", failures);
      assertEquals(2, d.findElements(By.cssSelector("ol.comments > li")).size());
      scan(d, "/documents/" + id + "/dispositions", who + ": the disposition table", failures);
      if (moderator) {
        d.findElement(By.cssSelector("table.dispositions details summary")).click();
        scan(d, null, who + ": the disposition table with a resolve form open", failures);
        scan(d, "/groups/assessment/documents/new", who + ": the new-document form", failures);
        d.findElement(By.xpath("//form[@action='/groups/assessment/documents']//button[@value='save']")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
        scan(d, null, who + ": the new-document form with errors", failures);
        scan(d, "/documents/" + id + "/edit", who + ": the edit form", failures);
        d.findElement(By.id("body")).sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "\n\nA paragraph to preview.");
        d.findElement(By.id("summary")).sendKeys("Previewed");
        d.findElement(By.xpath("//form[contains(@action, '/edit')]//button[@value='preview']")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".preview")));
        scan(d, null, who + ": the edit form with a preview", failures);

        // the three-way view: another session saves a revision while this one edits
        d.get(app.url("/documents/" + id + "/edit"));
        WebElement body = d.findElement(By.id("body"));
        body.sendKeys(Keys.chord(Keys.CONTROL, Keys.END), "\n\nA new closing paragraph written in the browser.");
        d.findElement(By.id("summary")).sendKeys("Closing paragraph");
        edit(pieter, id, b -> b.replace("# Scope", "# Scope and purpose"), "Saved in the other session");
        d.findElement(By.xpath("//form[contains(@action, '/edit')]//button[@value='save']")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".three-way")));
        assertThat(d.findElement(By.id("body")).getDomProperty("value")).as("the editor's text is kept")
            .contains("A new closing paragraph");
        scan(d, null, who + ": the edit conflict with its three-way view", failures);
      } else {
        scan(d, "/documents/" + id + "/propose", who + ": the proposal form", failures);
        d.findElement(By.xpath("//form[contains(@action, '/proposals')]//button[@value='save']")).click();
        wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
        scan(d, null, who + ": the proposal form with errors", failures);
      }
    }
    // the pages at a phone's width, where the margin stacks above each section
    first.driver().manage().window().setSize(new org.openqa.selenium.Dimension(400, 850));
    try {
      scan(first.driver(), "/documents/" + id, "member on a narrow screen: the document", failures);
      scan(first.driver(), "/documents/" + id + "/compare?from=1&to=3&view=side", "member on a narrow screen: compare", failures);
    } finally {
      first.driver().manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  // ---- keyboard

  @Test
  @DisplayName("a member reaches a section's comment link with Tab, opens it and posts a comment with the keyboard alone")
  void commentWithTheKeyboard() {
    Browser pieter = as("demo-pieter");
    long id = openDocument(pieter, Fixtures.unique("Keyboard checklist"));
    int costs = section(id, "Budget impact");
    long before = TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", id);
    ChromeDriver d = first.driver();
    signIn(d, ELENA);
    d.get(app.url("/documents/" + id));
    String link = "/documents/" + id + "/sections/" + costs;
    tabUntil(d, "the comment link of §" + costs, e -> "a".equals(e.getTagName()) && e.getDomProperty("href") != null
        && link.equals(java.net.URI.create(e.getDomProperty("href")).getPath()));
    new Actions(d).sendKeys(Keys.ENTER).perform();
    wait(d).until(ExpectedConditions.urlToBe(app.url(link)));

    tabUntil(d, "the comment field", e -> "body".equals(e.getDomAttribute("id")));
    String words = "Five years would suit chronic conditions better.";
    new Actions(d).sendKeys(words).perform();
    tabUntil(d, "the Post comment button", e -> "button".equals(e.getTagName())
        && "Post comment".equals(e.getText().strip()));
    new Actions(d).sendKeys(Keys.ENTER).perform();

    wait(d).until(ExpectedConditions.urlMatches(Pattern.quote(link) + "#comment-\\d+$"));
    long commentId = idFrom(d.getCurrentUrl(), "#comment-(\\d+)");
    WebElement shown = d.findElement(By.id("comment-" + commentId));
    assertThat(shown.getText()).contains(words, ELENA);
    assertEquals(before + 1, TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", id));
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM document_comments c JOIN members m ON m.id = c.author_id
         WHERE c.id = ? AND c.section_key = ? AND m.subject = 'demo-elena' AND c.body = ?""", commentId, costs, words));
  }

  // ---- live

  @Test
  @DisplayName("an open document page shows new revisions, comments and proposals without reloading, and who else is reading")
  void documentPageFollowsChanges() throws Exception {
    Browser pieter = as("demo-pieter");
    long id = openDocument(pieter, Fixtures.unique("Live checklist"));
    int costs = section(id, "Budget impact");
    ChromeDriver a = first.driver();
    ChromeDriver b = second.driver();
    signIn(a, JONAS);
    signIn(b, ELENA);
    a.get(app.url("/documents/" + id));
    a.executeScript("window.agoraMarker = 11;");
    Thread.sleep(800); // the page registers as soon as its socket opens
    b.get(app.url("/documents/" + id));

    wait(a).until(x -> x.findElement(By.id("live-presence")).getText().contains(ELENA));
    wait(b).until(x -> x.findElement(By.id("live-presence")).getText().contains(JONAS));

    // the moderator saves a new revision in another session
    edit(pieter, id, t -> t.replace("Real-world data may complement the trial after launch.",
        "Real-world data must complement the trial after launch."), "Real-world data required");
    wait(a).until(x ->
        x.findElement(By.id("document-text")).getText().contains("Real-world data must complement"));
    wait(a).until(x ->
        x.findElement(By.id("document-head")).getText().contains("revision 3 of 3"));

    // a member comments on a section: its margin counts the comment
    long sofiaComment = comment(as("demo-sofia"), id, costs, "Three years is short for chronic conditions.");
    assertTrue(sofiaComment > 0);
    wait(a).until(x -> x.findElement(By.cssSelector(
        "#s" + costs + " .section-comments")).getText().contains("1 comment"));

    // a member proposes a change: the side panel lists it
    long proposal = propose(as("demo-sofia"), id, t -> t.replace("# Costs", "# Costs and savings"), "Savings matter too.");
    wait(a).until(x ->
        x.findElement(By.id("document-side")).getText().contains("Proposal #" + proposal + " by Sofia Marques"));
    // and the reader in the other browser saw it as well
    wait(b).until(x ->
        x.findElement(By.id("document-side")).getText().contains("Proposal #" + proposal));

    assertEquals(11L, a.executeScript("return window.agoraMarker;"), "no reload happened");
    first.assertAccessible("a live document page after updates");
  }

  // ---------------------------------------------------------------------------------------------

  private static void signIn(WebDriver d, String person) {
    assertEquals(person, Chromium.signIn(d, app.url("/"), person));
  }

  /** Opens a path (null: stays on the current page) and collects axe-core's violations. */
  private void scan(ChromeDriver d, String path, String what, List<String> failures) {
    if (path != null) {
      d.get(app.url(path));
      String h1 = d.findElement(By.tagName("h1")).getText();
      assertThat(h1).as(path).isNotBlank().doesNotContainIgnoringCase("not found").doesNotContain("404");
    }
    Chromium browser = d == first.driver() ? first : second;
    List<JsonObject> violations = browser.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what + " (" + d.getCurrentUrl() + ")", violations));
    }
  }

  /** Presses TAB until the focused element is the one wanted; fails after a hundred presses. */
  private static void tabUntil(WebDriver d, String what, Predicate<WebElement> wanted) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      new Actions(d).sendKeys(Keys.TAB).perform();
      WebElement focused = d.switchTo().activeElement();
      if (wanted.test(focused)) {
        return;
      }
      seen.add(focused.getTagName() + " \"" + focused.getText().strip() + "\"");
    }
    throw new AssertionError("TAB never reached " + what + "; focus went through " + seen);
  }

  private static WebDriverWait wait(WebDriver d) {
    return Chromium.waiting(d, 15);
  }
}
