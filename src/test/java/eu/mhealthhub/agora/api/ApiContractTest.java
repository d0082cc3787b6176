package eu.mhealthhub.agora.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.Location;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.ResponseParameter;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JSON API against its published contract ({@code /api/v1/openapi.json}, from
 * {@code src/main/resources/openapi/agora-v1.json}): every answer a test gets, error answers
 * included, is validated against the operation's response for that status, so the document and
 * {@link ApiRoutes} cannot drift apart. Threads are made in the {@code assessment} group, by demo
 * members of it, with unique titles.
 */
class ApiContractTest {

  private static final TestApp app = TestApp.shared();
  private static final String SESSION_COOKIE = "agora_session";
  private static final String JSON = "application/json";
  private static final String GROUP = "assessment";
  private static final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  /** Every route of {@link ApiRoutes}, by the operation id the contract must give it. */
  private static final Map<String, String> ROUTES = new LinkedHashMap<>();

  static {
    ROUTES.put("listGroups", "GET /api/v1/groups");
    ROUTES.put("getGroup", "GET /api/v1/groups/{slug}");
    ROUTES.put("listThreads", "GET /api/v1/groups/{slug}/threads");
    ROUTES.put("createThread", "POST /api/v1/groups/{slug}/threads");
    ROUTES.put("mentionSuggestions", "GET /api/v1/groups/{slug}/mentions");
    ROUTES.put("getThread", "GET /api/v1/threads/{id}");
    ROUTES.put("createPost", "POST /api/v1/threads/{id}/posts");
    ROUTES.put("getPost", "GET /api/v1/posts/{id}");
    ROUTES.put("editPost", "PATCH /api/v1/posts/{id}");
    ROUTES.put("deletePost", "DELETE /api/v1/posts/{id}");
    ROUTES.put("listReactions", "GET /api/v1/posts/{id}/reactions");
    ROUTES.put("toggleReaction", "POST /api/v1/posts/{id}/reactions");
    ROUTES.put("getOpenApi", "GET /api/v1/openapi.json");
    ROUTES.put("myUnread", "GET /api/v1/me/unread");
    ROUTES.put("search", "GET /api/v1/search");
    ROUTES.putAll(DocumentTalkApiTest.ROUTES);
    ROUTES.putAll(RoundApiTest.ROUTES);
  }

  /** The operations that take an Idempotency-Key: the forum's creations and every POST of documents and Talks. */
  private static final Set<String> IDEMPOTENT = new HashSet<>(List.of("createThread", "createPost"));

  static {
    IDEMPOTENT.addAll(DocumentTalkApiTest.IDEMPOTENT);
  }

  private static Vertx vertx;
  static OpenAPIContract contract;
  private static ResponseValidator validator;
  private static final Map<Browser, String> csrfTokens = new IdentityHashMap<>();

  static Browser anonymous;
  /** Member of assessment and reimbursement. */
  static Browser elena;
  /** Member of assessment and reimbursement. */
  static Browser sofia;
  /** Moderator of assessment, member of the closed convenors group. */
  static Browser pieter;
  /** Member of no group. */
  static Browser lukas;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    anonymous = new Browser();
    Response document = anonymous.get(app.url("/api/v1/openapi.json"));
    assertEquals(200, document.status(), () -> "GET /api/v1/openapi.json: " + document.body());
    try {
      contract = await(OpenAPIContract.from(vertx, new JsonObject(document.body())));
    } catch (Exception e) {
      throw new AssertionError("the served document is not a valid OpenAPI contract: " + describe(e), e);
    }
    validator = ResponseValidator.create(vertx, contract);
    elena = signedIn("demo-elena");
    sofia = signedIn("demo-sofia");
    pieter = signedIn("demo-pieter");
    lukas = signedIn("demo-lukas");
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      await(vertx.close());
    }
  }

  // ---------------------------------------------------------------- the document

  @Test
  @DisplayName("The served document is the resource on the class path, a valid OpenAPI 3.1.0 contract with one operation per route")
  void documentIsAValidContract() throws Exception {
    Response served = expect("getOpenApi", 200, get(anonymous, "/api/v1/openapi.json"));
    String resource;
    try (InputStream in = ApiContractTest.class.getResourceAsStream("/openapi/agora-v1.json")) {
      assertNotNull(in, "openapi/agora-v1.json is not on the class path");
      resource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(new JsonObject(resource), new JsonObject(served.body()), "the served document differs from the resource");
    assertEquals("3.1.0", new JsonObject(resource).getString("openapi"));

    // the file in the source tree parses too, straight from disk
    OpenAPIContract fromFile = await(OpenAPIContract.from(vertx, "src/main/resources/openapi/agora-v1.json"));
    Map<String, String> routes = new LinkedHashMap<>();
    for (Operation op : fromFile.operations()) {
      routes.put(op.getOperationId(), op.getHttpMethod().name() + " " + op.getOpenAPIPath());
    }
    assertEquals(new TreeMap<>(ROUTES), new TreeMap<>(routes), "operations of the contract");

    for (Operation op : fromFile.operations()) {
      boolean write = !op.getHttpMethod().name().equals("GET");
      Parameter csrf = header(op, "X-CSRF-Token");
      if (write) {
        assertNotNull(csrf, op.getOperationId() + " documents X-CSRF-Token");
        assertTrue(csrf.isRequired(), op.getOperationId() + " requires X-CSRF-Token");
        assertFalse(op.getSecurityRequirements().isEmpty(), op.getOperationId() + " names the cookie scheme");
        assertNotNull(op.getResponse(403), op.getOperationId() + " documents 403");
      } else {
        assertNull(csrf, op.getOperationId() + " is a read and needs no CSRF token");
      }
      boolean creates = IDEMPOTENT.contains(op.getOperationId());
      assertEquals(creates, header(op, "Idempotency-Key") != null, op.getOperationId() + " and Idempotency-Key");
      assertNotNull(op.getResponse(500), op.getOperationId() + " documents 500");
    }
    JsonObject scheme = fromFile.getRawContract().getJsonObject("components").getJsonObject("securitySchemes")
        .getJsonObject("cookieSession");
    assertEquals(new JsonObject().put("type", "apiKey").put("in", "cookie").put("name", SESSION_COOKIE),
        new JsonObject().put("type", scheme.getString("type")).put("in", scheme.getString("in"))
            .put("name", scheme.getString("name")));
    assertNotNull(anonymous.get(app.url("/api/v1/openapi.json")).header("Cache-Control"));
  }

  private static Parameter header(Operation op, String name) {
    return op.getParameters().stream().filter(p -> p.getIn() == Location.HEADER && p.getName().equalsIgnoreCase(name))
        .findFirst().orElse(null);
  }

  // ---------------------------------------------------------------- reading

  @Test
  @DisplayName("Every read operation answers an anonymous visitor as the contract says")
  void readsAsAnonymous() {
    readEverything(anonymous, null);
  }

  @Test
  @DisplayName("Every read operation answers a signed-in member as the contract says, with her role and her own reactions")
  void readsAsMember() {
    readEverything(sofia, "member");
  }

  @Test
  @DisplayName("A moderator and a site admin read as the contract says, the closed group included for its members")
  void readsAsModeratorAndAdmin() {
    JsonObject groups = json(expect("listGroups", 200, get(pieter, "/api/v1/groups")));
    assertEquals("moderator", group(groups, GROUP).getString("role"));
    assertEquals("moderator", group(groups, "convenors").getString("role"));
    assertEquals("closed", group(groups, "convenors").getString("visibility"));
    JsonObject threads = json(expect("listThreads", 200, get(pieter, "/api/v1/groups/convenors/threads")));
    assertFalse(threads.getJsonArray("threads").isEmpty());
    long threadId = threads.getJsonArray("threads").getJsonObject(0).getLong("id");
    JsonObject thread = json(expect("getThread", 200, get(pieter, "/api/v1/threads/" + threadId)));
    assertEquals("convenors", thread.getString("group"));

    Browser maria = signedIn("demo-maria");
    JsonObject all = json(expect("listGroups", 200, get(maria, "/api/v1/groups")));
    assertNull(group(all, GROUP).getString("role"), "a site admin who is not a member has no role");
    expect("getGroup", 200, get(maria, "/api/v1/groups/convenors"));
  }

  @Test
  @DisplayName("search answers as the contract says: results with escaped snippets, refused filters with 400")
  void search() {
    JsonObject found = json(expect("search", 200, get(elena, "/api/v1/search?q=evidence&kind=posts")));
    assertTrue(found.getLong("total") > 0, "the demo posts speak of evidence");
    JsonObject first = found.getJsonArray("results").getJsonObject(0);
    assertTrue(first.getString("snippetHtml").contains("<mark>"), first.encode());
    expect("search", 200, get(anonymous, "/api/v1/search?q=%22patient+reported%22+-diary+or+outcomes&page=1"));
    expect("search", 200, get(anonymous, "/api/v1/search"));
    expect("search", 400, get(anonymous, "/api/v1/search?q=x&sort=new"));
    expect("search", 400, get(anonymous, "/api/v1/search?q=x&kind=emails"));
    expect("search", 400, get(anonymous, "/api/v1/search?q=" + "x".repeat(501)));
  }

  @Test
  @DisplayName("the unread counts behind the header badge are the caller's own, and need a signed-in caller")
  void unreadCounts() {
    Browser b = new Browser();
    app.signIn(b, "demo-jonas");
    JsonObject unread = json(expect("myUnread", 200, get(b, "/api/v1/me/unread")));
    assertTrue(unread.getJsonArray("groups").stream().anyMatch(g -> "assessment".equals(((JsonObject) g).getString("slug"))));
    assertTrue(unread.getJsonArray("groups").stream().noneMatch(g -> "convenors".equals(((JsonObject) g).getString("slug"))),
        "only his own groups");
    expect("myUnread", 403, get(new Browser(), "/api/v1/me/unread"));
  }

  private static void readEverything(Browser b, String expectedRole) {
    JsonObject groups = json(expect("listGroups", 200, get(b, "/api/v1/groups")));
    JsonObject reimbursement = group(groups, "reimbursement");
    assertEquals(expectedRole, reimbursement.getString("role"));
    assertNull(groupOrNull(groups, "convenors"), "the closed group is not listed for a non-member");

    JsonObject one = json(expect("getGroup", 200, get(b, "/api/v1/groups/reimbursement")));
    assertEquals(reimbursement, one);

    JsonObject list = json(expect("listThreads", 200, get(b, "/api/v1/groups/reimbursement/threads")));
    assertEquals(1, list.getInteger("page"));
    assertFalse(list.getJsonArray("threads").isEmpty(), "the demo threads are listed");
    expect("listThreads", 404, get(b, "/api/v1/groups/reimbursement/threads?page=999"));
    expect("listThreads", 200, get(b, "/api/v1/groups/reimbursement/threads?page=nonsense"));

    long threadId = demoThread(b, "reimbursement", "Which reimbursement routes exist");
    JsonObject thread = json(expect("getThread", 200, get(b, "/api/v1/threads/" + threadId)));
    assertEquals("reimbursement", thread.getString("group"));
    assertTrue(thread.getJsonArray("posts").size() >= 3, "the demo posts are shown");
    expect("getThread", 200, get(b, "/api/v1/threads/" + threadId + "?page=1"));

    JsonObject first = thread.getJsonArray("posts").getJsonObject(0);
    JsonObject post = json(expect("getPost", 200, get(b, "/api/v1/posts/" + first.getLong("id"))));
    assertEquals(first.getLong("id"), post.getLong("id"));
    assertEquals(1, post.getInteger("position"));
    assertNotNull(post.getString("bodyHtml"));

    JsonObject reactions = json(expect("listReactions", 200, get(b, "/api/v1/posts/" + first.getLong("id") + "/reactions")));
    assertEquals(List.of("like", "agree", "insightful", "thanks", "question"),
        reactions.getJsonArray("reactions").stream().map(r -> ((JsonObject) r).getString("kind")).toList());

    JsonObject mentions = json(expect("mentionSuggestions", 200, get(b, "/api/v1/groups/reimbursement/mentions?q=am")));
    assertTrue(handles(mentions).contains("amelie"), "@am suggests amelie: " + mentions);
    JsonObject none = json(expect("mentionSuggestions", 200, get(b, "/api/v1/groups/reimbursement/mentions")));
    assertTrue(none.getJsonArray("members").isEmpty());
  }

  // ---------------------------------------------------------------- writing

  @Test
  @DisplayName("A member starts a thread: 201, a Location to it in the API, and the thread with its opening post")
  void createThread() {
    String title = "API contract thread " + System.nanoTime();
    Response created = expect("createThread", 201, postJson(elena, "/api/v1/groups/" + GROUP + "/threads",
        new JsonObject().put("title", "  " + title + "  ").put("body", "Opening **post**.").encode()));
    JsonObject thread = json(created);
    long id = thread.getLong("id");
    assertEquals("/api/v1/threads/" + id, created.header("Location"));
    assertEquals(title, thread.getString("title"), "the title is trimmed");
    assertEquals(GROUP, thread.getString("group"));
    assertEquals(1, thread.getInteger("postCount"));
    JsonObject opening = thread.getJsonArray("posts").getJsonObject(0);
    assertEquals("elena", opening.getJsonObject("author").getString("handle"));
    assertEquals("Opening **post**.", opening.getString("bodyMarkdown"));
    assertTrue(opening.getString("bodyHtml").contains("<strong>post</strong>"), opening.getString("bodyHtml"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM threads WHERE id = ? AND title = ?", id, title));

    JsonObject fetched = json(expect("getThread", 200, get(anonymous, created.header("Location"))));
    assertEquals(thread.getString("title"), fetched.getString("title"));
    assertEquals(1, fetched.getInteger("page"));
    JsonObject listed = json(expect("listThreads", 200, get(elena, "/api/v1/groups/" + GROUP + "/threads")));
    assertTrue(listed.getJsonArray("threads").stream().anyMatch(t -> ((JsonObject) t).getLong("id") == id));
  }

  @Test
  @DisplayName("A thread started twice with the same Idempotency-Key is stored once, and both answers are that thread")
  void createThreadIsIdempotent() {
    String key = "thread-" + System.nanoTime();
    String body = new JsonObject().put("title", "API idempotent thread " + System.nanoTime()).put("body", "Once.").encode();
    JsonObject first = json(expect("createThread", 201,
        postJson(elena, "/api/v1/groups/" + GROUP + "/threads", body, "Idempotency-Key", key)));
    JsonObject second = json(expect("createThread", 201,
        postJson(elena, "/api/v1/groups/" + GROUP + "/threads", body, "Idempotency-Key", key)));
    assertEquals(first.getLong("id"), second.getLong("id"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM threads WHERE client_token = ?", "api:" + key));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", first.getLong("id")));
  }

  @Test
  @DisplayName("A reply sent twice with the same Idempotency-Key is stored once, and both answers name the same post")
  void replyIsIdempotent() {
    JsonObject thread = newThread(elena);
    long threadId = thread.getLong("id");
    long opening = thread.getJsonArray("posts").getJsonObject(0).getLong("id");
    String key = "reply-" + System.nanoTime();
    String body = new JsonObject().put("body", "A reply, sent twice.").put("replyTo", opening).encode();

    Response first = expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + threadId + "/posts", body,
        "Idempotency-Key", key));
    Response second = expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + threadId + "/posts", body,
        "Idempotency-Key", key));
    JsonObject post = json(first);
    assertEquals(post.getLong("id"), json(second).getLong("id"), "the retry answers with the first post");
    assertEquals("/api/v1/posts/" + post.getLong("id"), first.header("Location"));
    assertEquals(first.header("Location"), second.header("Location"));
    assertEquals(opening, post.getLong("replyTo"));
    assertEquals(2, post.getInteger("position"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts WHERE client_token = ?", "api:" + key));
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));

    // without a key, the same text is a new post
    JsonObject again = json(expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + threadId + "/posts", body)));
    assertNotEquals(post.getLong("id"), again.getLong("id"));
    assertEquals(3, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
    JsonObject read = json(expect("getThread", 200, get(anonymous, "/api/v1/threads/" + threadId)));
    assertEquals(3, read.getInteger("postCount"));
    assertEquals(3, read.getJsonArray("posts").size());
  }

  private static long keys(String key) {
    return TestDatabase.count("SELECT count(*) FROM idempotency_keys WHERE key = ?", key);
  }

  private static long posts(long threadId) {
    return TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);
  }

  @Test
  @DisplayName("A retried Idempotency-Key gets the first answer again, marked Idempotent-Replayed, even with the body's fields in another order")
  void idempotentReplay() {
    long threadId = newThread(elena).getLong("id");
    String key = "replay-" + System.nanoTime();
    Response first = expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + threadId + "/posts",
        "{\"body\": \"Said once.\", \"replyTo\": null}", "Idempotency-Key", key));
    Response retry = expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + threadId + "/posts",
        "{\"replyTo\":null,\"body\":\"Said once.\"}", "Idempotency-Key", key));
    assertNull(first.header("Idempotent-Replayed"));
    assertEquals("true", retry.header("Idempotent-Replayed"));
    assertEquals(first.body(), retry.body());
    assertEquals(first.header("Location"), retry.header("Location"));
    assertEquals(2, posts(threadId));
  }

  @Test
  @DisplayName("The same Idempotency-Key with another body is refused with 422 and stores nothing")
  void idempotencyKeyWithAnotherBody() {
    long threadId = newThread(elena).getLong("id");
    String key = "body-" + System.nanoTime();
    String path = "/api/v1/threads/" + threadId + "/posts";
    expect("createPost", 201, postJson(sofia, path, new JsonObject().put("body", "First text.").encode(),
        "Idempotency-Key", key));
    Response other = expect("createPost", 422, postJson(sofia, path,
        new JsonObject().put("body", "Second text.").encode(), "Idempotency-Key", key));
    assertTrue(json(other).getJsonObject("error").getString("message").contains("another request"), other.body());
    assertEquals(2, posts(threadId), "the opening post and the first reply only");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM posts WHERE body_markdown = 'Second text.' AND thread_id = ?",
        threadId));
    // another member's identical key is theirs: keys are scoped to the member
    expect("createPost", 201, postJson(elena, path, new JsonObject().put("body", "Second text.").encode(),
        "Idempotency-Key", key));
    assertEquals(3, posts(threadId));
  }

  @Test
  @DisplayName("The same Idempotency-Key on another resource or endpoint is refused with 422 and stores nothing")
  void idempotencyKeyOnAnotherResource() {
    long one = newThread(elena).getLong("id");
    long two = newThread(elena).getLong("id");
    String key = "resource-" + System.nanoTime();
    String body = new JsonObject().put("body", "Same words, other thread.").encode();
    expect("createPost", 201, postJson(sofia, "/api/v1/threads/" + one + "/posts", body, "Idempotency-Key", key));
    expect("createPost", 422, postJson(sofia, "/api/v1/threads/" + two + "/posts", body, "Idempotency-Key", key));
    assertEquals(1, posts(two), "nothing stored in the other thread");
    long threadsBefore = TestDatabase.count("SELECT count(*) FROM threads");
    expect("createThread", 422, postJson(sofia, "/api/v1/groups/" + GROUP + "/threads",
        new JsonObject().put("title", "Keyed twice").put("body", "Same words, other thread.").encode(),
        "Idempotency-Key", key));
    assertEquals(threadsBefore, TestDatabase.count("SELECT count(*) FROM threads"));
    assertEquals(1, keys(key));
  }

  @Test
  @DisplayName("An Idempotency-Key longer than 255 characters, or blank, is refused with 400 and stores nothing")
  void idempotencyKeyTooLong() {
    long threadId = newThread(elena).getLong("id");
    String path = "/api/v1/threads/" + threadId + "/posts";
    String body = new JsonObject().put("body", "Keyed.").encode();
    String tooLong = "k".repeat(256);
    Response refused = expect("createPost", 400, postJson(sofia, path, body, "Idempotency-Key", tooLong));
    assertTrue(json(refused).getJsonObject("error").getString("message").contains("255"), refused.body());
    expect("createPost", 400, postJson(sofia, path, body, "Idempotency-Key", " "));
    assertEquals(1, posts(threadId));
    assertEquals(0, keys(tooLong));

    String longest = "k".repeat(250) + String.format("%05d", System.nanoTime() % 100_000);
    String exact = longest.substring(longest.length() - 255);
    expect("createPost", 201, postJson(sofia, path, body, "Idempotency-Key", exact));
    Response retry = expect("createPost", 201, postJson(sofia, path, body, "Idempotency-Key", exact));
    assertEquals("true", retry.header("Idempotent-Replayed"), "a 255-character key works, and is not truncated away");
    assertEquals(2, posts(threadId));
  }

  @Test
  @DisplayName("A request that fails keeps no answer for its Idempotency-Key, so the key can be used once the request is fixed")
  void failedRequestFreesItsKey() {
    long threadId = newThread(elena).getLong("id");
    String key = "fix-" + System.nanoTime();
    String path = "/api/v1/threads/" + threadId + "/posts";
    expect("createPost", 400, postJson(sofia, path, new JsonObject().put("body", "  ").encode(), "Idempotency-Key", key));
    assertEquals(0, keys(key));
    expect("createPost", 201, postJson(sofia, path, new JsonObject().put("body", "Now with words.").encode(),
        "Idempotency-Key", key));
    assertEquals(2, posts(threadId));
  }

  @Test
  @DisplayName("Ten requests sent at once with one Idempotency-Key store one post and all get the same 201, never a 500")
  void concurrentRequestsWithOneKey() throws Exception {
    long threadId = newThread(elena).getLong("id");
    String key = "burst-" + System.nanoTime();
    String body = new JsonObject().put("body", "Sent ten times at once.").encode();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Response>> sent = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        sent.add(pool.submit(() -> {
          go.await();
          return postJson(sofia, "/api/v1/threads/" + threadId + "/posts", body, "Idempotency-Key", key);
        }));
      }
      go.countDown();
      Set<String> bodies = new HashSet<>();
      int made = 0;
      for (java.util.concurrent.Future<Response> f : sent) {
        Response r = f.get(60, TimeUnit.SECONDS);
        assertTrue(r.status() == 201 || r.status() == 409, "201, or 409 while the first still runs: " + r + " " + r.body());
        expect("createPost", r.status(), r);
        if (r.status() == 201) {
          bodies.add(r.body());
          made += "true".equals(r.header("Idempotent-Replayed")) ? 0 : 1;
        } else {
          assertEquals("1", r.header("Retry-After"));
        }
      }
      assertEquals(1, bodies.size(), "every 201 names the same post");
      assertEquals(1, made, "one answer made, every other 201 replayed");
      assertEquals(2, posts(threadId), "one post stored");
      assertEquals(1, keys(key));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("An edit based on the current revision is saved (200); one based on a stale revision is refused (409) and saves nothing")
  void editWithRevisions() {
    JsonObject thread = newThread(elena);
    long postId = thread.getJsonArray("posts").getJsonObject(0).getLong("id");
    String path = "/api/v1/posts/" + postId;

    JsonObject edited = json(expect("editPost", 200, send(elena, "PATCH", path,
        new JsonObject().put("body", "Edited *once*.").put("revision", 1).encode(), true)));
    assertEquals(2, edited.getInteger("revision"));
    assertEquals("Edited *once*.", edited.getString("bodyMarkdown"));
    assertNotNull(edited.getString("editedAt"));

    Response stale = expect("editPost", 409, send(elena, "PATCH", path,
        new JsonObject().put("body", "Based on an old revision.").put("revision", 1).encode(), true));
    assertEquals(409, json(stale).getJsonObject("error").getInteger("status"));
    assertEquals(2, TestDatabase.count("SELECT revision FROM posts WHERE id = ?", postId));
    assertEquals("Edited *once*.", TestDatabase.text("SELECT body_markdown FROM posts WHERE id = ?", postId));

    // another member may not edit her words
    expect("editPost", 403, send(sofia, "PATCH", path,
        new JsonObject().put("body", "Not mine.").put("revision", 2).encode(), true));
    // a revision that is not a number, and a missing body
    expect("editPost", 400, send(elena, "PATCH", path, new JsonObject().put("body", "x").put("revision", "2").encode(), true));
    expect("editPost", 400, send(elena, "PATCH", path, new JsonObject().put("body", "x").encode(), true));
    expect("editPost", 400, send(elena, "PATCH", path, new JsonObject().put("revision", 2).encode(), true));
    expect("editPost", 400, send(elena, "PATCH", path, new JsonObject().put("body", " ").put("revision", 2).encode(), true));
    expect("editPost", 404, send(elena, "PATCH", "/api/v1/posts/999999999",
        new JsonObject().put("body", "x").put("revision", 1).encode(), true));
    assertEquals(2, TestDatabase.count("SELECT revision FROM posts WHERE id = ?", postId));
  }

  @Test
  @DisplayName("Toggling a reaction twice sets it (active true) and takes it back (active false), and the reads follow")
  void toggleReaction() {
    JsonObject thread = newThread(elena);
    long postId = thread.getJsonArray("posts").getJsonObject(0).getLong("id");
    String path = "/api/v1/posts/" + postId + "/reactions";
    String like = new JsonObject().put("kind", "like").encode();

    JsonObject on = json(expect("toggleReaction", 200, postJson(sofia, path, like)));
    assertEquals(new JsonObject().put("postId", postId).put("kind", "like").put("active", true), on);
    JsonObject who = json(expect("listReactions", 200, get(anonymous, path)));
    JsonObject likes = who.getJsonArray("reactions").getJsonObject(0);
    assertEquals("like", likes.getString("kind"));
    assertEquals(1, likes.getInteger("count"));
    assertEquals(new JsonArray().add("Sofia Marques"), likes.getJsonArray("members"));

    JsonObject mine = json(expect("getPost", 200, get(sofia, "/api/v1/posts/" + postId)));
    assertEquals(new JsonArray().add(new JsonObject().put("kind", "like").put("count", 1).put("mine", true)),
        mine.getJsonArray("reactions"));
    JsonObject theirs = json(expect("getPost", 200, get(anonymous, "/api/v1/posts/" + postId)));
    assertEquals(new JsonArray().add(new JsonObject().put("kind", "like").put("count", 1).put("mine", false)),
        theirs.getJsonArray("reactions"));
    expect("getThread", 200, get(sofia, "/api/v1/threads/" + thread.getLong("id")));

    JsonObject off = json(expect("toggleReaction", 200, postJson(sofia, path, like)));
    assertFalse(off.getBoolean("active"));
    assertEquals(0, json(expect("listReactions", 200, get(anonymous, path))).getJsonArray("reactions").getJsonObject(0)
        .getInteger("count"));
    assertTrue(json(expect("getPost", 200, get(sofia, "/api/v1/posts/" + postId))).getJsonArray("reactions").isEmpty());

    expect("toggleReaction", 400, postJson(sofia, path, new JsonObject().put("kind", "love").encode()));
    expect("toggleReaction", 400, postJson(sofia, path, new JsonObject().put("kind", 3).encode()));
    expect("toggleReaction", 400, postJson(sofia, path, "{}"));
    expect("toggleReaction", 403, postJson(lukas, path, like));
    expect("toggleReaction", 404, postJson(sofia, "/api/v1/posts/999999999/reactions", like));
  }

  @Test
  @DisplayName("Deleting a post answers 204; it stays, marked deleted and without its text except for moderators; a second delete is a 409")
  void deletePost() {
    JsonObject thread = newThread(elena);
    JsonObject reply = json(expect("createPost", 201, postJson(elena, "/api/v1/threads/" + thread.getLong("id") + "/posts",
        new JsonObject().put("body", "Soon gone.").encode())));
    long postId = reply.getLong("id");
    String path = "/api/v1/posts/" + postId;

    expect("deletePost", 403, send(sofia, "DELETE", path, null, true));
    expect("deletePost", 400, send(elena, "DELETE", path + "?reason=" + "x".repeat(501), null, true));
    Response deleted = expect("deletePost", 204, send(elena, "DELETE", path + "?reason=duplicate", null, true));
    assertEquals("", deleted.body());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NOT NULL", postId));

    JsonObject asAuthor = json(expect("getPost", 200, get(elena, path)));
    assertTrue(asAuthor.getBoolean("deleted"));
    assertNull(asAuthor.getValue("bodyMarkdown"));
    assertNull(asAuthor.getValue("bodyHtml"));
    assertTrue(asAuthor.containsKey("bodyMarkdown"), "the field is there, null");
    JsonObject asModerator = json(expect("getPost", 200, get(pieter, path)));
    assertEquals("Soon gone.", asModerator.getString("bodyMarkdown"));
    expect("getThread", 200, get(anonymous, "/api/v1/threads/" + thread.getLong("id")));

    Response again = expect("deletePost", 409, send(elena, "DELETE", path, null, true));
    assertEquals(409, json(again).getJsonObject("error").getInteger("status"));
    expect("editPost", 403, send(elena, "PATCH", path, new JsonObject().put("body", "Back?").put("revision", 1).encode(), true));
    expect("toggleReaction", 403, postJson(sofia, path + "/reactions", new JsonObject().put("kind", "like").encode()));
    expect("deletePost", 404, send(elena, "DELETE", "/api/v1/posts/999999999", null, true));
  }

  @Test
  @DisplayName("A post's attachments are described by the contract, and hidden with its text once it is deleted")
  void attachments() {
    JsonObject thread = newThread(elena);
    long postId = thread.getJsonArray("posts").getJsonObject(0).getLong("id");
    long elenaId = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-elena'");
    long fileId = TestDatabase.count("""
        INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)
        VALUES (?, ?, 'minutes.pdf', 'application/pdf', 8, repeat('b', 64), ?) RETURNING id""",
        postId, elenaId, "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));

    JsonObject post = json(expect("getPost", 200, get(anonymous, "/api/v1/posts/" + postId)));
    assertEquals(new JsonArray().add(new JsonObject().put("id", fileId).put("name", "minutes.pdf")
        .put("contentType", "application/pdf").put("size", 8).put("url", "/attachments/" + fileId + "/minutes.pdf")),
        post.getJsonArray("attachments"));
    expect("getThread", 200, get(anonymous, "/api/v1/threads/" + thread.getLong("id")));

    expect("deletePost", 204, send(elena, "DELETE", "/api/v1/posts/" + postId, null, true));
    assertTrue(json(expect("getPost", 200, get(anonymous, "/api/v1/posts/" + postId))).getJsonArray("attachments").isEmpty());
    assertEquals(1, json(expect("getPost", 200, get(pieter, "/api/v1/posts/" + postId))).getJsonArray("attachments").size());
  }

  // ---------------------------------------------------------------- refusals

  @Test
  @DisplayName("Every write refuses an anonymous caller with 403 and stores nothing")
  void anonymousWritesAreRefused() {
    long threadId = demoThread(anonymous, GROUP, "Is a randomised trial");
    long postId = firstPost(anonymous, threadId);
    long threads = TestDatabase.count("SELECT count(*) FROM threads");
    long posts = TestDatabase.count("SELECT count(*) FROM posts");

    expect("createThread", 403, postJson(anonymous, "/api/v1/groups/" + GROUP + "/threads",
        new JsonObject().put("title", "Anonymous").put("body", "Nope.").encode()));
    expect("createPost", 403, postJson(anonymous, "/api/v1/threads/" + threadId + "/posts",
        new JsonObject().put("body", "Nope.").encode()));
    expect("toggleReaction", 403, postJson(anonymous, "/api/v1/posts/" + postId + "/reactions",
        new JsonObject().put("kind", "like").encode()));
    expect("editPost", 403, send(anonymous, "PATCH", "/api/v1/posts/" + postId,
        new JsonObject().put("body", "Nope.").put("revision", 1).encode(), true));
    expect("deletePost", 403, send(anonymous, "DELETE", "/api/v1/posts/" + postId, null, true));

    assertEquals(threads, TestDatabase.count("SELECT count(*) FROM threads"));
    assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("A signed-in write without the X-CSRF-Token header, with another token or from another Origin, is refused with 403")
  void writesNeedTheCsrfToken() {
    long threadId = demoThread(elena, GROUP, "Is a randomised trial");
    long postId = firstPost(elena, threadId);
    long posts = TestDatabase.count("SELECT count(*) FROM posts");
    String reply = new JsonObject().put("body", "No token.").encode();

    expect("createPost", 403, elena.postRaw(app.url("/api/v1/threads/" + threadId + "/posts"), JSON,
        reply.getBytes(StandardCharsets.UTF_8)));
    expect("createPost", 403, elena.postRaw(app.url("/api/v1/threads/" + threadId + "/posts"), JSON,
        reply.getBytes(StandardCharsets.UTF_8), "X-CSRF-Token", csrfTokens.get(sofia)));
    expect("createPost", 403, postJson(elena, "/api/v1/threads/" + threadId + "/posts", reply,
        "Origin", "https://evil.example"));
    expect("createThread", 403, elena.postRaw(app.url("/api/v1/groups/" + GROUP + "/threads"), JSON,
        new JsonObject().put("title", "No token").put("body", "x").encode().getBytes(StandardCharsets.UTF_8)));
    expect("toggleReaction", 403, elena.postRaw(app.url("/api/v1/posts/" + postId + "/reactions"), JSON,
        new JsonObject().put("kind", "like").encode().getBytes(StandardCharsets.UTF_8)));
    expect("editPost", 403, send(elena, "PATCH", "/api/v1/posts/" + postId,
        new JsonObject().put("body", "x").put("revision", 1).encode(), false));
    expect("deletePost", 403, send(elena, "DELETE", "/api/v1/posts/" + postId, null, false));
    assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("Malformed JSON, a body that is not an object, a field of the wrong type and blank text are refused with 400")
  void badBodiesAreRefused() {
    JsonObject thread = newThread(elena);
    String threads = "/api/v1/groups/" + GROUP + "/threads";
    String replies = "/api/v1/threads/" + thread.getLong("id") + "/posts";
    long before = TestDatabase.count("SELECT count(*) FROM posts");

    // malformed
    expect("createThread", 400, postJson(elena, threads, "{\"title\": \"Broken\", \"body\": "));
    expect("createPost", 400, postJson(elena, replies, "{body: unquoted}"));
    expect("createPost", 400, postJson(elena, replies, ""));
    // not an object
    expect("createThread", 400, postJson(elena, threads, "[\"title\", \"body\"]"));
    expect("createPost", 400, postJson(elena, replies, "\"just a string\""));
    expect("createPost", 400, postJson(elena, replies, "null"));
    expect("createPost", 400, postJson(elena, replies, "42"));
    // wrong field types
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("title", 5).put("body", "x").encode()));
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("title", "t").put("body", true).encode()));
    expect("createPost", 400, postJson(elena, replies, new JsonObject().put("body", new JsonObject()).encode()));
    expect("createPost", 400, postJson(elena, replies, new JsonObject().put("body", "x").put("replyTo", "1").encode()));
    // missing or blank text
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("title", "").put("body", "x").encode()));
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("body", "x").encode()));
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("title", "Empty body").put("body", "").encode()));
    expect("createThread", 400, postJson(elena, threads, new JsonObject().put("title", "t".repeat(201)).put("body", "x").encode()));
    expect("createPost", 400, postJson(elena, replies, new JsonObject().put("body", "").encode()));
    expect("createPost", 400, postJson(elena, replies, new JsonObject().put("body", "   \n ").encode()));
    expect("createPost", 400, postJson(elena, replies, "{}"));
    // a reply to a post of another thread
    long elsewhere = firstPost(elena, demoThread(elena, GROUP, "Is a randomised trial"));
    expect("createPost", 400, postJson(elena, replies, new JsonObject().put("body", "x").put("replyTo", elsewhere).encode()));

    assertEquals(before, TestDatabase.count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("A body larger than the server accepts is refused with 413")
  void tooLargeBodiesAreRefused() {
    JsonObject thread = newThread(elena);
    long before = TestDatabase.count("SELECT count(*) FROM posts");
    // the server refuses on the declared Content-Length, before reading the body: the request
    // announces 300 KiB (the default limit is 256 KiB) and the answer is read before anything is sent
    expect("createPost", 413, announce(elena, "POST", "/api/v1/threads/" + thread.getLong("id") + "/posts", 300 * 1024));
    expect("createThread", 413, announce(elena, "POST", "/api/v1/groups/" + GROUP + "/threads", 300 * 1024));
    expect("editPost", 413, announce(elena, "PATCH",
        "/api/v1/posts/" + thread.getJsonArray("posts").getJsonObject(0).getLong("id"), 300 * 1024));
    expect("toggleReaction", 413, announce(elena, "POST",
        "/api/v1/posts/" + thread.getJsonArray("posts").getJsonObject(0).getLong("id") + "/reactions", 300 * 1024));
    // and a client that sends the whole body before it reads the answer gets it too
    String huge = new JsonObject().put("body", "x".repeat(300 * 1024)).encode();
    expect("createPost", 413, postJson(elena, "/api/v1/threads/" + thread.getLong("id") + "/posts", huge));
    expect("editPost", 413, send(elena, "PATCH", "/api/v1/posts/" + thread.getJsonArray("posts").getJsonObject(0).getLong("id"),
        new JsonObject().put("body", "x".repeat(300 * 1024)).put("revision", 1).encode(), true));
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("Unknown threads, posts and groups, and ids that are not numbers, answer 404 with an Error body")
  void unknownThingsAreNotFound() {
    expect("getThread", 404, get(anonymous, "/api/v1/threads/999999999"));
    expect("getThread", 404, get(elena, "/api/v1/threads/999999999"));
    expect("getThread", 404, get(elena, "/api/v1/threads/not-a-number"));
    expect("getThread", 404, get(elena, "/api/v1/threads/0"));
    long threadId = demoThread(elena, GROUP, "Is a randomised trial");
    expect("getThread", 404, get(elena, "/api/v1/threads/" + threadId + "?page=2"));
    expect("createPost", 404, postJson(elena, "/api/v1/threads/999999999/posts", new JsonObject().put("body", "x").encode()));
    expect("getPost", 404, get(elena, "/api/v1/posts/999999999"));
    expect("listReactions", 404, get(elena, "/api/v1/posts/999999999/reactions"));
    expect("getGroup", 404, get(elena, "/api/v1/groups/no-such-group"));
    expect("listThreads", 404, get(elena, "/api/v1/groups/no-such-group/threads"));
    expect("mentionSuggestions", 404, get(elena, "/api/v1/groups/no-such-group/mentions?q=am"));
    expect("createThread", 404, postJson(elena, "/api/v1/groups/no-such-group/threads",
        new JsonObject().put("title", "Nowhere").put("body", "x").encode()));
  }

  @Test
  @DisplayName("A non-member may not start a thread in a public group (403)")
  void nonMembersMayNotPost() {
    long threads = TestDatabase.count("SELECT count(*) FROM threads");
    expect("createThread", 403, postJson(lukas, "/api/v1/groups/" + GROUP + "/threads",
        new JsonObject().put("title", "Not a member " + System.nanoTime()).put("body", "x").encode()));
    long threadId = demoThread(lukas, GROUP, "Is a randomised trial");
    expect("createPost", 403, postJson(lukas, "/api/v1/threads/" + threadId + "/posts", new JsonObject().put("body", "x").encode()));
    assertEquals(threads, TestDatabase.count("SELECT count(*) FROM threads"));
  }

  @Test
  @DisplayName("To a non-member the closed group and everything in it answer 404 exactly like things that do not exist")
  void closedGroupIsInvisible() {
    long threadId = demoThread(pieter, "convenors", "Agenda for the spring plenary");
    long postId = firstPost(pieter, threadId);

    for (Browser outsider : List.of(lukas, anonymous, elena)) {
      JsonObject groups = json(expect("listGroups", 200, get(outsider, "/api/v1/groups")));
      assertNull(groupOrNull(groups, "convenors"));
      assertSame404("getGroup", get(outsider, "/api/v1/groups/convenors"), get(outsider, "/api/v1/groups/no-such-group"));
      assertSame404("listThreads", get(outsider, "/api/v1/groups/convenors/threads"),
          get(outsider, "/api/v1/groups/no-such-group/threads"));
      assertSame404("mentionSuggestions", get(outsider, "/api/v1/groups/convenors/mentions?q=ma"),
          get(outsider, "/api/v1/groups/no-such-group/mentions?q=ma"));
      assertSame404("getThread", get(outsider, "/api/v1/threads/" + threadId), get(outsider, "/api/v1/threads/999999999"));
      assertSame404("getPost", get(outsider, "/api/v1/posts/" + postId), get(outsider, "/api/v1/posts/999999999"));
      assertSame404("listReactions", get(outsider, "/api/v1/posts/" + postId + "/reactions"),
          get(outsider, "/api/v1/posts/999999999/reactions"));
    }
    for (Browser member : List.of(lukas, elena)) {
      assertSame404("createPost", postJson(member, "/api/v1/threads/" + threadId + "/posts", new JsonObject().put("body", "x").encode()),
          postJson(member, "/api/v1/threads/999999999/posts", new JsonObject().put("body", "x").encode()));
      assertSame404("createThread", postJson(member, "/api/v1/groups/convenors/threads",
              new JsonObject().put("title", "In").put("body", "x").encode()),
          postJson(member, "/api/v1/groups/no-such-group/threads", new JsonObject().put("title", "In").put("body", "x").encode()));
      assertSame404("toggleReaction", postJson(member, "/api/v1/posts/" + postId + "/reactions", new JsonObject().put("kind", "like").encode()),
          postJson(member, "/api/v1/posts/999999999/reactions", new JsonObject().put("kind", "like").encode()));
    }
  }

  @Test
  @DisplayName("Mention suggestions for the closed group name only its members, to a member; in a public group anyone matches")
  void mentionSuggestionsInTheClosedGroup() {
    Set<String> convenors = new HashSet<>();
    long groupId = TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'convenors'");
    for (String subject : List.of("demo-amelie", "demo-pieter", "demo-tomasz", "demo-maria")) {
      assertEquals(1, TestDatabase.count("""
          SELECT count(*) FROM group_memberships gm JOIN members m ON m.id = gm.member_id
           WHERE gm.group_id = ? AND m.subject = ?""", groupId, subject), subject + " is a convenor");
    }
    long members = TestDatabase.count("SELECT count(*) FROM group_memberships WHERE group_id = ?", groupId);
    for (int i = 0; i < members; i++) {
      convenors.add(TestDatabase.text("""
          SELECT m.handle FROM group_memberships gm JOIN members m ON m.id = gm.member_id
           WHERE gm.group_id = ? ORDER BY m.id OFFSET ?""", groupId, i));
    }

    // Sofia Marques matches "marq" in a public group, but she is no convenor
    assertTrue(handles(json(expect("mentionSuggestions", 200, get(pieter, "/api/v1/groups/reimbursement/mentions?q=marq"))))
        .contains("sofia"));
    assertEquals(List.of(), handles(json(expect("mentionSuggestions", 200,
        get(pieter, "/api/v1/groups/convenors/mentions?q=marq")))));
    assertTrue(handles(json(expect("mentionSuggestions", 200, get(pieter, "/api/v1/groups/convenors/mentions?q=@mari"))))
        .contains("maria"));
    for (String q : List.of("a", "e", "m", "s", "j", "l", "t", "p")) {
      List<String> suggested = handles(json(expect("mentionSuggestions", 200,
          get(pieter, "/api/v1/groups/convenors/mentions?q=" + q))));
      assertTrue(convenors.containsAll(suggested), "@" + q + " in convenors suggests " + suggested + ", convenors are " + convenors);
    }
    assertSame404("mentionSuggestions", get(lukas, "/api/v1/groups/convenors/mentions?q=mari"),
        get(lukas, "/api/v1/groups/no-such-group/mentions?q=mari"));
  }

  // ---------------------------------------------------------------- helpers: data

  private static JsonObject newThread(Browser author) {
    return json(expect("createThread", 201, postJson(author, "/api/v1/groups/" + GROUP + "/threads",
        new JsonObject().put("title", "API contract " + System.nanoTime()).put("body", "Opening post.").encode())));
  }

  /** The id of a demo thread of the group, found by the start of its title through the API. */
  private static long demoThread(Browser b, String slug, String titleStart) {
    JsonObject list = json(expect("listThreads", 200, get(b, "/api/v1/groups/" + slug + "/threads")));
    return list.getJsonArray("threads").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("title").startsWith(titleStart)).findFirst()
        .orElseThrow(() -> new AssertionError("no thread \"" + titleStart + "...\" in " + slug + ": " + list))
        .getLong("id");
  }

  private static long firstPost(Browser b, long threadId) {
    return json(expect("getThread", 200, get(b, "/api/v1/threads/" + threadId))).getJsonArray("posts").getJsonObject(0)
        .getLong("id");
  }

  private static JsonObject group(JsonObject list, String slug) {
    JsonObject g = groupOrNull(list, slug);
    if (g == null) {
      throw new AssertionError("no group " + slug + " in " + list);
    }
    return g;
  }

  private static JsonObject groupOrNull(JsonObject list, String slug) {
    return list.getJsonArray("groups").stream().map(JsonObject.class::cast).filter(g -> slug.equals(g.getString("slug")))
        .findFirst().orElse(null);
  }

  private static List<String> handles(JsonObject suggestions) {
    return suggestions.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("handle")).toList();
  }

  static JsonObject json(Response r) {
    return new JsonObject(r.body());
  }

  /** Both answers valid 404s of the operation, and alike: a hidden thing is not told from a missing one. */
  static void assertSame404(String operationId, Response hidden, Response missing) {
    expect(operationId, 404, hidden);
    expect(operationId, 404, missing);
    assertEquals(json(missing), json(hidden), operationId + ": " + hidden.uri() + " answers unlike " + missing.uri());
    assertEquals(missing.header("Content-Type"), hidden.header("Content-Type"));
  }

  // ---------------------------------------------------------------- helpers: HTTP

  /** A new member of no group, signed in, with the CSRF token kept for writes. */
  static Browser signedInNew(String name) {
    Browser b = new Browser();
    app.signInNew(b, name, eu.mhealthhub.agora.support.Fixtures.unique("api") + "@example.org");
    csrfTokens.put(b, app.csrf(b));
    return b;
  }

  static Browser signedIn(String subject) {
    Browser b = new Browser();
    app.signIn(b, subject);
    csrfTokens.put(b, app.csrf(b));
    return b;
  }

  /** Sends {@code token} as the X-CSRF-Token of {@code b}, a browser signed in by another test's fixture. */
  static void useCsrf(Browser b, String token) {
    csrfTokens.put(b, token);
  }

  static Response get(Browser b, String path) {
    return b.get(app.url(path), "Accept", JSON);
  }

  /** A JSON POST with the browser's CSRF token (if it has a session), as a script in the page sends it. */
  static Response postJson(Browser b, String path, String body, String... headers) {
    List<String> all = new ArrayList<>();
    if (csrfTokens.containsKey(b)) {
      all.add("X-CSRF-Token");
      all.add(csrfTokens.get(b));
    }
    all.addAll(List.of(headers));
    return b.postRaw(app.url(path), JSON, body.getBytes(StandardCharsets.UTF_8), all.toArray(String[]::new));
  }

  /** PATCH and DELETE, which Browser does not send: the same session cookie, optionally the CSRF token. */
  static Response send(Browser b, String method, String path, String body, boolean withCsrf) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(app.url(path)))
        .timeout(Duration.ofSeconds(30))
        .header("Accept", JSON)
        .header("Accept-Language", "en")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", JSON);
    }
    String session = b.cookie("localhost", SESSION_COOKIE);
    if (session != null) {
      request.header("Cookie", SESSION_COOKIE + "=" + session);
    }
    if (withCsrf && csrfTokens.containsKey(b)) {
      request.header("X-CSRF-Token", csrfTokens.get(b));
    }
    HttpRequest built = request.build();
    try {
      HttpResponse<String> r = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Response(r.statusCode(), r.headers(), r.body(), built.uri());
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Sends only the head of a JSON request that announces a body of the given length, with the
   * session cookie and CSRF token, and reads the answer over a plain socket. (java.net.http sends
   * the whole body before it reads the answer, and on Java 17 its Expect: 100-continue waits
   * forever for a final answer that is not 100.)
   */
  private static Response announce(Browser b, String method, String path, long contentLength) {
    URI uri = URI.create(app.url(path));
    StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
        .append("Host: localhost:").append(app.port()).append("\r\n")
        .append("Accept: ").append(JSON).append("\r\n")
        .append("Accept-Language: en\r\n")
        .append("Content-Type: ").append(JSON).append("\r\n")
        .append("Content-Length: ").append(contentLength).append("\r\n")
        .append("Cookie: ").append(SESSION_COOKIE).append("=").append(b.cookie("localhost", SESSION_COOKIE)).append("\r\n")
        .append("X-CSRF-Token: ").append(csrfTokens.get(b)).append("\r\n")
        .append("Connection: close\r\n\r\n");
    try (Socket socket = new Socket("localhost", app.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      String status = readLine(in);
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
      }
      String length = headers.containsKey("Content-Length") ? headers.get("Content-Length").get(0) : "0";
      byte[] body = new byte[Integer.parseInt(length)];
      in.readFully(body);
      return new Response(Integer.parseInt(status.split(" ")[1]), HttpHeaders.of(headers, (k, v) -> true),
          new String(body, StandardCharsets.UTF_8), uri);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    }
  }

  private static String readLine(DataInputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new EOFException("the connection ended in the head of the answer");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }

  // ---------------------------------------------------------------- helpers: the contract

  /**
   * Checks the status, then validates the answer (status, headers, content type and body) against
   * the operation's response in the contract. A response the contract gives no content must come
   * without a body.
   */
  static Response expect(String operationId, int status, Response r) {
    assertEquals(status, r.status(), () -> operationId + ": " + r + "\n" + r.body());
    Operation op = contract.operation(operationId);
    assertNotNull(op, "no operation " + operationId + " in the contract");
    io.vertx.openapi.contract.Response documented = op.getResponse(r.status());
    assertNotNull(documented, () -> operationId + " does not document " + r.status() + ": " + r.body());
    if (documented.getContent().isEmpty()) {
      assertEquals("", r.body(), operationId + " " + r.status() + " has no body in the contract");
    }
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    r.headers().map().forEach((name, values) -> headers.put(name, values.get(0)));
    boolean hasBody = r.body() != null && !r.body().isEmpty();
    ValidatableResponse answer = new CaselessHeaders(ValidatableResponse.create(r.status(), headers,
        hasBody ? Buffer.buffer(r.body()) : null, hasBody ? r.header("Content-Type") : null));
    try {
      await(validator.validate(answer, operationId));
    } catch (Exception e) {
      fail(operationId + ": " + r + " does not match the contract: " + describe(e) + "\n" + r.body(), e);
    }
    return r;
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    if (e instanceof SchemaValidationException v && v.getOutputUnit() != null) {
      s.append("\n").append(v.getOutputUnit().getErrors().stream()
          .map(u -> u.getInstanceLocation() + ": " + u.getError() + " (" + u.getKeywordLocation() + ")")
          .collect(Collectors.joining("\n")));
    }
    if (e.getCause() != null && e.getCause() != e) {
      s.append("\ncaused by: ").append(e.getCause());
    }
    return s.toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new AssertionError("no answer from the validator in 30 s", e);
    }
  }

  /**
   * HTTP header names are case-insensitive, but {@link ValidatableResponse#create} lower-cases them
   * and the validator looks them up by the contract's spelling ("Location"): this view finds them
   * whatever the case.
   */
  private record CaselessHeaders(ValidatableResponse delegate) implements ValidatableResponse {
    @Override
    public Map<String, ResponseParameter> getHeaders() {
      Map<String, ResponseParameter> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      headers.putAll(delegate.getHeaders());
      return headers;
    }

    @Override
    public ResponseParameter getBody() {
      return delegate.getBody();
    }

    @Override
    public String getContentType() {
      return delegate.getContentType();
    }

    @Override
    public int getStatusCode() {
      return delegate.getStatusCode();
    }
  }
}
