package eu.mhealthhub.agora.group;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for working groups; every query names the viewer so counts and roles are the viewer's. */
final class GroupRepository {

  private static final String SELECT = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy,
             (SELECT count(*) FROM group_memberships m WHERE m.group_id = g.id) AS member_count,
             (SELECT count(*) FROM threads t WHERE t.group_id = g.id) AS thread_count,
             (SELECT m.role FROM group_memberships m
               WHERE m.group_id = g.id AND m.member_id = #{viewer}) AS viewer_role
        FROM working_groups g
      """;

  private static final String ACTIVE = SELECT + " WHERE g.archived_at IS NULL ORDER BY g.position, g.name";

  private static final String BY_SLUG = SELECT + " WHERE g.slug = #{slug} AND g.archived_at IS NULL";

  private static final RowMapper<WorkingGroup> MAPPER = GroupRepository::map;

  private static WorkingGroup map(Row row) {
    return new WorkingGroup(row.getLong("id"), row.getString("slug"), row.getString("name"),
        row.getString("purpose"), "closed".equals(row.getString("visibility")),
        "open".equals(row.getString("join_policy")), row.getLong("member_count"),
        row.getLong("thread_count"), row.getString("viewer_role"));
  }

  private static Map<String, Object> viewer(Long viewerId) {
    Map<String, Object> params = new HashMap<>();
    params.put("viewer", viewerId == null ? -1L : viewerId);
    return params;
  }

  Future<List<WorkingGroup>> active(SqlClient db, Long viewerId) {
    return SqlTemplate.forQuery(db, ACTIVE).mapTo(MAPPER).execute(viewer(viewerId))
        .map(rows -> { java.util.ArrayList<WorkingGroup> list = new java.util.ArrayList<>();
          rows.forEach(list::add); return list; });
  }

  Future<Optional<WorkingGroup>> bySlug(SqlClient db, String slug, Long viewerId) {
    Map<String, Object> params = viewer(viewerId);
    params.put("slug", slug);
    return SqlTemplate.forQuery(db, BY_SLUG).mapTo(MAPPER).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }
}
