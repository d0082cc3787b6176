package eu.mhealthhub.agora.notify;

import java.time.Instant;
import java.util.List;

/**
 * One notification of one recipient, as stored. {@code actorIds} are who acted (several for a
 * batched kind, reactions), {@code actorName} the display name of the first of them;
 * {@code subjectKind}/{@code subjectId} what the recipient must be able to read for it to be shown
 * (see {@link NotificationSubjects}); {@code contextKind}/{@code contextId} what the page groups it
 * under (a thread, a document, a Talk, a group); {@code link} a same-origin path to the target.
 */
public record Notification(
    long id,
    long recipientId,
    NotificationKind kind,
    Delivery delivery,
    List<Long> actorIds,
    String actorName,
    String subjectKind,
    long subjectId,
    String contextKind,
    long contextId,
    Long groupId,
    String groupName,
    String title,
    String detail,
    String link,
    Instant createdAt,
    Instant readAt) {

  public boolean unread() {
    return readAt == null;
  }

  /** How many others acted beside the one named. */
  public int others() {
    return Math.max(0, actorIds.size() - 1);
  }

  /** For decisions ({@code verdict|reason} in the detail): the verdict, e.g. {@code declined} or a status. */
  public String verdict() {
    int bar = detail.indexOf('|');
    return bar < 0 ? "" : detail.substring(0, bar);
  }

  /** For decisions: the reason given (may be empty); otherwise the whole detail. */
  public String reason() {
    int bar = detail.indexOf('|');
    return bar < 0 ? detail : detail.substring(bar + 1);
  }
}
