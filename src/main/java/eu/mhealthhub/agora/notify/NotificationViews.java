package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.web.I18n;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The view records of the notifications and preferences pages, and how a notification reads. */
final class NotificationViews {

  private NotificationViews() {}

  /** One notification as shown: its sentence in the reader's language, the reason given, when. */
  public record Item(long id, String text, String reason, boolean unread, Instant createdAt, String kind) {}

  /** The notifications of one thread, document, Talk or group, newest first. */
  public record Group(String title, String contextLabel, List<Item> items) {}

  /** A filter link: a kind (empty for all), its name, whether it is the one shown. */
  public record Filter(String value, String label, boolean current) {}

  /** The notifications page. */
  public record NotificationsPage(List<Group> groups, boolean empty, long unread, List<Filter> filters, String filter,
      List<Map<String, Object>> pages, String pageBase) {}

  /** One kind's row on the preferences page: the kind, its name and the delivery chosen. */
  public record KindChoice(String kind, String label, String chosen, boolean problem) {}

  /** A delivery as a choice: its value and name. */
  public record DeliveryChoice(String value, String label) {}

  /** The preferences page, as stored or as submitted with problems. */
  public record PreferencesPage(List<KindChoice> kinds, List<DeliveryChoice> deliveries, boolean saved, boolean hasProblems) {}

  /** The sentence that says what happened, in the reader's language. */
  static String text(I18n.Messages m, Notification n) {
    String actor = n.actorName() == null ? m.get("notifications.someone") : n.actorName();
    String verdict = n.verdict().isEmpty() ? "" : m.get(verdictKey(n), n.verdict());
    return m.get("notifications.text." + n.kind().value(), actor, n.others(), n.title(), verdict,
        n.kind() == NotificationKind.DOCUMENT_REVISION ? n.detail() : "");
  }

  private static String verdictKey(Notification n) {
    return n.kind() == NotificationKind.DOCUMENT_STATUS ? "document.status." + n.verdict() : "notifications.verdict." + n.verdict();
  }

  /** What the item shows below its sentence: a reason, an answer. */
  static String reason(Notification n) {
    return switch (n.kind()) {
      case JOIN_DECISION, PROPOSAL_DECISION, COMMENT_DISPOSITION, DOCUMENT_STATUS, QUESTION_ANSWERED, MODERATION_DECISION -> n.reason();
      default -> "";
    };
  }

  static List<Group> grouped(I18n.Messages m, List<Notification> shown) {
    Map<String, List<Notification>> by = new LinkedHashMap<>();
    for (Notification n : shown) {
      by.computeIfAbsent(n.contextKind() + "." + n.contextId(), k -> new ArrayList<>()).add(n);
    }
    return by.values().stream().map(list -> new Group(list.get(0).title(),
        m.get("notifications.context." + list.get(0).contextKind()),
        list.stream().map(n -> new Item(n.id(), text(m, n), reason(n), n.unread(), n.createdAt(), n.kind().value())).toList()))
        .toList();
  }
}
