package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.Mail;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.notify.NotificationRepository.Contact;
import eu.mhealthhub.agora.notify.NotificationService.DigestGroup;
import eu.mhealthhub.agora.web.I18n;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notifications by e-mail, in each recipient's language.
 *
 * <ul>
 * <li><b>At once</b>: the fan-out's transaction puts each notification a member wants by e-mail at
 *     once in the mail outbox, held for the configured delay; when the hold ends the outbox asks
 *     {@link NotificationService#stillToTell}, and a notification read meanwhile in a page (or no
 *     longer readable) is not mailed.</li>
 * <li><b>Digests</b>: every minute each node looks for members with unread daily (weekly)
 *     notifications whose morning ({@link #DIGEST_TIME} in their time zone; Monday for the week) has
 *     come and who have no digest for that day (week) yet; the digest holds what they have not read
 *     since their last one, grouped by working group, and is written in the transaction that records
 *     it as sent, so two nodes never both send it.</li>
 * <li><b>Unsubscribe</b>: a link in an e-mail about one kind turns that kind to "on this site only";
 *     a digest's link turns every kind of that digest to it.</li>
 * </ul>
 */
public final class NotificationMail {

  private static final Logger LOG = LoggerFactory.getLogger(NotificationMail.class);
  /** When a member's digests go out, in their time zone. */
  public static final LocalTime DIGEST_TIME = LocalTime.of(8, 0);
  private static final long DIGEST_POLL_MS = 60_000;
  /** Notifications older than this are never digested (a member back after a long absence gets the newest). */
  private static final Duration DIGEST_REACH = Duration.ofDays(8);

  private final Vertx vertx;
  private final Pool pool;
  private final NotificationService notifications;
  private final Mail mail;
  private final I18n i18n;
  private final Clock clock;
  private final Duration hold;
  private final ZoneId defaultZone;
  private final NotificationRepository repository = new NotificationRepository();
  private final AtomicBoolean digesting = new AtomicBoolean();
  private long timer = -1;

  private NotificationMail(Vertx vertx, Pool pool, NotificationService notifications, Mail mail, I18n i18n, Clock clock,
      Duration hold, ZoneId defaultZone) {
    this.vertx = vertx;
    this.pool = pool;
    this.notifications = notifications;
    this.mail = mail;
    this.i18n = i18n;
    this.clock = clock;
    this.hold = hold;
    this.defaultZone = defaultZone;
  }

  /** Connects notifications and mail: the fan-out's listener, the outbox's hold check, unsubscribe links. */
  public static NotificationMail wire(Vertx vertx, Pool pool, NotificationService notifications, Mail mail, I18n i18n,
      Clock clock, Duration hold, ZoneId defaultZone) {
    NotificationMail wired = new NotificationMail(vertx, pool, notifications, mail, i18n, clock, hold, defaultZone);
    notifications.onCreated(wired::immediate);
    mail.outbox().stillWanted(notifications::stillToTell);
    mail.unsubscribeWith(wired::unsubscribe);
    return wired;
  }

  /** Starts this node's digest round, every minute. */
  public void start() {
    timer = vertx.setPeriodic(DIGEST_POLL_MS, id -> {
      if (digesting.compareAndSet(false, true)) {
        sendDigests().onComplete(ar -> {
          digesting.set(false);
          if (ar.failed()) {
            LOG.warn("digests not sent: {}", ar.cause().getMessage());
          }
        });
      }
    });
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  // ---- at once

  private Future<Void> immediate(SqlConnection tx, List<Notification> created) {
    List<Notification> mailed = created.stream().filter(n -> n.delivery() == Delivery.IMMEDIATELY).toList();
    if (mailed.isEmpty()) {
      return Future.succeededFuture();
    }
    Set<Long> recipients = mailed.stream().map(Notification::recipientId).collect(Collectors.toSet());
    return repository.contacts(tx, recipients).compose(contacts -> {
      Future<Void> chain = Future.succeededFuture();
      Instant until = clock.instant().plus(hold);
      for (Notification n : mailed) {
        Contact to = contacts.get(n.recipientId());
        if (to == null || to.email() == null || to.email().isBlank()) {
          continue;
        }
        Letter letter = letter(n, locale(to));
        chain = chain.compose(v -> mail.outbox().enqueue(tx, OutgoingMail.held(to.email(), n.recipientId(),
            n.kind().value(), mail.composer().compose(letter), until, n.id())).mapEmpty());
      }
      return chain;
    });
  }

  /** One notification as an e-mail: the group and what happened (with the thread's title) in the subject. */
  Letter letter(Notification n, Locale locale) {
    I18n.Messages m = i18n.forLocale(locale);
    String told = NotificationViews.text(m, n);
    String subject = n.groupName() == null ? told : "[" + n.groupName() + "] " + told;
    List<MailBlock> body = new ArrayList<>();
    body.add(new MailBlock.Paragraph(told));
    if (!n.verdict().isEmpty() && !n.reason().isBlank()) {
      body.add(new MailBlock.Paragraph(m.get("mail.notification.reason")));
      body.add(new MailBlock.Quote(n.reason()));
    }
    body.add(new MailBlock.Action(m.get("mail.notification.open"), "/notifications/" + n.id() + "/open"));
    return new Letter(n.recipientId(), locale, n.kind().value(), subject,
        Optional.of(n.contextKind() + "-" + n.contextId()), body);
  }

  // ---- digests

  /** Sends every digest that is due now; completes with how many were put in the outbox. */
  public Future<Integer> sendDigests() {
    Instant now = clock.instant();
    return sendDigests(Delivery.DAILY, now).compose(daily -> sendDigests(Delivery.WEEKLY, now).map(weekly -> daily + weekly));
  }

  private Future<Integer> sendDigests(Delivery cadence, Instant now) {
    return repository.digestCandidates(pool, cadence, now.minus(DIGEST_REACH))
        .compose(candidates -> candidates.isEmpty() ? Future.succeededFuture(Map.<Long, Contact>of())
            : repository.contacts(pool, candidates))
        .compose(contacts -> {
          Future<Integer> chain = Future.succeededFuture(0);
          for (Contact to : contacts.values()) {
            chain = chain.compose(sent -> digest(to, cadence, now).map(one -> sent + (one ? 1 : 0))
                .recover(e -> {
                  LOG.warn("{} digest of member {} not sent: {}", cadence.value(), to.memberId(), e.getMessage());
                  return Future.succeededFuture(sent);
                }));
          }
          return chain;
        });
  }

  /** The digest of one member, if its time has come and it was not sent yet; true when one was put in the outbox. */
  private Future<Boolean> digest(Contact to, Delivery cadence, Instant now) {
    ZonedDateTime local = now.atZone(zone(to));
    LocalDate period = cadence == Delivery.WEEKLY
        ? local.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)) : local.toLocalDate();
    if (now.isBefore(period.atTime(DIGEST_TIME).atZone(zone(to)).toInstant()) || to.email() == null
        || to.email().isBlank()) {
      return Future.succeededFuture(false);
    }
    return repository.lastDigest(pool, to.memberId(), cadence)
        .compose(last -> notifications.digest(to.memberId(), cadence, last.orElse(now.minus(DIGEST_REACH))))
        .compose(groups -> groups.isEmpty() ? Future.succeededFuture(false)
            : pool.withTransaction(tx -> repository.claimDigest(tx, to.memberId(), cadence, period, now)
                .compose(claimed -> !claimed ? Future.succeededFuture(false)
                    : mail.outbox().enqueue(tx, OutgoingMail.now(to.email(), to.memberId(), "digest." + cadence.value(),
                        mail.composer().compose(digestLetter(to, cadence, groups)))).map(id -> true))));
  }

  private Letter digestLetter(Contact to, Delivery cadence, List<DigestGroup> groups) {
    Locale locale = locale(to);
    I18n.Messages m = i18n.forLocale(locale);
    int count = groups.stream().mapToInt(g -> g.items().size()).sum();
    List<MailBlock> body = new ArrayList<>();
    body.add(new MailBlock.Paragraph(m.get("mail.digest.intro." + cadence.value(), count)));
    for (DigestGroup g : groups) {
      body.add(new MailBlock.Heading(g.groupName() == null ? m.get("mail.digest.elsewhere") : g.groupName()));
      for (Notification n : g.items()) {
        body.add(new MailBlock.Action(NotificationViews.text(m, n), "/notifications/" + n.id() + "/open"));
      }
    }
    return new Letter(to.memberId(), locale, "digest." + cadence.value(),
        m.get("mail.digest.subject." + cadence.value(), count), Optional.empty(), body);
  }

  // ---- unsubscribe

  private Future<Void> unsubscribe(long memberId, String kind) {
    if (kind.startsWith("digest.")) {
      Delivery cadence = Delivery.of(kind.substring("digest.".length()));
      return notifications.preferences(memberId).compose(chosen -> {
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<NotificationKind, Delivery> e : chosen.entrySet()) {
          if (e.getValue() == cadence) {
            chain = chain.compose(v -> notifications.setDelivery(memberId, e.getKey(), Delivery.PAGE));
          }
        }
        return chain;
      });
    }
    return notifications.setDelivery(memberId, NotificationKind.of(kind), Delivery.PAGE);
  }

  private Locale locale(Contact to) {
    return to.locale() == null ? i18n.fallback() : I18n.supported(to.locale()).orElse(i18n.fallback());
  }

  private ZoneId zone(Contact to) {
    try {
      return to.timeZone() == null ? defaultZone : ZoneId.of(to.timeZone());
    } catch (DateTimeException e) {
      return defaultZone;
    }
  }
}
