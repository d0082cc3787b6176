package eu.mhealthhub.agora.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.web.SignInCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sign-ins as the identity provider sees them. Each sign-in is a row; the session keeps its id.
 * When the provider ends its session (back-channel or front-channel logout), the rows are marked
 * ended, every node forgets what it cached about them, and the member's live sockets are closed;
 * the next request of any of those sessions, on any node, is signed out.
 *
 * <p>Every signed-in request asks whether its sign-in still stands; the answer is cached per node
 * for {@link #FRESH_NANOS} (one second), so a node that did not hear the announcement (it joined late, say) signs the
 * session out within that time anyway.
 */
public final class SignInSessions implements SignInCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SignInSessions.class);

  /** Internal event-bus address (never permitted on the bridge): ids of sign-ins that just ended. */
  static final String ENDED = "agora.internal.sign-ins-ended";
  private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final int CACHE_SIZE = 50_000;

  /** An active sign-in is asked about again after a second; an ended one stays ended. */
  private static final Expiry<Long, Boolean> FRESHNESS = new Expiry<>() {
    @Override
    public long expireAfterCreate(Long signInId, Boolean active, long now) {
      return active ? FRESH_NANOS : Long.MAX_VALUE;
    }

    @Override
    public long expireAfterUpdate(Long signInId, Boolean active, long now, long remaining) {
      return expireAfterCreate(signInId, active, now);
    }

    @Override
    public long expireAfterRead(Long signInId, Boolean active, long now, long remaining) {
      return remaining;
    }
  };

  private final Pool pool;
  private final Vertx vertx;
  private final ChangeFeed changes;
  private final Clock clock;
  private final SignInRepository repository = new SignInRepository();
  /** Whether a sign-in is still active, by its id. */
  private final Cache<Long, Boolean> recent;

  public SignInSessions(Vertx vertx, Pool pool, ChangeFeed changes, Clock clock) {
    this.vertx = vertx;
    this.pool = pool;
    this.changes = changes;
    this.clock = clock;
    this.recent = Caffeine.newBuilder().maximumSize(CACHE_SIZE).expireAfter(FRESHNESS)
        .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).executor(Runnable::run).build();
    vertx.eventBus().<JsonArray>consumer(ENDED, message -> {
      for (Object id : message.body()) {
        recent.put(((Number) id).longValue(), false);
      }
    });
  }

  /**
   * Records a sign-in of this member, under the provider's session id when it sent one; completes
   * with the sign-in's id, which the session keeps.
   */
  public Future<Long> record(long memberId, String providerSid) {
    return repository.insert(pool, memberId, providerSid);
  }

  @Override
  public Future<Boolean> stillSignedIn(long signInId) {
    Boolean cached = recent.getIfPresent(signInId);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    return repository.ended(pool, signInId).map(ended -> {
      boolean active = ended.isPresent() && !ended.get();
      recent.put(signInId, active);
      return active;
    });
  }

  /**
   * Ends every sign-in that a provider session covers: those with this provider session id, or all
   * of this subject's when no session id is given, or those of this subject in this session when
   * both are. Closes the members' live sockets on every node. Completes with the number of sign-ins
   * ended; fails when the database does.
   *
   * @param identityIssuer the issuer under which the provider's members are recorded
   * @param notAfter       when given, only sign-ins that began before it are ended: a logout token
   *                       replayed later cannot end the member's newer sign-ins
   */
  public Future<Integer> endProviderSession(String identityIssuer, String providerSid, String subject,
      java.time.Instant notAfter) {
    return repository.end(pool, identityIssuer, providerSid, subject, notAfter).map(ended -> {
      announce(ended);
      return ended.size();
    });
  }

  /**
   * Ends every sign-in of this member (they were suspended): each of their sessions, on any node,
   * is signed out at its next request, and their live sockets are closed on every node now, even
   * when they had no sign-in to end. Completes with the number of sign-ins ended.
   */
  public Future<Integer> endAllOf(long memberId) {
    return repository.endAllOf(pool, memberId).map(ended -> {
      announce(ended);
      if (ended.isEmpty()) {
        changes.accessChanged(memberId);
      }
      return ended.size();
    });
  }

  private void announce(List<SignInRepository.Ended> ended) {
    if (ended.isEmpty()) {
      return;
    }
    JsonArray ids = new JsonArray();
    for (SignInRepository.Ended e : ended) {
      recent.put(e.signInId(), false);
      ids.add(e.signInId());
    }
    vertx.eventBus().publish(ENDED, ids);
    ended.stream().map(SignInRepository.Ended::memberId).distinct().forEach(changes::accessChanged);
    LOG.info("{} sign-in(s) ended", ended.size());
  }
}
