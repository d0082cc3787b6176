package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every request gets an answer: a failure anywhere in a handler's chain (the service, a mapping
 * step, the template, the step that sends) becomes an error page at once, never a client left
 * waiting for the idle timeout. The client here gives up after one second.
 */
class FailureAnswersTest {

  private final TestApp app = TestApp.shared();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/test/fail/template", "/test/fail/service", "/test/fail/mapping", "/test/fail/send"})
  @DisplayName("a failure in the template, the service, a mapping or the sending answers a 500 page within a second")
  void errorPageAtOnce(String path) {
    Browser impatient = new Browser().timeout(Duration.ofSeconds(1));
    // the page renderer compiles its templates on first use: warm it with one request not timed
    new Browser().get(app.url(path));
    Response r = impatient.get(app.url(path));
    assertEquals(500, r.status());
    assertEquals("text/html; charset=utf-8", r.header("content-type"));
    Document page = Jsoup.parse(r.body());
    assertEquals("Something went wrong", page.selectFirst("main h1").text());
    assertTrue(page.selectFirst("main p.meta").text().startsWith("Reference for the Hub team: "), "the logged error's id");
    assertFalse(r.body().contains("on purpose"), "no internal detail reaches the browser");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/test/fail/template", "/test/fail/service", "/test/fail/mapping", "/test/fail/send"})
  @DisplayName("a JSON client gets the same failure as a JSON error within a second")
  void jsonErrorAtOnce(String path) {
    new Browser().get(app.url(path));
    Response r = new Browser().timeout(Duration.ofSeconds(1)).get(app.url(path), "Accept", "application/json");
    assertEquals(500, r.status());
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals(500, error.getInteger("status"));
    assertFalse(error.getString("errorId").isBlank());
  }
}
