package eu.mhealthhub.agora.mail;

import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A message for one recipient, as {@link Outbox#enqueue} records it.
 *
 * @param recipient  the address it goes to
 * @param memberId   the member it is for, when it is for one (the row goes when the member is erased)
 * @param kind       what it is about, as in {@link Letter#kind()}; shown to admins
 * @param message    the composed message
 * @param holdUntil  not sent before this instant (cancel-if-read); empty sends as soon as possible
 * @param reference  asked of the registered still-wanted check before a held message is sent
 *                   (a notification id, say); a held message without one is always sent
 */
public record OutgoingMail(String recipient, OptionalLong memberId, String kind, MailMessage message,
    Optional<Instant> holdUntil, OptionalLong reference) {

  public OutgoingMail {
    if (recipient == null || !recipient.matches("[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+") || recipient.length() > 254) {
      throw new IllegalArgumentException("not an e-mail address: " + recipient);
    }
    if (!UnsubscribeTokens.validKind(kind)) {
      throw new IllegalArgumentException("not a mail kind: " + kind);
    }
  }

  /** A message for a member, sent as soon as possible. */
  public static OutgoingMail now(String recipient, long memberId, String kind, MailMessage message) {
    return new OutgoingMail(recipient, OptionalLong.of(memberId), kind, message, Optional.empty(), OptionalLong.empty());
  }

  /**
   * A message for a member, held until {@code holdUntil} and then sent only if the still-wanted check
   * (see {@link Outbox#stillWanted}) still wants {@code reference}.
   */
  public static OutgoingMail held(String recipient, long memberId, String kind, MailMessage message, Instant holdUntil,
      long reference) {
    return new OutgoingMail(recipient, OptionalLong.of(memberId), kind, message, Optional.of(holdUntil),
        OptionalLong.of(reference));
  }
}
