package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** Statements of reasons and appeals: SQL and nothing else. */
final class DecisionRepository {

  private static final String INSERT = """
      INSERT INTO moderation_decisions (item_type, item_id, group_id, affected_id, decided_by, action, ground, facts,
                                        reason, automated, title, link)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
      """;
  private static final String FIND = """
      SELECT d.*, g.slug AS group_slug, g.name AS group_name, a.id AS appeal_id, a.body AS appeal_body,
             a.created_at AS appeal_at, a.outcome AS appeal_outcome, by_m.display_name AS decided_by_name
        FROM moderation_decisions d
        LEFT JOIN working_groups g ON g.id = d.group_id
        LEFT JOIN moderation_appeals a ON a.decision_id = d.id
        LEFT JOIN members by_m ON by_m.id = d.decided_by
       WHERE d.id = $1
      """;
  private static final String APPEAL = """
      INSERT INTO moderation_appeals (decision_id, member_id, body) VALUES ($1, $2, $3)
      ON CONFLICT (decision_id) DO NOTHING RETURNING id
      """;
  /** The reasons of an item's open flags, how many there are, and the title of where it is. */
  private static final String OPEN_FLAG_REASONS = """
      SELECT coalesce(string_agg(DISTINCT reason, ', '), '') AS reasons, count(*) AS n,
             coalesce(CASE $1 WHEN 'post' THEN (SELECT t.title FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.id = $2)
                              WHEN 'comment' THEN (SELECT d.title FROM document_comments c JOIN documents d ON d.id = c.document_id
                                                    WHERE c.id = $2) END, '') AS title
        FROM flags WHERE item_type = $1 AND item_id = $2 AND resolved_at IS NULL
      """;
  private static final String AFFECTING = "SELECT id FROM moderation_decisions WHERE id = ANY($1) AND affected_id = $2";
  private static final String AFFECTED = "SELECT affected_id FROM moderation_decisions WHERE id = $1";

  /** A statement of reasons as its page shows it, with its appeal if there is one. */
  record Stored(long id, String itemType, long itemId, Long groupId, String groupSlug, String groupName, Long affectedId,
      Long decidedBy, String decidedByName, String action, String ground, String facts, String reason, boolean automated,
      String title, String link, OffsetDateTime createdAt, Long appealId, String appealBody, OffsetDateTime appealAt,
      String appealOutcome) {}

  Future<Long> insert(SqlClient db, Decision d) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {d.itemType(), d.itemId(), d.groupId(), d.affectedId(),
        d.decidedBy(), d.action(), d.ground(), d.facts(), d.reason(), d.automated(), d.title(), d.link()}))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Optional<Stored>> find(SqlClient db, long id) {
    return db.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Stored(r.getLong("id"), r.getString("item_type"), r.getLong("item_id"), r.getLong("group_id"),
          r.getString("group_slug"), r.getString("group_name"), r.getLong("affected_id"), r.getLong("decided_by"),
          r.getString("decided_by_name"), r.getString("action"), r.getString("ground"), r.getString("facts"),
          r.getString("reason"), r.getBoolean("automated"), r.getString("title"), r.getString("link"),
          r.getOffsetDateTime("created_at"), r.getLong("appeal_id"), r.getString("appeal_body"),
          r.getOffsetDateTime("appeal_at"), r.getString("appeal_outcome")));
    });
  }

  /** False when the decision was appealed already. */
  Future<Boolean> appeal(SqlClient db, long decisionId, long memberId, String body) {
    return db.preparedQuery(APPEAL).execute(Tuple.of(decisionId, memberId, body)).map(rows -> rows.size() > 0);
  }

  Future<Set<Long>> affecting(SqlClient db, Set<Long> ids, long memberId) {
    return db.preparedQuery(AFFECTING).execute(Tuple.of((Object) ids.toArray(new Long[0]), memberId))
        .map(rows -> StreamSupport.stream(rows.spliterator(), false).map(r -> r.getLong("id")).collect(Collectors.toSet()));
  }

  Future<Optional<Long>> affected(SqlClient db, long id) {
    return db.preparedQuery(AFFECTED).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.<Long>empty() : Optional.ofNullable(rows.iterator().next().getLong("affected_id")));
  }

  Future<Row> openFlagReasons(SqlClient db, String itemType, long itemId) {
    return db.preparedQuery(OPEN_FLAG_REASONS).execute(Tuple.of(itemType, itemId)).map(rows -> rows.iterator().next());
  }

  static List<Long> none() {
    return List.of();
  }
}
