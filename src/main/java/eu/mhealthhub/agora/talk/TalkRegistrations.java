package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.limits.RateLimits;
import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailComposer;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.mail.Outbox;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Registration (RSVP) for Talks. A visitor gives a name and an e-mail address, a member registers
 * in one click. Every registration is mailed: a confirmation with the Talk's calendar file (linked:
 * the mail layer sends text and HTML parts, no attachments) and a cancel link; then, through the
 * outbox's hold-until, a reminder a day before and another 15 minutes before with the room's link;
 * after the room closes, the recording, slides, summary and follow-up threads. A Talk may have a
 * capacity: past it registrations join a waiting list, promoted in order when a place frees (the
 * promoted person is mailed). A moved Talk re-times its reminders; a cancelled registration
 * cancels its own.
 *
 * <p><b>No enumeration.</b> A visitor's registration is answered the same whether the address was
 * registered already or not (nothing is mailed again then, so the form cannot be used to flood an
 * address). <b>Against registering others en masse</b>: the {@code talk.register} limit per client
 * address and {@code talk.register.email} per e-mail address (AGORA_RATE_LIMITS); every
 * registration is mailed to the address with its cancel link, so a registration someone else made
 * is undone in one click.
 *
 * <p>Failures: NOT_FOUND for a missing Talk, CONFLICT once the Talk has started, BAD_REQUEST for a
 * form's problems or a forged cancel link, TOO_MANY past a limit, FORBIDDEN for a registration list
 * asked by someone who does not moderate the Talk.
 */
public final class TalkRegistrations {

  /** The mail kind of everything a registration receives (no unsubscribe: each carries the cancel link). */
  public static final String MAIL_KIND = "talk.registration";
  /** Rate limits: registrations per client address, and per e-mail address. */
  public static final String LIMIT_ADDRESS = "talk.register";
  public static final String LIMIT_EMAIL = "talk.register.email";
  /** When the reminders go. */
  public static final Duration DAY_BEFORE = Duration.ofDays(1);
  public static final Duration SOON_BEFORE = Duration.ofMinutes(15);
  public static final int MAX_NAME = 120;

  public enum Status { REGISTERED, WAITING, CANCELLED;
    String db() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Status of(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  /** A registration as the Talk's moderators see it. */
  public record Registration(long id, String name, String email, boolean member, Status status, Instant createdAt,
      Instant statusAt, boolean attended) {
    public boolean registered() {
      return status == Status.REGISTERED;
    }

    public boolean waiting() {
      return status == Status.WAITING;
    }

    public String statusKey() {
      return "talk.registrations.status." + status.db();
    }
  }

  /**
   * The registration list and figures for a Talk's moderators.
   *
   * @param participants distinct members who took part in the live room (wrote, asked or voted)
   * @param questions    questions asked in the room (merged duplicates not counted)
   * @param attended     signed-in members present in the open room ({@link TalkAttendance})
   * @param registeredAttended registered members (with a place) among those who attended
   */
  public record Overview(Talk talk, Integer capacity, List<Registration> registrations, long registered, long waiting,
      long cancelled, long participants, long questions, long attended, long registeredAttended) {}

  /** A member's own registration of a Talk, as the Talk's page shows it; null fields when none. */
  public record Mine(Status status) {
    public boolean registered() {
      return status == Status.REGISTERED;
    }

    public boolean waiting() {
      return status == Status.WAITING;
    }
  }

  /** A registration form: a visitor's name and address, or nothing for a member. */
  public record Form(String name, String email) {
    public static Form of(String name, String email) {
      return new Form(name == null ? "" : name.strip(), email == null ? "" : email.strip());
    }

    /** Problems by field, as message keys; empty when the form may be submitted. */
    public java.util.Map<String, String> problems() {
      java.util.Map<String, String> p = new java.util.LinkedHashMap<>();
      if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
        p.put("name", "talk.register.error.name");
      }
      if (!validEmail(email)) {
        p.put("email", "talk.register.error.email");
      }
      return p;
    }
  }

  static boolean validEmail(String email) {
    return email != null && email.length() <= 254 && email.matches("[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:.]+");
  }

  private final Pool pool;
  private final Clock clock;
  private final Outbox outbox;
  private final MailComposer composer;
  private final I18n i18n;
  private final RateLimits limits;
  private final TalkRepository talks = new TalkRepository();
  private final RegistrationRepository repository = new RegistrationRepository();
  private final AttendanceRepository attendance = new AttendanceRepository();

  public TalkRegistrations(Pool pool, Clock clock, Outbox outbox, MailComposer composer, I18n i18n, RateLimits limits) {
    this.pool = pool;
    this.clock = clock;
    this.outbox = outbox;
    this.composer = composer;
    this.i18n = i18n;
    this.limits = limits;
  }

  // ---- registering

  /**
   * A visitor registers; completes (with nothing to tell) whether the address was new or not.
   *
   * @param address the client's address, for the per-address limit
   */
  public Future<Void> registerVisitor(String slug, Form form, String address, Locale locale, ZoneId zone) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    return limits.take(LIMIT_ADDRESS, "address:" + address)
        .compose(v -> limits.take(LIMIT_EMAIL, "email:" + digest(RegistrationRepository.key(form.email()))))
        .compose(v -> register(slug, null, form.name(), form.email(), locale, zone)).mapEmpty();
  }

  /** The limit's subject for an address: its SHA-256, so the rate buckets hold no address. */
  private static String digest(String emailKey) {
    try {
      return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(emailKey.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A member registers in one click; completes with their registration's status. */
  public Future<Status> registerMember(String slug, Member member, Locale locale, ZoneId zone) {
    if (member.email() == null || !validEmail(member.email())) {
      return Future.failedFuture(DomainException.badRequest("talk.register.error.noEmail"));
    }
    String name = member.displayName().length() > MAX_NAME ? member.displayName().substring(0, MAX_NAME) : member.displayName();
    return register(slug, member.id(), name, member.email(), locale, zone);
  }

  private Future<Status> register(String slug, Long memberId, String name, String email, Locale locale, ZoneId zone) {
    Instant now = clock.instant();
    return pool.withTransaction(conn -> talks.bySlug(conn, slug).compose(found -> {
      Talk talk = found.orElseThrow(DomainException::notFound);
      if (!now.isBefore(talk.startsAt())) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "talk.register.error.started"));
      }
      return repository.lockTalk(conn, talk.id())
          .compose(v -> repository.byEmail(conn, talk.id(), RegistrationRepository.key(email)))
          .compose(existing -> {
            if (existing.isPresent() && !"cancelled".equals(existing.get().status())) {
              // registered or waiting already: nothing changes and nothing is mailed again
              return Future.succeededFuture(Status.of(existing.get().status()));
            }
            String secret = Tokens.random(24).replaceAll("[^A-Za-z0-9]", "x");
            return Future.all(repository.capacity(conn, talk.id()), repository.countRegistered(conn, talk.id()))
                .compose(all -> {
                  Optional<Integer> capacity = all.resultAt(0);
                  long taken = all.resultAt(1);
                  Status status = capacity.isPresent() && taken >= capacity.get() ? Status.WAITING : Status.REGISTERED;
                  Future<Long> id = existing.isPresent()
                      ? repository.renew(conn, existing.get().id(), memberId, name, email, locale.toLanguageTag(),
                          zone.getId(), status.db(), secret, now).map(x -> existing.get().id())
                      : repository.insert(conn, talk.id(), memberId, name, email, locale.toLanguageTag(), zone.getId(),
                          status.db(), secret, now);
                  return id.compose(regId -> repository.byId(conn, regId, false))
                      .compose(reg -> welcome(conn, talk, reg.orElseThrow(), status == Status.REGISTERED
                          ? "confirm" : "waiting"))
                      .map(status);
                });
          });
    }));
  }

  /** The confirmation (or waiting-list, or promotion) mail, and the reminders of a registered one. */
  private Future<Void> welcome(SqlConnection conn, Talk talk, RegistrationRepository.Stored reg, String which) {
    I18n.Messages m = messages(reg);
    String when = when(talk, reg);
    List<MailBlock> body = new ArrayList<>();
    body.add(new MailBlock.Paragraph(m.get("talk.mail." + which + ".intro", reg.name(), talk.title())));
    body.add(new MailBlock.Paragraph(when));
    body.add(new MailBlock.Action(m.get("talk.mail.open"), "/talks/" + talk.slug()));
    if (!"waiting".equals(which)) {
      body.add(new MailBlock.Action(m.get("talk.mail.ics"), "/talks/" + talk.slug() + "/calendar.ics"));
    }
    body.add(new MailBlock.Paragraph(m.get("talk.mail.cancel.intro")));
    body.add(new MailBlock.Action(m.get("talk.mail.cancel"), cancelPath(talk, reg)));
    Future<Long> sent = enqueue(conn, reg, m.get("talk.mail." + which + ".subject", talk.title()), body, Optional.empty());
    return "waiting".equals(which) ? sent.mapEmpty() : sent.compose(v -> remind(conn, talk, reg));
  }

  /** Schedules the day-before and 15-minute reminders of a registered one, those still in the future. */
  private Future<Void> remind(SqlConnection conn, Talk talk, RegistrationRepository.Stored reg) {
    Instant now = clock.instant();
    Future<Void> chain = Future.succeededFuture();
    for (String purpose : List.of("reminder.day", "reminder.soon")) {
      Instant at = talk.startsAt().minus("reminder.day".equals(purpose) ? DAY_BEFORE : SOON_BEFORE);
      if (!at.isAfter(now)) {
        continue;
      }
      I18n.Messages m = messages(reg);
      List<MailBlock> body = List.of(
          new MailBlock.Paragraph(m.get("talk.mail." + purpose + ".intro", reg.name(), talk.title())),
          new MailBlock.Paragraph(when(talk, reg)),
          new MailBlock.Action(m.get("talk.mail.room"), "/talks/" + talk.slug() + "#room"),
          new MailBlock.Action(m.get("talk.mail.cancel"), cancelPath(talk, reg)));
      chain = chain.compose(v -> enqueue(conn, reg, m.get("talk.mail." + purpose + ".subject", talk.title()), body,
              Optional.of(at))
          .compose(outboxId -> repository.rememberMail(conn, reg.id(), purpose, outboxId)));
    }
    return chain;
  }

  private Future<Long> enqueue(SqlConnection conn, RegistrationRepository.Stored reg, String subject,
      List<MailBlock> body, Optional<Instant> holdUntil) {
    // memberId 0 in the letter: nothing to unsubscribe from, the cancel link ends it all; the row
    // still names a member, so erasing them deletes it
    Letter letter = new Letter(0, Locale.forLanguageTag(reg.locale()), MAIL_KIND, subject,
        Optional.of("talk-registration-" + reg.id()), body);
    OptionalLong member = reg.memberId() == null ? OptionalLong.empty() : OptionalLong.of(reg.memberId());
    return outbox.enqueue(conn, new OutgoingMail(reg.email(), member, MAIL_KIND, composer.compose(letter), holdUntil,
        OptionalLong.empty()));
  }

  private I18n.Messages messages(RegistrationRepository.Stored reg) {
    return i18n.forLocale(Locale.forLanguageTag(reg.locale()));
  }

  private static String when(Talk talk, RegistrationRepository.Stored reg) {
    ZoneId zone;
    try {
      zone = ZoneId.of(reg.timeZone());
    } catch (DateTimeException e) {
      zone = ZoneId.of("UTC");
    }
    DateTimeFormatter f = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM, FormatStyle.SHORT)
        .withLocale(Locale.forLanguageTag(reg.locale())).withZone(zone);
    DateTimeFormatter t = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT)
        .withLocale(Locale.forLanguageTag(reg.locale())).withZone(zone);
    return f.format(talk.startsAt()) + " – " + t.format(talk.endsAt()) + " (" + zone.getId() + ")";
  }

  static String cancelPath(Talk talk, RegistrationRepository.Stored reg) {
    return "/talks/" + talk.slug() + "/registration/cancel?t=" + reg.id() + "." + reg.cancelSecret();
  }

  // ---- cancelling

  /** What a cancel link stands for: the Talk and the registration's status. */
  public record CancelLink(Talk talk, String token, boolean cancelled) {}

  /** Whether registration has closed: the Talk has started. */
  public boolean started(Talk talk) {
    return !clock.instant().isBefore(talk.startsAt());
  }

  /** Checks a cancel link; fails BAD_REQUEST for a forged, altered or other Talk's link. */
  public Future<CancelLink> checkLink(String slug, String token) {
    return talks.bySlug(pool, slug).compose(found -> {
      Talk talk = found.orElseThrow(DomainException::notFound);
      return byToken(pool, talk, token, false)
          .map(reg -> new CancelLink(talk, token, "cancelled".equals(reg.status())));
    });
  }

  private Future<RegistrationRepository.Stored> byToken(io.vertx.sqlclient.SqlClient db, Talk talk, String token,
      boolean lock) {
    Future<RegistrationRepository.Stored> forged = Future.failedFuture(
        DomainException.badRequest("talk.registration.error.link"));
    if (token == null || token.length() > 100 || !token.matches("[0-9]{1,18}\\.[A-Za-z0-9]{8,64}")) {
      return forged;
    }
    long id = Long.parseLong(token.substring(0, token.indexOf('.')));
    String secret = token.substring(token.indexOf('.') + 1);
    return repository.byId(db, id, lock).compose(found -> found
        .filter(r -> r.talkId() == talk.id() && MessageDigest.isEqual(r.cancelSecret().getBytes(StandardCharsets.US_ASCII),
            secret.getBytes(StandardCharsets.US_ASCII)))
        .map(Future::succeededFuture).orElse(forged));
  }

  /** Cancels by a cancel link; a second click changes nothing. Fails as {@link #checkLink}. */
  public Future<Void> cancelByLink(String slug, String token) {
    return pool.withTransaction(conn -> talks.bySlug(conn, slug).compose(found -> {
      Talk talk = found.orElseThrow(DomainException::notFound);
      return repository.lockTalk(conn, talk.id()).compose(v -> byToken(conn, talk, token, true))
          .compose(reg -> cancel(conn, talk, reg));
    }));
  }

  /** A member cancels their own registration; nothing to cancel changes nothing. */
  public Future<Void> cancelMine(String slug, Member member) {
    return pool.withTransaction(conn -> talks.bySlug(conn, slug).compose(found -> {
      Talk talk = found.orElseThrow(DomainException::notFound);
      return repository.lockTalk(conn, talk.id()).compose(v -> repository.byMember(conn, talk.id(), member.id()))
          .compose(reg -> reg.isEmpty() ? Future.succeededFuture() : cancel(conn, talk, reg.get()));
    }));
  }

  private Future<Void> cancel(SqlConnection conn, Talk talk, RegistrationRepository.Stored reg) {
    if ("cancelled".equals(reg.status())) {
      return Future.succeededFuture();
    }
    boolean hadPlace = "registered".equals(reg.status());
    return repository.setStatus(conn, reg.id(), Status.CANCELLED.db(), clock.instant())
        .compose(v -> repository.takeMails(conn, reg.id()))
        .compose(ids -> outbox.cancel(conn, ids))
        .compose(v -> hadPlace && clock.instant().isBefore(talk.startsAt()) ? promote(conn, talk) : Future.succeededFuture());
  }

  /** Gives free places to the waiting list, first come first served, and mails each promoted person. */
  private Future<Void> promote(SqlConnection conn, Talk talk) {
    return Future.all(repository.capacity(conn, talk.id()), repository.countRegistered(conn, talk.id())).compose(all -> {
      Optional<Integer> capacity = all.resultAt(0);
      long taken = all.resultAt(1);
      int free = capacity.map(c -> (int) Math.max(0, c - taken)).orElse(Integer.MAX_VALUE);
      if (free == 0) {
        return Future.succeededFuture();
      }
      return repository.firstWaiting(conn, talk.id(), Math.min(free, 10_000)).compose(waiting -> {
        Future<Void> chain = Future.succeededFuture();
        for (RegistrationRepository.Stored w : waiting) {
          chain = chain.compose(v -> repository.setStatus(conn, w.id(), Status.REGISTERED.db(), clock.instant()))
              .compose(v -> welcome(conn, talk, w, "promoted"));
        }
        return chain;
      });
    });
  }

  // ---- what the Talk's changes do to registrations (called by TalkService in its transactions)

  /** The Talk moved (or changed): its reminders are cancelled and scheduled again for its new time. */
  Future<Void> retime(SqlConnection conn, long talkId) {
    return repository.lockTalk(conn, talkId)
        .compose(v -> repository.takeTalkMails(conn, talkId))
        .compose(ids -> outbox.cancel(conn, ids))
        .compose(v -> talks.byId(conn, talkId))
        .compose(talk -> talk.isEmpty() ? Future.succeededFuture() : repository.registered(conn, talkId)
            .compose(regs -> {
              Future<Void> chain = Future.succeededFuture();
              for (RegistrationRepository.Stored r : regs) {
                chain = chain.compose(v -> remind(conn, talk.get(), r));
              }
              return chain;
            }));
  }

  /**
   * The room closed with a summary: everyone registered gets the recording, slides, summary and the
   * follow-up threads in public groups (registrants need not be members of the closed ones).
   */
  Future<Void> afterTalk(SqlConnection conn, long talkId, List<WorkingGroup> groups, List<Long> threadIds) {
    return repository.takeTalkMails(conn, talkId)
        .compose(ids -> outbox.cancel(conn, ids))
        .compose(v -> talks.byId(conn, talkId))
        .compose(found -> {
          Talk talk = found.orElseThrow(DomainException::notFound);
          return repository.registered(conn, talkId).compose(regs -> {
            Future<Void> chain = Future.succeededFuture();
            for (RegistrationRepository.Stored r : regs) {
              I18n.Messages m = messages(r);
              List<MailBlock> body = new ArrayList<>();
              body.add(new MailBlock.Paragraph(m.get("talk.mail.after.intro", r.name(), talk.title())));
              if (talk.summary() != null && !talk.summary().isBlank()) {
                body.add(new MailBlock.Heading(m.get("talk.summary.heading")));
                body.add(new MailBlock.Quote(talk.summary()));
              }
              if (talk.recordingUrl() != null && !talk.recordingUrl().isBlank()) {
                body.add(new MailBlock.Action(m.get("talk.recording"), talk.recordingUrl()));
              }
              if (talk.slidesUrl() != null && !talk.slidesUrl().isBlank()) {
                body.add(new MailBlock.Action(m.get("talk.slides"), talk.slidesUrl()));
              }
              for (int i = 0; i < groups.size() && i < threadIds.size(); i++) {
                if (!groups.get(i).closed()) {
                  body.add(new MailBlock.Action(m.get("talk.mail.after.followup", groups.get(i).name()),
                      "/threads/" + threadIds.get(i)));
                }
              }
              body.add(new MailBlock.Action(m.get("talk.mail.open"), "/talks/" + talk.slug()));
              chain = chain.compose(v -> enqueue(conn, r, m.get("talk.mail.after.subject", talk.title()), body,
                  Optional.empty()).mapEmpty());
            }
            return chain;
          });
        });
  }

  // ---- reading

  /** The viewer's own registration of the Talk (empty for visitors and for none). */
  public Future<Optional<Mine>> mine(long talkId, Optional<Member> viewer) {
    if (viewer.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return repository.byMember(pool, talkId, viewer.get().id())
        .map(r -> r.map(s -> new Mine(Status.of(s.status()))));
  }

  /**
   * A member's own registration as the JSON API shows it.
   *
   * @param status   empty when they never registered
   * @param position their 1-based place on the waiting list, or null when not waiting
   * @param open     whether registration is still open (the Talk has not started)
   */
  public record Own(Talk talk, Optional<Status> status, Long position, boolean open) {}

  /** The member's own registration of the Talk, with their place on the waiting list; NOT_FOUND for no Talk. */
  public Future<Own> own(String slug, Member member) {
    return talks.bySlug(pool, slug).compose(found -> {
      Talk talk = found.orElseThrow(DomainException::notFound);
      return repository.byMember(pool, talk.id(), member.id()).compose(reg -> {
        Optional<Status> status = reg.map(r -> Status.of(r.status()));
        Future<Long> position = status.orElse(null) == Status.WAITING
            ? repository.waitingPosition(pool, reg.get().id()) : Future.succeededFuture(null);
        return position.map(p -> new Own(talk, status, p, !started(talk)));
      });
    });
  }

  /** The registration list and figures; FORBIDDEN unless {@code room} says the viewer moderates the Talk. */
  public Future<Overview> overview(TalkService.Room room) {
    if (!room.moderator()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long id = room.talk().id();
    var capacity = repository.capacity(pool, id);
    var all = repository.ofTalk(pool, id);
    var participants = repository.participants(pool, id);
    var questions = repository.questions(pool, id);
    var present = attendance.members(pool, id);
    return Future.all(List.of(capacity, all, participants, questions, present)).map(x -> {
      java.util.Set<Long> attendees = present.result();
      List<Registration> list = all.result().stream().map(r -> new Registration(r.id(), r.name(), r.email(),
          r.memberId() != null, Status.of(r.status()), r.createdAt(), r.statusAt(),
          r.memberId() != null && attendees.contains(r.memberId()))).toList();
      return new Overview(room.talk(), capacity.result().orElse(null), list,
          list.stream().filter(Registration::registered).count(), list.stream().filter(Registration::waiting).count(),
          list.stream().filter(r -> r.status() == Status.CANCELLED).count(), participants.result(), questions.result(),
          attendees.size(), list.stream().filter(r -> r.registered() && r.attended()).count());
    });
  }

  /**
   * A moderator sets the capacity (null: no limit); a larger one promotes the waiting list at once.
   * Fails FORBIDDEN for anyone else, BAD_REQUEST for a number out of range.
   */
  public Future<Void> setCapacity(TalkService.Room room, Integer capacity) {
    if (!room.moderator()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (capacity != null && (capacity < 1 || capacity > 100_000)) {
      return Future.failedFuture(DomainException.badRequest("talk.registrations.error.capacity"));
    }
    Talk talk = room.talk();
    return pool.withTransaction(conn -> repository.lockTalk(conn, talk.id())
        .compose(v -> repository.setCapacity(conn, talk.id(), capacity))
        .compose(v -> clock.instant().isBefore(talk.startsAt()) ? promote(conn, talk) : Future.succeededFuture()));
  }
}
