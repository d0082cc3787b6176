package eu.mhealthhub.agora.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rate limits over HTTP, on an Agora of their own with small limits: each refusal is a 429 with
 * Retry-After and a readable page (or a JSON body on the API), and stores nothing.
 */
class RateLimitTest {

  private static TestApp app;

  @BeforeAll
  static void start() {
    TestApp.shared(); // migrations and demo content on the shared database
    app = TestApp.start(Map.of("AGORA_RATE_LIMITS",
        "post=2/1h,thread=1/1h,reaction=2/1h,search=2/1h,signin=off,callback=off,bridge=2/1h"), Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() {
    app.close();
    // the anonymous buckets are keyed by the loopback address every test shares
    TestDatabase.update("DELETE FROM rate_buckets WHERE subject LIKE 'address:%'");
  }

  /** A public group with a fresh member signed in. */
  private record Member(Browser browser, String slug, long id) {}

  private static Member member(String prefix) {
    String slug = Fixtures.unique(prefix);
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long id = app.signInNew(b, "Rita " + slug, slug + "@example.org");
    Fixtures.member(groupId, id, "member");
    return new Member(b, slug, id);
  }

  private static Response newThread(Member m, String title) {
    Response form = m.browser().get(app.url("/groups/" + m.slug() + "/threads/new"));
    return m.browser().postMultipart(app.url("/groups/" + m.slug() + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", "Opening words.", "action", "post"), List.of());
  }

  private static Response reply(Member m, long threadId, String body) {
    return m.browser().postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(m.browser()),
        "clientToken", Fixtures.unique("c"), "action", "post", "body", body), List.of());
  }

  private static long threadIn(Response created) {
    assertEquals(303, created.status(), created.body());
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
    assertThat(m.find()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static void assertRefused(Response r, String text) {
    assertEquals(429, r.status(), r.body());
    assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
    assertThat(r.html().select("main h1").text()).isEqualTo("Too many requests");
    assertThat(r.mainText()).contains(text);
  }

  @Test
  @DisplayName("a member's reply beyond the post limit is a 429 page with Retry-After, and no post is stored")
  void replies() {
    Member m = member("rl-reply");
    long threadId = threadIn(newThread(m, "Limits of replies"));
    assertEquals(303, reply(m, threadId, "The second post of the hour.").status());
    Response refused = reply(m, threadId, "One post too many.");
    assertRefused(refused, "You can post once every few seconds");
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 3600);
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
  }

  @Test
  @DisplayName("a double-click and previews spend no post token: the second click lands on the first post, previews cost nothing")
  void doubleClickAndPreviews() {
    Member m = member("rl-click");
    long threadId = threadIn(newThread(m, "Limits and double-clicks"));
    String csrf = app.csrf(m.browser());
    for (int i = 0; i < 3; i++) {
      Response preview = m.browser().postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", csrf,
          "clientToken", "p" + i, "action", "preview", "body", "Looking at it first."), List.of());
      assertEquals(200, preview.status(), "a preview is no post");
    }
    Map<String, String> once = Map.of("_csrf", csrf, "clientToken", Fixtures.unique("twice"), "action", "post",
        "body", "Clicked twice.");
    Response first = m.browser().postMultipart(app.url("/threads/" + threadId + "/posts"), once, List.of());
    Response second = m.browser().postMultipart(app.url("/threads/" + threadId + "/posts"), once, List.of());
    assertEquals(303, first.status(), first.body());
    assertEquals(303, second.status(), "the second click finds the first post, it is not refused");
    assertEquals(first.location(), second.location());
    // the thread's opening post and this reply took the two tokens of the hour: the next is refused
    assertRefused(reply(m, threadId, "One too many."), "You can post once every few seconds");
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
  }

  @Test
  @DisplayName("a new thread beyond the thread limit is a 429 with Retry-After, and no thread is stored")
  void threads() {
    Member m = member("rl-thread");
    threadIn(newThread(m, "The thread of the hour"));
    Response refused = newThread(m, "A thread too many");
    assertRefused(refused, "You have started as many threads as Agora allows");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM threads WHERE author_id = ?", m.id()));
  }

  @Test
  @DisplayName("the API answers a reply beyond the limit with 429, Retry-After and a JSON problem body, and stores nothing")
  void api() {
    Member m = member("rl-api");
    long threadId = threadIn(newThread(m, "Limits through the API"));
    String csrf = app.csrf(m.browser());
    Response ok = m.browser().request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Through the API").encode(), "X-CSRF-Token", csrf, "Origin", app.url());
    assertEquals(201, ok.status(), ok.body());
    Response refused = m.browser().request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Too many through the API").encode(), "X-CSRF-Token", csrf, "Origin", app.url());
    assertEquals(429, refused.status(), refused.body());
    assertThat(Integer.parseInt(refused.header("Retry-After"))).isPositive();
    assertThat(refused.header("Content-Type")).startsWith("application/json");
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertEquals(429, error.getInteger("status"));
    assertThat(error.getString("message")).contains("You can post once every few seconds");
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
  }

  @Test
  @DisplayName("reactions beyond the limit are refused with 429 and Retry-After, and no reaction is stored")
  void reactions() {
    Member author = member("rl-react");
    long threadId = threadIn(newThread(author, "Something to react to"));
    assertEquals(303, reply(author, threadId, "And a second post.").status());
    long first = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
    long second = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 2", threadId);
    Browser b = author.browser();
    String csrf = app.csrf(b);
    assertEquals(303, b.post(app.url("/posts/" + first + "/reactions"), Map.of("_csrf", csrf, "kind", "like")).status());
    assertEquals(303, b.post(app.url("/posts/" + second + "/reactions"), Map.of("_csrf", csrf, "kind", "like")).status());
    long before = TestDatabase.count("SELECT count(*) FROM reactions WHERE member_id = ?", author.id());
    Response refused = b.post(app.url("/posts/" + first + "/reactions"), Map.of("_csrf", csrf, "kind", "insightful"));
    assertRefused(refused, "You have reacted as often as Agora allows");
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM reactions WHERE member_id = ?", author.id()));
  }

  @Test
  @DisplayName("anonymous searches are limited per IP address, a member's per member: one exhausted leaves the other free")
  void search() {
    Browser anonymous = new Browser();
    assertEquals(200, anonymous.get(app.url("/search?q=outcomes")).status());
    assertEquals(200, anonymous.get(app.url("/search?q=evidence")).status());
    assertRefused(anonymous.get(app.url("/search?q=again")), "Too many searches in a short time");
    Response api = anonymous.get(app.url("/api/v1/search?q=again"));
    assertEquals(429, api.status());
    assertEquals(429, new JsonObject(api.body()).getJsonObject("error").getInteger("status"));
    Member m = member("rl-search");
    assertEquals(200, m.browser().get(app.url("/search?q=outcomes")).status());
  }

  @Test
  @DisplayName("sign-in attempts and provider callbacks beyond their limits are refused per IP address with 429 and Retry-After")
  void signIn() {
    try (TestApp strict = TestApp.start(Map.of("AGORA_RATE_LIMITS", "signin=2/1h,callback=2/1h"), Clock.systemUTC(), r -> { })) {
      Browser b = new Browser();
      assertEquals(302, b.get(strict.url("/auth/login?next=/")).status());
      assertEquals(302, b.get(strict.url("/auth/login?next=/")).status());
      assertRefused(new Browser().get(strict.url("/auth/login?next=/")), "Too many sign-in attempts from your network");
      for (int i = 0; i < 2; i++) {
        assertThat(b.get(strict.url("/auth/callback?code=made-up&state=made-up")).status()).isNotEqualTo(429);
      }
      long sessions = TestDatabase.count("SELECT count(*) FROM sessions");
      assertRefused(b.get(strict.url("/auth/callback?code=made-up&state=made-up")),
          "Too many sign-in attempts from your network");
      assertEquals(sessions, TestDatabase.count("SELECT count(*) FROM sessions"));
    }
  }

  @Test
  @DisplayName("a live socket may register only as many addresses as the bridge limit allows; the next is refused")
  void bridgeRegistrations() throws Exception {
    long[] threads = new long[3];
    for (int i = 0; i < 3; i++) {
      threads[i] = TestDatabase.count("SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id"
          + " WHERE g.visibility = 'public' ORDER BY t.id OFFSET ? LIMIT 1", i);
    }
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      io.vertx.core.http.WebSocket ws = vertx.createWebSocketClient().connect(new io.vertx.core.http.WebSocketConnectOptions()
              .setHost("localhost").setPort(app.port()).setURI("/eventbus/websocket").addHeader("Origin", app.url()))
          .toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
      java.util.concurrent.BlockingQueue<JsonObject> frames = new java.util.concurrent.LinkedBlockingQueue<>();
      ws.handler(buffer -> frames.add(new JsonObject(buffer)));
      for (long threadId : threads) {
        ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "thread." + threadId).encode());
      }
      // the bridge answers refusals only; collect what comes within a while
      List<JsonObject> errors = new java.util.ArrayList<>();
      for (JsonObject f = frames.poll(3, java.util.concurrent.TimeUnit.SECONDS); f != null;
          f = frames.poll(500, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if ("err".equals(f.getString("type"))) {
          errors.add(f);
        }
      }
      assertThat(errors).as("one refusal: the third registration").hasSize(1);
      assertEquals("rejected", errors.get(0).getString("body"), errors.get(0).encode());
      ws.close();
    } finally {
      vertx.close();
    }
  }
}
