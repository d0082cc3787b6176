package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Suspension on a two-node cluster (Hazelcast on loopback, one PostgreSQL, one public address as a
 * load balancer would give them, as in ClusterTest): a moderator suspends a member through node 1
 * while the member holds an open live socket on node 2.
 */
@SlowTest
class SuspensionNodesTest {

  private static TestApp.Pair nodes;
  private static TestApp node1;
  private static TestApp node2;
  private static Vertx client;

  @BeforeAll
  static void start() {
    nodes = TestApp.clustered(Map.of());
    node1 = nodes.first();
    node2 = nodes.second();
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    nodes.close();
  }

  @Test
  @DisplayName("a moderator suspends a member through node 1: the member's open live socket on node 2 is closed within a second, and their next request there is signed out")
  void socketOnOtherNodeClosed() throws Exception {
    String slug = Fixtures.unique("nodes");
    long groupId = Fixtures.group(slug, false, true);
    Browser moderator = new Browser();
    long moderatorId = node1.signInNew(moderator, "Nora Nodes", Fixtures.unique("nora") + "@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    Browser member = new Browser();
    long memberId = node1.signInNew(member, "Axel Author", Fixtures.unique("axel") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    assertThat(member.get(node2.url("/me")).status()).as("signed in on node 2 too").isEqualTo(200);

    String session = member.cookie("localhost", "agora_session");
    WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(node2.port()).setURI("/eventbus/websocket").addHeader("Origin", node1.url())
            .addHeader("Cookie", "agora_session=" + session))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(null));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "group." + groupId).encode());
    Thread.sleep(1000);
    assertThat(closed).as("the socket is open before the suspension").isNotDone();

    String handle = Fixtures.handle(memberId);
    String csrf = moderator.get(node1.url("/members/" + handle + "/suspension")).inputValue("_csrf");
    Response suspended = moderator.post(node1.url("/members/" + handle + "/suspension"),
        Map.of("_csrf", csrf, "period", "1d", "reason", "Doxxing another member"));
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(303);
    long answered = System.nanoTime();
    closed.get(1, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered)).isLessThanOrEqualTo(1000);

    Response me = member.get(node2.url("/me"));
    assertThat(me.status()).isEqualTo(302);
    assertThat(URI.create(me.location()).getPath()).isEqualTo("/auth/login");
    assertThat(TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND ended_at IS NULL", memberId)).isZero();
  }
}
