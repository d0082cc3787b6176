package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.limits.RateLimits;
import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailComposer;
import eu.mhealthhub.agora.mail.Outbox;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.web.I18n;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Notices of illegal content (DSA Art. 16) from anyone, signed in or not. A notice is stored with
 * an unguessable reference, and when the notifier gave an e-mail a receipt in their language goes
 * into the mail outbox in the same transaction. Spam guard without third parties: a honeypot field,
 * and the {@code notice} rate limit per client address (AGORA_RATE_LIMITS, 5 an hour unless
 * configured; shared by every node), taken only by a notice that would be stored.
 */
public final class NoticeService {

  /** The rate limit each notice takes a token of, per client address. */
  static final String LIMIT = "notice";
  static final String MAIL_KIND = "notice.receipt";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] REFERENCE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

  private final Pool pool;
  private final Outbox outbox;
  private final MailComposer composer;
  private final I18n i18n;
  private final RateLimits limits;
  private final NoticeRepository repository = new NoticeRepository();

  public NoticeService(Pool pool, Outbox outbox, MailComposer composer, I18n i18n, RateLimits limits) {
    this.pool = pool;
    this.outbox = outbox;
    this.composer = composer;
    this.i18n = i18n;
    this.limits = limits;
  }

  /** The hash by which notices from one address are counted; the address itself is never stored. */
  public static String addressHash(String address) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(("notice:" + address).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stores the notice and queues its e-mail receipt; completes with the reference. Fails
   * BAD_REQUEST for a form with problems or a filled honeypot, TOO_MANY (with the seconds to wait)
   * when the client address has used up the {@code notice} limit; a refusal stores nothing.
   *
   * @param address the client's address (see {@link eu.mhealthhub.agora.web.ClientAddress}), for the
   *                limit and, hashed, stored with the notice
   */
  public Future<String> file(NoticeForm form, Locale locale, Optional<Member> member, String address) {
    if (form.robot()) {
      return Future.failedFuture(DomainException.badRequest("notice.error.robot"));
    }
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    String ipHash = addressHash(address);
    String reference = reference();
    return limits.take(LIMIT, "address:" + address)
        .compose(v -> pool.withTransaction(conn ->
            repository.insert(conn, reference, form, locale.toLanguageTag(), member.map(Member::id).orElse(null), ipHash)
                .compose(id -> form.email().isEmpty() ? Future.succeededFuture() : receipt(conn, reference, form, locale))
                .map(x -> reference)));
  }

  /** The receipt of a notice, by its reference; NOT_FOUND for any other. */
  public Future<NoticeReceipt> receipt(String reference) {
    if (reference == null || !reference.matches("[A-Z0-9-]{8,40}")) {
      return Future.failedFuture(DomainException.notFound());
    }
    return repository.byReference(pool, reference)
        .compose(r -> r.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound())));
  }

  private Future<Void> receipt(SqlConnection conn, String reference, NoticeForm form, Locale locale) {
    I18n.Messages m = i18n.forLocale(locale);
    // memberId 0: the notifier need not be a member, and a receipt has nothing to unsubscribe from
    Letter letter = new Letter(0, locale, MAIL_KIND, m.get("notice.mail.subject", reference), Optional.empty(),
        List.of(new MailBlock.Paragraph(m.get("notice.mail.intro", reference)),
            new MailBlock.Quote(form.url()),
            new MailBlock.Paragraph(m.get("notice.mail.next")),
            new MailBlock.Action(m.get("notice.mail.action"), "/notices/" + reference)));
    return outbox.enqueue(conn, new OutgoingMail(form.email(), OptionalLong.empty(), MAIL_KIND, composer.compose(letter),
        Optional.empty(), OptionalLong.empty())).mapEmpty();
  }

  /** {@code N-XXXX-XXXX-XXXX}: 60 random bits, in letters and digits nobody confuses. */
  private static String reference() {
    StringBuilder s = new StringBuilder("N");
    for (int i = 0; i < 12; i++) {
      if (i % 4 == 0) {
        s.append('-');
      }
      s.append(REFERENCE_CHARS[RANDOM.nextInt(REFERENCE_CHARS.length)]);
    }
    return s.toString();
  }
}
