package eu.mhealthhub.agora.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The erasure page, the privacy notice and the accessibility statement in a real browser, with axe. */
@InChromium
@DisplayName("Erasure and the statements in a real browser")
class ErasureBrowserTest {

  private static TestApp app;
  private static Chromium chromium;

  @BeforeAll
  static void start(Chromium browser) {
    app = TestApp.shared();
    chromium = browser;
  }

  @Test
  @DisplayName("a member erases her account with the page's form alone; the form, its problems, the end page, the statements, the data export page and a moderator's trust and declaration settings pass axe")
  void eraseWithTheFormAndAxe() {
    ChromeDriver d = chromium.driver();
    chromium.clearCookies();
    WebDriverWait wait = Chromium.waiting(d, 10);
    String email = Fixtures.unique("berase") + "@example.org";
    d.get(app.url("/"));
    d.findElement(By.linkText("Sign in")).click();
    wait.until(x -> java.net.URI.create(x.getCurrentUrl()).getHost().equals("127.0.0.1"));
    d.findElement(By.id("name")).sendKeys("Bettina Browser");
    d.findElement(By.id("email")).sendKeys(email);
    d.findElement(By.id("email")).submit();
    wait.until(x -> !x.findElements(By.cssSelector(".member-name")).isEmpty());
    long memberId = TestDatabase.count("SELECT id FROM members WHERE email = ?", email);
    String handle = Fixtures.handle(memberId);

    List<String> failures = new ArrayList<>();
    // her other privacy and moderation pages first: the data export (before and after asking for one),
    // and, as a moderator of a group, its trust settings and its declaration requirement
    d.get(app.url("/me/export"));
    scan("data export page", failures);
    d.findElement(By.cssSelector("form[action='/me/export'] button[type=submit]")).click();
    wait.until(x -> !x.findElements(By.cssSelector("table.exports")).isEmpty());
    scan("data export page with an export", failures);
    String slug = Fixtures.unique("berase-group");
    Fixtures.member(Fixtures.group(slug, false, true), memberId, "moderator");
    for (String path : List.of("/groups/" + slug + "/trust", "/groups/" + slug + "/declarations")) {
      d.get(app.url(path));
      wait.until(x -> !x.findElements(By.tagName("h1")).isEmpty());
      scan(path, failures);
    }
    d.get(app.url("/me/erase"));
    scan("erasure page", failures);
    d.findElement(By.id("confirmation")).sendKeys("someone-else");
    d.findElement(By.cssSelector("#erasure-form button[type=submit]")).click();
    wait.until(x -> !x.findElements(By.id("confirmation-error")).isEmpty());
    scan("erasure page with a problem", failures);
    d.findElement(By.id("confirmation")).clear();
    d.findElement(By.id("confirmation")).sendKeys(handle);
    d.findElement(By.id("deletePosts")).click();
    d.findElement(By.cssSelector("#erasure-form button[type=submit]")).click();
    wait.until(x -> !x.findElements(By.id("erasure-done")).isEmpty());
    scan("erased", failures);
    assertEquals("Former member", TestDatabase.text("SELECT display_name FROM members WHERE id = ?", memberId));
    for (String path : List.of("/privacy", "/accessibility")) {
      d.get(app.url(path));
      scan(path, failures);
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  private static void scan(String what, List<String> failures) {
    List<JsonObject> violations = chromium.axe();
    if (!violations.isEmpty()) {
      failures.add(Chromium.describe(what, violations));
    }
  }
}
