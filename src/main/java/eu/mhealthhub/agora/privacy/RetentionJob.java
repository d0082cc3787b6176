package eu.mhealthhub.agora.privacy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes rows older than their retention (AGORA_RETENTION, defaults in {@code AppConfig.DEFAULT_RETENTION}):
 * sign-in history, expired sessions, read notifications, live events, sent e-mails, digest runs,
 * failed notification jobs and data exports. Every node schedules it hourly; a run takes a
 * transaction-scoped advisory lock ({@code pg_try_advisory_xact_lock}) and does nothing when
 * another node holds it, so one node prunes at a time in a cluster.
 */
public final class RetentionJob {

  private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);
  private static final long HOURLY_MS = 3_600_000;

  /** What a run did: whether it held the lock, and how many rows of each kind it deleted. */
  public record Run(boolean ran, Map<String, Integer> deleted) {}

  private final Pool pool;
  private final Clock clock;
  private final Map<String, Duration> retention;
  private final RetentionRepository repository = new RetentionRepository();

  /** @param retention how long each kind is kept; a kind not in it is kept forever */
  public RetentionJob(Pool pool, Clock clock, Map<String, Duration> retention) {
    this.pool = pool;
    this.clock = clock;
    this.retention = Map.copyOf(retention);
  }

  /** Runs a few minutes after start, then hourly. */
  public void schedule(Vertx vertx) {
    vertx.setPeriodic(150_000, HOURLY_MS, id -> run()
        .onSuccess(r -> LOG.info("retention: {}", r.ran() ? r.deleted() : "another node is pruning"))
        .onFailure(e -> LOG.warn("retention not applied: {}", e.getMessage())));
  }

  /** One run, in one transaction; fails as the database does (nothing deleted then). */
  public Future<Run> run() {
    Instant now = clock.instant();
    return pool.withTransaction(tx -> repository.lock(tx).compose(locked -> {
      Map<String, Integer> deleted = new TreeMap<>();
      if (!locked) {
        return Future.succeededFuture(new Run(false, deleted));
      }
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<String, Duration> e : new TreeMap<>(retention).entrySet()) {
        chain = chain.compose(v -> repository.delete(tx, e.getKey(), now.minus(e.getValue())).map(n -> {
          deleted.put(e.getKey(), n);
          return null;
        }));
      }
      return chain.map(v -> new Run(true, deleted));
    }));
  }
}
