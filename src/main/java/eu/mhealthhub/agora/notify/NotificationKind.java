package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.DomainException;
import java.util.Locale;

/**
 * What a notification tells. When several kinds apply to one recipient for one event, the one
 * with the lowest {@link #rank} wins (a mention over a reply over a watched thread), so each
 * recipient gets one notification per event. Defaults follow issue 12: mentions, replies and
 * decisions on one's own contributions at once; watched activity in the daily digest; reactions on
 * the page only. Join requests and the room of a followed Talk opening are time-bound, so they are
 * mailed at once; a merged question tells little, so it stays on the page.
 */
public enum NotificationKind {
  MENTION(0, Delivery.IMMEDIATELY, false),
  REPLY(1, Delivery.IMMEDIATELY, false),
  COMMENT_DISPOSITION(1, Delivery.IMMEDIATELY, false),
  PROPOSAL_DECISION(1, Delivery.IMMEDIATELY, false),
  JOIN_REQUEST(1, Delivery.IMMEDIATELY, false),
  JOIN_DECISION(1, Delivery.IMMEDIATELY, false),
  QUESTION_ANSWERED(1, Delivery.IMMEDIATELY, false),
  QUESTION_MERGED(1, Delivery.PAGE, false),
  REACTION(2, Delivery.PAGE, false),
  WATCHED_THREAD(3, Delivery.DAILY, true),
  WATCHED_GROUP(3, Delivery.DAILY, true),
  DOCUMENT_STATUS(3, Delivery.IMMEDIATELY, true),
  DOCUMENT_PROPOSAL(3, Delivery.DAILY, true),
  DOCUMENT_REVISION(3, Delivery.DAILY, true),
  TALK_ROOM_OPENED(3, Delivery.IMMEDIATELY, true),
  /** A moderation decision about one's own item (a statement of reasons), or about one's appeal. */
  MODERATION_DECISION(1, Delivery.IMMEDIATELY, false),
  /** One's data export is ready to download (for 24 hours). */
  EXPORT_READY(1, Delivery.PAGE, false),

  /** The yearly reminder to confirm or update one's declaration of interests. */
  DECLARATION_REMINDER(1, Delivery.IMMEDIATELY, false),

  /** A moderator's reminder to a panellist who has not answered every statement of a consensus round. */
  ROUND_REMINDER(1, Delivery.IMMEDIATELY, false);

  private final String value = name().toLowerCase(Locale.ROOT);
  private final int rank;
  private final Delivery defaultDelivery;
  private final boolean watched;

  NotificationKind(int rank, Delivery defaultDelivery, boolean watched) {
    this.rank = rank;
    this.defaultDelivery = defaultDelivery;
    this.watched = watched;
  }

  /** As stored and in forms and URLs: {@code mention}, {@code watched_thread}... */
  public String value() {
    return value;
  }

  /** Lower wins when several kinds apply to one recipient of one event. */
  public int rank() {
    return rank;
  }

  public Delivery defaultDelivery() {
    return defaultDelivery;
  }

  /** Told because the recipient watches or follows something, so a mute of the thread or group silences it. */
  public boolean watched() {
    return watched;
  }

  /** The message key of the kind's name (preferences, filters). */
  public String label() {
    return "notifications.kind." + value;
  }

  /** The kind a form or row names; fails with BAD_REQUEST on anything else. */
  public static NotificationKind of(String value) {
    for (NotificationKind k : values()) {
      if (k.value.equals(value)) {
        return k;
      }
    }
    throw DomainException.badRequest("notifications.error.kind");
  }
}
