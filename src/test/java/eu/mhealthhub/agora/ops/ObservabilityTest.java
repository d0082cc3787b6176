package eu.mhealthhub.agora.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

@DisplayName("Metrics and request logs")
class ObservabilityTest {

  private static final String TOKEN = "metrics-token-for-tests-0123456789";
  private static TestApp app;
  private static final List<String> LINES = Collections.synchronizedList(new ArrayList<>());
  private static AppenderBase<ILoggingEvent> capture;

  @BeforeAll
  static void start() {
    JsonLines layout = new JsonLines();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    layout.setContext(context);
    layout.start();
    capture = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        LINES.add(layout.doLayout(event));
      }
    };
    capture.setContext(context);
    capture.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
    app = TestApp.start(Map.of("AGORA_METRICS_TOKEN", TOKEN, "AGORA_REQUEST_LOG", "on", "AGORA_NODE_NAME", "node-a"),
        Clock.systemUTC(), TestApp::failingRoutes);
  }

  @AfterAll
  static void stop() {
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(capture);
    app.close();
  }

  private static long publicThread() {
    return TestDatabase.count("SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id"
        + " WHERE g.visibility = 'public' ORDER BY t.id LIMIT 1");
  }

  @Test
  @DisplayName("/metrics needs the token, and then counts a request just made under its route template, with latency buckets, pool, live, outbox and JVM figures")
  void metrics() {
    Browser visitor = new Browser();
    long threadId = publicThread();
    assertEquals(200, visitor.get(app.url("/threads/" + threadId)).status());

    assertEquals(401, visitor.get(app.url("/metrics")).status());
    assertEquals(401, visitor.get(app.url("/metrics"), "Authorization", "Bearer wrong-token-of-some-length").status());
    Response scrape = visitor.withoutHtmlCheck().get(app.url("/metrics"), "Authorization", "Bearer " + TOKEN);
    assertEquals(200, scrape.status());
    assertTrue(scrape.header("content-type").startsWith("text/plain"));
    String text = scrape.body();

    double count = sample(text, "vertx_http_server_requests_total", "route=\"/threads/:id\"", "method=\"GET\"", "code=\"200\"");
    assertTrue(count >= 1, "the thread page request is counted under its template");
    assertTrue(sample(text, "vertx_http_server_response_time_seconds_bucket", "route=\"/threads/:id\"", "le=\"0.25\"") >= 0,
        "latency histogram buckets per route");
    assertTrue(text.contains("node=\"node-a\""), "every series names the node");
    assertTrue(Pattern.compile("(?m)^vertx_pool_\\w+\\{[^}]*pool_type=\"sql\"").matcher(text).find(), "SQL pool figures");
    assertTrue(Pattern.compile("(?m)^agora_live_events_published_total\\{").matcher(text).find());
    assertTrue(Pattern.compile("(?m)^agora_live_sockets\\{").matcher(text).find());
    for (String live : java.util.List.of("agora_live_events_held_back_total", "agora_live_events_fetched_total",
        "agora_live_gaps_skipped_total", "agora_live_events_dropped_total", "agora_live_sockets_stalled_total")) {
      assertTrue(Pattern.compile("(?m)^" + live + "\\{").matcher(text).find(), live);
    }
    assertTrue(Pattern.compile("(?m)^agora_mail_outbox_due\\{").matcher(text).find());
    assertTrue(Pattern.compile("(?m)^jvm_memory_used_bytes\\{").matcher(text).find(), "JVM figures");
    assertTrue(Pattern.compile("(?m)^jvm_gc_").matcher(text).find(), "GC figures");
    assertFalse(Pattern.compile("route=\"[^\"]*/\\d+").matcher(text).find(), "no raw id in any route label");
    assertFalse(text.contains("address=\""), "no event-bus address labels");
  }

  @Test
  @DisplayName("every series the sample Grafana dashboard charts exists in /metrics")
  void dashboard() throws Exception {
    Browser visitor = new Browser().withoutHtmlCheck();
    assertEquals(200, visitor.get(app.url("/threads/" + publicThread())).status());
    System.gc(); // the GC pause timer appears with the first collection
    Thread.sleep(200);
    String text = visitor.get(app.url("/metrics"), "Authorization", "Bearer " + TOKEN).body();
    String dashboard = java.nio.file.Files.readString(java.nio.file.Path.of("docker/grafana-agora.json"));
    Matcher m = Pattern.compile("\\b((?:vertx|agora|jvm)_[a-z_]+)").matcher(dashboard);
    int checked = 0;
    while (m.find()) {
      String series = m.group(1);
      assertTrue(Pattern.compile("(?m)^" + Pattern.quote(series) + "[{ ]").matcher(text).find(),
          "the dashboard charts " + series + ", which /metrics does not have; it has "
              + text.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("[{ ].*", ""))
                  .filter(n -> n.startsWith(series.substring(0, series.indexOf('_', series.indexOf('_') + 1) + 1))).distinct().toList());
      checked++;
    }
    assertTrue(checked >= 10, "series checked: " + checked);
  }

  @Test
  @DisplayName("without a token configured /metrics does not exist")
  void noToken() {
    TestApp plain = TestApp.start(Map.of(), Clock.systemUTC(), r -> { });
    try {
      assertEquals(404, new Browser().get(plain.url("/metrics"), "Authorization", "Bearer " + TOKEN).status());
    } finally {
      plain.close();
    }
  }

  @Test
  @DisplayName("one JSON line per request with method, route template, status, duration, request id, member and node; no e-mail, session id, CSRF token, query or token in any line")
  void requestLines() {
    Browser amelie = new Browser();
    app.signIn(amelie, "demo-amelie");
    String email = TestDatabase.text("SELECT email FROM members WHERE subject = 'demo-amelie'");
    String handle = TestDatabase.text("SELECT handle FROM members WHERE subject = 'demo-amelie'");
    long memberId = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-amelie'");
    String session = amelie.cookie("localhost", "agora_session");
    assertNotNull(session);
    long threadId = publicThread();
    Response page = amelie.get(app.url("/threads/" + threadId));
    String csrf = page.inputValue("_csrf");
    assertNotNull(csrf);
    String requestId = page.header("x-request-id");
    assertNotNull(requestId);
    amelie.get(app.url("/search?q=confidentialword+" + handle));
    amelie.get(app.url("/members/" + handle));
    Response unsubscribe = amelie.get(app.url("/mail/unsubscribe?t=secret-unsubscribe-token-1234567890"));
    assertTrue(unsubscribe.status() >= 200);
    Response missing = amelie.get(app.url("/no/such/page/" + handle));
    assertEquals(404, missing.status());
    assertTrue(missing.html().select("main .request-id").isEmpty(), "a refusal's page is the same for every request");
    Response failed = amelie.get(app.url("/test/fail/500"));
    assertEquals(500, failed.status());
    assertTrue(failed.html().select("main p.meta").text().endsWith(failed.header("x-request-id")),
        "the error page quotes the request's id as its reference");

    List<String> lines;
    synchronized (LINES) {
      lines = List.copyOf(LINES);
    }
    List<JsonObject> requests = new ArrayList<>();
    for (String line : lines) {
      assertEquals(1, line.strip().lines().count(), "one line per event: " + line);
      JsonObject json = new JsonObject(line);
      if ("agora.request".equals(json.getString("logger"))) {
        requests.add(json);
      }
      for (String secret : List.of(email, session, csrf, "confidentialword", "secret-unsubscribe-token", "code=", "state=",
          "/members/" + handle, "Cookie")) {
        assertFalse(line.contains(secret), "a log line gives away " + secret + ": " + line);
      }
    }
    JsonObject threadLine = requests.stream().filter(r -> requestId.equals(r.getString("requestId"))).findFirst()
        .orElseThrow(() -> new AssertionError("no line for request " + requestId + " in " + requests));
    assertEquals("GET", threadLine.getString("method"));
    assertEquals("/threads/:id", threadLine.getString("route"));
    assertEquals(200, threadLine.getInteger("status"));
    assertTrue(threadLine.getDouble("durationMs") > 0);
    assertEquals(Long.toString(memberId), threadLine.getString("member"));
    assertEquals("node-a", threadLine.getString("node"));
    assertTrue(requests.stream().anyMatch(r -> "/members/:handle".equals(r.getString("route"))),
        "a member's page logs its template: " + requests);
    assertTrue(requests.stream().anyMatch(r -> "(unmatched)".equals(r.getString("route")) && r.getInteger("status") == 404));
  }

  @Test
  @DisplayName("an X-Request-Id is kept only from a trusted proxy and only when it is a plain token")
  void incomingIds() {
    Browser b = new Browser();
    String given = "proxy-id-0123456789";
    assertFalse(given.equals(b.get(app.url("/"), "X-Request-Id", given).header("x-request-id")),
        "a client cannot choose its request id");
    TestApp behindProxy = TestApp.start(Map.of("AGORA_TRUSTED_PROXIES", "127.0.0.1,::1"), Clock.systemUTC(), r -> { });
    try {
      assertEquals(given, b.get(behindProxy.url("/"), "X-Request-Id", given).header("x-request-id"));
      assertFalse("bad id\r\nx".equals(b.get(behindProxy.url("/"), "X-Request-Id", "bad id with spaces").header("x-request-id")));
    } finally {
      behindProxy.close();
    }
  }

  /** The value of the first sample of {@code metric} whose labels contain every one of {@code labels}. */
  private static double sample(String text, String metric, String... labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
    while (m.find()) {
      String found = m.group(1);
      boolean all = true;
      for (String l : labels) {
        all &= found.contains(l);
      }
      if (all) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no " + metric + " with " + String.join(",", labels) + " in:\n"
        + text.lines().filter(l -> l.startsWith(metric)).limit(20).reduce("", (a, b) -> a + b + "\n"));
  }
}
