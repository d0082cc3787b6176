package eu.mhealthhub.agora.thread;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read positions, written in batches rather than on every page view: a view records the highest
 * position seen in memory, and one statement every {@link #FLUSH_MS} ms writes them all. The
 * upsert keeps the greatest position, so batches from several nodes may land in any order. Until
 * a batch lands, this node merges its pending positions into what it shows.
 */
public final class ReadTracker {

  public static final long FLUSH_MS = 2000;
  private static final Logger LOG = LoggerFactory.getLogger(ReadTracker.class);

  private record Key(long memberId, long threadId) {}

  private final Pool pool;
  private final ThreadRepository repository = new ThreadRepository();
  private final Map<Key, Integer> pending = new ConcurrentHashMap<>();
  /** Set while writes fail (the database is away): one warning when that starts, not one per attempt. */
  private final java.util.concurrent.atomic.AtomicBoolean failing = new java.util.concurrent.atomic.AtomicBoolean();
  private final long timer;
  private final Vertx vertx;

  public ReadTracker(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
    this.timer = vertx.setPeriodic(FLUSH_MS, id -> flush());
  }

  /** Records that the member has seen the thread up to this position. */
  public void seen(long memberId, long threadId, int position) {
    pending.merge(new Key(memberId, threadId), position, Math::max);
  }

  /**
   * Positions taken out of {@link #pending} by a write that has not committed yet: still counted,
   * or a page rendered during the write would see neither and show the thread unread again.
   */
  private final Map<Key, Integer> writing = new ConcurrentHashMap<>();

  /** The position not yet written (or being written) for this member and thread, or 0. */
  public int pending(long memberId, long threadId) {
    Key key = new Key(memberId, threadId);
    return Math.max(pending.getOrDefault(key, 0), writing.getOrDefault(key, 0));
  }

  /** Writes every pending position in one statement. */
  public Future<Void> flush() {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Long> members = new ArrayList<>();
    List<Long> threads = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    Map<Key, Integer> batch = new java.util.HashMap<>();
    for (Key k : List.copyOf(pending.keySet())) {
      Integer p = pending.get(k);
      if (p != null) {
        // in flight before leaving pending, so that a reader always finds it in one of the two
        writing.merge(k, p, Math::max);
        pending.remove(k, p);
        batch.put(k, p);
        members.add(k.memberId());
        threads.add(k.threadId());
        positions.add(p);
      }
    }
    return repository.savePositions(pool, members, threads, positions)
        .onSuccess(v -> {
          if (failing.compareAndSet(true, false)) {
            LOG.info("read positions saved again");
          }
        })
        .onFailure(e -> {
          if (failing.compareAndSet(false, true)) {
            LOG.warn("read positions not saved, will retry every {} ms until they are: {}", FLUSH_MS, e.getMessage());
          } else {
            LOG.debug("read positions still not saved: {}", e.getMessage());
          }
          batch.forEach((k, p) -> pending.merge(k, p, Math::max));
        })
        .onComplete(r -> batch.forEach((k, p) -> writing.remove(k, p)));
  }

  /** Stops the timer and writes what is pending. */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return flush().recover(e -> Future.succeededFuture());
  }
}
