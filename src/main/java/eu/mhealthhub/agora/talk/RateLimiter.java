package eu.mhealthhub.agora.talk;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per member and kind of action: a bucket holds up to {@code capacity} tokens, gains
 * {@code perSecond} a second, and each action takes one; an empty bucket refuses (429).
 *
 * <p>The buckets live in this node's memory. With several nodes behind a non-sticky balancer a
 * member could spend a full bucket on each node, so the effective limit is up to N times the
 * configured one; sticky sessions (which we recommend anyway, see the README) keep a member on one
 * node. A limit exact across nodes would keep the buckets in PostgreSQL or in the cluster's shared
 * data, at the price of a round trip per message; for flood protection a per-node bound is enough.
 */
final class RateLimiter {

  /** A kind of action and its bucket. */
  record Limit(String name, double capacity, double perSecond) {}

  private static final int MAX_BUCKETS = 100_000;

  private final Clock clock;
  private final Map<String, double[]> buckets = new ConcurrentHashMap<>();

  RateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** Takes a token for this member and action; false when none is left. */
  boolean tryTake(Limit limit, long memberId) {
    long now = clock.millis();
    if (buckets.size() > MAX_BUCKETS) {
      // idle buckets are full anyway: forgetting them changes nothing for anyone
      buckets.entrySet().removeIf(e -> now - (long) e.getValue()[1] > 600_000);
    }
    boolean[] taken = new boolean[1];
    buckets.compute(limit.name() + ':' + memberId, (k, b) -> {
      double[] bucket = b == null ? new double[] {limit.capacity(), now} : b;
      double tokens = Math.min(limit.capacity(), bucket[0] + (now - bucket[1]) / 1000.0 * limit.perSecond());
      if (tokens >= 1) {
        tokens -= 1;
        taken[0] = true;
      }
      bucket[0] = tokens;
      bucket[1] = now;
      return bucket;
    });
    return taken[0];
  }
}
