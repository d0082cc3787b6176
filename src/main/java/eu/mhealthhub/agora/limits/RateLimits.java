package eu.mhealthhub.agora.limits;

import eu.mhealthhub.agora.AppConfig.RateLimit;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.ClientAddress;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.Map;

/**
 * Named token-bucket limits, shared by every node because the buckets are rows in PostgreSQL.
 *
 * <p>Why PostgreSQL and not the cluster's shared data: it is there in both modes (a single node has
 * no cluster, and nodes behind a balancer need not be clustered to share the database), it is
 * atomic in one statement (Hazelcast's async map would need a get, compute and compare-and-set loop,
 * several network hops under contention), and it survives a restart, so restarting a node does not
 * hand everyone a full bucket. The price is one round trip per limited request, on routes that write
 * to the database anyway or run a query that costs more; routes without a limit pay nothing.
 *
 * <p>The bucket arithmetic is a few lines of SQL rather than a library (Bucket4j has a PostgreSQL
 * backend, but over JDBC, which would block an event loop or need a worker thread and a second pool).
 *
 * <p>A bucket of {@code count} tokens refills evenly over {@code period}; each action takes one and
 * an empty bucket refuses with 429 and Retry-After. A limit that is off costs no round trip.
 */
public final class RateLimits {

  private final Pool pool;
  private final Map<String, RateLimit> limits;
  private final RateLimitRepository repository = new RateLimitRepository();

  public RateLimits(Pool pool, Map<String, RateLimit> limits) {
    this.pool = pool;
    this.limits = Map.copyOf(limits);
  }

  /**
   * Takes a token of the named limit for one subject (a member, an address, a socket). Fails with
   * TOO_MANY ({@code retryAfterSeconds} set) when the bucket is empty, or with the database's failure.
   */
  public Future<Void> take(String name, String subject) {
    RateLimit limit = limit(name);
    if (limit.off()) {
      return Future.succeededFuture();
    }
    double perSecond = limit.count() / (double) limit.period().toMillis() * 1000.0;
    return repository.take(pool, name, subject, limit.count(), perSecond).compose(taken -> {
      if (taken.granted()) {
        return Future.succeededFuture();
      }
      int wait = (int) Math.ceil((1 - taken.tokens()) / perSecond);
      return Future.failedFuture(DomainException.tooMany(wait, "rate.error." + name, wait));
    });
  }

  /** As {@link #take}, for a member. */
  public Future<Void> take(String name, Member member) {
    return take(name, "member:" + member.id());
  }

  /** A route guard: a signed-in member takes a token; anonymous requests pass (the route refuses them). */
  public Handler<RoutingContext> perMember(String name) {
    return guard(name, ctx -> Viewer.of(ctx).member().map(m -> "member:" + m.id()).orElse(null));
  }

  /** A route guard: a signed-in member takes a token, an anonymous visitor takes one of their IP address. */
  public Handler<RoutingContext> perMemberOrAddress(String name) {
    return guard(name, ctx -> Viewer.of(ctx).member().map(m -> "member:" + m.id()).orElseGet(() -> address(ctx)));
  }

  /** A route guard on the client's IP address, signed in or not. */
  public Handler<RoutingContext> perAddress(String name) {
    return guard(name, RateLimits::address);
  }

  /**
   * Deletes buckets idle for longer than the longest period of any limit: they are full, so this
   * changes no decision. Keeps the table as small as the set of recently active subjects.
   */
  public Future<Integer> forgetIdle() {
    long longest = limits.values().stream().map(RateLimit::period).mapToLong(Duration::toSeconds).max().orElse(0);
    return repository.forgetIdle(pool, Math.max(longest, 60));
  }

  /**
   * A fresh in-memory bucket of the named limit, for a subject bound to this node (a live socket);
   * one that always grants when the limit is off.
   */
  public LocalBucket localBucket(String name) {
    RateLimit limit = limit(name);
    return limit.off() ? new LocalBucket(Integer.MAX_VALUE, 1, System.currentTimeMillis())
        : new LocalBucket(limit.count(), limit.period().toMillis(), System.currentTimeMillis());
  }

  /** Whether the named limit is configured off. */
  public boolean off(String name) {
    return limit(name).off();
  }

  private RateLimit limit(String name) {
    RateLimit limit = limits.get(name);
    if (limit == null) {
      throw new IllegalArgumentException("no rate limit named " + name);
    }
    return limit;
  }

  private Handler<RoutingContext> guard(String name, java.util.function.Function<RoutingContext, String> subject) {
    limit(name);
    return ctx -> {
      String who = limits.get(name).off() ? null : subject.apply(ctx);
      if (who == null) {
        ctx.next();
        return;
      }
      take(name, who).onSuccess(v -> ctx.next()).onFailure(ctx::fail);
    };
  }

  /** The client's address: the peer's, or from X-Forwarded-For behind a trusted proxy (see {@link ClientAddress}). */
  private static String address(RoutingContext ctx) {
    return "address:" + ClientAddress.of(ctx);
  }
}
