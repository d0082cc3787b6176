package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.notify.NotificationRepository.Job;
import eu.mhealthhub.agora.notify.NotificationRepository.Recipient;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications: recording what happened inside the change's own transaction, fanning it out to
 * recipients after commit, preferences, and what a member sees.
 *
 * <p>Recording ({@link #record}) writes one small job row, so a post in a thread with a thousand
 * watchers costs the posting request one insert. A worker on every node ({@link #start}) claims
 * job rows with {@code FOR UPDATE SKIP LOCKED} and, in one transaction per job, works out the
 * recipients (told directly, or watchers not muted), keeps one notification per recipient (the
 * strongest kind), drops the actor, those who may not read the subject and those who chose
 * "never", writes the rows, calls the {@linkplain #onCreated listener} with them, deletes the job
 * and, after commit, announces {@code notification.created} on each recipient's
 * {@code member.<id>} address. A job is therefore fanned out exactly once, on whichever node.
 *
 * <p>Everything shown (page, count, digest) is filtered at the moment it is shown through
 * {@link NotificationSubjects}, so what a member can no longer read disappears.
 */
public final class NotificationService {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationService.class);
  /** Notifications per page. */
  public static final int PAGE_SIZE = 30;
  /** The page, the count and the digest consider this many of a member's newest notifications. */
  static final int WINDOW = 1000;
  private static final long POLL_MS = 500;

  /**
   * Called in the fan-out transaction with the notification rows it just created (not with a
   * batched notification that only counted one more actor), so the caller can enqueue e-mails
   * atomically with them. A failure rolls the fan-out back; the job is tried again.
   */
  public interface CreatedListener {
    Future<Void> created(SqlConnection tx, List<Notification> rows);
  }

  /** A member's notifications of one working group in a digest (groupId null: not in a group, e.g. Talks). */
  public record DigestGroup(Long groupId, String groupName, List<Notification> items) {}

  /** One page of a member's notifications, newest first, and how many are unread. */
  public record Page(List<Notification> items, int page, int pages, long unread, NotificationKind filter) {}

  private final Vertx vertx;
  private final Pool pool;
  private final ChangeFeed changes;
  private final NotificationSubjects subjects;
  private final Function<Long, Future<Optional<Member>>> members;
  private final NotificationRepository repository = new NotificationRepository();
  private volatile CreatedListener listener = (tx, rows) -> Future.succeededFuture();
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong claimed = new AtomicLong(-1);
  private long timer = -1;

  /**
   * An internal address (never permitted on the bridge): members whose unread count changed (a
   * fan-out reached them, they read something), as a JSON array of ids. Every node forgets its
   * cached counts of them.
   */
  static final String COUNTS_CHANGED = "agora.internal.notification-counts";
  /** How long a node trusts a header count it computed, at most (a hidden post's notification is not announced). */
  private static final java.time.Duration COUNT_FRESH = java.time.Duration.ofSeconds(10);
  /** The header badge's counts by member: every page of a signed-in member shows one. */
  private final Cache<Long, Long> counts = Caffeine.newBuilder().maximumSize(50_000).expireAfterWrite(COUNT_FRESH)
      .executor(Runnable::run).build();
  /** Moves on every forgetting, so a count computed before it is not kept after it. */
  private final AtomicLong countsGeneration = new AtomicLong();

  /**
   * @param members looks a member up by id (for the digest, which runs without a request)
   */
  public NotificationService(Vertx vertx, Pool pool, ChangeFeed changes, NotificationSubjects subjects,
      Function<Long, Future<Optional<Member>>> members) {
    this.vertx = vertx;
    this.pool = pool;
    this.changes = changes;
    this.subjects = subjects;
    this.members = members;
    vertx.eventBus().<JsonArray>localConsumer(COUNTS_CHANGED, message -> {
      countsGeneration.incrementAndGet();
      message.body().forEach(id -> counts.invalidate(((Number) id).longValue()));
    });
    // what a member may read narrowed (left or removed, a group closed, a thread moved) or they signed out
    vertx.eventBus().localConsumer(ChangeFeed.NARROWED, message -> forgetAllCounts());
    vertx.eventBus().localConsumer(ChangeFeed.ACCESS_CHANGED, message -> forgetAllCounts());
  }

  private void forgetAllCounts() {
    countsGeneration.incrementAndGet();
    counts.invalidateAll();
  }

  /**
   * Forgets these members' counts here at once (the page this request leads to must not show the
   * old one: the bus delivers later) and on every node through the bus.
   */
  void countsChanged(java.util.Collection<Long> memberIds) {
    if (!memberIds.isEmpty()) {
      countsGeneration.incrementAndGet();
      counts.invalidateAll(memberIds);
      vertx.eventBus().publish(COUNTS_CHANGED, new JsonArray(List.copyOf(memberIds)));
    }
  }

  // ---- recording and fan-out

  /**
   * Records a notice inside the caller's transaction: it is fanned out after commit, or never if the
   * transaction rolls back. Fails only as the insert does (which fails the caller's transaction).
   */
  public Future<Void> record(SqlConnection tx, Notice notice) {
    if (notice.direct.isEmpty() && notice.authorsOf.isEmpty() && notice.watchScope == null) {
      return Future.succeededFuture();
    }
    return repository.insertJob(tx, notice);
  }

  /**
   * Registers the one listener called with the rows each fan-out creates (replacing the default, which does nothing);
   * returns the one it replaces, so that whoever swaps it for a while can put it back.
   */
  public CreatedListener onCreated(CreatedListener listener) {
    CreatedListener before = this.listener;
    this.listener = listener;
    return before;
  }

  /** Starts this node's worker: every half second it fans out every job waiting, one transaction per job. */
  public void start() {
    timer = vertx.setPeriodic(POLL_MS, id -> drain());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** Jobs recorded and not fanned out yet (for benchmarks and tests). */
  public Future<Long> pendingJobs() {
    return repository.pendingJobs(pool);
  }

  private void drain() {
    if (running.compareAndSet(false, true)) {
      next();
    }
  }

  private void next() {
    fanOutOne().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        next();
        return;
      }
      running.set(false);
      if (ar.failed()) {
        long id = claimed.get();
        LOG.warn("notification job {} not fanned out: {}", id, ar.cause().getMessage());
        if (id >= 0) {
          repository.failed(pool, id).onFailure(e -> LOG.warn("job {} not marked: {}", id, e.getMessage()));
        }
      }
    });
  }

  /** Fans out the oldest waiting job; completes with false when there was none. */
  Future<Boolean> fanOutOne() {
    claimed.set(-1);
    return changes.transaction(conn -> repository.claim(conn).compose(job -> {
      if (job.isEmpty()) {
        return Future.succeededFuture(Outcome.of(Optional.<List<Long>>empty()));
      }
      claimed.set(job.get().id());
      return fanOut(conn, job.get()).compose(created -> repository.deleteJob(conn, job.get().id())
          .map(v -> new Outcome<>(Optional.of(created.stream().map(Notification::recipientId).toList()), created.stream()
              .map(n -> Change.member(n.recipientId(), "notification.created", n.id())).toList())));
    })).map(recipients -> {
      recipients.ifPresent(this::countsChanged);
      return recipients.isPresent();
    });
  }

  private Future<List<Notification>> fanOut(SqlConnection conn, Job job) {
    Map<Long, NotificationKind> told = new HashMap<>(job.direct());
    Future<Void> authors = repository.authorsOf(conn, job.authorsOf().keySet()).map(found -> {
      found.forEach((post, author) -> told.merge(author, job.authorsOf().get(post), (a, b) -> a.rank() <= b.rank() ? a : b));
      return null;
    });
    Future<Void> watchers = job.watchScope() == null ? authors : authors.compose(x -> repository.watchers(conn, job.watchScope(),
        job.watchId(), job.groupId())).map(found -> {
          found.forEach(m -> told.merge(m, job.watchKind(), (a, b) -> a.rank() <= b.rank() ? a : b));
          return null;
        });
    return watchers.compose(v -> {
      if (job.actorId() != null) {
        told.remove(job.actorId());
      }
      Set<Long> watching = told.entrySet().stream().filter(e -> e.getValue().watched()).map(Map.Entry::getKey)
          .collect(Collectors.toSet());
      Long muteGroup = job.muteGroup() != null ? job.muteGroup() : job.groupId();
      return repository.muted(conn, job.muteThread(), muteGroup, watching);
    }).compose(muted -> {
      told.keySet().removeAll(muted);
      return subjects.readers(job.subjectKind(), job.subjectId(), Set.copyOf(told.keySet()));
    }).compose(readers -> {
      told.keySet().retainAll(readers);
      return repository.chosen(conn, told);
    }).compose(chosen -> {
      List<Recipient> recipients = new ArrayList<>();
      told.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        Delivery d = chosen.getOrDefault(e.getKey(), e.getValue().defaultDelivery());
        if (d != Delivery.NEVER) {
          recipients.add(new Recipient(e.getKey(), e.getValue(), d));
        }
      });
      if (!job.batched()) {
        return repository.insert(conn, job, recipients);
      }
      Future<List<Notification>> chain = Future.succeededFuture(new ArrayList<>());
      for (Recipient r : recipients) {
        chain = chain.compose(list -> repository.upsertBatched(conn, job, r).map(n -> {
          n.ifPresent(list::add);
          return list;
        }));
      }
      return chain;
    }).compose(created -> created.isEmpty() ? Future.succeededFuture(created)
        : listener.created(conn, List.copyOf(created)).map(created));
  }

  // ---- seams for e-mail

  /** How a member wants a kind delivered: their choice, or the kind's default. */
  public Future<Delivery> delivery(long memberId, NotificationKind kind) {
    return repository.preferences(pool, memberId).map(chosen -> chosen.getOrDefault(kind, kind.defaultDelivery()));
  }

  /** Sets how a member wants a kind delivered (the preferences form, an e-mail's unsubscribe link). */
  public Future<Void> setDelivery(long memberId, NotificationKind kind, Delivery delivery) {
    return pool.withTransaction(tx -> repository.setPreference(tx, memberId, kind, delivery));
  }

  /** The ids among {@code ids} whose notifications are still unread (for cancel-if-read). */
  public Future<Set<Long>> unread(Set<Long> ids) {
    return ids.isEmpty() ? Future.succeededFuture(Set.of()) : repository.stillUnread(pool, ids);
  }

  /**
   * A member's unread notifications delivered by {@code cadence} (daily or weekly) made since
   * {@code since}, that the member may still read now, grouped by working group (groups in the
   * order of their newest item, items newest first). Empty for a member who no longer exists.
   */
  /**
   * Which of these notifications are still worth an e-mail: unread, and about something their
   * recipient may read now (the mail outbox asks when an e-mail's hold ends).
   */
  public Future<Set<Long>> stillToTell(Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Set.of());
    }
    return repository.unreadByIds(pool, ids).compose(unread -> {
      Map<Long, List<Notification>> byRecipient = unread.stream().collect(Collectors.groupingBy(Notification::recipientId));
      List<Future<List<Notification>>> checks = byRecipient.entrySet().stream()
          .map(e -> members.apply(e.getKey()).compose(member -> member.isEmpty()
              ? Future.succeededFuture(List.<Notification>of()) : visibleOnly(member, e.getValue()))).toList();
      return Future.all(checks).map(done -> {
        Set<Long> wanted = new HashSet<>();
        for (int i = 0; i < checks.size(); i++) {
          done.<List<Notification>>resultAt(i).forEach(n -> wanted.add(n.id()));
        }
        return wanted;
      });
    });
  }

  public Future<List<DigestGroup>> digest(long memberId, Delivery cadence, Instant since) {
    return members.apply(memberId).compose(member -> member.isEmpty() ? Future.succeededFuture(List.<Notification>of())
        : repository.digest(pool, memberId, cadence, since, WINDOW).compose(all -> visibleOnly(member, all)))
        .map(items -> {
          Map<Long, List<Notification>> byGroup = new LinkedHashMap<>();
          Map<Long, String> names = new HashMap<>();
          for (Notification n : items) {
            byGroup.computeIfAbsent(n.groupId(), g -> new ArrayList<>()).add(n);
            names.putIfAbsent(n.groupId(), n.groupName());
          }
          return byGroup.entrySet().stream().map(e -> new DigestGroup(e.getKey(), names.get(e.getKey()), List.copyOf(e.getValue())))
              .toList();
        });
  }

  // ---- what a member sees

  private Future<List<Notification>> visibleOnly(Optional<Member> viewer, List<Notification> all) {
    Map<String, Set<Long>> bySubject = new HashMap<>();
    all.forEach(n -> bySubject.computeIfAbsent(n.subjectKind(), k -> new HashSet<>()).add(n.subjectId()));
    List<String> kinds = List.copyOf(bySubject.keySet());
    List<Future<Set<Long>>> checks = kinds.stream().map(k -> subjects.visible(k, viewer, bySubject.get(k))).toList();
    return Future.all(checks).map(done -> {
      Map<String, Set<Long>> visible = new HashMap<>();
      for (int i = 0; i < kinds.size(); i++) {
        visible.put(kinds.get(i), done.resultAt(i));
      }
      return all.stream().filter(n -> visible.get(n.subjectKind()).contains(n.subjectId())).toList();
    });
  }

  /**
   * The header badge's count: {@link #unreadCount}, remembered by this node until the member's
   * notifications change (a fan-out reaches them, they read one: announced to every node), what
   * they may read narrows, or {@link #COUNT_FRESH} passes, so most pages cost no query for it.
   */
  public Future<Long> badgeCount(Member member) {
    Long known = counts.getIfPresent(member.id());
    if (known != null) {
      return Future.succeededFuture(known);
    }
    long generation = countsGeneration.get();
    // one load per member at a time: when the count expires, the member's views in flight (a page and its
    // frames, a benchmark's 32 connections) share it instead of each paying its two round trips
    CountLoad load = new CountLoad(generation, io.vertx.core.Promise.promise());
    CountLoad running = countLoads.compute(member.id(),
        (id, current) -> current != null && current.generation() == generation ? current : load);
    if (running == load) {
      badgeLoads.increment();
      // through compose: a throw becomes a failed read, so a load is never left in the map unfinished
      Future.succeededFuture(member).compose(this::unreadCount).onComplete(done -> {
        if (done.succeeded() && countsGeneration.get() == generation) {
          counts.put(member.id(), done.result());
        }
        countLoads.remove(member.id(), load);
        load.result().handle(done);
      });
    }
    return onCallersContext(running.result().future());
  }

  /**
   * A member's badge count being read, and the forgetting it started after: a load older than the
   * latest forgetting is never shared with a later view.
   */
  private record CountLoad(long generation, io.vertx.core.Promise<Long> result) {}

  private final java.util.concurrent.ConcurrentHashMap<Long, CountLoad> countLoads = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder badgeLoads = new java.util.concurrent.atomic.LongAdder();

  /** How many badge counts this node has read from the database (a test checks that concurrent views share one). */
  long badgeLoads() {
    return badgeLoads.sum();
  }

  /**
   * {@code shared}, completed on the calling request's own context: a view that joined another's load
   * goes on with its own request (its round trips, its request id), never on the loading request's.
   */
  private static <T> Future<T> onCallersContext(Future<T> shared) {
    io.vertx.core.Context here = Vertx.currentContext();
    if (!(here instanceof io.vertx.core.internal.ContextInternal context)) {
      return shared;
    }
    io.vertx.core.Promise<T> mine = context.promise();
    shared.onComplete(mine);
    return mine.future();
  }

  /** How many unread notifications the member may read now (the notifications page counts afresh). */
  public Future<Long> unreadCount(Member member) {
    return repository.unreadSubjects(pool, member.id(), WINDOW).compose(all -> {
      Map<String, Set<Long>> bySubject = new HashMap<>();
      all.forEach(s -> bySubject.computeIfAbsent(s.kind(), k -> new HashSet<>()).add(s.id()));
      List<String> kinds = List.copyOf(bySubject.keySet());
      return Future.all(kinds.stream().map(k -> subjects.visible(k, Optional.of(member), bySubject.get(k))).toList())
          .map(done -> {
            Map<String, Set<Long>> visible = new HashMap<>();
            for (int i = 0; i < kinds.size(); i++) {
              visible.put(kinds.get(i), done.resultAt(i));
            }
            return all.stream().filter(s -> visible.get(s.kind()).contains(s.id())).count();
          });
    });
  }

  /**
   * One page of the member's notifications they may read now, newest first, optionally of one kind.
   * A page past the last fails with NOT_FOUND (an empty list has one, empty, page).
   */
  public Future<Page> page(Member member, NotificationKind filter, int page) {
    return repository.list(pool, member.id(), filter, WINDOW).compose(all -> visibleOnly(Optional.of(member), all))
        .compose(visible -> {
          int pages = Math.max(1, (visible.size() + PAGE_SIZE - 1) / PAGE_SIZE);
          if (page < 1 || page > pages) {
            return Future.failedFuture(DomainException.notFound());
          }
          List<Notification> shown = visible.subList((page - 1) * PAGE_SIZE, Math.min(visible.size(), page * PAGE_SIZE));
          return unreadCount(member).map(unread -> new Page(List.copyOf(shown), page, pages, unread, filter));
        });
  }

  /**
   * Marks a notification read and completes with where it leads. NOT_FOUND when it is not the
   * member's or its subject is no longer readable to them.
   */
  public Future<String> open(Member member, long id) {
    return readable(member, id).compose(n -> changes.transaction(conn -> repository.markRead(conn, id, member.id())
        .map(marked -> marked ? Outcome.of(n.link(), Change.member(member.id(), "notification.read", id)) : Outcome.of(n.link()))))
        .onSuccess(link -> countsChanged(List.of(member.id())));
  }

  /** Marks one notification read (NOT_FOUND as {@link #open}). */
  public Future<Void> markRead(Member member, long id) {
    return open(member, id).mapEmpty();
  }

  /** Marks all of the member's notifications read. */
  public Future<Void> markAllRead(Member member) {
    return changes.transaction(conn -> repository.markAllRead(conn, member.id())
        .map(n -> n > 0 ? Outcome.<Void>of(null, Change.member(member.id(), "notification.read", 0)) : Outcome.<Void>of(null)))
        .onSuccess(v -> countsChanged(List.of(member.id())));
  }

  private Future<Notification> readable(Member member, long id) {
    return repository.one(pool, id, member.id()).compose(found -> found.isEmpty()
        ? Future.failedFuture(DomainException.notFound())
        : visibleOnly(Optional.of(member), List.of(found.get())).compose(v -> v.isEmpty()
            ? Future.failedFuture(DomainException.notFound()) : Future.succeededFuture(v.get(0))));
  }

  // ---- preferences and watching

  /** Every kind with how the member wants it (their choice or the default), in the kinds' order. */
  public Future<Map<NotificationKind, Delivery>> preferences(long memberId) {
    return repository.preferences(pool, memberId).map(chosen -> {
      Map<NotificationKind, Delivery> all = new EnumMap<>(NotificationKind.class);
      for (NotificationKind k : NotificationKind.values()) {
        all.put(k, chosen.getOrDefault(k, k.defaultDelivery()));
      }
      return all;
    });
  }

  /** Saves the preferences form in one transaction. */
  public Future<Void> savePreferences(long memberId, Map<NotificationKind, Delivery> choices) {
    return pool.withTransaction(tx -> {
      Future<Void> chain = Future.succeededFuture();
      for (Map.Entry<NotificationKind, Delivery> e : choices.entrySet()) {
        chain = chain.compose(v -> repository.setPreference(tx, memberId, e.getKey(), e.getValue()));
      }
      return chain;
    });
  }

  /**
   * Watches a document or follows a Talk ({@code subject} "document" or "talk"), or stops.
   * NOT_FOUND when the member may not read it, BAD_REQUEST for another subject.
   */
  public Future<Void> watch(Member member, String subject, long id, boolean on) {
    if (!"document".equals(subject) && !"talk".equals(subject)) {
      return Future.failedFuture(DomainException.badRequest("error.400.text"));
    }
    return subjects.visible(subject, Optional.of(member), Set.of(id)).compose(ok -> ok.contains(id)
        ? repository.watch(pool, subject, member.id(), id, on)
        : Future.failedFuture(DomainException.notFound()));
  }

  /** Whether the member watches the document or follows the Talk. */
  public Future<Boolean> watching(Member member, String subject, long id) {
    return repository.watching(pool, subject, member.id()).map(ids -> ids.contains(id));
  }
}
