package eu.mhealthhub.agora.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Listening;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two Agora nodes on one PostgreSQL, clustered over Hazelcast on loopback, behind one public
 * address as a load balancer would put them.
 */
class ClusterTest {

  private static TestApp node1;
  private static TestApp node2;
  private static int hazelcast1;
  private static Vertx client;

  @BeforeAll
  static void start() {
    TestApp.shared(); // migrations and demo content on the shared database
    int port1 = TestApp.freePort();
    int port2 = TestApp.freePort();
    int hz1 = TestApp.freePort();
    hazelcast1 = hz1;
    int hz2 = TestApp.freePort();
    String members = "127.0.0.1:" + hz1 + ",127.0.0.1:" + hz2;
    String publicUrl = "http://localhost:" + port1;
    node1 = TestApp.start(port1, Map.of("AGORA_CLUSTER_MEMBERS", members, "AGORA_CLUSTER_PORT", Integer.toString(hz1),
        "AGORA_PUBLIC_URL", publicUrl), Clock.systemUTC(), r -> { });
    node2 = TestApp.start(port2, Map.of("AGORA_CLUSTER_MEMBERS", members, "AGORA_CLUSTER_PORT", Integer.toString(hz2),
        "AGORA_PUBLIC_URL", publicUrl), Clock.systemUTC(), r -> { });
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    node2.close();
    node1.close();
  }

  @Test
  @DisplayName("Hazelcast's member port listens on the cluster host (127.0.0.1) only, not on every interface")
  void hazelcastBindsTheClusterHostOnly() throws Exception {
    assertTrue(Listening.accepts(InetAddress.getByName("127.0.0.1"), hazelcast1), "the member port is open on loopback");
    Optional<Set<String>> bound = Listening.boundAddresses(hazelcast1);
    bound.ifPresent(addresses -> assertEquals(Set.of("127.0.0.1"), addresses, "the kernel's socket table"));
    Optional<InetAddress> other = Listening.otherLocalAddress();
    other.ifPresent(address -> assertFalse(Listening.accepts(address, hazelcast1), "not reachable on " + address));
    assertTrue(bound.isPresent() || other.isPresent(), "nothing could tell where Hazelcast is bound");
    assertTrue(node1.agora().summary().contains("cluster node 127.0.0.1:" + hazelcast1 + " (cluster name agora)"),
        node1.agora().summary());
  }

  @Test
  @DisplayName("requests with made-up session cookies add nothing to the cluster's sessions")
  void strayCookiesStoreNothing() throws Exception {
    int before = node1.agora().sessions().size().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 20; i++) {
      Browser stray = new Browser();
      stray.addCookie("localhost", "agora_session", "made-up-session-id-" + i + "-0123456789abcdefghijklmnop");
      assertEquals(200, stray.get(node1.url("/")).status());
    }
    assertEquals(before, node1.agora().sessions().size().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
  }

  @Test
  @DisplayName("a member signed in through node 1 is signed in on node 2, and a post made through node 1 reaches a socket on node 2")
  void twoNodes() throws Exception {
    Browser b = new Browser();
    node1.signIn(b, "demo-jonas");
    String session = b.cookie("localhost", "agora_session");
    Response onNode2 = b.get(node2.url("/"));
    assertTrue(onNode2.body().contains("Dr Jonas Becker"), "the session is shared by the cluster");

    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Patient-reported outcomes worth measuring'");
    WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(node2.port()).setURI("/eventbus/websocket").addHeader("Origin", node1.url())
            .addHeader("Cookie", "agora_session=" + session))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    ws.handler(buffer -> frames.add(new JsonObject(buffer)));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "thread." + threadId).encode());
    Thread.sleep(1000); // the registration spreads to the cluster

    String csrf = b.get(node1.url("/me")).inputValue("_csrf");
    Response posted = b.request("POST", node1.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Across the cluster").encode(), "X-CSRF-Token", csrf, "Origin", node1.url());
    assertEquals(201, posted.status(), posted.body());
    long postId = new JsonObject(posted.body()).getLong("id");
    JsonObject frame = frames.poll(10, TimeUnit.SECONDS);
    assertNotNull(frame, "the change reached node 2");
    assertEquals("rec", frame.getString("type"), frame.encode());
    assertEquals(postId, frame.getJsonObject("body").getLong("id"));
    ws.close();
  }
}
