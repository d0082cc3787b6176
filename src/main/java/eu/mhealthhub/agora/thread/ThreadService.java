package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.WorkingGroup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Reading threads. Every method takes a {@link WorkingGroup} that {@code GroupService} has already
 * returned for this viewer, so the group policy has been asked before any thread is read.
 */
public final class ThreadService {

  private static final int PAGE = 50;

  private final Pool pool;
  private final ThreadRepository repository = new ThreadRepository();

  public ThreadService(Pool pool) {
    this.pool = pool;
  }

  public Future<List<ThreadSummary>> list(WorkingGroup group) {
    return repository.inGroup(pool, group.id(), PAGE);
  }

  /** A thread of the group; fails with NOT_FOUND when it is in another group or does not exist. */
  public Future<ForumThread> find(WorkingGroup group, long threadId) {
    return repository.thread(pool, group.id(), threadId).map(t -> t.orElseThrow(DomainException::notFound));
  }

  public Future<List<Post>> posts(ForumThread thread) {
    return repository.posts(pool, thread.id(), PAGE);
  }

  /** Threads whose titles contain the text, in the given readable groups only. */
  public Future<List<ThreadSummary>> searchTitles(List<WorkingGroup> readable, String text) {
    if (readable.isEmpty() || text.isBlank()) {
      return Future.succeededFuture(List.of());
    }
    return repository.searchTitles(pool, readable.stream().map(WorkingGroup::id).toList(), text.strip());
  }
}
