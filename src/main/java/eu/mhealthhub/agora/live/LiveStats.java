package eu.mhealthhub.agora.live;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this node's live machinery has done since it started, for the metrics: events published on
 * the event bus after their transaction committed, events delivered to bridge sockets (each socket
 * counts once per event), and the sockets open now. Cheap to update from any thread.
 */
public final class LiveStats {

  private final LongAdder published = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final AtomicInteger sockets = new AtomicInteger();

  void countPublished(int events) {
    published.add(events);
  }

  void countDelivered() {
    delivered.increment();
  }

  void socketOpened() {
    sockets.incrementAndGet();
  }

  void socketClosed() {
    sockets.decrementAndGet();
  }

  public long published() {
    return published.sum();
  }

  public long delivered() {
    return delivered.sum();
  }

  public int openSockets() {
    return sockets.get();
  }
}
