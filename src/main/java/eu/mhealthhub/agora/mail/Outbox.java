package eu.mhealthhub.agora.mail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The e-mail outbox: messages are recorded in PostgreSQL in the transaction of what caused them,
 * and a worker on every node sends them.
 *
 * <p><b>Never twice.</b> The worker claims one due row at a time with {@code FOR UPDATE SKIP LOCKED}
 * and keeps it locked while it talks to the SMTP server; in the same transaction it then marks the
 * row sent (or schedules a retry, or marks it failed) and commits. Another node, or this one after
 * a restart, skips a locked row and finds a committed one no longer queued, so two workers never
 * send one row, and a graceful stop lets the sends in flight finish. We chose the held lock over a
 * "sending" state with a lease because a lease needs a guess of how long an SMTP exchange may last:
 * a slow server outliving the lease would let a second node send the row while the first still
 * does. A lock lasts exactly as long as the transaction, and if the node dies PostgreSQL ends the
 * transaction and the row is queued again. <b>The remaining window</b>: if the node dies, or loses
 * its database connection, after the SMTP server accepted the message (its reply to the end of
 * DATA) and before the commit reached PostgreSQL, the row is still queued and is sent once more.
 * That window is the few milliseconds of one UPDATE and COMMIT; the copy carries the same
 * {@code Message-ID}, by which mail clients recognise duplicates. Closing it entirely would need
 * the SMTP server to take part in the transaction, which SMTP cannot.
 *
 * <p><b>Retries.</b> A temporary failure (no connection, timeout, a 4xx reply) is tried again after
 * an exponential delay with jitter, capped; a permanent one (a 5xx reply: refused recipient,
 * refused message) and a row that keeps failing past {@link Settings#maxAttempts} are marked failed
 * and listed for admins. Each row is its own transaction, so a refused recipient never holds up
 * the others.
 *
 * <p><b>Cancel-if-read.</b> A row may be held until an instant, with a reference. When its hold
 * ends the worker asks the registered still-wanted check ({@link #stillWanted}) about the references
 * of the held rows that are due, cancels the rows it no longer wants and sends the others.
 */
public final class Outbox {

  private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
  /** How many held rows one still-wanted question covers. */
  private static final int HELD_BATCH = 100;

  /**
   * How the worker paces itself.
   *
   * @param poll        how often it looks for due rows
   * @param lanes       how many messages one node sends at once (each holds a pooled connection while it sends)
   * @param firstRetry  the delay after the first temporary failure; it doubles with each further one
   * @param maxRetry    the longest delay between two attempts
   * @param maxAttempts after this many temporary failures a row is marked failed
   */
  public record Settings(Duration poll, int lanes, Duration firstRetry, Duration maxRetry, int maxAttempts) {
    /** Production pace: look every second, two at a time, retry after 30 s doubling up to an hour, give up after 20 attempts (about 15 hours). */
    public static Settings standard() {
      return new Settings(Duration.ofSeconds(1), 2, Duration.ofSeconds(30), Duration.ofHours(1), 20);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final MailRepository repository = new MailRepository();
  private final SmtpSender sender;
  private final Clock clock;
  private final Settings settings;
  private final AtomicReference<Function<Set<Long>, Future<Set<Long>>>> stillWanted =
      new AtomicReference<>(Future::succeededFuture);
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicReference<Future<Void>> round = new AtomicReference<>(Future.succeededFuture());
  private long timer = -1;

  Outbox(Vertx vertx, Pool pool, SmtpSender sender, Clock clock, Settings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.sender = sender;
    this.clock = clock;
    this.settings = settings;
  }

  /**
   * Records a message in the caller's transaction: it is sent if and only if that transaction
   * commits. Fails as the insert fails (the caller's transaction then rolls back).
   *
   * @return the outbox row's id
   */
  public Future<Long> enqueue(SqlConnection tx, OutgoingMail mail) {
    return repository.enqueue(tx, mail, clock.instant());
  }

  /**
   * Cancels queued rows in the caller's transaction (a reminder whose Talk moved or whose
   * registration was cancelled); rows sent, failed or cancelled already stay as they are.
   */
  public Future<Void> cancel(SqlConnection tx, List<Long> ids) {
    return repository.cancel(tx, ids);
  }

  /**
   * Registers the check asked before a held message is sent: given references, it answers those
   * still wanted (a notification not yet read, say). The others are cancelled. Until one is
   * registered every reference is wanted. If the check fails, the rows stay held and it is asked
   * again at the next round.
   */
  public void stillWanted(Function<Set<Long>, Future<Set<Long>>> check) {
    stillWanted.set(check);
  }

  /** Starts the worker's timer on this node. */
  public void start() {
    timer = vertx.setPeriodic(settings.poll().toMillis(), id -> runRound());
  }

  /**
   * Runs one round now unless one is running: held rows checked, then due rows sent until none is
   * left. Completes when the round ends (the running round's end when there is one).
   */
  public Future<Void> runRound() {
    if (stopping.get() || !running.compareAndSet(false, true)) {
      return round.get();
    }
    Promise<Void> done = Promise.promise();
    round.set(done.future());
    releaseHeld()
        .recover(e -> {
          LOG.warn("held e-mails not checked: {}", e.getMessage());
          return Future.succeededFuture();
        })
        .compose(v -> {
          List<Future<Void>> lanes = new ArrayList<>();
          for (int i = 0; i < settings.lanes(); i++) {
            lanes.add(lane());
          }
          return Future.join(lanes).<Void>mapEmpty();
        })
        .onComplete(ar -> {
          running.set(false);
          if (ar.failed()) {
            LOG.warn("e-mail round ended early: {}", ar.cause().getMessage());
          }
          done.complete();
        });
    return done.future();
  }

  /** Stops the timer and waits for the messages in flight; rows not started stay queued for the next start. */
  public Future<Void> stop() {
    stopping.set(true);
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
    return round.get().compose(v -> sender.close()).recover(e -> Future.succeededFuture());
  }

  /** The messages due and not yet sent, and how many seconds the oldest of them has waited. */
  public record Backlog(long due, double oldestSeconds) {}

  /** What is due and waiting now, for the metrics. */
  public Future<Backlog> backlog() {
    return repository.backlog(pool);
  }

  /** Counts by state (queued, sent, failed, cancelled), for the admin page. */
  public Future<Map<String, Long>> counts() {
    return repository.countByState(pool);
  }

  /** The latest rows in a state, newest first (queued: soonest due first), for the admin page. */
  public Future<List<OutboxEntry>> list(String state, int limit) {
    return repository.list(pool, state, limit);
  }

  /** Asks the still-wanted check about held rows whose hold has ended; cancels the unwanted ones. */
  private Future<Void> releaseHeld() {
    return pool.withTransaction(tx -> repository.dueHeld(tx, clock.instant(), HELD_BATCH).compose(held -> {
      if (held.isEmpty()) {
        return Future.succeededFuture();
      }
      Set<Long> references = new HashSet<>();
      held.forEach(h -> {
        if (h.reference() != null) {
          references.add(h.reference());
        }
      });
      Future<Set<Long>> wanted = references.isEmpty() ? Future.succeededFuture(Set.of())
          : stillWanted.get().apply(Set.copyOf(references));
      return wanted.compose(yes -> {
        List<Long> keep = new ArrayList<>();
        List<Long> cancel = new ArrayList<>();
        for (MailRepository.Held h : held) {
          (h.reference() == null || yes.contains(h.reference()) ? keep : cancel).add(h.id());
        }
        return repository.cancel(tx, cancel).compose(v -> repository.markWanted(tx, keep));
      });
    }));
  }

  /** Sends due rows one by one until none is left or the worker stops. */
  private Future<Void> lane() {
    if (stopping.get()) {
      return Future.succeededFuture();
    }
    return sendOne().compose(sent -> sent ? lane() : Future.succeededFuture());
  }

  /** Claims one due row, sends it while holding its lock, records the outcome; false when none was due. */
  private Future<Boolean> sendOne() {
    return pool.withTransaction(tx -> repository.keepTransaction(tx)
        .compose(v -> repository.claimOne(tx, clock.instant()))
        .compose(found -> {
          if (found.isEmpty()) {
            return Future.succeededFuture(false);
          }
          OutboxEntry entry = found.get();
          return sender.send(entry)
              .transform(ar -> ar.succeeded()
                  ? repository.markSent(tx, entry.id(), clock.instant())
                  : failed(tx, entry, ar.cause()))
              .map(true);
        }));
  }

  private Future<Void> failed(SqlConnection tx, OutboxEntry entry, Throwable cause) {
    String error = SmtpSender.describe(cause);
    // the log names the row, never the address (a server's answer often quotes it); admins see it on /admin/mail
    String logged = error.replaceAll("[^\\s<>@:;,]+@[^\\s<>;,]+", "<address>");
    int attempts = entry.attempts() + 1;
    if (SmtpSender.permanent(cause)) {
      LOG.warn("e-mail {} ({}) refused for good: {}", entry.id(), entry.kind(), logged);
      return repository.markFailed(tx, entry.id(), error);
    }
    if (attempts >= settings.maxAttempts()) {
      LOG.warn("e-mail {} ({}) given up after {} attempts: {}", entry.id(), entry.kind(), attempts, logged);
      return repository.markFailed(tx, entry.id(), error);
    }
    Instant next = clock.instant().plus(backoff(attempts));
    LOG.info("e-mail {} ({}) not sent (attempt {}), trying again at {}: {}", entry.id(), entry.kind(), attempts,
        next, logged);
    return repository.markRetry(tx, entry.id(), next, error);
  }

  /** The delay after the n-th temporary failure: first, doubled each time, capped, then between half and all of it. */
  Duration backoff(int attempts) {
    long first = settings.firstRetry().toMillis();
    long cap = settings.maxRetry().toMillis();
    long delay = attempts >= 40 ? cap : Math.min(cap, first << Math.max(0, attempts - 1));
    long jittered = delay / 2 + ThreadLocalRandom.current().nextLong(delay / 2 + 1);
    return Duration.ofMillis(jittered);
  }
}
