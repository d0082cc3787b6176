package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.app.Agora;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Starting, probing, restarting and stopping Agora as an operator does. */
@SlowTest
class OperationsTest {

  @Test
  @DisplayName("readiness fails while the database is unreachable; liveness does not")
  void readiness() throws Exception {
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(Files.createTempDirectory("agora-ready-pg")).setCleanDataDirectory(true).start();
    String url = "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres";
    try (TestApp app = TestApp.start(Map.of("AGORA_DATABASE_URL", url, "AGORA_DEMO_CONTENT", "false"),
        Clock.systemUTC(), r -> { })) {
      Browser b = new Browser();
      assertEquals(200, b.get(app.url("/health/ready")).status());
      pg.close();
      Response down = b.get(app.url("/health/ready"));
      assertEquals(503, down.status());
      assertTrue(down.body().contains("\"database\":\"DOWN\""), down.body());
      assertEquals(200, b.get(app.url("/health/live")).status());
      Response page = b.get(app.url("/"));
      assertEquals(503, page.status(), "a page fails cleanly, as temporarily unavailable");
      assertThat(page.body()).as("no stack trace").doesNotContain("Exception");
    }
  }

  @Test
  @DisplayName("the embedded database keeps its data across a restart and the demo content is seeded only once")
  void embeddedDataSurvivesRestart() throws IOException {
    Path data = Files.createTempDirectory("agora-data");
    int port = TestApp.freePort();
    Map<String, String> env = Map.of("AGORA_PORT", Integer.toString(port), "AGORA_PUBLIC_URL", "http://localhost:" + port,
        "AGORA_DATA_DIR", data.toString());
    Agora first = Agora.start(AppConfig.fromEnvironment(env));
    try {
      assertTrue(first.summary().contains("embedded PostgreSQL"), first.summary());
      assertTrue(first.summary().contains("DEVELOPMENT provider"), first.summary());
      TestApp view = viewOf(port);
      Browser browser = new Browser();
      view.signIn(browser, "demo-lukas");
      Response saved = browser.post(view.url("/me"), Map.of("_csrf", view.csrf(browser),
          "displayName", "Lukas Before Restart", "email", "lukas@example.org", "locale", "", "timeZone", ""));
      assertEquals(303, saved.status());
    } finally {
      first.stop();
    }
    assertTrue(Files.exists(data.resolve("postgres").resolve("PG_VERSION")), "the cluster lives under AGORA_DATA_DIR");

    Agora second = Agora.start(AppConfig.fromEnvironment(env));
    try {
      TestApp view = viewOf(port);
      Browser browser = new Browser();
      view.signIn(browser, "demo-lukas");
      assertThat(browser.get(view.url("/")).html().select(".member-name").text()).as("the edit survived the restart")
          .isEqualTo("Lukas Before Restart");
      Document group = browser.get(view.url("/groups/reimbursement")).html();
      assertThat(group.select("main p.meta").eachText()).as("seeded once, not twice (two threads and the demo Talk's follow-up)")
          .anyMatch(meta -> meta.contains("4 members · 3 threads"));
    } finally {
      second.stop();
    }
  }

  /** Browser helpers for an Agora started directly rather than through TestApp. */
  private static TestApp viewOf(int port) {
    return TestApp.at(port);
  }

  @Test
  @DisplayName("a malformed variable stops the start with one line naming it and exit code 2")
  void badConfigurationExits() throws Exception {
    Process p = java(Map.of("AGORA_PORT", "eighty"));
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertEquals("Agora cannot start: AGORA_PORT: 'eighty' is not a whole number", err);
  }

  @Test
  @DisplayName("SIGTERM lets an in-flight request finish, then Agora closes everything and exits 0")
  void gracefulShutdown() throws Exception {
    int port = TestApp.freePort();
    Process p = java(TestApp.env(port, Map.of("AGORA_DEMO_CONTENT", "false")));
    // the log is read as it comes, on its own thread
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CountDownLatch listening = new java.util.concurrent.CountDownLatch(1);
    Thread reader = new Thread(() -> {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = err.readLine()) != null) {
          lines.add(line);
          if (line.contains("Agora listening on port")) {
            listening.countDown();
          }
        }
      } catch (IOException closed) {
        // the pipe closes when the process is destroyed
      }
    });
    reader.start();
    assertTrue(listening.await(60, TimeUnit.SECONDS), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.contains("Agora listening on port " + port)
        && l.contains("database 127.0.0.1:") && l.contains("sign-in DEVELOPMENT provider")), String.join("\n", lines));

    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      OutputStream out = s.getOutputStream();
      String body = "lang=fr&next=%2F";
      out.write(("POST /me/language HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 5)).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread.sleep(300);
      // kill(1) rather than Process.destroy(), which would also close the pipe we read the log from
      assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor());
      Thread.sleep(700);
      assertTrue(p.isAlive(), "still draining while a request is in flight");
      out.write(body.substring(5).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      assertEquals("HTTP/1.1 403 Forbidden", status, "the in-flight request got its answer");
    }
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "stopped");
    assertEquals(0, p.exitValue());
    reader.join(5000);
    String rest = String.join("\n", lines);
    assertTrue(rest.contains("stopping: draining requests"), rest);
    assertTrue(rest.contains("stopped"), rest);
  }

  private static Process java(Map<String, String> env) throws IOException {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName());
    pb.environment().keySet().removeIf(k -> k.startsWith("AGORA_"));
    pb.environment().putAll(env);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    return pb.start();
  }

  static {
    TestDatabase.settings();
  }
}
