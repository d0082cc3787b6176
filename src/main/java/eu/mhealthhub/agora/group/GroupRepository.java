package eu.mhealthhub.agora.group;

import static eu.mhealthhub.agora.db.Rows.list;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for working groups, memberships and join requests; queries name the viewer so counts and roles are theirs. */
final class GroupRepository {

  /*
   * The counts are the group's counters (V045: kept by the database in the transactions that write
   * threads, posts and memberships), so they cost nothing per view whatever the archive's size. The
   * unread count is the thread counter less the listed threads the viewer has read to the end,
   * counted once from the viewer's read positions for every group.
   */
  private static final String SELECT = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, g.archived_at IS NOT NULL AS archived,
             g.member_total AS member_count,
             g.thread_total AS thread_count,
             (SELECT m.role FROM group_memberships m
               WHERE m.group_id = g.id AND m.member_id = #{viewer}) AS viewer_role,
             CASE WHEN #{viewer} > 0 THEN g.thread_total - COALESCE(rd.n, 0) ELSE 0 END AS unread_threads
        FROM working_groups g
        LEFT JOIN (SELECT t.group_id, count(*) AS n FROM read_positions r JOIN threads t ON t.id = r.thread_id
                    WHERE r.member_id = #{viewer} AND r.position >= t.post_count
                      AND t.merged_into IS NULL AND t.held_at IS NULL
                    GROUP BY t.group_id) rd ON rd.group_id = g.id
      """;

  private static final String ACTIVE = SELECT + " WHERE g.archived_at IS NULL ORDER BY g.position, g.name";
  /** The active groups with the viewer's role but without counts (they read as 0): what access needs, no more. */
  private static final String ACTIVE_ACCESS = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, false AS archived,
             0::bigint AS member_count, 0::bigint AS thread_count,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $1) AS viewer_role,
             0::bigint AS unread_threads
        FROM working_groups g WHERE g.archived_at IS NULL ORDER BY g.position, g.name
      """;
  private static final String BY_SLUG = SELECT + " WHERE g.slug = #{slug}";
  private static final String BY_ID = SELECT + " WHERE g.id = #{id}";

  /** Enough to decide access: no counts, so reading a thread does not count a group's threads. */
  private static final String ACCESS = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, g.archived_at IS NOT NULL AS archived,
             0::bigint AS member_count, 0::bigint AS thread_count,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS viewer_role,
             0::bigint AS unread_threads
        FROM working_groups g WHERE g.id = $1
      """;

  /** The group as each of these members sees it (their role in it) and whether they are admins. */
  private static final String ACCESS_FOR = """
      SELECT m.id AS member_id, m.is_admin, g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy,
             g.archived_at IS NOT NULL AS archived, 0::bigint AS member_count, 0::bigint AS thread_count,
             gm.role AS viewer_role, 0::bigint AS unread_threads
        FROM members m CROSS JOIN working_groups g
        LEFT JOIN group_memberships gm ON gm.group_id = g.id AND gm.member_id = m.id
       WHERE g.id = $1 AND m.id = ANY($2)
      """;
  private static final String MODERATORS = "SELECT member_id FROM group_memberships WHERE group_id = $1 AND role = 'moderator'";

  /** A membership's trust level in force, as thread.TrustRepository decides it (graduated trust). */
  private static final String TRUST = """
      CASE WHEN gm.trust_level IS NOT NULL THEN gm.trust_level
           WHEN gm.approved_posts >= 10 AND gm.first_approved_at <= now() - interval '7 days' THEN 2
           WHEN gm.approved_posts >= 1 THEN 1 ELSE 0 END""";
  private static final String MEMBERS = """
      SELECT m.id, m.display_name, m.handle, m.affiliation, m.stakeholder_type, gm.role, gm.joined_at,
             gm.trust_level IS NOT NULL AS trust_set,
             """ + TRUST + """
       AS trust
        FROM group_memberships gm JOIN members m ON m.id = gm.member_id
       WHERE gm.group_id = $1
       ORDER BY gm.role DESC, lower(m.display_name)
      """;
  /**
   * What a group's own page says about the group, in one statement (stop 15: it was three, the group, its
   * moderators and the viewer's latest join request): the group by slug ($1) with its counters and the
   * viewer's ($2) role; its moderators (V043's partial index), in {@link #MEMBERS}'s order; and, for a
   * signed-in viewer who is not a member, their latest join request. The unread count of {@link #SELECT}
   * is not read (the page does not show it; it reads as 0). The read rule is applied in {@code GroupService}.
   */
  private static final String PAGE = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, g.archived_at IS NOT NULL AS archived,
             g.member_total AS member_count, g.thread_total AS thread_count, vm.role AS viewer_role,
             0::bigint AS unread_threads,
             (SELECT json_agg(json_build_object('id', m.id, 'name', m.display_name, 'handle', m.handle,
                                                'affiliation', m.affiliation, 'stakeholder', m.stakeholder_type,
                                                'role', gm.role, 'joined', gm.joined_at,
                                                'trustSet', gm.trust_level IS NOT NULL, 'trust', """ + TRUST + """
      ) ORDER BY lower(m.display_name))
                FROM group_memberships gm JOIN members m ON m.id = gm.member_id
               WHERE gm.group_id = g.id AND gm.role = 'moderator') AS moderators,
             CASE WHEN vm.role IS NULL AND $2 > 0 THEN
               (SELECT json_build_object('id', r.id, 'member', r.member_id, 'name', m.display_name, 'handle', m.handle,
                                         'message', r.message, 'created', r.created_at, 'decision', r.decision,
                                         'reason', r.reason)
                  FROM group_join_requests r JOIN members m ON m.id = r.member_id
                 WHERE r.group_id = g.id AND r.member_id = $2 ORDER BY r.id DESC LIMIT 1) END AS request
        FROM working_groups g
        LEFT JOIN group_memberships vm ON vm.group_id = g.id AND vm.member_id = $2
       WHERE g.slug = $1
      """;
  private static final String MEMBERSHIPS = "SELECT group_id, role FROM group_memberships WHERE member_id = $1";
  private static final String UNREAD = """
      SELECT g.id, g.slug,
             (SELECT count(*) FROM threads t
                LEFT JOIN read_positions r ON r.thread_id = t.id AND r.member_id = $1
               WHERE t.group_id = g.id AND t.post_count > COALESCE(r.position, 0)) AS unread
        FROM group_memberships gm JOIN working_groups g ON g.id = gm.group_id
       WHERE gm.member_id = $1 AND g.archived_at IS NULL
       ORDER BY g.position, g.name
      """;
  private static final String JOIN = """
      INSERT INTO group_memberships (group_id, member_id, role) VALUES ($1, $2, 'member')
      ON CONFLICT DO NOTHING RETURNING member_id
      """;
  private static final String LEAVE = "DELETE FROM group_memberships WHERE group_id = $1 AND member_id = $2 RETURNING role";
  private static final String ASK = """
      INSERT INTO group_join_requests (group_id, member_id, message) VALUES ($1, $2, $3)
      ON CONFLICT (group_id, member_id) WHERE decision IS NULL DO NOTHING RETURNING id
      """;
  private static final String REQUEST_COLUMNS = """
      SELECT r.id, r.member_id, m.display_name, m.handle, r.message, r.created_at, r.decision, r.reason
        FROM group_join_requests r JOIN members m ON m.id = r.member_id
      """;
  private static final String PENDING = REQUEST_COLUMNS + " WHERE r.group_id = $1 AND r.decision IS NULL ORDER BY r.id";
  private static final String DECIDE = """
      UPDATE group_join_requests SET decision = $3, reason = $4, decided_by = $5, decided_at = now()
       WHERE id = $1 AND group_id = $2 AND decision IS NULL RETURNING member_id
      """;
  private static final String SET_ROLE = """
      UPDATE group_memberships SET role = $3 WHERE group_id = $1 AND member_id = $2 RETURNING member_id
      """;
  private static final String ADD_BY_HANDLE = """
      INSERT INTO group_memberships (group_id, member_id, role)
      SELECT $1, id, 'member' FROM members WHERE lower(handle) = lower($2)
      ON CONFLICT DO NOTHING RETURNING member_id
      """;
  private static final String MEMBER_BY_HANDLE = "SELECT id FROM members WHERE lower(handle) = lower($1)";
  private static final String CREATE = """
      INSERT INTO working_groups (slug, name, purpose, visibility, join_policy, position)
      VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(position), 0) + 1 FROM working_groups)) RETURNING id
      """;
  private static final String UPDATE = """
      UPDATE working_groups SET name = $2, purpose = $3, visibility = $4, join_policy = $5 WHERE id = $1
      """;
  private static final String ARCHIVE = "UPDATE working_groups SET archived_at = CASE WHEN $2 THEN now() ELSE NULL END WHERE id = $1";
  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /** The columns of a listed group: what {@link #MAPPER} reads, its counters, and which list it is in. */
  private static final String LISTED_COLUMNS = """
      g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy, g.archived_at IS NOT NULL AS archived,
      g.member_total AS member_count, g.thread_total AS thread_count, 0::bigint AS unread_threads,
      g.post_total, g.last_active_at
      """;
  /**
   * The home page's groups, bounded whatever the archive's size: the viewer's own active groups in the
   * Hub's order (at most $3), then the other active groups that are public (any group for an admin, $2),
   * the most recently active first (at most $4); one statement, from the counters. The read rule is
   * applied again in {@code GroupService}; this only keeps the lists short.
   */
  private static final String HOME = """
      SELECT * FROM (
        (SELECT true AS mine, row_number() OVER (ORDER BY g.position, g.name, g.id) AS rank, gm.role AS viewer_role,
                """ + LISTED_COLUMNS + """
           FROM group_memberships gm JOIN working_groups g ON g.id = gm.group_id
          WHERE gm.member_id = $1 AND g.archived_at IS NULL
          ORDER BY rank LIMIT $3)
        UNION ALL
        (SELECT false AS mine, row_number() OVER (ORDER BY g.last_active_at DESC NULLS LAST, g.position, g.name, g.id) AS rank,
                NULL::text AS viewer_role,
                """ + LISTED_COLUMNS + """
           FROM working_groups g
          WHERE g.archived_at IS NULL AND (g.visibility = 'public' OR $2)
            AND NOT EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.group_id = g.id AND gm.member_id = $1)
          ORDER BY rank LIMIT $4)
      ) listed ORDER BY mine DESC, rank
      """;
  /**
   * The active groups a member belongs to, with their role and the viewer's ($2): a profile's list,
   * read from the member's memberships only (not every group of the Hub); the read rule is applied in
   * {@code GroupService}.
   */
  private static final String GROUPS_OF = """
      SELECT gm.role AS member_role,
             (SELECT v.role FROM group_memberships v WHERE v.group_id = g.id AND v.member_id = $2) AS viewer_role,
             """ + LISTED_COLUMNS + """
        FROM group_memberships gm JOIN working_groups g ON g.id = gm.group_id
       WHERE gm.member_id = $1 AND g.archived_at IS NULL
       ORDER BY g.position, g.name, g.id
      """;

  private static final RowMapper<WorkingGroup> MAPPER = row -> new WorkingGroup(row.getLong("id"),
      row.getString("slug"), row.getString("name"), row.getString("purpose"),
      "closed".equals(row.getString("visibility")), "open".equals(row.getString("join_policy")),
      row.getBoolean("archived"), row.getLong("member_count"), row.getLong("thread_count"),
      row.getString("viewer_role"), row.getLong("unread_threads"));

  private static JoinRequest request(Row row) {
    OffsetDateTime created = row.getOffsetDateTime("created_at");
    return new JoinRequest(row.getLong("id"), row.getLong("member_id"), row.getString("display_name"),
        row.getString("handle"), row.getString("message"), created.toInstant(), row.getString("decision"),
        row.getString("reason"));
  }

  private static Map<String, Object> viewer(Long viewerId) {
    Map<String, Object> params = new HashMap<>();
    params.put("viewer", viewerId == null ? -1L : viewerId);
    return params;
  }

  Future<List<WorkingGroup>> active(SqlClient db, Long viewerId) {
    return SqlTemplate.forQuery(db, ACTIVE).mapTo(MAPPER).execute(viewer(viewerId)).map(Rows::list);
  }

  Future<List<WorkingGroup>> activeAccess(SqlClient db, Long viewerId) {
    return db.preparedQuery(ACTIVE_ACCESS).execute(Tuple.of(viewerId == null ? -1L : viewerId))
        .map(rows -> {
          List<WorkingGroup> groups = new ArrayList<>();
          rows.forEach(row -> groups.add(MAPPER.map(row)));
          return groups;
        });
  }

  Future<Optional<WorkingGroup>> bySlug(SqlClient db, String slug, Long viewerId) {
    Map<String, Object> params = viewer(viewerId);
    params.put("slug", slug);
    return SqlTemplate.forQuery(db, BY_SLUG).mapTo(MAPPER).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  Future<Optional<WorkingGroup>> byId(SqlClient db, long id, Long viewerId) {
    Map<String, Object> params = viewer(viewerId);
    params.put("id", id);
    return SqlTemplate.forQuery(db, BY_ID).mapTo(MAPPER).execute(params)
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  Future<Optional<WorkingGroup>> access(SqlClient db, long id, Long viewerId) {
    return db.preparedQuery(ACCESS).execute(Tuple.of(id, viewerId == null ? -1L : viewerId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(MAPPER.map(rows.iterator().next())));
  }

  Future<List<GroupMember>> members(SqlClient db, long groupId) {
    return members(db, MEMBERS, groupId);
  }

  /** What {@link #PAGE} reads: the group is not yet checked against the policy. */
  record GroupPageRow(WorkingGroup group, List<GroupMember> moderators, Optional<JoinRequest> request) {}

  /** The group {@code slug} with its moderators and the viewer's latest join request, in one statement. */
  Future<Optional<GroupPageRow>> page(SqlClient db, String slug, Long viewerId) {
    return db.preparedQuery(PAGE).execute(Tuple.of(slug, viewerId == null ? -1L : viewerId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(pageRow(rows.iterator().next())));
  }

  private static GroupPageRow pageRow(Row row) {
    List<GroupMember> moderators = new ArrayList<>();
    Object m = row.getValue("moderators");
    JsonArray all = m == null ? new JsonArray() : m instanceof JsonArray a ? a : new JsonArray(String.valueOf(m));
    for (int i = 0; i < all.size(); i++) {
      JsonObject o = all.getJsonObject(i);
      moderators.add(new GroupMember(o.getLong("id"), o.getString("name"), o.getString("handle"), o.getString("role"),
          OffsetDateTime.parse(o.getString("joined")).toInstant(), o.getInteger("trust"), o.getBoolean("trustSet"),
          o.getString("affiliation"), o.getString("stakeholder")));
    }
    Object r = row.getValue("request");
    Optional<JoinRequest> request = Optional.ofNullable(r == null ? null : r instanceof JsonObject j ? j
        : new JsonObject(String.valueOf(r))).map(j -> new JoinRequest(j.getLong("id"), j.getLong("member"),
            j.getString("name"), j.getString("handle"), j.getString("message"),
            OffsetDateTime.parse(j.getString("created")).toInstant(), j.getString("decision"), j.getString("reason")));
    return new GroupPageRow(MAPPER.map(row), List.copyOf(moderators), request);
  }

  private Future<List<GroupMember>> members(SqlClient db, String sql, long groupId) {
    return db.preparedQuery(sql).execute(Tuple.of(groupId))
        .map(rows -> list(rows, r -> new GroupMember(r.getLong("id"), r.getString("display_name"), r.getString("handle"),
          r.getString("role"), r.getOffsetDateTime("joined_at").toInstant(), r.getInteger("trust"), r.getBoolean("trust_set"),
          r.getString("affiliation"), r.getString("stakeholder_type"))));
  }

  Future<Map<Long, String>> memberships(SqlClient db, long memberId) {
    return db.preparedQuery(MEMBERSHIPS).execute(Tuple.of(memberId)).map(rows -> {
      Map<Long, String> roles = new HashMap<>();
      rows.forEach(r -> roles.put(r.getLong(0), r.getString(1)));
      return roles;
    });
  }

  /** For each active group of the member: id, slug and the number of threads with unread posts. */
  Future<List<UnreadInGroup>> unread(SqlClient db, long memberId) {
    return db.preparedQuery(UNREAD).execute(Tuple.of(memberId))
        .map(rows -> list(rows, r -> new UnreadInGroup(r.getLong(0), r.getString(1), r.getLong(2))));
  }

  Future<Boolean> join(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery(JOIN).execute(Tuple.of(groupId, memberId)).map(rows -> rows.size() > 0);
  }

  Future<Optional<String>> leave(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery(LEAVE).execute(Tuple.of(groupId, memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
  }

  Future<Boolean> ask(SqlClient db, long groupId, long memberId, String message) {
    return db.preparedQuery(ASK).execute(Tuple.of(groupId, memberId, message)).map(rows -> rows.size() > 0);
  }

  Future<List<JoinRequest>> pending(SqlClient db, long groupId) {
    return db.preparedQuery(PENDING).execute(Tuple.of(groupId)).map(rows -> {
      List<JoinRequest> list = new ArrayList<>();
      rows.forEach(r -> list.add(request(r)));
      return list;
    });
  }

  Future<Optional<Long>> decide(SqlClient db, long groupId, long requestId, String decision, String reason, long by) {
    return db.preparedQuery(DECIDE).execute(Tuple.of(requestId, groupId, decision, reason, by))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  Future<Boolean> setRole(SqlClient db, long groupId, long memberId, String role) {
    return db.preparedQuery(SET_ROLE).execute(Tuple.of(groupId, memberId, role)).map(rows -> rows.size() > 0);
  }

  Future<Optional<Long>> memberByHandle(SqlClient db, String handle) {
    return db.preparedQuery(MEMBER_BY_HANDLE).execute(Tuple.of(handle))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  Future<Boolean> addByHandle(SqlClient db, long groupId, String handle) {
    return db.preparedQuery(ADD_BY_HANDLE).execute(Tuple.of(groupId, handle)).map(rows -> rows.size() > 0);
  }

  /** Fails with CONFLICT when the slug is taken. */
  Future<Long> create(SqlClient db, GroupForm f) {
    return db.preparedQuery(CREATE).execute(Tuple.of(f.slug(), f.name(), f.purpose(), f.visibility(), f.joinPolicy()))
        .map(rows -> rows.iterator().next().getLong(0))
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
            ? Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "group.form.error.slugTaken"))
            : Future.failedFuture(e));
  }

  Future<Void> update(SqlClient db, long groupId, GroupForm f) {
    return db.preparedQuery(UPDATE).execute(Tuple.of(groupId, f.name(), f.purpose(), f.visibility(), f.joinPolicy()))
        .mapEmpty();
  }

  Future<Void> archive(SqlClient db, long groupId, boolean archived) {
    return db.preparedQuery(ARCHIVE).execute(Tuple.of(groupId, archived)).mapEmpty();
  }

  Future<Void> log(SqlClient db, Long groupId, long actorId, String action, String targetType, long targetId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, targetType, targetId, detail)).mapEmpty();
  }

  /** Each member among {@code memberIds} that exists, as an admin flag and the group as they see it. */
  record AccessFor(long memberId, boolean admin, WorkingGroup group) {}

  Future<List<AccessFor>> accessFor(SqlClient db, long groupId, java.util.Set<Long> memberIds) {
    return db.preparedQuery(ACCESS_FOR).execute(Tuple.tuple().addLong(groupId).addArrayOfLong(memberIds.toArray(Long[]::new)))
        .map(rows -> list(rows, r -> new AccessFor(r.getLong("member_id"), r.getBoolean("is_admin"), MAPPER.map(r))));
  }

  Future<List<Long>> moderators(SqlClient db, long groupId) {
    return db.preparedQuery(MODERATORS).execute(Tuple.of(groupId)).map(rows -> list(rows, r -> r.getLong(0)));
  }

  /** A listed group with its counters, and whether it is in the viewer's own list. */
  record Listed(boolean mine, WorkingGroup group, long postCount, java.time.Instant lastActiveAt, String memberRole) {}

  private static Listed listed(Row r, boolean mine, String memberRole) {
    OffsetDateTime active = r.getOffsetDateTime("last_active_at");
    return new Listed(mine, MAPPER.map(r), r.getLong("post_total"), active == null ? null : active.toInstant(), memberRole);
  }

  Future<List<Listed>> home(SqlClient db, Long viewerId, boolean admin, int mine, int others) {
    return db.preparedQuery(HOME).execute(Tuple.of(viewerId == null ? -1L : viewerId, admin, mine, others))
        .map(rows -> list(rows, r -> listed(r, r.getBoolean("mine"), null)));
  }

  Future<List<Listed>> groupsOf(SqlClient db, long memberId, Long viewerId) {
    return db.preparedQuery(GROUPS_OF).execute(Tuple.of(memberId, viewerId == null ? -1L : viewerId))
        .map(rows -> list(rows, r -> listed(r, false, r.getString("member_role"))));
  }
}
