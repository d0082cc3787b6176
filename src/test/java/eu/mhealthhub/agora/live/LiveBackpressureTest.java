package eu.mhealthhub.agora.live;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A page that stops reading its socket does not make the server buffer without bound: once its
 * write queue stays full the bridge closes it, while a page on the same address that reads keeps
 * getting everything. Raw WebSocket clients on the real bridge; frames of 16 KB, published on the
 * address as presence summaries are, fill the buffers in a second.
 */
class LiveBackpressureTest {

  private static final String PAD = "x".repeat(16 * 1024);

  private static Vertx vertx;
  private final TestApp app = TestApp.shared();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** A raw bridge socket registered on the address, counting the padded frames it reads. */
  private record Reader(WebSocket ws, AtomicInteger frames, CompletableFuture<Short> closed) {}

  private Reader reader(WebSocketClient client, String address) throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(app.port())
            .setURI("/eventbus/websocket").addHeader("Origin", app.url()))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    AtomicInteger frames = new AtomicInteger();
    CompletableFuture<Short> closed = new CompletableFuture<>();
    ws.handler(buffer -> {
      JsonObject frame = new JsonObject(buffer);
      if ("rec".equals(frame.getString("type")) && frame.getJsonObject("body").containsKey("pad")) {
        frames.incrementAndGet();
      }
    });
    ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    return new Reader(ws, frames, closed);
  }

  private void publish(String address, int n) {
    app.agora().vertx().eventBus().publish(address, new JsonObject().put("type", "presence").put("reading", 0)
        .put("n", n).put("pad", PAD));
  }

  @Test
  @DisplayName("a socket that stops reading is closed with 4008 after a bounded backlog, and a reading socket on the same address still gets every frame")
  void stalledSocketIsClosed() throws Exception {
    String address = LiveOrderTest.talkAddress();
    LiveStats stats = app.agora().services().changes().stats();
    WebSocketClient normal = vertx.createWebSocketClient();
    // a small receive buffer, so that the stalled socket's kernel buffers fill soon
    WebSocketClient small = vertx.createWebSocketClient(new WebSocketClientOptions().setReceiveBufferSize(8 * 1024));
    Reader healthy = reader(normal, address);
    Reader stalled = reader(small, address);
    // both registered once both read a first frame
    int sent = 0;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((healthy.frames().get() == 0 || stalled.frames().get() == 0) && System.nanoTime() < end) {
      publish(address, sent++);
      Thread.sleep(100);
    }
    assertThat(stalled.frames().get()).as("both sockets registered").isPositive();
    Thread.sleep(300); // the last probe arrived
    try {
      measure(address, stats, healthy, stalled, sent);
    } finally {
      stalled.ws().resume();
      healthy.ws().close();
      stalled.ws().close();
    }
  }

  private void measure(String address, LiveStats stats, Reader healthy, Reader stalled, int sent) throws Exception {
    int sentBefore = sent;
    int healthyBefore = healthy.frames().get();
    long stalledBefore = stats.stalled();

    stalled.ws().pause(); // stops reading: its queue, then TCP's buffers, fill up
    int readBeforeStall = stalled.frames().get();
    int whenClosed = -1;
    for (int i = 0; i < 4000 && whenClosed < 0; i++) {
      publish(address, sent++);
      Thread.sleep(2);
      if (stats.stalled() > stalledBefore) {
        whenClosed = sent;
      }
    }
    assertThat(whenClosed).as("the server closed the stalled socket (after %d frames of 16 KB)", sent).isPositive();
    for (int i = 0; i < 100; i++) { // the address keeps being published to
      publish(address, sent++);
      Thread.sleep(2);
    }

    int total = sent - sentBefore;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (healthy.frames().get() - healthyBefore < total && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(healthy.frames().get() - healthyBefore).as("the reading socket got every frame").isEqualTo(total);
    assertThat(healthy.closed()).as("the reading socket stays open").isNotDone();
    assertThat(stats.stalled()).as("exactly one socket was closed as stalled").isEqualTo(stalledBefore + 1);

    stalled.ws().resume(); // it reads again: what was buffered, then the close
    Short code = stalled.closed().get(20, TimeUnit.SECONDS);
    assertThat(code).as("closed as too slow: the page reconnects and catches up").isEqualTo(LiveBridge.STALLED_CODE);
    assertThat(stalled.frames().get() - readBeforeStall)
        .as("after it stopped reading it got only what was buffered before the close, not all %d frames", total)
        .isLessThan(total);
  }
}
