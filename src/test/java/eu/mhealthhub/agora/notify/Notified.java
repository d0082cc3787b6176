package eu.mhealthhub.agora.notify;

import static org.junit.jupiter.api.Assertions.fail;

import eu.mhealthhub.agora.support.TestDatabase;
import java.util.function.BooleanSupplier;

/** Waiting for the fan-out, which runs after the change's commit on the node's worker. */
public final class Notified {

  private Notified() {}

  /** Waits until {@code condition} holds (15 s at most). */
  public static void await(String what, BooleanSupplier condition) {
    long end = System.nanoTime() + 15_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        fail("timed out waiting for " + what);
      }
      try {
        Thread.sleep(40);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Waits until every recorded job has been fanned out, so an absence can be asserted. */
  public static void settled() {
    await("every notification job to be fanned out",
        () -> TestDatabase.count("SELECT count(*) FROM notification_jobs WHERE attempts < 5") == 0);
  }

  /** How many notifications of this kind the member has. */
  public static long count(long memberId, String kind) {
    return TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = ?", memberId, kind);
  }

  /** Waits for exactly {@code n} notifications of the kind, then for the queue to settle, and checks none more came. */
  public static void exactly(long memberId, String kind, long n) {
    await(n + " " + kind + " notification(s) of member " + memberId, () -> count(memberId, kind) >= n);
    settled();
    long now = count(memberId, kind);
    if (now != n) {
      fail("expected " + n + " " + kind + " notification(s) of member " + memberId + ", found " + now);
    }
  }

  /** All notifications of a member. */
  public static long all(long memberId) {
    return TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ?", memberId);
  }
}
