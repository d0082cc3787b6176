package eu.mhealthhub.agora.live;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts this node's live events back in commit order, per address, before any socket sees them.
 *
 * <p>Events are numbered per address in commit order ({@link EventLog}), but they are announced
 * from each transaction's completion callback, on the event loop of the request that committed, and
 * from every node of a cluster: two callbacks can arrive in the other order. Every event therefore
 * comes here first ({@link ChangeFeed#EVENTS}, one consumer per node), and leaves, on
 * {@link #ORDERED} to this node's bridges, only after the one before it on its address. An event
 * that arrives after a gap waits at most {@code gapWaitMs}; then the missing ones are read from the
 * log (where they are, since a number is handed out only after the previous one committed) and go
 * out first. Should the log no longer have them, the waiting ones go out anyway and pages catch up
 * once, on their own. An event older than one already sent is a duplicate and is dropped.
 *
 * <p>All state lives on one context of its own, so it needs no locks.
 */
public final class LiveSequencer {

  private static final Logger LOG = LoggerFactory.getLogger(LiveSequencer.class);

  /** Where this node's bridges receive events in order: {@code {"address": ..., "body": {...}}}; local only. */
  public static final String ORDERED = "agora.internal.live.ordered";

  /** Addresses nothing happened on for this long are forgotten (their next event starts afresh). */
  private static final long FORGET_AFTER_MS = 600_000;

  /** What this node knows of one address. */
  private static final class Stream {
    long last = -1;
    final TreeMap<Long, JsonObject> waiting = new TreeMap<>();
    long timer = -1;
    boolean fetching;
    long touched;
  }

  private final Vertx vertx;
  private final Pool pool;
  private final EventLog log;
  private final LiveStats stats;
  private final long gapWaitMs;
  private final Context context;
  private final Map<String, Stream> streams = new HashMap<>();
  private final DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);

  LiveSequencer(Vertx vertx, Pool pool, EventLog log, LiveStats stats, long gapWaitMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.log = log;
    this.stats = stats;
    this.gapWaitMs = gapWaitMs;
    this.context = vertx.getOrCreateContext();
    context.runOnContext(v -> {
      vertx.eventBus().<JsonObject>consumer(ChangeFeed.EVENTS, message -> heard(message.body()));
      vertx.setPeriodic(FORGET_AFTER_MS, id -> forgetIdle());
    });
  }

  /** An event as announced: {@code {"address", "body": {"type", "id", "seq", "epoch"?}}}. */
  private void heard(JsonObject announced) {
    String address = announced.getString("address");
    JsonObject body = announced.getJsonObject("body");
    Long seq = body.getLong("seq");
    if (address == null || seq == null) {
      return;
    }
    Stream s = streams.computeIfAbsent(address, a -> new Stream());
    s.touched = System.currentTimeMillis();
    if (s.last < 0) {
      // the first event heard here on this address: nothing to compare with
      emit(address, s, seq, body);
      return;
    }
    if (seq <= s.last || s.waiting.containsKey(seq)) {
      stats.countDropped();
      return;
    }
    if (seq == s.last + 1) {
      emit(address, s, seq, body);
      drain(address, s);
      return;
    }
    stats.countHeldBack();
    s.waiting.put(seq, body);
    if (s.timer < 0 && !s.fetching) {
      s.timer = vertx.setTimer(gapWaitMs, id -> gap(address, s));
    }
  }

  /** Sends whatever waits right after the last one sent. */
  private void drain(String address, Stream s) {
    while (!s.waiting.isEmpty() && s.waiting.firstKey() == s.last + 1) {
      var next = s.waiting.pollFirstEntry();
      emit(address, s, next.getKey(), next.getValue());
    }
    if (s.waiting.isEmpty() && s.timer >= 0) {
      vertx.cancelTimer(s.timer);
      s.timer = -1;
    }
  }

  /** The gap did not close by itself: read what is missing from the log, then send everything in order. */
  private void gap(String address, Stream s) {
    s.timer = -1;
    if (s.waiting.isEmpty()) {
      return;
    }
    s.fetching = true;
    long from = s.last;
    int missing = (int) Math.min(LiveRoutes.MAX_EVENTS, s.waiting.lastKey() - from);
    Future<List<EventLog.Event>> fetched = log.after(pool, address, from, missing);
    fetched.onComplete(r -> {
      s.fetching = false;
      if (r.succeeded()) {
        // a later event's transaction saw at least the narrowings an earlier one saw
        long epoch = s.waiting.isEmpty() ? 0 : s.waiting.firstEntry().getValue().getLong("epoch", 0L);
        for (EventLog.Event e : r.result()) {
          if (e.seq() > s.last && !s.waiting.containsKey(e.seq())) {
            JsonObject body = new JsonObject().put("type", e.type()).put("id", e.entityId()).put("seq", e.seq());
            if (epoch > 0) {
              body.put("epoch", epoch);
            }
            s.waiting.put(e.seq(), body);
            stats.countFetched();
          }
        }
      } else {
        LOG.warn("could not read the live events missing on {} after {}: {}", address, from, r.cause().getMessage());
      }
      drain(address, s);
      if (!s.waiting.isEmpty()) {
        // no longer kept (or unreadable): the later ones go out, and pages catch up once by themselves
        stats.countSkipped();
        s.last = s.waiting.firstKey() - 1;
        drain(address, s);
      }
    });
  }

  private void emit(String address, Stream s, long seq, JsonObject body) {
    s.last = seq;
    vertx.eventBus().publish(ORDERED, new JsonObject().put("address", address).put("body", body), local);
  }

  private void forgetIdle() {
    long before = System.currentTimeMillis() - FORGET_AFTER_MS;
    streams.values().removeIf(s -> s.touched < before && s.waiting.isEmpty() && s.timer < 0 && !s.fetching);
  }
}
