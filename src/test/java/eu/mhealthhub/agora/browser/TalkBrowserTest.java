package eu.mhealthhub.agora.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.ChromiumExtension.WithoutJavaScript;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** A Talk's live room in three real browsers: a moderator and two participants. */
@InChromium
@DisplayName("Talk rooms in real browsers")
class TalkBrowserTest {

  private static final String MODERATOR = "Pieter de Vries";
  private static final String SOFIA = "Sofia Marques";
  private static final String ELENA = "Elena Rossi";

  private static TestApp app;
  private static Chromium moderator;
  private static Chromium first;
  private static Chromium second;

  @BeforeAll
  static void start(Chromium one, Chromium two, Chromium three) {
    app = TestApp.shared();
    moderator = one;
    first = two;
    second = three;
  }

  private static org.openqa.selenium.support.ui.FluentWait<WebDriver> wait(WebDriver d) {
    return Chromium.waiting(d, 15);
  }

  private static void signIn(Chromium c, String person) {
    c.clearCookies();
    assertEquals(person, Chromium.signIn(c.driver(), app.url("/"), person));
  }

  private static void scan(Chromium c, String what, List<String> failures) {
    var violations = c.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what + " (" + c.driver().getCurrentUrl() + ")", violations));
    }
  }

  /** The page as the browser holds it now, live changes included, for assertions through jsoup selectors. */
  private static Document page(WebDriver d) {
    return Jsoup.parse(d.getPageSource());
  }

  /** The id of the question showing this text, once it is on the page. */
  private static long questionId(WebDriver d, String text) {
    String id = wait(d).until(ExpectedConditions.presenceOfElementLocated(By.xpath(
        "//li[contains(@class,'question')][.//p[contains(@class,'question-body') and normalize-space()='" + text + "']]")))
        .getDomAttribute("id");
    return Long.parseLong(id.substring("question-".length()));
  }

  /** Whether question {@code a} is listed before question {@code b}. */
  private static boolean before(ChromeDriver d, long a, long b) {
    Object r = d.executeScript("var a = document.getElementById('question-' + arguments[0]);"
        + "var b = document.getElementById('question-' + arguments[1]);"
        + "return !!(a && b && (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING));", a, b);
    return Boolean.TRUE.equals(r);
  }

  private static void ask(ChromeDriver d, String text) {
    d.findElement(By.id("question-body")).sendKeys(text);
    d.findElement(By.id("ask")).click();
    wait(d).until(x -> x.findElement(By.id("question-body")).getDomProperty("value").isEmpty());
  }

  private static void upvote(ChromeDriver d, long question) {
    wait(d).until(ExpectedConditions.elementToBeClickable(By.id("vote-" + question))).click();
    wait(d).until(x -> "true".equals(x.findElement(By.id("vote-" + question)).getDomAttribute("aria-pressed")));
  }

  @Test
  @DisplayName("a moderator opens the room, two participants ask and upvote and both see the order change live, the moderator merges a duplicate in a second step, answers one and closes the room, and the follow-up thread holds the unanswered question with its votes")
  void liveRoomStory() throws Exception {
    long groupId = Fixtures.group(Fixtures.unique("talk-wg"), false, true);
    String slug = Fixtures.unique("browser-talk");
    long talkId = Fixtures.talk(slug, groupId);
    Fixtures.member(groupId, Fixtures.demoMember("demo-pieter"), "moderator");
    List<String> failures = new ArrayList<>();

    ChromeDriver m = moderator.driver();
    ChromeDriver a = first.driver();
    ChromeDriver b = second.driver();
    signIn(moderator, MODERATOR);
    signIn(first, SOFIA);
    signIn(second, ELENA);

    m.get(app.url("/talks/" + slug));
    scan(moderator, "a scheduled Talk, as its moderator", failures);
    m.findElement(By.id("open-room")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("question-list")));
    assertEquals("open", TestDatabase.text("SELECT room_state FROM talks WHERE id = ?", talkId));

    a.get(app.url("/talks/" + slug));
    b.get(app.url("/talks/" + slug));
    a.executeScript("window.agoraMarker = 1;");
    b.executeScript("window.agoraMarker = 2;");
    Thread.sleep(800); // the pages register as soon as their sockets open

    String q1 = "How did you reach the first payer?";
    String q2 = "Which evidence did the HTA body ask for?";
    ask(a, q1);
    long firstId = questionId(b, q1);
    ask(b, q2);
    long secondId = questionId(a, q2);
    questionId(m, q2);
    assertTrue(before(a, firstId, secondId) && before(b, firstId, secondId), "no votes yet: oldest first");
    scan(first, "the live room, as a participant", failures);

    upvote(a, secondId);
    wait(a).until(d -> before((ChromeDriver) d, secondId, firstId));
    wait(b).until(d -> before((ChromeDriver) d, secondId, firstId));
    upvote(b, secondId);
    upvote(b, firstId);
    wait(a).until(d -> d.findElement(By.id("question-" + secondId + "-votes")).getText().equals("2 votes"));
    wait(a).until(d -> d.findElement(By.id("question-" + firstId + "-votes")).getText().equals("1 vote"));
    assertTrue(before(a, secondId, firstId) && before(b, secondId, firstId), "most votes first, in both browsers");
    assertEquals(1L, a.executeScript("return window.agoraMarker;"), "no reload");
    assertEquals(2L, b.executeScript("return window.agoraMarker;"), "no reload");

    // the chat
    a.findElement(By.id("message-body")).sendKeys("Thanks for the *slides*!");
    a.findElement(By.id("send-message")).click();
    wait(b).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//ol[@id='messages']//em[.='slides']")));
    b.findElement(By.id("message-body")).sendKeys("Off-topic advert");
    b.findElement(By.id("send-message")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.xpath(
        "//ol[@id='messages']/li[.//p[.='Off-topic advert']]//button[starts-with(@id,'hide-message-')]"))).click();
    wait(a).until(d -> !d.findElement(By.id("messages")).getText().contains("Off-topic advert"));
    wait(b).until(d -> !d.findElement(By.id("messages")).getText().contains("Off-topic advert"));

    // a duplicate is merged in a second step, with the keyboard: the moderator finds the original by
    // its words and picks it; the duplicate's voter now votes for the original
    String q3 = "What evidence did the HTA body want?";
    ask(b, q3);
    long thirdId = questionId(m, q3);
    upvote(m, thirdId);
    wait(m).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#question-" + thirdId + " a[href$='/merge']")))
        .sendKeys(Keys.ENTER);
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("merge-q")));
    assertThat(page(m).select("#merge-source").text()).as("the merge step names the duplicate").contains(q3);
    scan(moderator, "the merge step", failures);
    m.findElement(By.id("merge-q")).sendKeys("hta BODY", Keys.ENTER);
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("into-" + secondId)));
    assertTrue(m.findElements(By.id("into-" + firstId)).isEmpty(), "only questions with those words are offered");
    assertTrue(m.findElements(By.id("into-" + thirdId)).isEmpty(), "never the duplicate itself");
    scan(moderator, "the merge step after a search", failures);
    m.findElement(By.id("into-" + secondId)).sendKeys(Keys.SPACE);
    m.findElement(By.id("merge-confirm")).sendKeys(Keys.ENTER);
    wait(m).until(ExpectedConditions.urlContains("#question-" + secondId));
    wait(a).until(d -> d.findElements(By.id("question-" + thirdId)).isEmpty());
    wait(a).until(d -> d.findElement(By.id("question-" + secondId + "-votes")).getText().equals("3 votes"));
    assertEquals("merged", TestDatabase.text("SELECT status FROM talk_questions WHERE id = ?", thirdId));

    // the moderator pins the top question, answers it, and everyone sees it answered
    wait(m).until(ExpectedConditions.elementToBeClickable(By.cssSelector("#question-" + secondId + " button[value='pin']"))).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("answer-" + secondId)))
        .sendKeys("A two-country randomised trial.");
    m.findElement(By.id("answer-button-" + secondId)).click();
    wait(a).until(d -> d.findElement(By.id("question-" + secondId)).getText().contains("A two-country randomised trial."));
    wait(b).until(d -> d.findElement(By.id("question-" + secondId)).getText().contains("Answered"));
    scan(moderator, "the live room, as its moderator", failures);

    m.get(app.url("/talks/" + slug + "/presenter"));
    Document presenter = page(m);
    assertThat(presenter.select("#presenter .question-body").eachText()).as("the presenter view lists the open question")
        .contains(q1);
    assertThat(presenter.select("#presenter form, #presenter button")).as("and no moderation controls").isEmpty();
    Thread.sleep(800);
    upvote(a, firstId);
    wait(m).until(d -> d.findElement(By.id("presented-" + firstId)).getText().contains("2 votes"));
    scan(moderator, "the presenter view", failures);

    // close the room into the group's follow-up thread
    m.get(app.url("/talks/" + slug));
    m.findElement(By.id("close-room")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("summary")))
        .sendKeys("Payers want evidence early; the open question carries on in the group.");
    scan(moderator, "the close form", failures);
    m.findElement(By.id("close-submit")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("followups")));
    wait(a).until(d -> d.findElement(By.id("room-state")).getText().contains("closed"));
    scan(moderator, "a closed room", failures);
    m.findElement(By.cssSelector("#followups a[href^='/threads/']")).click();
    wait(m).until(ExpectedConditions.urlMatches("/threads/[0-9]+$"));
    Elements posts = page(m).select("#posts article.post");
    assertThat(posts.first().select(".body").text()).as("the summary opens the thread").contains("Payers want evidence early");
    Elements carried = posts.stream().filter(p -> p.select(".body").text().contains(q1))
        .collect(Collectors.toCollection(Elements::new));
    assertThat(carried).as("the unanswered question is carried over").hasSize(1);
    assertThat(carried.select(".body").text()).as("with its votes").contains("2 votes in the live room");
    assertThat(carried.select("header .author").text()).as("under its author").isEqualTo(SOFIA);
    assertThat(posts.select(".body").text()).as("the answered question is not").doesNotContain(q2);
    long threadId = Long.parseLong(m.getCurrentUrl().replaceAll(".*/threads/", ""));
    assertEquals(groupId, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", threadId));
    scan(moderator, "the follow-up thread", failures);

    // the Talk form, empty and with errors
    m.get(app.url("/talks/new"));
    scan(moderator, "the new-Talk form", failures);
    m.findElement(By.id("talk-save")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
    assertEquals("true", m.findElement(By.id("title")).getDomAttribute("aria-invalid"));
    scan(moderator, "the new-Talk form with errors", failures);

    // its speakers: a member (her own declaration) and someone who is not, whose entry first ends before it starts
    String speakersSlug = Fixtures.unique("speakers-talk");
    m.findElement(By.id("slug")).sendKeys(speakersSlug);
    m.findElement(By.id("title")).sendKeys("Declared speakers");
    m.executeScript("document.getElementById('startsAt').value = '2031-05-01T14:00';"
        + "document.getElementById('endsAt').value = '2031-05-01T15:00';");
    m.findElement(By.id("speaker.0.name")).sendKeys(SOFIA);
    m.findElement(By.id("speaker.0.member")).sendKeys(Fixtures.handle(Fixtures.demoMember("demo-sofia")));
    m.findElement(By.cssSelector("button[name=more][value=speaker]")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.id("speaker.1.name")));
    assertEquals(SOFIA, m.findElement(By.id("speaker.0.name")).getDomProperty("value"), "kept across 'add another'");
    m.findElement(By.id("speaker.1.name")).sendKeys("Eve External");
    new org.openqa.selenium.support.ui.Select(m.findElement(By.id("speaker.1.kind.0"))).selectByValue("speaker_fees");
    m.findElement(By.id("speaker.1.organisation.0")).sendKeys("MedDevice AG");
    m.executeScript("document.getElementById('speaker.1.start.0').value = '2024-05';"
        + "document.getElementById('speaker.1.end.0').value = '2023-01';");
    m.findElement(By.id("talk-save")).click();
    wait(m).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary a[href='#speaker.1.end.0']")));
    assertEquals("true", m.findElement(By.id("speaker.1.end.0")).getDomAttribute("aria-invalid"));
    scan(moderator, "the new-Talk form with a speaker's entry in error", failures);
    m.executeScript("document.getElementById('speaker.1.end.0').value = '2024-09';");
    m.findElement(By.id("talk-save")).click();
    wait(m).until(ExpectedConditions.urlContains("/talks/" + speakersSlug));
    Document talkPage = page(m);
    assertThat(talkPage.select("ul.speakers > li.speaker a.declaration-badge")).as("the member's badge").hasSize(1);
    assertThat(talkPage.select("ul.speakers > li.speaker .speaker-declaration li").text()).contains("MedDevice AG");
    scan(moderator, "a Talk page with its speakers' declarations", failures);
    m.get(app.url("/talks/" + speakersSlug + "/edit"));
    scan(moderator, "the Talk form holding speakers' declarations", failures);
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  @Test
  @DisplayName("without JavaScript a member asks anonymously, votes and chats with the keyboard through plain forms, and an over-long message comes back with a clear error")
  void withoutJavaScript(@WithoutJavaScript Chromium plain) {
    long groupId = Fixtures.group(Fixtures.unique("talk-wg"), false, true);
    String slug = Fixtures.unique("nojs-talk");
    long talkId = Fixtures.talk(slug, groupId);
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE id = ?", talkId);
    ChromeDriver d = plain.driver();
    assertEquals("Tomasz Nowak", Chromium.signIn(d, app.url("/"), "Tomasz Nowak"));
    d.get(app.url("/talks/" + slug));
    d.findElement(By.id("question-body")).sendKeys("Does this work without scripts?");
    d.findElement(By.id("question-body")).sendKeys(Keys.TAB, Keys.SPACE); // the anonymous box
    d.findElement(By.id("ask")).sendKeys(Keys.ENTER);
    long q = questionId(d, "Does this work without scripts?");
    assertThat(d.getCurrentUrl()).as("back at the question after the POST").endsWith("#question-" + q);
    assertThat(page(d).select("#question-" + q + " .meta").text()).contains("anonymous to other members");
    d.findElement(By.id("vote-" + q)).sendKeys(Keys.ENTER);
    wait(d).until(x -> "true".equals(x.findElement(By.id("vote-" + q)).getDomAttribute("aria-pressed")));
    assertEquals(1, TestDatabase.count("SELECT votes FROM talk_questions WHERE id = ?", q));
    d.findElement(By.id("message-body")).sendKeys("Plain forms work.");
    d.findElement(By.id("send-message")).sendKeys(Keys.ENTER);
    wait(d).until(ExpectedConditions.presenceOfElementLocated(By.xpath("//ol[@id='messages']//p[.='Plain forms work.']")));
    // the field stops typing at 500 characters; a browser that does not gets the server's answer
    d.executeScript("var f = document.getElementById('message-body'); f.removeAttribute('maxlength'); f.value = 'x'.repeat(501);");
    d.findElement(By.id("send-message")).sendKeys(Keys.ENTER);
    wait(d).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
    assertEquals("true", d.findElement(By.id("message-body")).getDomAttribute("aria-invalid"));
    assertTrue(d.findElement(By.id("message-body")).getDomProperty("value").length() == 501, "the input is kept");
  }
}
