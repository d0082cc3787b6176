package eu.mhealthhub.agora.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Listening;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
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
 * address as a load balancer would put them. The access tests change who may read something
 * through node 1 while raw bridge clients listen on node 2, then make a change that would be
 * announced: no frame of it may reach a socket that lost the right to read it.
 */
@SlowTest
class ClusterTest {

  private static TestApp.Pair nodes;
  private static TestApp node1;
  private static TestApp node2;
  private static int hazelcast1;
  private static Vertx client;

  @BeforeAll
  static void start() {
    nodes = TestApp.clustered(Map.of());
    node1 = nodes.first();
    node2 = nodes.second();
    hazelcast1 = nodes.firstClusterPort();
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    nodes.close();
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
    assertThat(onNode2.html().select(".member-name").text()).as("the session is shared by the cluster")
        .isEqualTo("Dr Jonas Becker");

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

  /** A raw bridge client on a node, with the session of a browser signed in anywhere in the cluster. */
  private record Socket(WebSocket ws, BlockingQueue<JsonObject> frames, java.util.concurrent.CompletableFuture<Void> closed) {
    void register(String address) {
      ws.writeTextMessage(new JsonObject().put("type", "register").put("address", address).encode());
    }

    /** The next frame that is not a pong, or null after the wait. */
    JsonObject next(long seconds) throws InterruptedException {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      JsonObject f;
      do {
        f = frames.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      } while (f != null && "pong".equals(f.getString("type")));
      return f;
    }

    /**
     * Waits for the delivery of one change on an address, then until the socket has been quiet for
     * a second, so that nothing sent before the next step is still on its way.
     */
    void await(String address, String type, long id) throws InterruptedException {
      boolean seen = false;
      for (JsonObject f = next(seen ? 1 : 10); f != null; f = next(seen ? 1 : 10)) {
        seen |= "rec".equals(f.getString("type")) && address.equals(f.getString("address"))
            && type.equals(f.getJsonObject("body").getString("type")) && id == f.getJsonObject("body").getLong("id", -1L);
      }
      assertTrue(seen, "no " + type + " " + id + " on " + address);
    }
  }

  private Socket socket(TestApp node, Browser b) throws Exception {
    String session = b.cookie("localhost", "agora_session");
    WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(node.port()).setURI("/eventbus/websocket").addHeader("Origin", node1.url())
            .addHeader("Cookie", "agora_session=" + session))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    ws.handler(buffer -> frames.add(new JsonObject(buffer)));
    ws.closeHandler(v -> closed.complete(null));
    return new Socket(ws, frames, closed);
  }

  private static long thread(long groupId, String title) {
    return TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id",
        groupId, title, Fixtures.demoMember("demo-maria"));
  }

  /** Maria (site admin) posts through node 1; returns the post's id. */
  private long post(Browser maria, long threadId, String text) {
    Response posted = maria.request("POST", node1.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", text).encode(), "X-CSRF-Token", maria.get(node1.url("/me")).inputValue("_csrf"));
    assertEquals(201, posted.status(), posted.body());
    return new JsonObject(posted.body()).getLong("id");
  }

  /** Everything that reaches the socket within a few seconds: it must not be a delivery of any change. */
  private static void assertNothingDelivered(Socket s, String why) throws Exception {
    s.closed.get(10, TimeUnit.SECONDS);
    for (JsonObject f = s.next(1); f != null; f = s.next(1)) {
      assertNotEquals("rec", f.getString("type"), why + ": " + f.encode());
    }
  }

  private Browser signedIn(String subject) {
    Browser b = new Browser();
    node1.signIn(b, subject);
    return b;
  }

  private Browser newcomer(String name) {
    return newcomer(name, 0, null);
  }

  /** A new person signed in through node 1 and, when {@code role} is given, in the group with it. */
  private Browser newcomer(String name, long groupId, String role) {
    Browser b = new Browser();
    long id = node1.signInNew(b, name, Fixtures.unique("cluster") + "@example.org");
    if (role != null) {
      Fixtures.member(groupId, id, role);
    }
    return b;
  }

  @Test
  @DisplayName("when a public group becomes closed, outsiders' sockets on the other node are closed before any later change reaches them; members keep receiving")
  void groupClosed() throws Exception {
    String slug = Fixtures.unique("closing");
    long groupId = Fixtures.group(slug, false, true);
    long threadId = thread(groupId, "Soon closed");
    Browser maria = signedIn("demo-maria");
    Browser insider = newcomer("Ines Insider", groupId, "member");
    Browser outsider = newcomer("Otto Outsider");
    Socket out = socket(node2, outsider);
    Socket in = socket(node2, insider);
    for (Socket s : List.of(out, in)) {
      s.register("group." + groupId);
      s.register("thread." + threadId);
    }
    Thread.sleep(1000); // registrations spread to the cluster
    long before = post(maria, threadId, "While the group is public");
    out.await("thread." + threadId, "post.created", before);
    in.await("thread." + threadId, "post.created", before);
    in.frames.clear();

    Response form = maria.get(node1.url("/groups/" + slug + "/edit"));
    Response closed = maria.post(node1.url("/groups/" + slug + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
        "name", "Group " + slug, "purpose", "A group made by a test.", "visibility", "closed", "joinPolicy", "open"));
    assertEquals(303, closed.status(), closed.body());
    long after = post(maria, threadId, "Now that the group is closed");

    in.await("thread." + threadId, "post.created", after);
    assertNothingDelivered(out, "an outsider's socket after the group closed");
    assertFalse(in.closed.isDone(), "a member's socket stays open");
    Socket again = socket(node2, outsider);
    again.register("thread." + threadId);
    assertEquals("err", again.next(5).getString("type"), "registering again is refused");
    again.ws.close();
    in.ws.close();
  }

  @Test
  @DisplayName("a thread moved into a closed group: outsiders' sockets on the other node are closed, nothing later reaches them, and they leave its presence")
  void threadMoved() throws Exception {
    long from = Fixtures.group(Fixtures.unique("movefrom"), false, true);
    String toSlug = Fixtures.unique("moveto");
    long to = Fixtures.group(toSlug, true, false);
    long threadId = thread(from, "Moving soon");
    Browser maria = signedIn("demo-maria");
    Browser outsider = newcomer("Mo Mover");
    Socket out = socket(node2, outsider);
    out.register("thread." + threadId);
    Thread.sleep(1000);
    Response present = outsider.post(node2.url("/live/presence"), Map.of("_csrf", outsider.get(node2.url("/me")).inputValue("_csrf"),
        "threadId", Long.toString(threadId), "typing", "true"));
    assertEquals(200, present.status(), present.body());
    assertTrue(new JsonObject(present.body()).getJsonArray("names").contains("Mo Mover"));
    JsonObject own = out.next(5);
    assertEquals("presence", own.getJsonObject("body").getString("type"), "one's own presence arrives while allowed: " + own);

    Response moved = maria.post(node1.url("/threads/" + threadId + "/move"), Map.of("_csrf", maria.get(node1.url("/me")).inputValue("_csrf"),
        "group", toSlug));
    assertEquals(303, moved.status(), moved.body());
    assertEquals(to, TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", threadId));
    post(maria, threadId, "In the closed group now");

    assertNothingDelivered(out, "an outsider's socket after the thread moved into a closed group");
    Response mariaPresent = maria.post(node1.url("/live/presence"), Map.of("_csrf", maria.get(node1.url("/me")).inputValue("_csrf"),
        "threadId", Long.toString(threadId), "typing", "false"));
    assertEquals(200, mariaPresent.status(), mariaPresent.body());
    JsonObject summary = new JsonObject(mariaPresent.body());
    assertFalse(summary.getJsonArray("names").contains("Mo Mover"), "the outsider left the presence list: " + summary);
    assertFalse(summary.getJsonArray("typing").contains("Mo Mover"), summary.encode());
  }

  @Test
  @DisplayName("a moderator removes a member with a reason: logged, the member's sockets on the other node closed at once, nothing later delivered")
  void memberRemoved() throws Exception {
    String slug = Fixtures.unique("removal");
    long groupId = Fixtures.group(slug, true, false);
    long threadId = thread(groupId, "Members only");
    Browser maria = signedIn("demo-maria");
    Browser member = newcomer("Rex Removed", groupId, "member");
    long memberId = TestDatabase.count("SELECT member_id FROM group_memberships WHERE group_id = ?", groupId);
    Socket s = socket(node2, member);
    s.register("group." + groupId);
    s.register("thread." + threadId);
    Thread.sleep(1000);
    long before = post(maria, threadId, "Before the removal");
    s.await("thread." + threadId, "post.created", before);

    String csrf = maria.get(node1.url("/me")).inputValue("_csrf");
    Response noReason = maria.post(node1.url("/groups/" + slug + "/members/" + memberId + "/remove"), Map.of("_csrf", csrf, "reason", " "));
    assertEquals(400, noReason.status(), "a reason is required");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM group_memberships WHERE group_id = ? AND member_id = ?", groupId, memberId));
    assertFalse(s.closed.isDone(), "a refused removal changes nothing");

    Response removed = maria.post(node1.url("/groups/" + slug + "/members/" + memberId + "/remove"),
        Map.of("_csrf", csrf, "reason", "Posted a vendor's price list"));
    assertEquals(303, removed.status(), removed.body());
    post(maria, threadId, "After the removal");

    assertNothingDelivered(s, "a removed member's socket");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM group_memberships WHERE group_id = ? AND member_id = ?", groupId, memberId));
    assertEquals("Posted a vendor's price list", TestDatabase.text("""
        SELECT detail FROM moderation_log WHERE group_id = ? AND action = 'member.remove' AND target_id = ?""", groupId, memberId));
    assertEquals(404, member.get(node2.url("/threads/" + threadId)).status());
  }

  @Test
  @DisplayName("a node that never heard of an access change learns it from the log when a later event names it, and delivers nothing before re-checking")
  void missedNotice() throws Exception {
    long groupId = Fixtures.group(Fixtures.unique("silent"), false, true);
    long threadId = thread(groupId, "Closed behind the bus's back");
    Browser maria = signedIn("demo-maria");
    Browser outsider = newcomer("Sid Silent");
    Socket out = socket(node2, outsider);
    out.register("thread." + threadId);
    Thread.sleep(1000);
    // what a node that crashed between its commit and its announcement leaves behind
    TestDatabase.update("""
        WITH closed AS (UPDATE working_groups SET visibility = 'closed' WHERE id = ? RETURNING id)
        INSERT INTO access_changes (epoch, scopes, members)
        SELECT COALESCE(max(epoch), 0) + 1, ARRAY['group.' || (SELECT id FROM closed)], '{}' FROM access_changes""", groupId);
    post(maria, threadId, "Nobody announced the closing");
    assertNothingDelivered(out, "an outsider's socket after an unannounced closing");
  }

  @Test
  @DisplayName("a member who leaves a closed group through node 1 has their socket on node 2 closed before any later change; one demoted from moderator keeps receiving")
  void leftAndDemoted() throws Exception {
    String slug = Fixtures.unique("leaving");
    long groupId = Fixtures.group(slug, true, false);
    long threadId = thread(groupId, "Members only, for now");
    Browser maria = signedIn("demo-maria");
    Browser leaver = newcomer("Lou Leaver", groupId, "member");
    Browser demoted = newcomer("Dee Moted", groupId, "moderator");
    long demotedId = TestDatabase.count("SELECT member_id FROM group_memberships WHERE group_id = ? AND role = 'moderator'", groupId);
    Socket out = socket(node2, leaver);
    Socket kept = socket(node2, demoted);
    for (Socket s : List.of(out, kept)) {
      s.register("thread." + threadId);
    }
    Thread.sleep(1000);
    long before = post(maria, threadId, "Before anyone leaves");
    out.await("thread." + threadId, "post.created", before);
    kept.await("thread." + threadId, "post.created", before);

    assertEquals(303, leaver.post(node1.url("/groups/" + slug + "/leave"),
        Map.of("_csrf", leaver.get(node1.url("/me")).inputValue("_csrf"))).status());
    assertEquals(303, maria.post(node1.url("/groups/" + slug + "/members/" + demotedId + "/role"),
        Map.of("_csrf", maria.get(node1.url("/me")).inputValue("_csrf"), "role", "member")).status());
    long after = post(maria, threadId, "After one left and one was demoted");

    assertNothingDelivered(out, "the socket of a member who left");
    kept.await("thread." + threadId, "post.created", after);
    assertFalse(kept.closed.isDone(), "a member who may still read keeps the socket after the re-check");
    kept.ws.close();
  }

  @Test
  @DisplayName("concurrent commits on both nodes on one address reach sockets on both nodes exactly once each, in commit order")
  void commitOrderAcrossNodes() throws Exception {
    String address = LiveOrderTest.talkAddress();
    io.vertx.core.http.WebSocketClient ws = client.createWebSocketClient();
    List<LiveOrderTest.Socket> sockets = new java.util.ArrayList<>();
    for (TestApp node : List.of(node1, node2, node1, node2)) {
      sockets.add(LiveOrderTest.socket(ws, node.port(), node1.url(), address));
    }
    Thread.sleep(1000); // the registrations take effect
    ChangeFeed feed1 = node1.agora().services().changes();
    ChangeFeed feed2 = node2.agora().services().changes();
    long first = feed1.transactionWithEvents(conn -> io.vertx.core.Future.succeededFuture(
            ChangeFeed.Outcome.of(0L, new ChangeFeed.Change(address, "test.event", 0))))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).events().get(0).seq();
    LiveOrderTest.awaitAll(sockets, 1);

    int commits = 100;
    List<io.vertx.core.Future<?>> all = new java.util.ArrayList<>();
    for (int i = 1; i <= commits; i++) {
      long id = i;
      ChangeFeed feed = i % 2 == 0 ? feed1 : feed2;
      all.add(feed.transaction(conn -> conn.query("SELECT pg_sleep(random() / 200)").execute()
          .map(r -> ChangeFeed.Outcome.of(id, new ChangeFeed.Change(address, "test.event", id)))));
    }
    io.vertx.core.Future.all(all).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    LiveOrderTest.awaitAll(sockets, commits + 1);
    for (int i = 0; i < sockets.size(); i++) {
      LiveOrderTest.assertInOrder("socket " + i + " on node " + (i % 2 + 1), sockets.get(i).seqs(), first, first + commits);
      sockets.get(i).ws().close();
    }
  }
}
