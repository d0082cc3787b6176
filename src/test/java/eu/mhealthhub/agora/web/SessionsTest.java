package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.db.PostgresSessionStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.db.Database;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Session;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Sessions kept in PostgreSQL on a single node: they survive restarts, expire, and cost nothing for anonymous visits. */
class SessionsTest {

  private static Vertx vertx;
  private static Database database;
  private static PostgresSessionStore store;

  @BeforeAll
  static void start() {
    TestApp.shared(); // migrations on the shared database
    vertx = Vertx.vertx();
    database = new Database(vertx, TestDatabase.settings(),
        new eu.mhealthhub.agora.AppConfig.DatabaseLimits(Duration.ofSeconds(5), Duration.ofSeconds(30)));
    store = new PostgresSessionStore(vertx, database.pool(), Duration.ofMillis(200), Duration.ofMinutes(1));
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    await(database.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Runs on an event loop, as the session handler does. */
  private static <T> T onContext(java.util.function.Supplier<Future<T>> work) throws Exception {
    io.vertx.core.Promise<T> p = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> work.get().onComplete(p));
    return await(p.future());
  }

  private static String idHash(String id) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes()));
  }

  private static long rows(String id) throws Exception {
    return TestDatabase.count("SELECT count(*) FROM sessions WHERE id_hash = decode(?, 'hex')", idHash(id));
  }

  private static Session stored(String key, Object value) throws Exception {
    Session s = store.createSession(60_000, 32);
    s.put(key, value);
    s.setAccessed();
    onContext(() -> store.put(s));
    return s;
  }

  @Test
  @DisplayName("a member signed in before a restart is still signed in after it, with the same cookie")
  void survivesRestart() {
    int port = TestApp.freePort();
    Browser browser = new Browser();
    Map<String, String> env = Map.of("AGORA_DEMO_CONTENT", "false");
    try (TestApp before = TestApp.start(port, env, Clock.systemUTC(), r -> { })) {
      before.signIn(browser, "demo-jonas");
      assertThat(browser.get(before.url("/")).html().select(".member-name").text()).isEqualTo("Dr Jonas Becker");
    }
    String cookie = browser.cookie("localhost", "agora_session");
    try (TestApp after = TestApp.start(port, env, Clock.systemUTC(), r -> { })) {
      Response home = browser.get(after.url("/"));
      assertThat(home.html().select(".member-name").text()).as("still signed in").isEqualTo("Dr Jonas Becker");
      assertEquals(cookie, browser.cookie("localhost", "agora_session"));
      assertNotNull(after.csrf(browser), "and can still post: the session's CSRF token came back too");
    }
  }

  @Test
  @DisplayName("requests with made-up or stale session cookies add no session rows")
  void strayCookiesStoreNothing() {
    long before = TestDatabase.count("SELECT count(*) FROM sessions");
    for (int i = 0; i < 20; i++) {
      Browser stray = new Browser();
      stray.addCookie("localhost", "agora_session", Tokens.random(32));
      assertEquals(200, stray.get(TestApp.shared().url("/")).status());
    }
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM sessions"));
  }

  @Test
  @DisplayName("a stored session reads back with its data; an expired one reads as absent and the job deletes its row")
  void expiryAndPurge() throws Exception {
    Session live = stored("memberId", 42L);
    Session read = onContext(() -> store.get(live.id()));
    assertEquals(42L, (Long) read.get("memberId"));
    assertEquals(1, ((io.vertx.ext.web.sstore.AbstractSession) read).version());

    Session expiring = store.createSession(300, 32);
    expiring.put("memberId", 7L);
    expiring.setAccessed();
    onContext(() -> store.put(expiring));
    assertEquals(7L, (Long) onContext(() -> store.get(expiring.id())).get("memberId"), "read back while it lives");
    Thread.sleep(400);
    assertNull(onContext(() -> store.get(expiring.id())), "an expired session is never returned, not even from memory");
    long deadline = System.currentTimeMillis() + 10_000;
    while (rows(expiring.id()) > 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertEquals(0, rows(expiring.id()), "the purge job deleted the expired row");
    assertEquals(1, rows(live.id()), "and kept the live one");
  }

  @Test
  @DisplayName("the session id is not stored, only its SHA-256")
  void idIsNotStored() throws Exception {
    Session s = stored("csrf", "token");
    assertEquals(1, rows(s.id()));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM sessions WHERE position(convert_to(?, 'UTF8') in data) > 0",
        s.id()));
  }

  @Test
  @DisplayName("a write based on an older version of a session fails and leaves the newer one")
  void staleWriteFails() throws Exception {
    Session original = stored("flash", "first");
    Session a = onContext(() -> store.get(original.id()));
    Session b = onContext(() -> store.get(original.id()));
    a.put("flash", "from a");
    onContext(() -> store.put(a));
    b.put("flash", "from b");
    ExecutionException e = assertThrows(ExecutionException.class, () -> onContext(() -> store.put(b)));
    assertTrue(e.getCause().getMessage().contains("version"), e.getCause().getMessage());
    assertEquals("from a", onContext(() -> store.get(original.id())).get("flash"));
  }

  @Test
  @DisplayName("a session deleted while a request was still using it (a sign-out) is not brought back by that request's write")
  void deletedStaysDeleted() throws Exception {
    Session original = stored("memberId", 5L);
    Session inUse = onContext(() -> store.get(original.id()));
    onContext(() -> store.delete(original.id()));
    inUse.put("flash", "late");
    onContext(() -> store.put(inUse));
    assertEquals(0, rows(original.id()));
    assertNull(onContext(() -> store.get(original.id())), "and it reads as absent");
  }

  @Test
  @DisplayName("a session read once is read from the node's memory after that, and a write is what the next read sees")
  void readsComeFromMemoryAfterTheFirst() throws Exception {
    Session original = stored("memberId", 11L);
    // a row changed behind the store's back is not seen: proof that the read did not go to PostgreSQL
    // (only this store writes the table, and a node of a cluster uses the cluster's store instead)
    TestDatabase.update("UPDATE sessions SET data = ''::bytea WHERE id_hash = decode(?, 'hex')", idHash(original.id()));
    Session read = onContext(() -> store.get(original.id()));
    assertEquals(11L, (Long) read.get("memberId"));
    read.put("memberId", 12L);
    onContext(() -> store.put(read));
    Session after = onContext(() -> store.get(original.id()));
    assertEquals(12L, (Long) after.get("memberId"));
    assertEquals(2, ((io.vertx.ext.web.sstore.AbstractSession) after).version());
    // and the write reached PostgreSQL: a store with an empty memory reads the same
    PostgresSessionStore fresh = new PostgresSessionStore(vertx, database.pool(), Duration.ofMinutes(5), Duration.ofMinutes(1));
    try {
      assertEquals(12L, (Long) onContext(() -> fresh.get(original.id())).get("memberId"));
    } finally {
      fresh.close();
    }
  }

  @Test
  @DisplayName("an unchanged session is not written again on every request")
  void unchangedIsNotRewritten() throws Exception {
    Session original = stored("memberId", 9L);
    String lastAccess = TestDatabase.text("SELECT last_access FROM sessions WHERE id_hash = decode(?, 'hex')",
        idHash(original.id()));
    Session again = onContext(() -> store.get(original.id()));
    Thread.sleep(5);
    again.setAccessed();
    onContext(() -> store.put(again));
    assertEquals(lastAccess, TestDatabase.text("SELECT last_access FROM sessions WHERE id_hash = decode(?, 'hex')",
        idHash(original.id())), "within the touch interval, nothing is written");
    assertEquals(1, ((io.vertx.ext.web.sstore.AbstractSession) again).version());
  }
}
