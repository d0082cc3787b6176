package eu.mhealthhub.agora.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.live.EventLog.Event;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Live events reach every socket once each and in commit order, whatever order their transactions'
 * callbacks announce them in: the node's {@link LiveSequencer} holds a later one back until the one
 * before it arrived, or reads it from the event log when it does not arrive in time. Real
 * PostgreSQL, raw WebSocket clients on the bridge.
 */
class LiveOrderTest {

  private static Vertx vertx;
  private static WebSocketClient client;
  private final TestApp app = TestApp.shared();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    client = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** An anonymous raw bridge socket registered on one address, keeping the numbers of the events it receives. */
  record Socket(WebSocket ws, List<Long> seqs) {}

  static Socket socket(WebSocketClient client, int port, String origin, String address) throws Exception {
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
            .setURI("/eventbus/websocket").addHeader("Origin", origin))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    List<Long> seqs = new CopyOnWriteArrayList<>();
    ws.handler(buffer -> {
      JsonObject frame = new JsonObject(buffer);
      if ("rec".equals(frame.getString("type")) && address.equals(frame.getString("address"))
          && frame.getJsonObject("body").containsKey("seq")) {
        seqs.add(frame.getJsonObject("body").getLong("seq"));
      }
    });
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    return new Socket(ws, seqs);
  }

  /** A fresh public address anyone may register: a Talk's. */
  /** {@code n} sockets of {@code client}, each registered on {@code address} of the shared application. */
  private List<Socket> sockets(WebSocketClient client, int n, String address) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sockets.add(socket(client, app.port(), app.url(), address));
    }
    return sockets;
  }

  static String talkAddress() {
    long group = Fixtures.group(Fixtures.unique("order"), false, true);
    return "talk." + Fixtures.talk(Fixtures.unique("order-talk"), group);
  }

  /** Waits until every socket has {@code count} events (or 20 s passed), then a little more for strays. */
  static void awaitAll(List<Socket> sockets, int count) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end && sockets.stream().anyMatch(s -> s.seqs().size() < count)) {
      Thread.sleep(50);
    }
    Thread.sleep(500);
  }

  /** Asserts the socket received exactly the numbers first..last, each once, in that order. */
  static void assertInOrder(String who, List<Long> seqs, long first, long last) {
    List<Long> expected = new ArrayList<>();
    for (long s = first; s <= last; s++) {
      expected.add(s);
    }
    assertThat(seqs).as(who + ": every event once, in commit order").containsExactlyElementsOf(expected);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("events announced out of commit order reach every socket once and in order; one never announced is read from the log")
  void resequencesAndFillsGaps() throws Exception {
    String address = talkAddress();
    ChangeFeed feed = app.agora().services().changes();
    Pool pool = app.agora().services().database().pool();
    List<Socket> sockets = sockets(client, 3, address);
    Thread.sleep(500); // registrations take effect
    // six committed events on the address, each in its own transaction, not announced yet
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      long id = i;
      events.add(await(pool.withTransaction(conn -> feed.log().append(conn, List.of(new Change(address, "test.event", id))))).get(0));
    }
    long first = events.get(0).seq();
    LiveStats stats = feed.stats();
    long fetchedBefore = stats.fetched();
    long droppedBefore = stats.dropped();

    feed.publish(List.of(events.get(0)));
    awaitAll(sockets, 1);
    // announced as late callbacks would: 3, 1, 5, 2; 4 only after the wait (its callback never came in time)
    feed.publish(List.of(events.get(3)));
    feed.publish(List.of(events.get(1)));
    feed.publish(List.of(events.get(5)));
    feed.publish(List.of(events.get(2)));
    awaitAll(sockets, 6);
    feed.publish(List.of(events.get(4)));
    feed.publish(List.of(events.get(2)));
    Thread.sleep(500);

    for (int i = 0; i < sockets.size(); i++) {
      assertInOrder("socket " + i, sockets.get(i).seqs(), first, first + 5);
      sockets.get(i).ws().close();
    }
    assertEquals(fetchedBefore + 1, stats.fetched(), "the event whose announcement did not come was read from the log, once per node");
    assertThat(stats.dropped() - droppedBefore).as("late and repeated announcements are dropped").isGreaterThanOrEqualTo(2);
  }

  @Test
  @DisplayName("200 concurrent commits on one address reach each of 20 sockets exactly once, in commit order")
  void concurrentCommits() throws Exception {
    String address = talkAddress();
    ChangeFeed feed = app.agora().services().changes();
    List<Socket> sockets = sockets(client, 20, address);
    Thread.sleep(500);
    // one committed event first, so that every socket's sequence starts at a known number
    long first = await(feed.transactionWithEvents(conn -> Future.succeededFuture(
        Outcome.of(0L, new Change(address, "test.event", 0))))).events().get(0).seq();
    awaitAll(sockets, 1);

    int commits = 200;
    // started from several event loops at once, as requests on different loops would be
    Vertx writers = Vertx.vertx();
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 1; i <= commits; i++) {
        long id = i;
        io.vertx.core.Promise<Object> done = io.vertx.core.Promise.promise();
        writers.getOrCreateContext().runOnContext(v -> feed.transaction(conn -> conn.query("SELECT pg_sleep(random() / 200)").execute()
                .map(r -> Outcome.of(id, new Change(address, "test.event", id))))
            .onComplete(r -> done.handle(r.map(x -> (Object) x))));
        all.add(done.future());
      }
      await(Future.all(all));
    } finally {
      writers.close();
    }
    awaitAll(sockets, commits + 1);
    for (int i = 0; i < sockets.size(); i++) {
      assertInOrder("socket " + i, sockets.get(i).seqs(), first, first + commits);
      sockets.get(i).ws().close();
    }
  }

  @Test
  @DisplayName("events fanned out in several slices (600 sockets on the node's bridges) reach every socket once, in order")
  void slicedFanOut() throws Exception {
    String address = talkAddress();
    ChangeFeed feed = app.agora().services().changes();
    WebSocketClient many = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions().setMaxConnections(1000));
    List<Socket> sockets = sockets(many, 600, address);
    Thread.sleep(1000);
    int events = 5;
    long first = -1;
    for (int i = 0; i < events; i++) {
      long id = i;
      long seq = await(feed.transactionWithEvents(conn -> Future.succeededFuture(
          Outcome.of(id, new Change(address, "test.event", id))))).events().get(0).seq();
      first = first < 0 ? seq : first;
    }
    awaitAll(sockets, events);
    try {
      for (int i = 0; i < sockets.size(); i++) {
        assertInOrder("socket " + i, sockets.get(i).seqs(), first, first + events - 1);
      }
    } finally {
      sockets.forEach(s -> s.ws().close());
      many.close();
    }
  }
}
