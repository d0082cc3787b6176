package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.mail.Letter;
import eu.mhealthhub.agora.mail.MailBlock;
import eu.mhealthhub.agora.mail.MailComposer;
import eu.mhealthhub.agora.mail.Outbox;
import eu.mhealthhub.agora.mail.OutgoingMail;
import eu.mhealthhub.agora.web.I18n;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Tells the notifier of a notice of illegal content the decision on it (DSA Art. 16(5)), by e-mail
 * through the mail outbox in the decision's transaction, in the language of their notice, as the
 * receipt was; a notice filed without an e-mail address is told on its receipt page only.
 */
public final class DecisionNoticeMail implements ReviewService.NoticeDecided {

  static final String MAIL_KIND = "notice.decision";

  private final Outbox outbox;
  private final MailComposer composer;
  private final I18n i18n;

  public DecisionNoticeMail(Outbox outbox, MailComposer composer, I18n i18n) {
    this.outbox = outbox;
    this.composer = composer;
    this.i18n = i18n;
  }

  @Override
  public Future<Void> apply(SqlConnection tx, ReviewService.Item notice, String decision) {
    String email = String.valueOf(notice.extra().getOrDefault("notifierEmail", ""));
    if (email.isBlank()) {
      return Future.succeededFuture();
    }
    String reference = notice.title();
    Locale locale = Locale.forLanguageTag(String.valueOf(notice.extra().getOrDefault("locale", "en")));
    I18n.Messages m = i18n.forLocale(locale);
    // memberId 0: the notifier need not be a member, as for the receipt
    Letter letter = new Letter(0, locale, MAIL_KIND, m.get("decision.notice.mail.subject", reference), Optional.empty(),
        List.of(new MailBlock.Paragraph(m.get("decision.notice.mail.intro", reference)),
            new MailBlock.Quote(String.valueOf(notice.extra().get("url"))),
            new MailBlock.Paragraph(m.get("decision.notice.mail.decision")),
            new MailBlock.Quote(decision),
            new MailBlock.Action(m.get("decision.notice.mail.action"), "/notices/" + reference)));
    return outbox.enqueue(tx, new OutgoingMail(email, OptionalLong.empty(), MAIL_KIND, composer.compose(letter),
        Optional.empty(), OptionalLong.empty())).mapEmpty();
  }
}
