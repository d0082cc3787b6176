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
  private final LongAdder heldBack = new LongAdder();
  private final LongAdder fetched = new LongAdder();
  private final LongAdder skipped = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder stalled = new LongAdder();

  void countHeldBack() {
    heldBack.increment();
  }

  void countFetched() {
    fetched.increment();
  }

  void countSkipped() {
    skipped.increment();
  }

  void countStalled() {
    stalled.increment();
  }

  /** Sockets closed because they stopped reading: their write queue stayed full ({@link LiveBridge}). */
  public long stalled() {
    return stalled.sum();
  }

  void countDropped() {
    dropped.increment();
  }

  /** Events that arrived at this node's sequencer after a gap, and waited for the one before. */
  public long heldBack() {
    return heldBack.sum();
  }

  /** Events a gap made the sequencer read from the log (their announcement had not arrived in time). */
  public long fetched() {
    return fetched.sum();
  }

  /** Gaps the log could not fill: the later events went out, and pages caught up by themselves. */
  public long skipped() {
    return skipped.sum();
  }

  /** Announcements of events already sent (late, or read from the log before they arrived): dropped. */
  public long dropped() {
    return dropped.sum();
  }

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
