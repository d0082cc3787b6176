package eu.mhealthhub.agora.limits;

/**
 * A token bucket in memory, for a subject that lives on one node only: a live socket is bound to the
 * node that accepted it, so its bucket needs no sharing and no round trip, and dies with it. Same
 * arithmetic and the same configuration as the shared buckets of {@link RateLimits}.
 */
public final class LocalBucket {

  private final double capacity;
  private final double perMilli;
  private double tokens;
  private long updated;

  LocalBucket(int count, long periodMillis, long now) {
    this.capacity = count;
    this.perMilli = count / (double) periodMillis;
    this.tokens = count;
    this.updated = now;
  }

  /** Takes a token when there is one. */
  public synchronized boolean tryTake(long now) {
    tokens = Math.min(capacity, tokens + Math.max(0, now - updated) * perMilli);
    updated = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
