package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.member.Member;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;

/** Working groups as a viewer may see them. */
public final class GroupService {

  private final Pool pool;
  private final GroupRepository repository = new GroupRepository();

  public GroupService(Pool pool) {
    this.pool = pool;
  }

  /** The active groups the viewer may read, in the Hub's order. */
  public Future<List<WorkingGroup>> visibleTo(Optional<Member> viewer) {
    return repository.active(pool, viewer.map(Member::id).orElse(null))
        .map(groups -> groups.stream().filter(g -> GroupPolicy.canRead(viewer, g)).toList());
  }

  /**
   * One group by its slug. Fails with NOT_FOUND both when there is no such group and when the
   * viewer may not read it, so a closed group's existence is not revealed.
   */
  public Future<WorkingGroup> find(String slug, Optional<Member> viewer) {
    return repository.bySlug(pool, slug, viewer.map(Member::id).orElse(null))
        .map(g -> g.filter(group -> GroupPolicy.canRead(viewer, group))
            .orElseThrow(DomainException::notFound));
  }
}
