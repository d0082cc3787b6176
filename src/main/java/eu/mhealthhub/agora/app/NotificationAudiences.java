package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.NotificationSubjects;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may read what a notification is about, per subject kind, declared once in the composition
 * root as {@link LiveAudiences} declares live readers; each rule is its feature's own read rule
 * ({@code GroupPolicy.canRead} through the group, a post only while it is not deleted).
 */
final class NotificationAudiences {

  private NotificationAudiences() {}

  static void declare(NotificationSubjects subjects, GroupService groups, ThreadService threads, DocumentService documents,
      TalkService talks) {
    subjects
        .declare("post", rule(threads::readablePosts, threads::postReaders))
        .declare("document", rule(documents::readableDocuments, documents::documentReaders))
        .declare("group", rule(groups::readable, groups::readers))
        // Talks are public: anyone may read one that exists
        .declare("talk", rule((viewer, ids) -> Future.all(ids.stream().map(id -> talks.exists(id).map(id)
                .recover(e -> Future.succeededFuture(-1L))).toList())
            .map(done -> done.<Long>list().stream().filter(id -> id >= 0).collect(Collectors.toSet())),
            (id, members) -> talks.exists(id).map(v -> members).recover(e -> Future.succeededFuture(Set.of()))));
  }

  /**
   * A moderation decision (statement of reasons) is read by the member it affects, and its
   * notification reaches nobody else.
   */
  static void declareDecisions(NotificationSubjects subjects, eu.mhealthhub.agora.moderation.DecisionService decisions) {
    subjects.declare("decision", rule(decisions::readableDecisions, decisions::decisionReaders));
  }

  /** A data export is read by its member only. */
  static void declareExports(NotificationSubjects subjects, eu.mhealthhub.agora.privacy.ExportService exports) {
    subjects.declare("export", rule(exports::readableExports, exports::exportReaders));
  }

  /** A declaration reminder is about the member's own declaration, and reaches only them. */
  static void declareDeclarations(NotificationSubjects subjects, eu.mhealthhub.agora.declaration.DeclarationService declarations) {
    subjects.declare("declaration", rule(declarations::readableDeclarations, declarations::declarationReaders));
  }

  interface Visible {
    Future<Set<Long>> apply(Optional<Member> viewer, Set<Long> ids);
  }

  interface Readers {
    Future<Set<Long>> apply(long id, Set<Long> members);
  }

  private static NotificationSubjects.Rule rule(Visible visible, Readers readers) {
    return new NotificationSubjects.Rule() {
      @Override
      public Future<Set<Long>> visible(Optional<Member> viewer, Set<Long> ids) {
        return visible.apply(viewer, ids);
      }

      @Override
      public Future<Set<Long>> readers(long id, Set<Long> memberIds) {
        return readers.apply(id, memberIds);
      }
    };
  }
}
