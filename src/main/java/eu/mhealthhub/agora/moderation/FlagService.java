package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.limits.RateLimits;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.function.Function;

/**
 * Members flag items for the moderators: posts and document comments. One flag per member and
 * item; nobody flags their own item or one they may not read (404, as for a missing one). When the
 * open flags of members who have posted in the item's group reach the group's threshold (3 unless
 * set), the item is hidden pending review in the flag's transaction, with a notice in its place
 * (a post by the soft delete a moderator undoes, a comment by its held state, a Talk question or
 * chat message by the room's hidden states). A Talk's items count against the threshold of the
 * Talk's first group, or 3 for a Talk of no group. Each flag takes a token of the {@code flag}
 * rate limit (AGORA_RATE_LIMITS) of its member, once it is known to be one that would be stored.
 */
public final class FlagService {

  /** An item as the flag form shows it. */
  public record Flaggable(String kind, long id, String url, String authorName, String text) {}

  /** An item the member may flag, with its group and how to hide it in a transaction. */
  private record Target(Flaggable item, Long groupId, long authorId, boolean hidden,
      Function<SqlConnection, Future<Optional<Change>>> hold) {}

  private final ThreadService threads;
  private final DocumentService documents;
  private final TalkService talks;
  private final ChangeFeed changes;
  private final RateLimits limits;
  private final FlagRepository repository = new FlagRepository();

  private DecisionService decisions;

  /** Records a statement of reasons when flags hide an item (none when not set). */
  public FlagService recordingDecisions(DecisionService decisions) {
    this.decisions = decisions;
    return this;
  }

  /** The rate limit each flag takes a token of, per member. */
  static final String LIMIT = "flag";

  public FlagService(ThreadService threads, DocumentService documents, TalkService talks, ChangeFeed changes,
      RateLimits limits) {
    this.threads = threads;
    this.documents = documents;
    this.talks = talks;
    this.changes = changes;
    this.limits = limits;
  }

  /**
   * The item the member may flag. Fails NOT_FOUND for an unknown kind or an item the member may not
   * read, FORBIDDEN for the member's own item, CONFLICT for an item hidden already.
   */
  public Future<Flaggable> flaggable(String kind, long id, Member member) {
    return target(kind, id, member).map(Target::item);
  }

  private Future<Target> target(String kind, long id, Member member) {
    Future<Target> found = switch (kind) {
      case "post" -> threads.post(id, Optional.of(member)).map(at -> new Target(
          new Flaggable(kind, id, "/posts/" + id, at.post().authorName(), at.post().bodyMarkdown()),
          at.group().id(), at.post().authorId(), at.post().deleted(), conn -> threads.holdForReview(conn, at)));
      case "comment" -> documents.comment(id, Optional.of(member)).map(c -> new Target(
          new Flaggable(kind, id, commentUrl(c), c.comment().authorName(), c.comment().body()),
          c.at().group().id(), c.comment().authorId(), c.comment().held(), conn -> documents.holdForReview(conn, c)));
      case "question", "message" -> talks.flagTarget(kind, id).map(t -> new Target(
          new Flaggable(kind, id, t.url(), t.authorName(), t.text()), t.groupId(), t.authorId(), t.hidden(),
          conn -> talks.holdForReview(conn, t)));
      default -> Future.failedFuture(DomainException.notFound());
    };
    return found.compose(t -> {
      if (t.authorId() == member.id()) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "flag.error.own"));
      }
      if (t.hidden()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "flag.error.hidden"));
      }
      return Future.succeededFuture(t);
    });
  }

  /**
   * Records the member's flag and hides the item when the threshold is reached. Fails as
   * {@link #flaggable}, BAD_REQUEST for a form with problems, CONFLICT when the member flagged it
   * already, TOO_MANY when the member has used up the {@code flag} limit; a refusal stores nothing
   * (and only a flag that would be stored takes a token).
   */
  public Future<Void> flag(String kind, long id, Member member, FlagForm form) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    FlagReason reason = FlagReason.fromForm(form.reason()).orElseThrow();
    return target(kind, id, member).compose(t ->
        changes.transaction(conn -> repository.lockItem(conn, kind, id)
            .compose(v -> repository.flagged(conn, kind, id, member.id()))
            .compose(twice -> twice ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "flag.error.twice"))
                : limits.take(LIMIT, member))
            .compose(v -> repository.insert(conn, kind, id, t.groupId(), member.id(), reason, form.detail()))
            .compose(stored -> stored ? repository.thresholdReached(conn, kind, id, t.groupId())
                : Future.<Boolean>failedFuture(new DomainException(Kind.CONFLICT, "flag.error.twice")))
            .compose(reached -> reached ? t.hold().apply(conn) : Future.succeededFuture(Optional.<Change>empty()))
            // hiding by flags is an automated decision: a statement of reasons for the author (review queue)
            .compose(change -> change.isEmpty() || decisions == null ? Future.succeededFuture(change)
                : decisions.recordAutomatedHide(conn, kind, id, t.groupId(), t.authorId(), t.item().url()).map(change))
            .map(change -> change.map(c -> Outcome.<Void>of(null, c)).orElseGet(() -> Outcome.<Void>of(null)))));
  }

  /** The longest reason a moderator gives for restoring a held item. */
  public static final int MAX_REASON = 500;

  /**
   * A moderator of the comment's group (or an admin) shows a document comment held after flags
   * again, with a reason kept in the audit log; its open flags are resolved, so that they do not hide
   * it again. Fails NOT_FOUND for a comment the moderator may not read, FORBIDDEN for anyone who
   * does not moderate its group, BAD_REQUEST without a reason (or one over {@link #MAX_REASON}),
   * CONFLICT for a comment that is not held; a refusal stores nothing. Completes with the comment's address.
   */
  public Future<String> restoreComment(long commentId, Member moderator, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("flag.error.restoreReason"));
    }
    return documents.comment(commentId, Optional.of(moderator)).compose(c -> {
      if (!GroupPolicy.canModerate(Optional.of(moderator), c.at().group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      return changes.transaction(conn -> documents.releaseHeld(conn, c, moderator, why)
          .compose(change -> repository.resolve(conn, "comment", commentId).map(v -> Outcome.of(commentUrl(c), change))));
    });
  }

  private static String commentUrl(DocumentService.CommentInContext c) {
    return "/documents/" + c.at().document().id() + "/sections/" + c.comment().sectionKey() + "#comment-" + c.comment().id();
  }
}
