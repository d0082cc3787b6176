package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * Members flag items for the moderators. One flag per member and item; nobody flags their own
 * item or one they may not read (404, as for a missing one). When the open flags of members who
 * have posted in the item's group reach the group's threshold (3 unless set), the item is hidden
 * pending review in the flag's transaction, with a notice in its place; a moderator restores it.
 * Posts for now; the table takes document comments and Talk questions and messages too.
 */
public final class FlagService {

  /** An item as the flag form shows it. */
  public record Flaggable(String kind, long id, String url, String authorName, String text) {}

  private final ThreadService threads;
  private final ChangeFeed changes;
  private final FlagRepository repository = new FlagRepository();

  public FlagService(ThreadService threads, ChangeFeed changes) {
    this.threads = threads;
    this.changes = changes;
  }

  /**
   * The item the member may flag. Fails NOT_FOUND for an unknown kind or an item the member may not
   * read, FORBIDDEN for the member's own item, CONFLICT for an item hidden already.
   */
  public Future<Flaggable> flaggable(String kind, long id, Member member) {
    return post(kind, id, member).map(at -> new Flaggable(kind, id, "/posts/" + id, at.post().authorName(),
        at.post().bodyMarkdown()));
  }

  private Future<ThreadService.PostInContext> post(String kind, long id, Member member) {
    if (!"post".equals(kind)) {
      return Future.failedFuture(DomainException.notFound());
    }
    return threads.post(id, Optional.of(member)).compose(at -> {
      if (at.post().authorId() == member.id()) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "flag.error.own"));
      }
      if (at.post().deleted()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "flag.error.hidden"));
      }
      return Future.succeededFuture(at);
    });
  }

  /**
   * Records the member's flag and hides the item when the threshold is reached. Fails as
   * {@link #flaggable}, BAD_REQUEST for a form with problems, CONFLICT when the member flagged it
   * already; a refusal stores nothing.
   */
  public Future<Void> flag(String kind, long id, Member member, FlagForm form) {
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    FlagReason reason = FlagReason.fromForm(form.reason()).orElseThrow();
    return post(kind, id, member).compose(at ->
        changes.transaction(conn -> repository.lockPost(conn, id)
            .compose(v -> repository.insert(conn, kind, id, at.group().id(), member.id(), reason, form.detail()))
            .compose(stored -> stored ? repository.thresholdReached(conn, kind, id, at.group().id())
                : Future.<Boolean>failedFuture(new DomainException(Kind.CONFLICT, "flag.error.twice")))
            .compose(reached -> reached ? threads.holdForReview(conn, at)
                : Future.succeededFuture(Optional.<Change>empty()))
            .map(change -> change.map(c -> Outcome.<Void>of(null, c)).orElseGet(() -> Outcome.<Void>of(null)))));
  }
}
