package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.RawHttp;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * docker/haproxy/haproxy.cfg, run by a real HAProxy in front of two clustered nodes, with only the
 * addresses changed (the nodes and the proxy on loopback ports instead of compose's service names).
 * Needs the {@code haproxy} binary (Debian package haproxy; {@code .ci/run} installs it) and is
 * skipped, saying so, without it.
 */
@SlowTest
class ProxyStickinessTest {

  /** A SockJS frame holding one bridge ping. */
  private static final String PING = "[\"{\\\"type\\\":\\\"ping\\\"}\"]";

  private static TestApp.Pair nodes;
  private static Process haproxy;
  private static Path log;
  private static int proxy;
  private static String origin;

  @BeforeAll
  static void start() throws Exception {
    Assumptions.assumeTrue(onPath("haproxy"), "haproxy is not installed (apt-get install haproxy): the proxy test is skipped");
    nodes = TestApp.clustered(Map.of());
    origin = nodes.first().url();
    proxy = TestApp.freePort();
    String cfg = Files.readString(Path.of("docker/haproxy/haproxy.cfg"));
    assertThat(cfg).contains("bind :8080", "agora1:8080", "agora2:8080");
    cfg = cfg.replace("bind :8080", "bind 127.0.0.1:" + proxy)
        .replace("agora1:8080", "127.0.0.1:" + nodes.first().port())
        .replace("agora2:8080", "127.0.0.1:" + nodes.second().port());
    Path file = Files.createTempFile("haproxy", ".cfg");
    Files.writeString(file, cfg);
    log = Files.createTempFile("haproxy", ".log");
    haproxy = new ProcessBuilder("haproxy", "-db", "-f", file.toString()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && !(answers("/health/ready") && answers("/eventbus/info"))) {
      assertThat(haproxy.isAlive()).as("haproxy runs; log:\n%s", Files.readString(log)).isTrue();
      Thread.sleep(500);
    }
    assertThat(answers("/health/ready")).as("both backends in service; log:\n%s", Files.readString(log)).isTrue();
  }

  @AfterAll
  static void stop() {
    if (haproxy != null) {
      haproxy.destroy();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @DisplayName("every request of one SockJS XHR session reaches the node that opened it, each on a new connection, and sessions spread over both nodes")
  void xhrSessionsStick() {
    Map<Integer, Integer> perNode = new HashMap<>();
    for (int i = 0; i < 16; i++) {
      String session = "/eventbus/" + (100 + i) + "/" + UUID.randomUUID().toString().substring(0, 8);
      // one TCP connection per request: nothing but the proxy's hash of the path can keep them together
      RawHttp.Answer open = post(proxy, session + "/xhr", "");
      assertThat(open.status()).as("open %s", session).isEqualTo(200);
      assertThat(open.body()).startsWith("o");
      for (int send = 0; send < 3; send++) {
        assertThat(post(proxy, session + "/xhr_send", PING).status())
            .as("send %d on %s reaches the session's node", send, session).isEqualTo(204);
      }
      // which node holds it: the other answers 404, as it would to any request a non-sticky proxy sent it
      int first = post(nodes.first().port(), session + "/xhr_send", PING).status();
      int second = post(nodes.second().port(), session + "/xhr_send", PING).status();
      assertThat(List.of(first, second)).as("exactly one node holds %s", session).containsExactlyInAnyOrder(204, 404);
      perNode.merge(first == 204 ? 1 : 2, 1, Integer::sum);
    }
    assertThat(perNode).as("sessions per node").containsOnlyKeys(1, 2);
  }

  @Test
  @DisplayName("a WebSocket upgrade passes through the proxy to the bridge")
  void webSocket() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy)
              .setURI("/eventbus/websocket").addHeader("Origin", origin))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      CompletableFuture<JsonObject> answer = new CompletableFuture<>();
      ws.handler(buffer -> {
        JsonObject frame = new JsonObject(buffer);
        if (!"pong".equals(frame.getString("type"))) {
          answer.complete(frame);
        }
      });
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "agora.internal").encode());
      assertThat(answer.get(10, TimeUnit.SECONDS).getString("type")).as("the bridge answers through the tunnel")
          .isEqualTo("err");
      ws.close();
    } finally {
      vertx.close();
    }
  }

  @Test
  @DisplayName("pages set the node cookie, and a browser that carries it stays on its node")
  void pagesCookie() {
    Browser b = new Browser();
    Response home = b.get(proxied("/"));
    assertThat(home.status()).isEqualTo(200);
    String node = b.cookie("localhost", "AGORA_NODE");
    assertThat(node).isIn("agora1", "agora2");
    for (int i = 0; i < 4; i++) {
      assertThat(b.get(proxied("/")).status()).isEqualTo(200);
      assertThat(b.cookie("localhost", "AGORA_NODE")).isEqualTo(node);
    }
  }

  private static String proxied(String path) {
    return "http://localhost:" + proxy + path;
  }

  /** A POST on its own connection, with the page's origin, as the SockJS client's XHR transports send. */
  private static RawHttp.Answer post(int port, String path, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return RawHttp.send(port, ("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: " + origin
        + "\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + bytes.length
        + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean answers(String path) {
    try {
      return RawHttp.get(proxy, path).status() == 200;
    } catch (RuntimeException | AssertionError notYet) {
      return false;
    }
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }
}
