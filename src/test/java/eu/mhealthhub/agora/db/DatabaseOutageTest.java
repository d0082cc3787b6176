package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.StderrCapture;
import eu.mhealthhub.agora.support.TcpProxy;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A database that cannot answer in time is a 503 with Retry-After, not a 500: an Agora of its own
 * reaches the test PostgreSQL through a {@link TcpProxy} the test cuts and stalls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageTest {

  private static final String UNAVAILABLE_TEXT = "Agora is temporarily unavailable. Please try again in a moment.";

  private TcpProxy proxy;
  private TestApp app;
  private final AtomicReference<TestApp> self = new AtomicReference<>();

  @BeforeAll
  void start() {
    var db = TestDatabase.settings();
    proxy = new TcpProxy(db.host(), db.port());
    String url = "postgresql://" + db.user() + "@127.0.0.1:" + proxy.port() + "/" + db.name();
    app = TestApp.start(Map.of("AGORA_DATABASE_URL", url, "AGORA_DEMO_CONTENT", "false",
            "AGORA_DB_POOL_WAIT_MS", "500", "AGORA_DB_STATEMENT_TIMEOUT_MS", "1000"), Clock.systemUTC(),
        router -> router.get("/test/db/sleep").handler(ctx -> self.get().agora().services().database().pool()
            .query("SELECT pg_sleep(" + Double.parseDouble(ctx.request().getParam("s")) + ")").execute()
            .onSuccess(rows -> ctx.response().end("slept"))
            .onFailure(ctx::fail)));
    self.set(app);
  }

  @AfterAll
  void stop() {
    app.close();
    proxy.close();
  }

  @AfterEach
  void databaseBack() {
    proxy.restore();
    awaitReady();
  }

  /** Polls readiness until the database answers again, at most 20 seconds. */
  private void awaitReady() {
    Browser b = new Browser().timeout(Duration.ofSeconds(5));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (b.get(app.url("/health/ready")).status() != 200) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the database did not come back");
      }
      sleep(200);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The 503 page: the "temporarily unavailable" text in the layout, and a hint when to come back. */
  private static void assertUnavailablePage(Response r) {
    assertEquals(503, r.status(), r.body());
    assertEquals("5", r.header("retry-after"));
    assertEquals("text/html; charset=utf-8", r.header("content-type"));
    Document page = Jsoup.parse(r.body());
    assertEquals("Temporarily unavailable", page.selectFirst("main h1").text());
    assertEquals(UNAVAILABLE_TEXT, page.selectFirst("main h1 + p").text());
    assertTrue(page.select("main p.meta").isEmpty(), "no error reference: nothing went wrong in Agora");
  }

  private static void assertUnavailableJson(Response r) {
    assertEquals(503, r.status(), r.body());
    assertEquals("5", r.header("retry-after"));
    assertTrue(r.header("content-type").startsWith("application/json"));
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertEquals(503, error.getInteger("status"));
    assertEquals("Temporarily unavailable", error.getString("title"));
    assertEquals(UNAVAILABLE_TEXT, error.getString("message"));
    assertFalse(error.containsKey("errorId"));
  }

  @Test
  @DisplayName("while the database is unreachable pages and JSON answer 503 with Retry-After, readiness is down,"
      + " nothing is half-written, the log has one line for the episode, and after it everything answers again")
  void unreachable() {
    Browser member = new Browser().timeout(Duration.ofSeconds(5));
    String slug = Fixtures.unique("outage");
    Fixtures.member(Fixtures.group(slug, false, true),
        app.signInNew(member, "Olga Outage", Fixtures.unique("olga") + "@example.org"), "member");
    String csrf = app.csrf(member);
    Browser anonymous = new Browser().timeout(Duration.ofSeconds(5));
    assertEquals(200, anonymous.get(app.url("/")).status());
    String title = Fixtures.unique("Written during the outage");

    StderrCapture log = StderrCapture.start();
    try {
      proxy.cut();
      assertUnavailablePage(anonymous.get(app.url("/")));
      assertUnavailablePage(anonymous.get(app.url("/groups/reimbursement")));
      assertUnavailablePage(member.get(app.url("/groups")));
      assertUnavailableJson(anonymous.get(app.url("/api/v1/groups")));
      assertUnavailableJson(member.request("POST", app.url("/api/v1/groups/" + slug + "/threads"), "application/json",
          new JsonObject().put("title", title).put("body", "Lost?").encode(), "X-CSRF-Token", csrf));
      Response ready = anonymous.get(app.url("/health/ready"));
      assertEquals(503, ready.status());
      assertEquals("DOWN", new JsonObject(ready.body()).getJsonObject("checks").getString("database"));
      assertEquals(200, anonymous.get(app.url("/health/live")).status());
      for (int i = 0; i < 10; i++) {
        assertEquals(503, anonymous.get(app.url("/")).status());
      }

      proxy.restore();
      awaitReady();
      assertEquals(200, anonymous.get(app.url("/")).status());
      assertEquals(200, anonymous.get(app.url("/api/v1/groups")).status());
      assertEquals(200, member.get(app.url("/groups")).status());
      sleep(1_500); // the episode's probe notices the database within a second
    } finally {
      log.stop();
    }
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM threads WHERE title = ?", title), "nothing half-written");
    Response written = member.request("POST", app.url("/api/v1/groups/" + slug + "/threads"), "application/json",
        new JsonObject().put("title", title).put("body", "Written once the database is back.").encode(),
        "X-CSRF-Token", csrf);
    assertEquals(201, written.status(), written.body());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM threads WHERE title = ?", title));

    List<String> lines = log.lines();
    assertEquals(1, lines.stream().filter(l -> l.contains("WARN") && l.contains("database unavailable")).count(),
        String.join("\n", lines));
    assertEquals(1, lines.stream().filter(l -> l.contains("INFO") && l.contains("database answers again")).count(),
        String.join("\n", lines));
    assertEquals(List.of(), log.errors(), "no error and no stack trace per request");
  }

  @Test
  @DisplayName("a database that accepts connections but never answers is a 503 after the pool wait, not a hang")
  void noConnectionInTime() {
    Browser anonymous = new Browser().timeout(Duration.ofSeconds(5));
    assertEquals(200, anonymous.get(app.url("/")).status());
    proxy.stall();
    long started = System.nanoTime();
    assertUnavailablePage(anonymous.get(app.url("/")));
    assertUnavailableJson(anonymous.get(app.url("/api/v1/groups")));
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 4_000, "answered within the pool waits");
    assertEquals(503, anonymous.get(app.url("/health/ready")).status());
  }

  @Test
  @DisplayName("a statement that runs past the statement timeout is cancelled and answers 503; a shorter one succeeds")
  void statementTimeout() {
    Browser anonymous = new Browser().timeout(Duration.ofSeconds(10));
    assertEquals(200, anonymous.get(app.url("/test/db/sleep?s=0.1")).status());
    assertUnavailablePage(anonymous.get(app.url("/test/db/sleep?s=3")));
    assertUnavailableJson(anonymous.get(app.url("/test/db/sleep?s=3"), "Accept", "application/json"));
  }
}
