package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.Member;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a member is suspended, as sign-in and every request ask it. {@link #suspended} answers
 * from this node's memory (kept current by the cluster's announcements and a periodic reload), so
 * requests cost no database round trip; {@link #current} and {@link #shownTo} read the database.
 */
public interface SuspensionCheck {

  /**
   * A suspension in force: when it ends (null: until lifted), why, and its statement of reasons
   * (null when none was recorded), which the member may appeal even while suspended.
   */
  record Notice(Instant until, String reason, Long decisionId) {}

  /** Whether this node knows the member to be suspended now; no I/O. */
  boolean suspended(long memberId);

  /** The suspension in force for this member, read from the database. */
  Future<Optional<Notice>> current(long memberId);

  /**
   * The suspension in force for this member when the viewer may see it (admins, and moderators of a
   * group the member belongs to or wrote in); empty otherwise.
   */
  Future<Optional<Notice>> shownTo(Optional<Member> viewer, long memberId);

  /** Nobody is ever suspended: for tools and tests that run without moderation. */
  SuspensionCheck NONE = new SuspensionCheck() {
    @Override
    public boolean suspended(long memberId) {
      return false;
    }

    @Override
    public Future<Optional<Notice>> current(long memberId) {
      return Future.succeededFuture(Optional.empty());
    }

    @Override
    public Future<Optional<Notice>> shownTo(Optional<Member> viewer, long memberId) {
      return Future.succeededFuture(Optional.empty());
    }
  };
}
