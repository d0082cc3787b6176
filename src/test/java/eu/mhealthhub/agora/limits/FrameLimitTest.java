package eu.mhealthhub.agora.limits;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The per-socket frame limit of the live bridge, with a raw WebSocket client: a socket that sends
 * more frames than the limit is closed by the server, one that stays within it is not.
 */
class FrameLimitTest {

  private static TestApp app;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    TestApp.shared();
    app = TestApp.start(Map.of("AGORA_RATE_LIMITS",
        "post=off,thread=off,reaction=off,search=off,signin=off,callback=off,bridge=off,notice=off,frame=10/1h"),
        Clock.systemUTC(), r -> { });
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close();
    app.close();
  }

  private static WebSocket connect() throws Exception {
    return vertx.createWebSocketClient().connect(new WebSocketConnectOptions()
            .setHost("localhost").setPort(app.port()).setURI("/eventbus/websocket").addHeader("Origin", app.url()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String ping() {
    return new JsonObject().put("type", "ping").encode();
  }

  @Test
  @DisplayName("a live socket that sends more frames than the frame limit is closed by the server")
  void floodingSocketClosed() throws Exception {
    WebSocket ws = connect();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    for (int i = 0; i < 50 && !closed.isDone(); i++) {
      ws.writeTextMessage(i % 2 == 0 ? ping() : new JsonObject().put("type", "register").put("address", "groups").encode());
    }
    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo((short) 4029);
  }

  @Test
  @DisplayName("a live socket within the frame limit stays open")
  void quietSocketStaysOpen() throws Exception {
    WebSocket ws = connect();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    for (int i = 0; i < 5; i++) {
      ws.writeTextMessage(ping());
    }
    Thread.sleep(1500);
    assertThat(closed).isNotDone();
    ws.close();
  }
}
