package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.live.EventLog.Event;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.function.Function;

/**
 * Where services record what changed and announce it. A change is written to the
 * {@link EventLog} inside the transaction that made it, numbered per address in commit order, and
 * published on the event bus after the commit, never before. Events are thin (what changed, its
 * id, its number); pages fetch what they show through ordinary authorised requests.
 */
public final class ChangeFeed {

  /** One change: the address of what changed ({@code thread.12}, {@code group.3}), what happened, and the id. */
  public record Change(String address, String type, long id) {
    public static Change at(LiveAddress address, String type, long id) {
      return new Change(address.toString(), type, id);
    }

    public static Change thread(long threadId, String type, long id) {
      return at(LiveAddress.of("thread", threadId), type, id);
    }

    public static Change group(long groupId, String type, long id) {
      return at(LiveAddress.of("group", groupId), type, id);
    }

    public static Change member(long memberId, String type, long id) {
      return at(LiveAddress.of("member", memberId), type, id);
    }
  }

  /**
   * What a transaction produced, the changes it made, and whether it may have narrowed who can read
   * some addresses (then open subscriptions to them are re-checked on every node before any later
   * event reaches them).
   */
  public record Outcome<T>(T value, List<Change> changes, List<Narrowing> narrowings) {
    public Outcome(T value, List<Change> changes) {
      this(value, changes, List.of());
    }

    public static <T> Outcome<T> of(T value, Change... changes) {
      return new Outcome<>(value, List.of(changes));
    }

    /** The same outcome, which also narrowed who may read something. */
    public Outcome<T> narrowing(Narrowing... more) {
      List<Narrowing> all = new java.util.ArrayList<>(narrowings);
      all.addAll(List.of(more));
      return new Outcome<>(value, changes, all);
    }
  }

  private final Pool pool;
  private final EventBus bus;
  private final EventLog log = new EventLog();
  private final LiveStats stats = new LiveStats();

  /**
   * Events are announced from each transaction's completion callback, which runs on the event loop
   * of the request that committed, so two of them can be announced in the other order (and in a
   * cluster every node announces its own). Every node's {@link LiveSequencer} puts them back in
   * commit order per address before its bridges see them.
   */
  public ChangeFeed(Pool pool, io.vertx.core.Vertx vertx) {
    this(pool, vertx, DEFAULT_GAP_WAIT_MS);
  }

  /** As above, with the longest wait for a missing event before it is read from the log. */
  public ChangeFeed(Pool pool, io.vertx.core.Vertx vertx, long gapWaitMs) {
    this.pool = pool;
    this.bus = vertx.eventBus();
    new LiveSequencer(vertx, pool, log, stats, gapWaitMs);
  }

  /** How long an event that arrived after a gap waits for the missing one before it is read from the log. */
  public static final long DEFAULT_GAP_WAIT_MS = 150;

  /**
   * An internal address (never permitted on the bridge) on which committed events are announced to
   * every node's {@link LiveSequencer}: {@code {"address": "thread.12", "body": {"type", "id", "seq", "epoch"?}}}.
   */
  public static final String EVENTS = "agora.internal.live.events";

  public EventLog log() {
    return log;
  }

  /** This node's live counters, shared with its bridges. */
  public LiveStats stats() {
    return stats;
  }

  /**
   * Runs {@code work} in one transaction, records its changes as the transaction's last step, and
   * publishes them once it committed. Completes with the work's value; fails as the work failed,
   * with nothing recorded or published.
   */
  public <T> Future<T> transaction(Function<SqlConnection, Future<Outcome<T>>> work) {
    return transactionWithEvents(work).map(Committed::value);
  }

  /**
   * As {@link #transaction}, and also completes with the events as numbered, for callers that tell
   * the client which number its change got (a Talk room's JSON answers, which the benchmark matches
   * against the frames its sockets receive).
   */
  public <T> Future<Committed<T>> transactionWithEvents(Function<SqlConnection, Future<Outcome<T>>> work) {
    // narrowings first, so that this transaction's own events carry their number
    return pool.withTransaction(conn -> work.apply(conn).compose(outcome -> log.narrow(conn, outcome.narrowings())
            .compose(narrowed -> outcome.changes().isEmpty()
                ? Future.succeededFuture(new Committed<>(outcome.value(), List.<Event>of(), narrowed))
                : log.append(conn, outcome.changes()).map(events -> new Committed<>(outcome.value(), events, narrowed)))))
        .onSuccess(committed -> publish(committed.narrowings(), committed.events()));
  }

  /** What a committed transaction produced, its events with their numbers, and its narrowings. */
  public record Committed<T>(T value, List<Event> events, List<EventLog.NarrowingRecord> narrowings) {}

  /**
   * An internal address (never permitted on the bridge) announcing a committed {@link Narrowing}:
   * {@code {"epoch": n, "scopes": ["group.3"], "members": [7]}}. Bridges on every node re-check the
   * subscriptions it touches; a node that misses one fetches it from the log when an event names a
   * newer epoch.
   */
  public static final String NARROWED = "agora.internal.narrowed";

  /**
   * An internal address (never permitted on the bridge) announcing that what a member may read
   * changed, or that they signed out; bridges on every node close that member's sockets, which
   * reconnect and register again under the new rights.
   */
  public static final String ACCESS_CHANGED = "agora.internal.access-changed";

  /** Publishes events whose transaction has committed, in the order given, one publish at a time. */
  public void publish(List<Event> events) {
    publish(List.of(), events);
  }

  private void publish(List<EventLog.NarrowingRecord> narrowings, List<Event> events) {
    narrowings.forEach(n -> bus.publish(NARROWED, notice(n)));
    for (Event e : events) {
      JsonObject body = new JsonObject().put("type", e.type()).put("id", e.entityId()).put("seq", e.seq());
      if (e.epoch() > 0) {
        body.put("epoch", e.epoch());
      }
      bus.publish(EVENTS, new JsonObject().put("address", e.address()).put("body", body));
    }
    stats.countPublished(events.size());
  }

  /** The event-bus form of a narrowing. */
  public static JsonObject notice(EventLog.NarrowingRecord n) {
    return new JsonObject().put("epoch", n.epoch())
        .put("scopes", new io.vertx.core.json.JsonArray(n.narrowing().scopes().stream().map(LiveAddress::toString).toList()))
        .put("members", new io.vertx.core.json.JsonArray(n.narrowing().members()));
  }

  /** The narrowing a notice announces. */
  public static EventLog.NarrowingRecord notice(JsonObject body) {
    List<LiveAddress> scopes = body.getJsonArray("scopes").stream()
        .map(a -> LiveAddress.parse((String) a).orElseThrow()).toList();
    List<Long> members = body.getJsonArray("members").stream().map(m -> ((Number) m).longValue()).toList();
    return new EventLog.NarrowingRecord(body.getLong("epoch"), new Narrowing(scopes, members));
  }

  /**
   * Tells every node that this member signed out (or lost every right at once): bridges close the
   * member's sockets, which keep the member they had when they connected.
   */
  public void accessChanged(long memberId) {
    bus.publish(ACCESS_CHANGED, memberId);
  }
}
