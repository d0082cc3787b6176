package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/** Reads the audit log ({@code moderation_log}); nothing here writes to it, and the database refuses changes. */
final class AuditRepository {

  /** $1 group (null: every group and site-wide), $2 kind, $3 actor handle, $4 from, $5 until (exclusive). */
  private static final String WHERE = """
      FROM moderation_log l
      JOIN members m ON m.id = l.actor_id
      LEFT JOIN working_groups g ON g.id = l.group_id
      WHERE ($1::bigint IS NULL OR l.group_id = $1)
        AND ($2::text IS NULL OR l.action LIKE $2 || '.%')
        AND ($3::text IS NULL OR lower(m.handle) = lower($3))
        AND ($4::timestamptz IS NULL OR l.created_at >= $4)
        AND ($5::timestamptz IS NULL OR l.created_at < $5)
      """;
  static final String PAGE = """
      SELECT l.id, l.created_at, m.display_name, m.handle, l.action, l.target_type, l.target_id, g.slug,
             l.reason, l.ground, l.before_value, l.after_value, l.detail
      """ + WHERE + """
      ORDER BY l.created_at DESC, l.id DESC LIMIT $6 OFFSET $7
      """;
  static final String COUNT = "SELECT count(*) " + WHERE;
  static final String SUMMARY = """
      SELECT l.action, l.ground, count(*) AS n FROM moderation_log l
      WHERE l.created_at >= $1 AND l.created_at < $2
      GROUP BY l.action, l.ground ORDER BY l.action, l.ground
      """;
  /** Join requests are the decisions that follow a request today; the median is in seconds. */
  static final String JOIN_DECISIONS = """
      SELECT count(*) AS n,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at)) AS median
      FROM group_join_requests WHERE decided_at >= $1 AND decided_at < $2
      """;

  /**
   * What the Digital Services Act asks a platform to report each year beyond its actions: notices
   * received (by category) and decided, with the median time to decide; appeals (internal
   * complaints) and their outcomes; statements of reasons, automated ones apart; suspensions.
   * Medians are in seconds, null when nothing was decided.
   */
  static final String TRANSPARENCY = """
      SELECT (SELECT count(*) FROM notices WHERE created_at >= $1 AND created_at < $2) AS notices,
             (SELECT count(*) FROM notices WHERE decided_at >= $1 AND decided_at < $2) AS notices_decided,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
                FROM notices WHERE decided_at >= $1 AND decided_at < $2) AS notice_median,
             (SELECT count(*) FROM moderation_appeals WHERE created_at >= $1 AND created_at < $2) AS appeals,
             (SELECT count(*) FROM moderation_appeals WHERE decided_at >= $1 AND decided_at < $2 AND outcome = 'upheld') AS upheld,
             (SELECT count(*) FROM moderation_appeals WHERE decided_at >= $1 AND decided_at < $2 AND outcome = 'reversed') AS reversed,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - created_at))
                FROM moderation_appeals WHERE decided_at >= $1 AND decided_at < $2) AS appeal_median,
             (SELECT count(*) FROM moderation_decisions WHERE created_at >= $1 AND created_at < $2) AS statements,
             (SELECT count(*) FROM moderation_decisions WHERE created_at >= $1 AND created_at < $2 AND automated) AS automated,
             (SELECT count(*) FROM member_suspensions WHERE starts_at >= $1 AND starts_at < $2) AS suspensions
      """;
  static final String NOTICE_CATEGORIES = """
      SELECT category, count(*) AS n FROM notices WHERE created_at >= $1 AND created_at < $2
       GROUP BY category ORDER BY category
      """;

  record Transparency(long notices, long noticesDecided, Double noticeMedianSeconds, long appeals, long upheld,
      long reversed, Double appealMedianSeconds, long statements, long automated, long suspensions,
      List<Count> noticeCategories) {}

  Future<Transparency> transparency(SqlClient db, OffsetDateTime from, OffsetDateTime until) {
    return db.preparedQuery(NOTICE_CATEGORIES).execute(Tuple.of(from, until)).compose(cats -> {
      List<Count> categories = new ArrayList<>();
      cats.forEach(r -> categories.add(new Count("notice", r.getString("category"), r.getLong("n"))));
      return db.preparedQuery(TRANSPARENCY).execute(Tuple.of(from, until)).map(rows -> {
        Row r = rows.iterator().next();
        return new Transparency(r.getLong("notices"), r.getLong("notices_decided"), r.getDouble("notice_median"),
            r.getLong("appeals"), r.getLong("upheld"), r.getLong("reversed"), r.getDouble("appeal_median"),
            r.getLong("statements"), r.getLong("automated"), r.getLong("suspensions"), categories);
      });
    });
  }

  record Count(String action, String ground, long count) {}

  record Decisions(long count, Double medianSeconds) {}

  private static Tuple where(Long groupId, AuditFilter f, OffsetDateTime from, OffsetDateTime until) {
    return Tuple.of(groupId, f.kind().isEmpty() ? null : f.kind(), f.handle().isEmpty() ? null : f.handle(), from, until);
  }

  Future<List<AuditEntry>> page(SqlClient db, Long groupId, AuditFilter f, OffsetDateTime from, OffsetDateTime until,
      int limit, int offset) {
    Tuple params = where(groupId, f, from, until).addInteger(limit).addInteger(offset);
    return db.preparedQuery(PAGE).execute(params).map(AuditRepository::entries);
  }

  Future<Long> count(SqlClient db, Long groupId, AuditFilter f, OffsetDateTime from, OffsetDateTime until) {
    return db.preparedQuery(COUNT).execute(where(groupId, f, from, until)).map(rows -> rows.iterator().next().getLong(0));
  }

  Future<List<Count>> summary(SqlClient db, OffsetDateTime from, OffsetDateTime until) {
    return db.preparedQuery(SUMMARY).execute(Tuple.of(from, until)).map(rows -> {
      List<Count> counts = new ArrayList<>();
      rows.forEach(r -> counts.add(new Count(r.getString("action"), r.getString("ground"), r.getLong("n"))));
      return counts;
    });
  }

  Future<Decisions> joinDecisions(SqlClient db, OffsetDateTime from, OffsetDateTime until) {
    return db.preparedQuery(JOIN_DECISIONS).execute(Tuple.of(from, until)).map(rows -> {
      Row r = rows.iterator().next();
      return new Decisions(r.getLong("n"), r.getDouble("median"));
    });
  }

  private static List<AuditEntry> entries(RowSet<Row> rows) {
    List<AuditEntry> entries = new ArrayList<>();
    for (Row r : rows) {
      entries.add(new AuditEntry(r.getLong("id"), r.getOffsetDateTime("created_at").toInstant(), r.getString("display_name"),
          r.getString("handle"), r.getString("action"), r.getString("target_type"), r.getLong("target_id"),
          r.getString("slug"), r.getString("reason"), r.getString("ground"), r.getString("before_value"),
          r.getString("after_value"), r.getString("detail")));
    }
    return entries;
  }
}
