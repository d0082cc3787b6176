package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.Member;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read what a notification is about, declared once per subject kind (post, thread,
 * document, group, talk) in the composition root, as {@code LiveAudiences} declares live readers.
 * Each rule is built on its feature's own service policy, so notifications ask the same question
 * as the pages. The fan-out asks {@link Rule#readers} before writing rows; the page, the badge and
 * the digest ask {@link Rule#visible} at the moment they show them, so a member who left a group,
 * or a post hidden since, disappears from both. A kind nobody declared is readable by nobody.
 */
public final class NotificationSubjects {

  /** One kind's read rule, in bulk. */
  public interface Rule {

    /** The ids among {@code ids} the viewer may read now. */
    Future<Set<Long>> visible(Optional<Member> viewer, Set<Long> ids);

    /** The members among {@code memberIds} who may read the subject {@code id} now. */
    Future<Set<Long>> readers(long id, Set<Long> memberIds);
  }

  private final Map<String, Rule> rules = new HashMap<>();

  public NotificationSubjects declare(String kind, Rule rule) {
    rules.put(kind, rule);
    return this;
  }

  Future<Set<Long>> visible(String kind, Optional<Member> viewer, Set<Long> ids) {
    Rule rule = rules.get(kind);
    return rule == null || ids.isEmpty() || viewer.isEmpty() ? Future.succeededFuture(Set.of()) : rule.visible(viewer, ids);
  }

  Future<Set<Long>> readers(String kind, long id, Set<Long> memberIds) {
    Rule rule = rules.get(kind);
    return rule == null || memberIds.isEmpty() ? Future.succeededFuture(Set.of()) : rule.readers(id, memberIds);
  }
}
