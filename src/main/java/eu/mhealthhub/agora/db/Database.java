package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseLimits;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the one connection pool of the process. Created outside any verticle so undeploys leave it open.
 *
 * <p>It is also the one place that tells a database that cannot answer (unreachable, no pooled
 * connection within the pool wait, a statement past its timeout) from a database that refused
 * something: {@link #explain} turns the first kind into {@link DomainException.Kind#UNAVAILABLE}
 * (503) and logs one line when such an episode starts and one when the database answers again,
 * instead of a stack trace per request.
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  /** How often an episode checks whether the database answers again. */
  private static final long PROBE_MS = 1_000;
  /**
   * SQLSTATEs meaning the server could not run the statement now: query_canceled (statement
   * timeout), admin or crash shutdown, cannot connect now (starting up), too many connections, and
   * class 08, connection exceptions.
   */
  private static final Set<String> UNAVAILABLE_STATES = Set.of("57014", "57P01", "57P02", "57P03", "53300");
  /** SQLSTATEs about the text a request sent: a NUL, or bytes that are not UTF-8. */
  private static final Set<String> BAD_TEXT_STATES = Set.of("22021", "22P05");

  private final Vertx vertx;
  private final Pool pool;
  private final AtomicReference<Episode> episode = new AtomicReference<>();

  public Database(Vertx vertx, DatabaseSettings settings, DatabaseLimits limits) {
    this.vertx = vertx;
    int poolWaitMs = (int) Math.min(Integer.MAX_VALUE, limits.poolWait().toMillis());
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setDatabase(settings.name())
        .setUser(settings.user())
        .setPassword(settings.password())
        .setCachePreparedStatements(true)
        // the client caches only statements up to this length (2,048 characters by default): longer ones, such as
        // search's (about 10,000), were parsed and planned again on every execution, 4 ms of PostgreSQL's CPU each
        .setPreparedStatementCacheSqlLimit(32_768)
        .setPipeliningLimit(16);
    connect.addProperty("statement_timeout", Long.toString(limits.statementTimeout().toMillis()));
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(limits.poolSize())
        .setShared(false)
        .setConnectionTimeout(poolWaitMs)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setName("agora");
    // a host that drops packets holds a pool slot no longer than a request would wait for it
    NetClientOptions transport = new NetClientOptions().setConnectTimeout(poolWaitMs);
    this.pool = PgBuilder.pool().with(poolOptions).with(transport).connectingTo(connect).using(vertx).build();
  }

  public Pool pool() {
    return pool;
  }

  /** Succeeds when the database answers a trivial query; used by readiness checks. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  /** Whether an episode of unavailability is going on: a request failed so, and no probe has succeeded since. */
  public boolean unavailable() {
    return episode.get() != null;
  }

  /**
   * What a failure means for the request that met it: {@link DomainException#unavailable()} when
   * the database could not answer in time (the start of such an episode is logged once), a 400 when
   * PostgreSQL refused the text it was sent (a NUL, bytes that are not UTF-8), or the failure itself.
   */
  public Throwable explain(Throwable failure) {
    if (failure == null || failure instanceof DomainException) {
      return failure;
    }
    if (isUnavailable(failure)) {
      noteUnavailable(failure);
      return DomainException.unavailable();
    }
    if (failure instanceof PgException pg && BAD_TEXT_STATES.contains(pg.getSqlState())) {
      return DomainException.badRequest("error.input.encoding");
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      // a rule the schema enforces itself (V029: a group requiring a declaration): the message is its key
      if (t instanceof PgException pg && "AG403".equals(pg.getSqlState())) {
        return new DomainException(DomainException.Kind.FORBIDDEN, pg.getErrorMessage());
      }
    }
    return failure;
  }

  /**
   * Whether a failure (or one of its causes) means the database could not answer in time rather
   * than that it refused the request: a refused or lost connection, no pooled connection within
   * the pool wait, a statement cancelled by its timeout, a server shutting down or starting up.
   */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg) {
        String state = pg.getSqlState();
        return state != null && (UNAVAILABLE_STATES.contains(state) || state.startsWith("08"));
      }
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
          || t instanceof ClosedConnectionException || t instanceof TimeoutException
          || t instanceof java.net.SocketException || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof io.netty.channel.ConnectTimeoutException) {
        return true;
      }
      // the pool's wait timeout has no type of its own: Vert.x fails with "Timeout" or "Timeout waiting for connection"
      String message = t.getMessage();
      if (t.getClass().getName().startsWith("io.vertx.") && message != null && message.startsWith("Timeout")) {
        return true;
      }
    }
    return false;
  }

  private void noteUnavailable(Throwable failure) {
    Episode current = episode.get();
    if (current == null) {
      Episode started = new Episode(System.nanoTime());
      if (episode.compareAndSet(null, started)) {
        LOG.warn("database unavailable ({}): answering 503 until it answers again", describe(failure));
        started.timer = vertx.setPeriodic(PROBE_MS, id -> probe(started));
        current = started;
      } else {
        current = episode.get();
      }
    }
    if (current != null) {
      current.refused.incrementAndGet();
    }
  }

  /** One probe at a time; the first that succeeds ends the episode. */
  private void probe(Episode e) {
    if (!e.probing.compareAndSet(false, true)) {
      return;
    }
    ping().timeout(2, TimeUnit.SECONDS).onComplete(ar -> {
      e.probing.set(false);
      if (ar.succeeded() && episode.compareAndSet(e, null)) {
        vertx.cancelTimer(e.timer);
        LOG.info("database answers again after {} s; {} requests were answered 503 meanwhile",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - e.startedNanos), e.refused.get());
      }
    });
  }

  /** One line, no stack trace: what the failure was. */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    return text.replaceAll("[\\r\\n]+", " ");
  }

  private static final class Episode {
    final long startedNanos;
    final AtomicLong refused = new AtomicLong();
    final AtomicBoolean probing = new AtomicBoolean();
    volatile long timer;

    Episode(long startedNanos) {
      this.startedNanos = startedNanos;
    }
  }

  public Future<Void> close() {
    Episode e = episode.getAndSet(null);
    if (e != null) {
      vertx.cancelTimer(e.timer);
    }
    return pool.close();
  }
}
