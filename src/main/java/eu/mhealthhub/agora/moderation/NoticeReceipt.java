package eu.mhealthhub.agora.moderation;

import java.time.Instant;

/**
 * A notice as its receipt shows it (template {@code moderation/notice-receipt}), found by its
 * unguessable reference; it shows nothing the notifier did not send.
 *
 * @param categoryLabel the message key of the category
 * @param status        received, in_review or decided
 * @param mailed        whether a receipt went to the notifier's e-mail
 */
public record NoticeReceipt(String reference, Instant createdAt, String url, String categoryLabel, String status,
    String decision, boolean mailed) {}
