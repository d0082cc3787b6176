package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Chromium;
import eu.mhealthhub.agora.support.InChromium;
import eu.mhealthhub.agora.support.ChromiumExtension.WithoutJavaScript;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Agora in a real browser: keyboard-only sign-in through the development provider, axe-core on
 * every page of the foundation, the skip link, and the whole flow with JavaScript switched off.
 */
@InChromium
@DisplayName("In a real browser")
class BrowserTest {

  private static final String AMELIE = "Amélie Laurent";
  /** Signed in for the accessibility scans; no other test signs in as her, so her settings can change. */
  private static final String SOFIA = "Sofia Marques";

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
  @DisplayName("a visitor signs in with the keyboard alone through the development provider and sees their name in the header")
  void keyboardSignIn() {
    driver.get(app.url("/"));
    WebElement notice = driver.findElement(By.cssSelector(".dev-notice"));
    assertTrue(notice.isDisplayed(), "the development sign-in notice is visible");
    assertFalse(notice.getText().isBlank());
    assertTrue(driver.findElements(By.cssSelector(".member-name")).isEmpty(), "nobody is signed in yet");

    tabUntil(driver, "the Sign in link", e -> "a".equals(e.getTagName()) && "Sign in".equals(e.getText().strip()));
    new Actions(driver).sendKeys(Keys.ENTER).perform();

    wait(driver).until(d -> URI.create(d.getCurrentUrl()).getHost().equals("127.0.0.1"));
    URI provider = URI.create(driver.getCurrentUrl());
    assertNotEquals(URI.create(app.url()).getAuthority(), provider.getAuthority(), "the provider is another origin");
    assertEquals("/authorize", provider.getPath());
    assertEquals("Development sign-in", driver.findElement(By.tagName("h1")).getText());
    chromium.assertAccessible("the development provider's sign-in page");

    tabUntil(driver, "the button " + AMELIE, e -> "button".equals(e.getTagName()) && AMELIE.equals(e.getText().strip()));
    new Actions(driver).sendKeys(Keys.ENTER).perform();

    WebElement name = wait(driver).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".member-name")));
    assertEquals(app.url("/"), driver.getCurrentUrl());
    assertEquals(AMELIE, name.getText());
  }

  @Test
  @DisplayName("every page of the foundation passes axe-core with zero WCAG 2.1 AA violations")
  void everyPagePassesAxe() {
    List<String> failures = new ArrayList<>();
    scanPublicPages("anonymous", failures);

    signInByClicking(driver, SOFIA);
    scanPublicPages("signed in", failures);

    driver.get(app.url("/me"));
    scan("signed in: the profile form", failures);

    WebElement displayName = driver.findElement(By.id("displayName"));
    displayName.clear();
    driver.findElement(By.xpath("//form[@action='/me']//button[normalize-space()='Save profile']")).click();
    wait(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".error-summary")));
    assertEquals("true", driver.findElement(By.id("displayName")).getDomAttribute("aria-invalid"));
    scan("signed in: the profile form with errors", failures);

    try {
      driver.get(app.url("/"));
      assertEquals("en", chromium.lang());
      WebElement before = driver.findElement(By.id("language-choice"));
      // With JavaScript on, page.js submits the language form as soon as the choice changes.
      chooseFrench(before);
      wait(driver).until(eu.mhealthhub.agora.support.Chromium.replaced(before));
      wait(driver).until(d -> "fr".equals(chromium.lang()));
      assertEquals(app.url("/"), driver.getCurrentUrl());
      scan("signed in: home in French", failures);
    } finally {
      // Back to "the browser's language" through the profile form, so the demo member is as before.
      driver.get(app.url("/me"));
      new Select(driver.findElement(By.id("locale"))).selectByValue("");
      // the page may be in French here: find the button by its form, not its words
      driver.findElement(By.xpath("//form[@action='/me']//button[@type='submit']")).click();
      wait(driver).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".notice[role=status]")));
    }
    assertEquals("en", chromium.lang());
    scan("signed in: the profile saved", failures);

    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  @Test
  @DisplayName("the skip link moves focus to the main content")
  void skipLink() {
    driver.get(app.url("/groups"));
    new Actions(driver).sendKeys(Keys.TAB).perform();
    WebElement focused = driver.switchTo().activeElement();
    assertEquals("skip-link", focused.getDomAttribute("class"));
    assertTrue(focused.isDisplayed(), "the skip link shows when focused");
    assertEquals(app.url("/groups#main"), focused.getDomProperty("href"));

    new Actions(driver).sendKeys(Keys.ENTER).perform();
    wait(driver).until(d -> "main".equals(d.switchTo().activeElement().getDomAttribute("id")));
    WebElement main = driver.switchTo().activeElement();
    assertEquals("main", main.getTagName());
    assertEquals("main", main.getDomAttribute("id"));
  }

  @Test
  @DisplayName("the pages work without JavaScript")
  void withoutJavaScript(@WithoutJavaScript Chromium plain) {
    ChromeDriver d = plain.driver();
    d.get("data:text/html,<title>off</title><script>document.title = 'on'</script>");
    assertEquals("off", d.getTitle(), "this browser runs no page script");

    d.get(app.url("/"));
    assertEquals("en", plain.lang());

    // Choosing a language does nothing by itself without page.js; the Apply button submits it.
    WebElement choice = d.findElement(By.id("language-choice"));
    chooseFrench(choice);
    assertEquals("en", plain.lang(), "no script submitted the form");
    assertEquals(choice, d.findElement(By.id("language-choice")), "still the same page");
    d.findElement(By.cssSelector("form.language button[type=submit]")).click();
    wait(d).until(x -> "fr".equals(plain.lang()));
    new Select(d.findElement(By.id("language-choice"))).selectByValue("en");
    d.findElement(By.cssSelector("form.language button[type=submit]")).click();
    wait(d).until(x -> "en".equals(plain.lang()));

    signInByClicking(d, AMELIE);
    assertEquals(AMELIE, d.findElement(By.cssSelector(".member-name")).getText());

    d.findElement(By.cssSelector(".member-link")).click();
    wait(d).until(ExpectedConditions.urlToBe(app.url("/me")));
    assertEquals(AMELIE, d.findElement(By.id("displayName")).getDomProperty("value"));
  }

  @Test
  @DisplayName("axe-core injected by WebDriver runs under the page's script policy, which blocks the page's own inline script, and it catches a planted violation")
  void axeRunsUnderTheScriptPolicy() {
    driver.get("data:text/html,<title>off</title><script>document.title = 'on'</script>");
    assertEquals("on", driver.getTitle(), "this browser runs scripts");

    driver.get(app.url("/privacy"));
    Object ran = driver.executeScript("""
        var s = document.createElement('script');
        s.textContent = 'window.inlineRan = true;';
        document.head.appendChild(s);
        return window.inlineRan === true;
        """);
    assertEquals(Boolean.FALSE, ran, "the Content-Security-Policy blocks a script the page itself adds");
    assertTrue(chromium.axe().isEmpty(), "axe-core ran and found nothing");
    assertEquals("4.11.1", driver.executeScript("return window.axe.version;"), "the axe-core of com.deque.html.axe-core:selenium");

    driver.executeScript("document.getElementById('main').insertAdjacentHTML('beforeend', "
        + "'<input id=\"planted\"><img src=\"/static/img/agora.svg\">');");
    List<String> ids = chromium.axe().stream().map(v -> v.getString("id")).toList();
    assertTrue(ids.containsAll(List.of("label", "image-alt")), "axe-core reports the planted faults: " + ids);
  }

  // ---------------------------------------------------------------------------------------------

  private void scanPublicPages(String who, List<String> failures) {
    for (String path : List.of("/", "/groups", "/groups/reimbursement")) {
      open(path, 200);
      scan(who + ": " + path, failures);
    }
    driver.get(app.url("/groups/reimbursement"));
    driver.findElement(By.cssSelector("table.threads tbody a")).click();
    wait(driver).until(ExpectedConditions.urlMatches("/threads/[0-9]+$"));
    assertFalse(driver.findElements(By.cssSelector(".post")).isEmpty(), "the thread shows its posts");
    scan(who + ": the first thread of /groups/reimbursement", failures);
    for (String path : List.of("/talks", "/talks/mhealth-solution-success", "/search?q=FHIR", "/privacy",
        "/accessibility")) {
      open(path, 200);
      scan(who + ": " + path, failures);
    }
    open("/no-such-page", 404);
    scan(who + ": the 404 page", failures);
  }

  private void open(String path, int status) {
    driver.get(app.url(path));
    assertEquals("en", chromium.lang(), path);
    String h1 = driver.findElement(By.tagName("h1")).getText();
    assertFalse(h1.isBlank(), path + " has a heading");
    if (status == 404) {
      assertTrue(driver.getTitle().contains("404") || h1.toLowerCase().contains("not found")
          || h1.toLowerCase().contains("404"), "the 404 page: " + h1);
    } else {
      assertFalse(h1.toLowerCase().contains("not found"), path + " is a real page");
    }
  }

  private void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what + " (" + driver.getCurrentUrl() + ")", violations));
    }
  }

  /** Clicks through the sign-in: the header link, then the person's button on the provider's page. */
  private void signInByClicking(WebDriver d, String person) {
    assertEquals(person, Chromium.signIn(d, app.url("/"), person));
  }

  /** Presses TAB until the focused element is the one wanted; fails after forty presses. */
  private static void tabUntil(WebDriver d, String what, Predicate<WebElement> wanted) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      new Actions(d).sendKeys(Keys.TAB).perform();
      WebElement focused = d.switchTo().activeElement();
      if (wanted.test(focused)) {
        return;
      }
      seen.add(focused.getTagName() + " \"" + focused.getText().strip() + "\"");
    }
    throw new AssertionError("TAB never reached " + what + "; focus went through " + seen);
  }

  /** Picks French in the footer's language list, checking it is offered under its own name. */
  private static void chooseFrench(WebElement select) {
    Select languages = new Select(select);
    WebElement french = select.findElement(By.cssSelector("option[value=fr]"));
    assertEquals("français", french.getText().strip().toLowerCase(java.util.Locale.ROOT));
    languages.selectByValue("fr");
  }

  private static WebDriverWait wait(WebDriver d) {
    return Chromium.waiting(d, 10);
  }
}
