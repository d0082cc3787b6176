package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailComposer;
import eu.mhealthhub.agora.mail.Outbox;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The member's profile saved from the settings page, with the one rule about the e-mail address used
 * for mail (issue 14, point 3): a new address is not stored at once. Agora mails a link to it, and the
 * address changes only when the member, signed in, confirms through that link; until then mail goes
 * to the old one. A link holds 32 random bytes (only their SHA-256 is stored, so the database alone
 * cannot forge one), works for {@link #VALID_FOR}, once, for the member who asked, and a newer request
 * voids the older links. Clearing the address takes effect at once (nothing to confirm).
 */
public final class EmailChanges {

  /** How long a confirmation link works. */
  public static final Duration VALID_FOR = Duration.ofHours(24);
  /** The kind of the confirmation mail (no unsubscribe link: it is sent only when asked for). */
  public static final String MAIL_KIND = "email.confirm";

  private final Pool pool;
  private final MemberService members;
  private final Outbox outbox;
  private final MailComposer composer;
  private final I18n i18n;
  private final Clock clock;
  private final MemberRepository memberRepository = new MemberRepository();
  private final EmailChangeRepository repository = new EmailChangeRepository();

  public EmailChanges(Pool pool, MemberService members, Outbox outbox, MailComposer composer, I18n i18n, Clock clock) {
    this.pool = pool;
    this.members = members;
    this.outbox = outbox;
    this.composer = composer;
    this.i18n = i18n;
    this.clock = clock;
  }

  /**
   * Saves the profile; a changed e-mail address is kept as it was and a confirmation link is mailed to
   * the new one, in the same transaction. Answers whether a link was sent. Fails with BAD_REQUEST when
   * the form has problems, CONFLICT ({@code settings.email.taken}) when another member uses the new
   * address; nothing is stored then.
   */
  public Future<Boolean> saveProfile(Member me, ProfileForm form, Locale locale) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    String wanted = form.email();
    boolean change = wanted != null && !wanted.equalsIgnoreCase(me.email() == null ? "" : me.email());
    ProfileForm stored = change ? form.withEmail(me.email()) : form;
    return pool.withTransaction(tx -> (change ? repository.taken(tx, wanted, me.id()) : Future.succeededFuture(false))
        .compose(taken -> taken
            ? Future.<Optional<Member>>failedFuture(new DomainException(DomainException.Kind.CONFLICT, "settings.email.taken"))
            : memberRepository.updateProfile(tx, me.id(), stored))
        .compose(m -> m.isEmpty() ? Future.<Boolean>failedFuture(DomainException.notFound())
            : change ? request(tx, me, wanted, locale).map(true) : Future.succeededFuture(false)))
        .onComplete(r -> members.forget(me.id()));
  }

  /** Records the pending change and queues the link to the new address. */
  private Future<Void> request(SqlConnection tx, Member me, String wanted, Locale locale) {
    String token = Tokens.random(32);
    Instant now = clock.instant();
    I18n.Messages m = i18n.forLocale(locale);
    Letter letter = new Letter(0, locale, MAIL_KIND, m.get("settings.email.mail.subject"), Optional.empty(), List.of(
        new MailBlock.Paragraph(m.get("settings.email.mail.intro", me.displayName(), wanted)),
        new MailBlock.Action(m.get("settings.email.mail.action"), "/me/email/confirm?token=" + token),
        new MailBlock.Paragraph(m.get("settings.email.mail.expiry", VALID_FOR.toHours())),
        new MailBlock.Paragraph(m.get("settings.email.mail.ignore"))));
    return repository.request(tx, me.id(), me.email(), wanted, hash(token), now, now.plus(VALID_FOR))
        .compose(v -> outbox.enqueue(tx, OutgoingMail.now(wanted, me.id(), MAIL_KIND, composer.compose(letter))))
        .mapEmpty();
  }

  /**
   * The address a link would confirm, when it is the member's, unused, not replaced by a newer one and
   * not expired; fails with BAD_REQUEST naming which of these it is not.
   */
  public Future<String> check(long memberId, String token) {
    return pool.withTransaction(tx -> valid(tx, memberId, token)).map(EmailChangeRepository.Pending::newEmail);
  }

  /**
   * Confirms the change a link stands for: the member's address for mail becomes the new one, and the
   * link is used up. Fails as {@link #check} does, and with CONFLICT when another member took the
   * address meanwhile; nothing changes then. Answers the new address.
   */
  public Future<String> confirm(long memberId, String token) {
    return pool.withTransaction(tx -> valid(tx, memberId, token)
        .compose(p -> repository.taken(tx, p.newEmail(), memberId).compose(taken -> taken
            ? Future.<String>failedFuture(new DomainException(DomainException.Kind.CONFLICT, "settings.email.taken"))
            : repository.confirm(tx, p.id(), memberId, p.newEmail(), clock.instant()).map(p.newEmail()))))
        .onComplete(r -> members.forget(memberId));
  }

  /** The address waiting for confirmation, if any. */
  public Future<Optional<String>> pending(long memberId) {
    return repository.pending(pool, memberId, clock.instant());
  }

  private Future<EmailChangeRepository.Pending> valid(SqlConnection tx, long memberId, String token) {
    if (token == null || !token.matches("[A-Za-z0-9_-]{20,100}")) {
      return Future.failedFuture(DomainException.badRequest("settings.email.link.invalid"));
    }
    return repository.lock(tx, hash(token), memberId).compose(found -> {
      if (found.isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("settings.email.link.invalid"));
      }
      EmailChangeRepository.Pending p = found.get();
      if ("confirmed".equals(p.status())) {
        return Future.failedFuture(DomainException.badRequest("settings.email.link.used"));
      }
      if (!"pending".equals(p.status())) {
        return Future.failedFuture(DomainException.badRequest("settings.email.link.replaced"));
      }
      if (!clock.instant().isBefore(p.expiresAt())) {
        return Future.failedFuture(DomainException.badRequest("settings.email.link.expired"));
      }
      return Future.succeededFuture(p);
    });
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
