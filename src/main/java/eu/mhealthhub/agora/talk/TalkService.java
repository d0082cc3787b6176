package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;

/** Talks are public: everyone may read them. */
public final class TalkService {

  private final Pool pool;
  private final Clock clock;
  private final TalkRepository repository = new TalkRepository();

  public TalkService(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Talks that have not ended yet, soonest first. */
  public Future<List<Talk>> upcoming(int limit) {
    return repository.upcoming(pool, clock.instant(), limit);
  }

  /** Talks that have ended, most recent first. */
  public Future<List<Talk>> recent(int limit) {
    return repository.past(pool, clock.instant(), limit);
  }

  /** One Talk; fails with NOT_FOUND. */
  public Future<Talk> find(String slug) {
    return repository.bySlug(pool, slug).map(t -> t.orElseThrow(DomainException::notFound));
  }
}
