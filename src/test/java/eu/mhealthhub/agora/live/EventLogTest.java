package eu.mhealthhub.agora.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.EventLog.Event;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Numbers on an address follow commit order, even when transactions overlap and commit out of order. */
class EventLogTest {

  private static Vertx vertx;
  private static Pool pool;
  private final EventLog log = new EventLog();

  @BeforeAll
  static void start() {
    TestApp.shared(); // the schema
    DatabaseSettings db = TestDatabase.settings();
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(new PgConnectOptions().setHost(db.host()).setPort(db.port())
        .setDatabase(db.name()).setUser(db.user()).setPassword(db.password())).using(vertx).build();
  }

  @AfterAll
  static void stop() throws Exception {
    pool.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static String address() {
    return "thread." + (1_000_000 + Math.abs(Fixtures.unique("a").hashCode() % 1_000_000));
  }

  @Test
  @DisplayName("a transaction that starts writing later but would commit first waits, so numbers follow commit order")
  void overlappingTransactions() throws Exception {
    String address = address();
    SqlConnection a = await(pool.getConnection());
    SqlConnection b = await(pool.getConnection());
    try {
      Transaction ta = await(a.begin());
      Transaction tb = await(b.begin());
      Event first = await(log.append(a, List.of(new Change(address, "post.created", 1)))).get(0);
      // B tries to record while A is still open: it must wait for A rather than take a number now
      Future<List<Event>> second = log.append(b, List.of(new Change(address, "post.created", 2)));
      Thread.sleep(300);
      assertFalse(second.isComplete(), "B waits for A to end");
      assertEquals(0, TestDatabase.count("SELECT count(*) FROM live_events WHERE address = ?", address),
          "nothing is visible before a commit");
      await(ta.commit());
      Event later = await(second).get(0);
      assertEquals(first.seq() + 1, later.seq());
      await(tb.commit());
      assertEquals(List.of(first.seq(), later.seq()), await(log.after(pool, address, 0, 10)).stream().map(Event::seq).toList());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  @DisplayName("a rolled-back transaction leaves no gap and no event")
  void rollbackLeavesNoGap() throws Exception {
    String address = address();
    SqlConnection a = await(pool.getConnection());
    SqlConnection b = await(pool.getConnection());
    try {
      Transaction ta = await(a.begin());
      Transaction tb = await(b.begin());
      await(log.append(a, List.of(new Change(address, "post.created", 1))));
      Future<List<Event>> second = log.append(b, List.of(new Change(address, "post.created", 2)));
      await(ta.rollback());
      assertEquals(1, await(second).get(0).seq(), "B takes the number A gave back");
      await(tb.commit());
      List<Event> events = await(log.after(pool, address, 0, 10));
      assertEquals(1, events.size());
      assertEquals(2, events.get(0).entityId());
    } finally {
      a.close();
      b.close();
    }
  }

  @Test
  @DisplayName("two transactions writing the same two addresses in different orders do not deadlock")
  void noDeadlock() throws Exception {
    String x = address();
    String y = address();
    List<Future<Void>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 20; i++) {
      List<Change> changes = i % 2 == 0
          ? List.of(new Change(x, "t", i), new Change(y, "t", i))
          : List.of(new Change(y, "t", i), new Change(x, "t", i));
      all.add(pool.withTransaction(conn -> log.append(conn, changes)).mapEmpty());
    }
    await(Future.all(all));
    for (String address : List.of(x, y)) {
      List<Long> seqs = await(log.after(pool, address, 0, 100)).stream().map(Event::seq).toList();
      assertEquals(20, seqs.size());
      for (int i = 0; i < seqs.size(); i++) {
        assertEquals(i + 1L, seqs.get(i), "numbers 1..20 without gaps or repeats");
      }
    }
  }

  @Test
  @DisplayName("pruning keeps the newest event of each address, so its numbers never restart")
  void pruneKeepsCounters() throws Exception {
    String address = address();
    for (int i = 0; i < 3; i++) {
      int n = i;
      await(pool.withTransaction(conn -> log.append(conn, List.of(new Change(address, "t", n)))));
    }
    await(log.prune(pool, java.time.Instant.now().plusSeconds(60)));
    assertEquals(3L, await(log.latest(pool, address)));
    Event next = await(pool.withTransaction(conn -> log.append(conn, List.of(new Change(address, "t", 9))))).get(0);
    assertEquals(4, next.seq());
    assertTrue(await(log.oldest(pool, address)) >= 3);
  }
}
