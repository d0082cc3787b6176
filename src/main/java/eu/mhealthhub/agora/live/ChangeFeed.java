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
    public static Change thread(long threadId, String type, long id) {
      return new Change("thread." + threadId, type, id);
    }

    public static Change group(long groupId, String type, long id) {
      return new Change("group." + groupId, type, id);
    }

    public static Change member(long memberId, String type, long id) {
      return new Change("member." + memberId, type, id);
    }
  }

  /** What a transaction produced and the changes it made. */
  public record Outcome<T>(T value, List<Change> changes) {
    public static <T> Outcome<T> of(T value, Change... changes) {
      return new Outcome<>(value, List.of(changes));
    }
  }

  private final Pool pool;
  private final EventBus bus;
  private final io.vertx.core.Context publisher;
  private final EventLog log = new EventLog();

  /**
   * Publishing happens on one context of its own: a publish to thousands of subscribers walks them
   * one by one, and two publishes walking at once from two event loops would reach some sockets in
   * the wrong order. Pages still catch up on any gap, but in order is cheaper.
   */
  public ChangeFeed(Pool pool, io.vertx.core.Vertx vertx) {
    this.pool = pool;
    this.bus = vertx.eventBus();
    this.publisher = vertx.getOrCreateContext();
  }

  public EventLog log() {
    return log;
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
    return pool.withTransaction(conn -> work.apply(conn).compose(outcome -> outcome.changes().isEmpty()
            ? Future.succeededFuture(new Committed<>(outcome.value(), List.<Event>of()))
            : log.append(conn, outcome.changes()).map(events -> new Committed<>(outcome.value(), events))))
        .onSuccess(committed -> publish(committed.events()));
  }

  /** What a committed transaction produced, and its events with their numbers. */
  public record Committed<T>(T value, List<Event> events) {}

  /**
   * An internal address (never permitted on the bridge) announcing that what a member may read
   * changed, or that they signed out; bridges on every node close that member's sockets, which
   * reconnect and register again under the new rights.
   */
  public static final String ACCESS_CHANGED = "agora.internal.access-changed";

  /** Publishes events whose transaction has committed, in the order given, one publish at a time. */
  public void publish(List<Event> events) {
    publisher.runOnContext(v -> publishNow(events));
  }

  private void publishNow(List<Event> events) {
    for (Event e : events) {
      bus.publish(e.address(), new JsonObject().put("type", e.type()).put("id", e.entityId()).put("seq", e.seq()));
      if (e.address().startsWith("member.") && (e.type().equals("membership.changed") || e.type().equals("join.decided"))) {
        accessChanged(Long.parseLong(e.address().substring("member.".length())));
      }
    }
  }

  /** Tells every node that this member's rights changed (or that they signed out). */
  public void accessChanged(long memberId) {
    bus.publish(ACCESS_CHANGED, memberId);
  }
}
