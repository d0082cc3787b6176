package eu.mhealthhub.agora.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The event-bus bridge, driven by a raw WebSocket client as an attacker would. */
class LiveBridgeTest {

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

  /** A socket with the browser's session; frames arrive as JSON on the queue. */
  private record Socket(WebSocket ws, BlockingQueue<JsonObject> frames) {
    void send(JsonObject frame) {
      ws.writeTextMessage(frame.encode());
    }

    JsonObject next() throws InterruptedException {
      JsonObject f = frames.poll(5, TimeUnit.SECONDS);
      assertNotNull(f, "a frame within 5 s");
      return f;
    }

    JsonObject nextRec() throws InterruptedException {
      JsonObject f;
      do {
        f = next();
      } while ("pong".equals(f.getString("type")));
      return f;
    }
  }

  private Socket connect(Browser b, String origin) throws Exception {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost("localhost").setPort(app.port())
        .setURI("/eventbus/websocket").addHeader("Origin", origin);
    String session = b.cookie("localhost", "agora_session");
    if (session != null) {
      o.addHeader("Cookie", "agora_session=" + session);
    }
    WebSocket ws = client.connect(o).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    ws.handler(buffer -> frames.add(new JsonObject(buffer)));
    return new Socket(ws, frames);
  }

  @Test
  @DisplayName("a member registered on a thread receives its changes after commit, with their numbers")
  void receivesChanges() throws Exception {
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Is a randomised trial always needed for a low-risk app?'");
    Socket s = connect(jonas, app.url());
    s.send(new JsonObject().put("type", "register").put("address", "thread." + threadId));
    Thread.sleep(300);
    Response r = jonas.request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Live!").encode(), "X-CSRF-Token", app.csrf(jonas));
    assertEquals(201, r.status(), r.body());
    long postId = new JsonObject(r.body()).getLong("id");
    JsonObject frame = s.nextRec();
    assertEquals("rec", frame.getString("type"), frame.encode());
    assertEquals("thread." + threadId, frame.getString("address"));
    JsonObject body = frame.getJsonObject("body");
    assertEquals("post.created", body.getString("type"));
    assertEquals(postId, body.getLong("id"));
    assertTrue(body.getLong("seq") > 0);
    s.ws().close();
  }

  @Test
  @DisplayName("a member registered on a consensus document receives its changes")
  void receivesDocumentChanges() throws Exception {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    Response form = pieter.get(app.url("/groups/assessment/documents/new"));
    Response created = pieter.post(app.url("/groups/assessment/documents"), java.util.Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", Fixtures.unique("Bridge document"), "body", "# Scope\n\nText.",
        "summary", "", "action", "save"));
    assertEquals(303, created.status(), created.body());
    long documentId = Long.parseLong(created.location().replaceAll(".*/documents/(\\d+).*", "$1"));
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    Socket s = connect(jonas, app.url());
    s.send(new JsonObject().put("type", "register").put("address", "document." + documentId));
    Thread.sleep(300);
    assertEquals(303, pieter.post(app.url("/documents/" + documentId + "/status"), java.util.Map.of("_csrf", app.csrf(pieter),
        "from", "draft", "to", "open", "note", "")).status());
    JsonObject frame = s.nextRec();
    assertEquals("rec", frame.getString("type"), "document addresses are permitted outbound: " + frame.encode());
    assertEquals("document." + documentId, frame.getString("address"));
    assertEquals("status.changed", frame.getJsonObject("body").getString("type"));
    s.ws().close();
  }

  @Test
  @DisplayName("anyone may register a Talk's room and receives its changes with the number its JSON answer named; a missing Talk is refused")
  void talkRooms() throws Exception {
    long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    String slug = Fixtures.unique("bridge-talk");
    long talkId = Fixtures.talk(slug, groupId);
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE id = ?", talkId);
    Socket s = connect(new Browser(), app.url());
    s.send(new JsonObject().put("type", "register").put("address", "talk." + talkId));
    s.send(new JsonObject().put("type", "register").put("address", "talk.999999999"));
    JsonObject refused = s.next();
    assertEquals("err", refused.getString("type"), refused.encode());
    Browser member = new Browser();
    app.signInNew(member, "Bridge " + slug, slug + "@example.org");
    Response r = member.post(app.url("/talks/" + slug + "/messages"), java.util.Map.of("_csrf", app.csrf(member),
        "body", "Hello, room"), "Accept", "application/json");
    assertEquals(200, r.status(), r.body());
    JsonObject answer = new JsonObject(r.body());
    JsonObject frame = s.nextRec();
    assertEquals("talk." + talkId, frame.getString("address"), frame.encode());
    assertEquals("message.created", frame.getJsonObject("body").getString("type"));
    assertEquals(answer.getLong("id"), frame.getJsonObject("body").getLong("id"));
    assertEquals(answer.getLong("seq"), frame.getJsonObject("body").getLong("seq"));
    s.ws().close();
  }

  @Test
  @DisplayName("registering on a closed group's or another member's address, or sending anything, is refused")
  void refusals() throws Exception {
    String slug = Fixtures.unique("bridgesecret");
    long groupId = Fixtures.group(slug, true, false);
    long secretThread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, 'Secret', ?) RETURNING id",
        groupId, Fixtures.demoMember("demo-maria"));
    Browser outsider = new Browser();
    long me = app.signInNew(outsider, "Bea Bridge", Fixtures.unique("bea") + "@example.org");
    Socket s = connect(outsider, app.url());
    for (String address : new String[] {"group." + groupId, "thread." + secretThread,
        "member." + Fixtures.demoMember("demo-amelie"), "groups", "agora.internal"}) {
      s.send(new JsonObject().put("type", "register").put("address", address));
      JsonObject f = s.nextRec();
      assertEquals("err", f.getString("type"), address + ": " + f.encode());
      // "rejected": our check said no; "access_denied": the address is not even permitted outbound
      assertTrue(java.util.Set.of("rejected", "access_denied").contains(f.getString("body")), address + ": " + f.encode());
    }
    s.send(new JsonObject().put("type", "publish").put("address", "thread." + secretThread).put("body", new JsonObject()));
    assertEquals("err", s.nextRec().getString("type"), "publishing is refused");
    s.send(new JsonObject().put("type", "send").put("address", "member." + me).put("body", new JsonObject()));
    assertEquals("err", s.nextRec().getString("type"), "sending is refused");

    s.send(new JsonObject().put("type", "register").put("address", "member." + me));
    Thread.sleep(300);
    String open = Fixtures.unique("bridgeopen");
    Fixtures.group(open, false, true);
    assertEquals(303, outsider.post(app.url("/groups/" + open + "/join"), java.util.Map.of("_csrf", app.csrf(outsider))).status());
    JsonObject f = s.nextRec();
    assertEquals("rec", f.getString("type"), "one's own address is allowed: " + f.encode());
    assertEquals("member." + me, f.getString("address"));
    assertEquals("membership.changed", f.getJsonObject("body").getString("type"));
    s.ws().close();
  }

  @Test
  @DisplayName("a socket from another origin is not accepted")
  void otherOrigin() throws Exception {
    Browser b = new Browser();
    app.signIn(b, "demo-jonas");
    try {
      Socket s = connect(b, "https://evil.example");
      s.ws().close();
      throw new AssertionError("a foreign origin was accepted");
    } catch (java.util.concurrent.ExecutionException expected) {
      assertTrue(expected.getCause().getMessage().contains("403") || expected.getCause().getMessage().toLowerCase().contains("handshake"),
          expected.getCause().getMessage());
    }
  }

  @Test
  @DisplayName("a member who leaves a closed group, or signs out, has their sockets closed; registering again is refused")
  void membershipChangeClosesSockets() throws Exception {
    String slug = Fixtures.unique("bridgeleave");
    long groupId = Fixtures.group(slug, true, false);
    Browser member = new Browser();
    long me = app.signInNew(member, "Lea Leaver", Fixtures.unique("lea") + "@example.org");
    Fixtures.member(groupId, me, "member");
    Socket s = connect(member, app.url());
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    s.ws().closeHandler(v -> closed.complete(null));
    s.send(new JsonObject().put("type", "register").put("address", "group." + groupId));
    Thread.sleep(300);
    assertEquals(303, member.post(app.url("/groups/" + slug + "/leave"), java.util.Map.of("_csrf", app.csrf(member))).status());
    closed.get(5, TimeUnit.SECONDS);

    Socket again = connect(member, app.url());
    again.send(new JsonObject().put("type", "register").put("address", "group." + groupId));
    assertEquals("err", again.nextRec().getString("type"), "no longer a member: refused");

    java.util.concurrent.CompletableFuture<Void> signedOut = new java.util.concurrent.CompletableFuture<>();
    again.ws().closeHandler(v -> signedOut.complete(null));
    assertEquals(303, member.post(app.url("/auth/logout"), java.util.Map.of("_csrf", app.csrf(member))).status());
    signedOut.get(5, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a WebSocket upgrade without an Origin is refused with 403, not an error")
  void noOrigin() throws Exception {
    try {
      client.connect(new WebSocketConnectOptions().setHost("localhost").setPort(app.port()).setURI("/eventbus/websocket")
              .setAllowOriginHeader(false))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).close();
      throw new AssertionError("an upgrade without Origin was accepted");
    } catch (java.util.concurrent.ExecutionException expected) {
      assertTrue(expected.getCause().getMessage().contains("403"), expected.getCause().getMessage());
    }
    Response post = new Browser().postRaw(app.url("/eventbus/123/abcdefgh/xhr_send"), "text/plain", "[\"x\"]".getBytes());
    assertEquals(403, post.status(), "an XHR send without Origin");
  }

  @Test
  @DisplayName("the info probe names only Agora's origin, and the unused SockJS transports (JSONP, htmlfile, EventSource, iframe) answer 404")
  void transports() {
    Browser b = new Browser();
    Response info = b.get(app.url("/eventbus/info"));
    assertEquals(200, info.status());
    JsonObject json = new JsonObject(info.body());
    assertEquals(new io.vertx.core.json.JsonArray().add(app.url()), json.getJsonArray("origins"), info.body());
    assertTrue(json.getBoolean("websocket"));
    for (String path : new String[] {"/eventbus/123/abcdefgh/jsonp?c=cb", "/eventbus/123/abcdefgh/htmlfile?c=cb",
        "/eventbus/123/abcdefgh/eventsource", "/eventbus/iframe.html", "/eventbus/iframe-abc.html"}) {
      assertEquals(404, b.get(app.url(path), "Origin", app.url()).status(), path);
    }
    assertEquals(200, b.request("POST", app.url("/eventbus/123/abcdefgh/xhr"), "text/plain", "", "Origin", app.url()).status(),
        "XHR polling stays: it is the fallback pages use");
  }
}
