package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.SuspensionCheck;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's knowledge of who is suspended, so that every request can be checked without a
 * database round trip. Kept current by the announcement {@link SuspensionService} publishes on the
 * (clustered) event bus when a suspension begins or is lifted, and reloaded from PostgreSQL every
 * {@link #RELOAD} as the safety net: a node that missed an announcement, or a suspension that
 * simply expired, is right again within that time. One per node.
 */
public final class SuspendedMembers implements SuspensionCheck {

  private static final Logger LOG = LoggerFactory.getLogger(SuspendedMembers.class);

  /** Internal event-bus address (never permitted on the bridge): {@code {"member": 7, "suspended": true}}. */
  static final String CHANGED = "agora.internal.suspensions";
  /** How often the set is read again from the database. */
  public static final Duration RELOAD = Duration.ofSeconds(5);

  private final Vertx vertx;
  private final Pool pool;
  private final LongConsumer forgetMember;
  private final SuspensionRepository repository = new SuspensionRepository();
  private volatile Set<Long> suspended = Set.of();
  /** Counts announcements heard: a reload that overlapped one is dropped, as it may predate it. */
  private final AtomicLong heard = new AtomicLong();
  private long timer = -1;

  /**
   * @param forgetMember drops what this node cached about a member (their row, so a changed role or
   *                     state is read again)
   */
  public SuspendedMembers(Vertx vertx, Pool pool, LongConsumer forgetMember) {
    this.vertx = vertx;
    this.pool = pool;
    this.forgetMember = forgetMember;
  }

  /** Loads the set, then listens for announcements and reloads periodically. */
  public Future<Void> start() {
    vertx.eventBus().<JsonObject>consumer(CHANGED, message -> heard(message.body()));
    timer = vertx.setPeriodic(RELOAD.toMillis(), id -> reload()
        .onFailure(e -> LOG.warn("suspensions not reloaded: {}", e.getMessage())));
    return reload();
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  Future<Void> reload() {
    long before = heard.get();
    return repository.activeIds(pool).map(ids -> {
      if (heard.get() == before) {
        suspended = Set.copyOf(ids);
      }
      return null;
    });
  }

  /** Tells every node, this one included, that the member's suspension began or ended. */
  void announce(long memberId, boolean isSuspended) {
    vertx.eventBus().publish(CHANGED, new JsonObject().put("member", memberId).put("suspended", isSuspended));
  }

  private void heard(JsonObject body) {
    long member = body.getLong("member");
    heard.incrementAndGet();
    Set<Long> next = new HashSet<>(suspended);
    if (body.getBoolean("suspended", false)) {
      next.add(member);
    } else {
      next.remove(member);
    }
    suspended = Set.copyOf(next);
    forgetMember.accept(member);
  }

  @Override
  public boolean suspended(long memberId) {
    return suspended.contains(memberId);
  }

  /**
   * {@inheritDoc} When the database disagrees with this node's set (a suspension just expired, and
   * the member signs in before the next reload), every node is told, so that the new session is not
   * ended by a stale set.
   */
  @Override
  public Future<Optional<Notice>> current(long memberId) {
    return repository.current(pool, memberId).compose(s -> {
      if (s.isPresent() != suspended(memberId)) {
        announce(memberId, s.isPresent());
      }
      return s.isEmpty() ? Future.succeededFuture(Optional.<Notice>empty())
          : repository.decisionOf(pool, s.get().id()).map(d -> Optional.of(new Notice(s.get().endsAt(), s.get().reason(), d)));
    });
  }

  @Override
  public Future<Optional<Notice>> shownTo(Optional<Member> viewer, long memberId) {
    if (viewer.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    Member v = viewer.get();
    Future<Boolean> may = v.admin() ? Future.succeededFuture(true)
        : repository.sharedGroup(pool, v.id(), memberId).map(Optional::isPresent);
    return may.compose(yes -> yes ? current(memberId) : Future.succeededFuture(Optional.empty()));
  }
}
