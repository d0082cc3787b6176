package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Member;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.prng.VertxContextPRNG;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;
import io.vertx.ext.web.sstore.impl.SharedDataSessionImpl;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions of a single node, kept in PostgreSQL so that a restart signs nobody out. Rows hold the
 * session serialised as Vert.x serialises it for a cluster, under the SHA-256 of its id (the id is
 * the credential; a copy of the table signs nobody in). A timer deletes expired rows.
 *
 * <p>Behaves like Vert.x's own stores where it matters to {@code SessionHandler}:
 * <ul>
 * <li>optimistic versions: a write based on an older version of the session fails;</li>
 * <li>read-your-writes: the handler writes a session after the response headers are sent, so the
 *     browser's next request can arrive first; a read waits for this node's write or delete of the
 *     same session still in flight;</li>
 * <li>an expired or deleted session is never returned, and a deleted one is never brought back by a
 *     late write of a request that was still running.</li>
 * </ul>
 * To keep reads cheap it writes only what changed: a session that no request changed is written
 * again only to push its expiry forward, at most once per {@link #touchInterval}; and a session
 * that holds nothing (an anonymous visitor with a stale or made-up cookie) is never written at
 * all, so requests without a sign-in add no rows.
 *
 * <p>And it reads PostgreSQL only on a miss: it keeps, per session, a copy of its row as this node
 * last read or wrote it, and builds every request's session from that copy. This is right because
 * this store serves one node only (a cluster keeps its sessions in the cluster's map instead, see
 * {@code app/Agora}), so every write and delete of a row passes through here: a write puts the row
 * it wrote, a delete leaves a marker that a read begun before it cannot overwrite, and an expired
 * copy is never used.
 */
public final class PostgresSessionStore implements SessionStore {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresSessionStore.class);

  private static final String SELECT = """
      SELECT data, version, timeout_ms, last_access FROM sessions WHERE id_hash = $1 AND expires_at > now()
      """;
  private static final String INSERT = """
      INSERT INTO sessions (id_hash, data, version, timeout_ms, last_access, expires_at)
      VALUES ($1, $2, $3, $4, $5, to_timestamp(($5::bigint + $4::bigint) / 1000.0))
      ON CONFLICT (id_hash) DO NOTHING
      """;
  private static final String UPSERT = """
      INSERT INTO sessions (id_hash, data, version, timeout_ms, last_access, expires_at)
      VALUES ($1, $2, $3, $4, $5, to_timestamp(($5::bigint + $4::bigint) / 1000.0))
      ON CONFLICT (id_hash) DO UPDATE SET data = EXCLUDED.data, version = EXCLUDED.version,
        timeout_ms = EXCLUDED.timeout_ms, last_access = EXCLUDED.last_access, expires_at = EXCLUDED.expires_at
      """;
  private static final String UPDATE = """
      UPDATE sessions SET data = $2, version = $3::integer + 1, timeout_ms = $4, last_access = $5,
        expires_at = to_timestamp(($5::bigint + $4::bigint) / 1000.0)
      WHERE id_hash = $1 AND version = $3
      """;
  private static final String TOUCH = """
      UPDATE sessions SET last_access = $3, expires_at = to_timestamp(($3::bigint + timeout_ms) / 1000.0)
      WHERE id_hash = $1 AND version = $2 AND last_access < $3
      """;
  private static final String EXISTS = "SELECT 1 FROM sessions WHERE id_hash = $1";
  private static final String DELETE = "DELETE FROM sessions WHERE id_hash = $1";
  private static final String PURGE = "DELETE FROM sessions WHERE expires_at <= now()";
  private static final String COUNT = "SELECT count(*) FROM sessions WHERE expires_at > now()";
  private static final String CLEAR = "DELETE FROM sessions";

  private final Vertx vertx;
  private final Pool pool;
  private final VertxContextPRNG random;
  private final Duration touchInterval;
  private final long purgeTimer;
  /** Writes and deletes of this node not yet committed, by id hash: reads of the same session wait for them. */
  private final Map<String, Future<?>> inFlight = new ConcurrentHashMap<>();
  /** Rows as this node last read or wrote them, by id hash; {@link Row#DELETED} after a delete. */
  private final Cache<String, Row> rows = Caffeine.newBuilder().maximumSize(CACHED_SESSIONS)
      .expireAfterAccess(Duration.ofMinutes(30)).executor(Runnable::run).build();

  /** How many sessions' rows a node keeps in memory (a few hundred bytes each). */
  private static final int CACHED_SESSIONS = 50_000;

  /**
   * A session's row: its data, version, timeout and the access time stored with it, which is what
   * its expiry is computed from.
   */
  record Row(byte[] data, int version, long timeout, long access) {
    static final Row DELETED = new Row(new byte[0], -1, 0, 0);

    boolean live(long nowMillis) {
      return this != DELETED && access + timeout > nowMillis;
    }
  }

  /**
   * @param purgeEvery    how often expired rows are deleted
   * @param touchInterval how stale the stored expiry of an unchanged session may get before it is written again
   */
  public PostgresSessionStore(Vertx vertx, Pool pool, Duration purgeEvery, Duration touchInterval) {
    this.vertx = vertx;
    this.pool = pool;
    this.random = VertxContextPRNG.current(vertx);
    this.touchInterval = touchInterval;
    this.purgeTimer = vertx.setPeriodic(purgeEvery.toMillis(), id -> purgeExpired()
        .onSuccess(n -> {
          if (n > 0) {
            LOG.debug("{} expired sessions deleted", n);
          }
        })
        .onFailure(e -> LOG.warn("expired sessions not deleted: {}", e.getMessage())));
  }

  /** Deletes every expired row; completes with how many. */
  public Future<Integer> purgeExpired() {
    return pool.query(PURGE).execute().map(rows -> rows.rowCount());
  }

  @Override
  public SessionStore init(Vertx vertx, JsonObject options) {
    return this;
  }

  @Override
  public long retryTimeout() {
    return 0;
  }

  @Override
  public Session createSession(long timeout) {
    return new StoredSession(random, timeout, DEFAULT_SESSIONID_LENGTH);
  }

  @Override
  public Session createSession(long timeout, int length) {
    return new StoredSession(random, timeout, length);
  }

  @Override
  public Future<Session> get(String id) {
    byte[] key = hash(id);
    Future<?> pending = inFlight.get(hex(key));
    Future<Void> settled;
    if (pending == null) {
      settled = Future.succeededFuture();
    } else {
      // the write completes on the context that made it; carry on on ours
      Context here = vertx.getOrCreateContext();
      Promise<Void> done = Promise.promise();
      pending.onComplete(ar -> here.runOnContext(v -> done.complete()));
      settled = done.future();
    }
    String k = hex(key);
    return settled.compose(v -> {
      Row cached = rows.getIfPresent(k);
      if (cached == Row.DELETED) {
        return Future.succeededFuture(null);
      }
      if (cached != null && cached.live(System.currentTimeMillis())) {
        return Future.succeededFuture(StoredSession.read(id, cached, random));
      }
      return pool.preparedQuery(SELECT).execute(Tuple.of(Buffer.buffer(key))).map(found -> {
        if (found.size() == 0) {
          return null;
        }
        io.vertx.sqlclient.Row r = found.iterator().next();
        Row row = new Row(r.getBuffer(0).getBytes(), r.getInteger(1), r.getLong(2), r.getLong(3));
        // a delete or write that happened meanwhile has left its own entry, which stays
        rows.asMap().putIfAbsent(k, row);
        return StoredSession.read(id, row, random);
      });
    });
  }

  @Override
  public Future<Void> delete(String id) {
    byte[] key = hash(id);
    rows.put(hex(key), Row.DELETED);
    return track(key, pool.preparedQuery(DELETE).execute(Tuple.of(Buffer.buffer(key))).mapEmpty());
  }

  @Override
  public Future<Void> put(Session session) {
    if (!(session instanceof StoredSession s)) {
      return Future.failedFuture(new IllegalArgumentException("not a session of this store: " + session.getClass()));
    }
    byte[] key = hash(s.id());
    Buffer data = s.dataBytes();
    if (s.version() == 0 && s.isEmpty() && !s.isRegenerated()) {
      // nothing to keep: no row, however many cookieless or stale-cookie requests arrive
      return Future.succeededFuture();
    }
    Tuple write = Tuple.of(Buffer.buffer(key), data, s.version(), s.timeout(), s.lastAccessed());
    Future<Void> done;
    if (s.isRegenerated()) {
      // a new id for the same session: the handler has just deleted the old row
      done = pool.preparedQuery(UPSERT).execute(Tuple.of(Buffer.buffer(key), data, s.version() + 1, s.timeout(),
          s.lastAccessed())).map(written -> {
            s.stored(data);
            remember(key, s);
            return null;
          });
    } else if (s.version() == 0) {
      done = pool.preparedQuery(INSERT).execute(Tuple.of(Buffer.buffer(key), data, 1, s.timeout(), s.lastAccessed()))
          .compose(written -> written.rowCount() == 1 ? Future.succeededFuture(remember(key, s.stored(data)))
              : Future.failedFuture("Session version mismatch"))
          .mapEmpty();
    } else if (s.unchangedSinceStored(data)) {
      if (s.lastAccessed() - s.storedAccess() < touchInterval.toMillis()) {
        return Future.succeededFuture();
      }
      done = pool.preparedQuery(TOUCH).execute(Tuple.of(Buffer.buffer(key), s.version(), s.lastAccessed()))
          .map(written -> {
            if (written.rowCount() == 1) {
              s.touched();
              remember(key, s);
            } else {
              rows.invalidate(hex(key));
            }
            return null;
          });
    } else {
      done = pool.preparedQuery(UPDATE).execute(write).compose(written -> {
        if (written.rowCount() == 1) {
          remember(key, s.stored(data));
          return Future.<Void>succeededFuture();
        }
        rows.invalidate(hex(key));
        // deleted meanwhile (sign-out, expiry) stays deleted; otherwise another request wrote first
        return pool.preparedQuery(EXISTS).execute(Tuple.of(Buffer.buffer(key))).compose(found -> found.size() == 0
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture("Session version mismatch"));
      });
    }
    return track(key, done);
  }

  @Override
  public Future<Void> clear() {
    return pool.query(CLEAR).execute().onComplete(ar -> rows.invalidateAll()).mapEmpty();
  }

  @Override
  public Future<Integer> size() {
    return pool.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0).intValue());
  }

  @Override
  public void close() {
    vertx.cancelTimer(purgeTimer);
  }

  /** Keeps the row just written for {@code s}, unless a delete of the session came first. */
  private StoredSession remember(byte[] key, StoredSession s) {
    Row written = s.row();
    rows.asMap().compute(hex(key), (k, old) -> old == Row.DELETED ? old : written);
    return s;
  }

  private Future<Void> track(byte[] key, Future<Void> write) {
    String k = hex(key);
    inFlight.put(k, write);
    return write.andThen(ar -> inFlight.remove(k, write));
  }

  private static byte[] hash(String id) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] key) {
    return HexFormat.of().formatHex(key);
  }

  /**
   * A session that remembers what it looked like when last read or written, so an unchanged one is
   * not written again. Serialised exactly as Vert.x serialises sessions for a cluster, without the id.
   */
  static final class StoredSession extends SharedDataSessionImpl {

    private byte[] storedData;
    private long storedAccess;

    /** For deserialisation only (Vert.x's contract for cluster-serialisable classes). */
    public StoredSession() {
      super();
    }

    StoredSession(VertxContextPRNG random, long timeout, int length) {
      super(random, timeout, length);
    }

    static StoredSession read(String id, Row row, VertxContextPRNG random) {
      byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
      Buffer whole = Buffer.buffer(4 + idBytes.length + 20 + row.data().length)
          .appendInt(idBytes.length).appendBytes(idBytes)
          .appendLong(row.timeout()).appendLong(row.access()).appendInt(row.version())
          .appendBytes(row.data());
      StoredSession s = new StoredSession();
      s.readFromBuffer(0, whole);
      s.setPRNG(random);
      s.storedData = row.data();
      s.storedAccess = row.access();
      return s;
    }

    /** The row as stored now. */
    Row row() {
      return new Row(storedData, version(), timeout(), storedAccess);
    }

    /** The session's data as stored: Vert.x's cluster serialisation minus id, timeout, access time and version. */
    Buffer dataBytes() {
      Buffer whole = Buffer.buffer();
      writeToBuffer(whole);
      int header = 4 + whole.getInt(0) + 8 + 8 + 4;
      return whole.getBuffer(header, whole.length());
    }

    boolean unchangedSinceStored(Buffer data) {
      return storedData != null && Arrays.equals(storedData, data.getBytes());
    }

    long storedAccess() {
      return storedAccess;
    }

    StoredSession stored(Buffer data) {
      incrementVersion();
      storedData = data.getBytes();
      storedAccess = lastAccessed();
      return this;
    }

    void touched() {
      storedAccess = lastAccessed();
    }
  }
}
