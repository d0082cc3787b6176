package eu.mhealthhub.agora.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-process Nu HTML Checker that every page of the tests goes through. */
@DisplayName("The HTML checker")
class HtmlCheckerTest {

  private static String page(String body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>t</title></head>\n<body>\n"
        + body + "\n</body>\n</html>\n";
  }

  @Test
  @DisplayName("finds nothing in a valid page")
  void validPage() {
    assertEquals(List.of(), HtmlChecker.check(page("<main><h1>Hello</h1><p><time datetime=\"2026-12-03T01:43:00Z\">3 Dec</time></p></main>"),
        "test:valid"));
  }

  @Test
  @DisplayName("reports a time with microseconds, with its line and the source around it")
  void microseconds() {
    List<HtmlChecker.Problem> problems = HtmlChecker.check(
        page("<p><time datetime=\"2026-12-03T01:43:00.502892Z\">3 Dec</time></p>"), "test:time");
    assertEquals(1, problems.size(), problems.toString());
    HtmlChecker.Problem p = problems.get(0);
    assertEquals(5, p.line());
    assertTrue(p.message().contains("datetime"), p.message());
    assertTrue(p.extract().contains("502892"), p.extract());
  }

  @Test
  @DisplayName("fails the caller with every error of the page")
  void assertValidFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> HtmlChecker.assertValid(
        page("<p id=\"twice\">a</p><p id=\"twice\">b</p><ul><p>not an item</p></ul>"), "test:errors"));
    assertTrue(e.getMessage().startsWith("2 HTML error(s) in test:errors"), e.getMessage());
    assertTrue(e.getMessage().contains("Duplicate ID"), e.getMessage());
  }

  @Test
  @DisplayName("does not fail on warnings")
  void warningsPass() {
    // a section without a heading is a warning, not an error
    HtmlChecker.assertValid(page("<section><p>no heading</p></section>"), "test:warning");
  }

  @Test
  @DisplayName("checks a fragment of list items inside a list, and still finds its errors")
  void fragments() {
    assertEquals(List.of(), HtmlChecker.check("<li id=\"m1\">one</li><li id=\"m2\">two</li>", "test:fragment"));
    List<HtmlChecker.Problem> problems = HtmlChecker.check("<li><div><li>nested</div></li>", "test:bad-fragment");
    assertTrue(!problems.isEmpty(), "a list item inside a div is reported");
  }

  @Test
  @DisplayName("checks a page once: a second copy differing only in its session tokens comes from the cache")
  void cache() {
    String first = page("<form method=\"post\" action=\"/x\"><input type=\"hidden\" name=\"_csrf\" value=\"aaa\"><button>Go</button></form>");
    String second = first.replace("value=\"aaa\"", "value=\"bbb\"");
    HtmlChecker.check(first, "test:cache");
    long before = HtmlChecker.checksRun();
    assertEquals(List.of(), HtmlChecker.check(second, "test:cache"));
    assertEquals(before, HtmlChecker.checksRun(), "no second run of the checker");
  }

  @Test
  @DisplayName("names a page's kind by its path with numbers as :id and without its query")
  void kinds() {
    assertEquals("/threads/:id", HtmlChecker.kind("GET http://localhost:8080/threads/12?page=2 -> 200"));
    assertEquals("/documents/:id/proposals/:id", HtmlChecker.kind("http://localhost:8080/documents/3/proposals/9"));
    assertEquals("/", HtmlChecker.kind("http://localhost:8080/"));
  }
}
