package eu.mhealthhub.agora.mail;

import java.util.Map;

/**
 * One composed e-mail, ready for the outbox: its subject, its {@code Message-ID}, the header lines
 * it adds (threading, unsubscribing, {@code Auto-Submitted}), and its plain-text and HTML parts.
 * The recipient and the sender are not part of it (see {@link OutgoingMail}, AGORA_MAIL_FROM).
 *
 * @param messageId with its angle brackets, {@code <unique@host-of-the-public-url>}
 * @param headers   in the order they are written; values are ASCII
 */
public record MailMessage(String subject, String messageId, Map<String, String> headers, String text, String html) {

  public MailMessage {
    headers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(headers));
  }
}
