package eu.mhealthhub.agora.mail;

import java.time.Instant;
import java.util.Map;

/**
 * A row of the outbox, as the worker sends it and the admin page lists it.
 *
 * @param state         queued, sent, failed or cancelled
 * @param nextAttemptAt when a queued row is due (a held row: when its hold ends)
 * @param lastError     the SMTP server's last answer or the connection problem, for admins
 */
public record OutboxEntry(long id, String recipient, String kind, String subject, String messageId,
    Map<String, String> headers, String text, String html, String state, int attempts, Instant nextAttemptAt,
    String lastError, Instant createdAt) {}
