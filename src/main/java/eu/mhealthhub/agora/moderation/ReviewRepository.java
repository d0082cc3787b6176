package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The review queue, claims and the content changes of review actions: SQL and nothing else. */
final class ReviewRepository {

  /** An author has a suspension in force (the rule of V019). */
  private static final String SUSPENDED = """
      EXISTS (SELECT 1 FROM member_suspensions s WHERE s.member_id = #MEMBER# AND s.lifted_at IS NULL
                 AND s.starts_at <= now() AND (s.ends_at IS NULL OR s.ends_at > now()))""";

  /**
   * Every open item, one row per item (an item both flagged and held shows as flagged), of one group
   * ($1) or of all ($1 NULL, notices then included when $3), of one kind ($2 NULL: all), newest
   * first, without the items of authors suspended now.
   */
  private static final String QUEUE = """
      WITH q AS (
        SELECT DISTINCT ON (item_type, item_id) item_type, item_id, group_id, at, kind FROM (
          SELECT f.item_type, f.item_id, f.group_id, max(f.created_at) AS at, 'flagged' AS kind, 0 AS pri
            FROM flags f WHERE f.resolved_at IS NULL AND f.item_type IN ('post', 'comment')
           GROUP BY f.item_type, f.item_id, f.group_id
          UNION ALL
          SELECT 'post', p.id, t.group_id, p.held_at, 'held', 1 FROM posts p JOIN threads t ON t.id = p.thread_id
           WHERE p.held_at IS NOT NULL AND p.deleted_at IS NULL
          UNION ALL
          SELECT 'notice', n.id, NULL, n.created_at, 'notice', 0 FROM notices n WHERE n.status <> 'decided' AND $3
          UNION ALL
          SELECT 'join', r.id, r.group_id, r.created_at, 'join', 0 FROM group_join_requests r WHERE r.decided_at IS NULL
          UNION ALL
          SELECT 'appeal', a.id, d.group_id, a.created_at, 'appeal', 0
            FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id WHERE a.decided_at IS NULL
        ) s ORDER BY item_type, item_id, pri
      ), shown AS (
        SELECT q.*,
               CASE q.item_type WHEN 'post' THEN p.author_id WHEN 'comment' THEN c.author_id
                                WHEN 'join' THEN r.member_id WHEN 'appeal' THEN a.member_id END AS author_id,
               CASE q.item_type WHEN 'post' THEN p.body_markdown WHEN 'comment' THEN c.body WHEN 'join' THEN r.message
                                WHEN 'appeal' THEN a.body WHEN 'notice' THEN n.url || ' · ' || n.explanation END AS excerpt,
               CASE q.item_type WHEN 'post' THEN t.title WHEN 'comment' THEN doc.title WHEN 'appeal' THEN d.title
                                WHEN 'notice' THEN n.category ELSE '' END AS context
          FROM q
          LEFT JOIN posts p ON q.item_type = 'post' AND p.id = q.item_id
          LEFT JOIN threads t ON t.id = p.thread_id
          LEFT JOIN document_comments c ON q.item_type = 'comment' AND c.id = q.item_id
          LEFT JOIN documents doc ON doc.id = c.document_id
          LEFT JOIN group_join_requests r ON q.item_type = 'join' AND r.id = q.item_id
          LEFT JOIN moderation_appeals a ON q.item_type = 'appeal' AND a.id = q.item_id
          LEFT JOIN moderation_decisions d ON d.id = a.decision_id
          LEFT JOIN notices n ON q.item_type = 'notice' AND n.id = q.item_id
         WHERE ($1::bigint IS NULL OR q.group_id = $1) AND ($2::text IS NULL OR q.kind = $2)
      )
      SELECT shown.*, m.display_name AS author_name, g.slug AS group_slug, g.name AS group_name,
             rc.member_id AS claimed_by, cm.display_name AS claimed_by_name,
             (SELECT count(*) FROM flags f WHERE f.item_type = shown.item_type AND f.item_id = shown.item_id
                 AND f.resolved_at IS NULL) AS flag_count,
             count(*) OVER () AS total
        FROM shown
        LEFT JOIN members m ON m.id = shown.author_id
        LEFT JOIN working_groups g ON g.id = shown.group_id
        LEFT JOIN review_claims rc ON rc.item_type = shown.item_type AND rc.item_id = shown.item_id
        LEFT JOIN members cm ON cm.id = rc.member_id
       -- a suspended member's items wait until the suspension ends, except their appeals, which must be decided
       WHERE shown.author_id IS NULL OR shown.item_type = 'appeal' OR NOT #SUSPENDED#
       ORDER BY shown.at DESC, shown.item_id DESC
       LIMIT $4 OFFSET $5
      """.replace("#SUSPENDED#", SUSPENDED.replace("#MEMBER#", "shown.author_id"));

  /** A row of the queue. */
  record Row0(String itemType, long itemId, String kind, Long groupId, String groupSlug, String groupName,
      OffsetDateTime at, Long authorId, String authorName, String excerpt, String context, Long claimedBy,
      String claimedByName, long flagCount) {}

  record QueuePage(List<Row0> rows, long total) {}

  Future<QueuePage> queue(SqlClient db, Long groupId, String kind, boolean notices, int limit, int offset) {
    return db.preparedQuery(QUEUE).execute(Tuple.from(new Object[] {groupId, kind, notices, limit, offset})).map(rows -> {
      List<Row0> list = new ArrayList<>();
      long total = 0;
      for (Row r : rows) {
        total = r.getLong("total");
        list.add(new Row0(r.getString("item_type"), r.getLong("item_id"), r.getString("kind"), r.getLong("group_id"),
            r.getString("group_slug"), r.getString("group_name"), r.getOffsetDateTime("at"), r.getLong("author_id"),
            r.getString("author_name"), r.getString("excerpt"), r.getString("context"), r.getLong("claimed_by"),
            r.getString("claimed_by_name"), r.getLong("flag_count")));
      }
      return new QueuePage(list, total);
    });
  }

  // ---- one item

  private static final String POST = """
      SELECT p.id, p.author_id, p.body_markdown AS body, p.deleted_at IS NOT NULL AS hidden, p.deleted_by,
             p.delete_reason, p.held_at IS NOT NULL AS held, p.reply_to_post_id, t.id AS context_id, t.title,
             t.group_id, rp.body_markdown AS answers
        FROM posts p JOIN threads t ON t.id = p.thread_id LEFT JOIN posts rp ON rp.id = p.reply_to_post_id
       WHERE p.id = $1
      """;
  private static final String COMMENT = """
      SELECT c.id, c.author_id, c.body, c.held_for_review_at IS NOT NULL AS hidden, c.section_key, d.id AS context_id,
             d.title, d.group_id
        FROM document_comments c JOIN documents d ON d.id = c.document_id WHERE c.id = $1
      """;
  private static final String NOTICE = "SELECT * FROM notices WHERE id = $1";
  private static final String JOIN = "SELECT * FROM group_join_requests WHERE id = $1";
  private static final String APPEAL = """
      SELECT a.id, a.member_id, a.body, a.decided_at, a.decision_id, d.group_id, d.decided_by, d.action, d.item_type AS of_type,
             d.item_id AS of_id, d.link AS of_link, d.title, d.reason AS decision_reason, d.ground
        FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id WHERE a.id = $1
      """;
  private static final String OPEN_FLAGS = """
      SELECT f.reason, f.detail, f.created_at, m.display_name FROM flags f JOIN members m ON m.id = f.member_id
       WHERE f.item_type = $1 AND f.item_id = $2 AND f.resolved_at IS NULL ORDER BY f.created_at, f.id
      """;
  private static final String HISTORY = """
      SELECT m.id, m.display_name, m.handle, m.created_at,
             (SELECT count(*) FROM posts p WHERE p.author_id = m.id) AS posts,
             (SELECT count(*) FROM moderation_decisions d WHERE d.affected_id = m.id AND NOT d.automated) AS decisions,
             (SELECT count(*) FROM moderation_decisions d WHERE d.affected_id = m.id AND d.action IN ('hide', 'delete')
                 AND d.ground LIKE 'flags:%') AS flags_upheld,
             (SELECT count(*) FROM member_suspensions s WHERE s.member_id = m.id) AS suspensions,
             #SUSPENDED# AS suspended
        FROM members m WHERE m.id = $1
      """.replace("#SUSPENDED#", SUSPENDED.replace("#MEMBER#", "m.id"));
  private static final String EARLIER = """
      SELECT id, action, reason, created_at FROM moderation_decisions WHERE affected_id = $1
       ORDER BY created_at DESC, id DESC LIMIT 10
      """;

  Future<Optional<Row>> post(SqlClient db, long id) {
    return one(db, POST, id);
  }

  Future<Optional<Row>> comment(SqlClient db, long id) {
    return one(db, COMMENT, id);
  }

  Future<Optional<Row>> notice(SqlClient db, long id) {
    return one(db, NOTICE, id);
  }

  Future<Optional<Row>> join(SqlClient db, long id) {
    return one(db, JOIN, id);
  }

  Future<Optional<Row>> appeal(SqlClient db, long id) {
    return one(db, APPEAL, id);
  }

  Future<Optional<Row>> history(SqlClient db, long memberId) {
    return one(db, HISTORY, memberId);
  }

  Future<RowSet<Row>> earlier(SqlClient db, long memberId) {
    return db.preparedQuery(EARLIER).execute(Tuple.of(memberId));
  }

  Future<RowSet<Row>> openFlags(SqlClient db, String type, long id) {
    return db.preparedQuery(OPEN_FLAGS).execute(Tuple.of(type, id));
  }

  private static Future<Optional<Row>> one(SqlClient db, String sql, long id) {
    return db.preparedQuery(sql).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next()));
  }

  // ---- claims and actions

  private static final String LOCK_ITEM = "SELECT pg_advisory_xact_lock(hashtext('review:' || $1 || ':' || $2))";
  private static final String CLAIM = """
      INSERT INTO review_claims (item_type, item_id, member_id) VALUES ($1, $2, $3)
      ON CONFLICT (item_type, item_id) DO NOTHING RETURNING member_id
      """;
  private static final String CLAIMANT = """
      SELECT c.member_id, m.display_name FROM review_claims c JOIN members m ON m.id = c.member_id
       WHERE c.item_type = $1 AND c.item_id = $2
      """;
  private static final String RELEASE = "DELETE FROM review_claims WHERE item_type = $1 AND item_id = $2 AND member_id = $3 RETURNING item_id";
  private static final String DROP_CLAIM = "DELETE FROM review_claims WHERE item_type = $1 AND item_id = $2";
  private static final String RESOLVE_FLAGS = "UPDATE flags SET resolved_at = now() WHERE item_type = $1 AND item_id = $2 AND resolved_at IS NULL";
  private static final String HIDE_POST = """
      UPDATE posts SET deleted_at = coalesce(deleted_at, now()), deleted_by = $2, delete_reason = $3
       WHERE id = $1 AND (deleted_at IS NULL OR deleted_by IS NULL) RETURNING id
      """;
  private static final String RESTORE_POST = """
      UPDATE posts SET deleted_at = NULL, deleted_by = NULL, delete_reason = '' WHERE id = $1 AND deleted_at IS NOT NULL
      RETURNING id
      """;
  private static final String HIDE_COMMENT = "UPDATE document_comments SET held_for_review_at = coalesce(held_for_review_at, now()) WHERE id = $1";
  private static final String SHOW_COMMENT = "UPDATE document_comments SET held_for_review_at = NULL WHERE id = $1";
  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, ground,
                                  before_value, after_value)
      VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, $9)
      """;
  private static final String DECIDE_APPEAL = """
      UPDATE moderation_appeals SET decided_at = now(), outcome = $2 WHERE id = $1 AND decided_at IS NULL RETURNING id
      """;
  private static final String DECIDE_NOTICE = """
      UPDATE notices SET status = 'decided', decision = $2, decided_at = now() WHERE id = $1 AND status <> 'decided'
      RETURNING id
      """;

  Future<Void> lockItem(SqlClient db, String type, long id) {
    return db.preparedQuery(LOCK_ITEM).execute(Tuple.of(type, Long.toString(id))).mapEmpty();
  }

  /** The member holding the claim on an item and their name, if anyone does. */
  record Claimant(long memberId, String name) {}

  Future<Optional<Claimant>> claimant(SqlClient db, String type, long id) {
    return db.preparedQuery(CLAIMANT).execute(Tuple.of(type, id)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new Claimant(rows.iterator().next().getLong("member_id"), rows.iterator().next().getString("display_name"))));
  }

  /** False when someone holds the claim already. */
  Future<Boolean> claim(SqlClient db, String type, long id, long memberId) {
    return db.preparedQuery(CLAIM).execute(Tuple.of(type, id, memberId)).map(rows -> rows.size() > 0);
  }

  Future<Boolean> release(SqlClient db, String type, long id, long memberId) {
    return db.preparedQuery(RELEASE).execute(Tuple.of(type, id, memberId)).map(rows -> rows.size() > 0);
  }

  Future<Void> dropClaim(SqlClient db, String type, long id) {
    return db.preparedQuery(DROP_CLAIM).execute(Tuple.of(type, id)).mapEmpty();
  }

  Future<Void> resolveFlags(SqlClient db, String type, long id) {
    return db.preparedQuery(RESOLVE_FLAGS).execute(Tuple.of(type, id)).mapEmpty();
  }

  Future<Boolean> hidePost(SqlClient db, long id, long by, String reason) {
    return db.preparedQuery(HIDE_POST).execute(Tuple.of(id, by, reason)).map(rows -> rows.size() > 0);
  }

  Future<Boolean> restorePost(SqlClient db, long id) {
    return db.preparedQuery(RESTORE_POST).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  Future<Void> hideComment(SqlClient db, long id) {
    return db.preparedQuery(HIDE_COMMENT).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> showComment(SqlClient db, long id) {
    return db.preparedQuery(SHOW_COMMENT).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> log(SqlClient db, Long groupId, long actorId, String action, String targetType, long targetId,
      String reason, String ground, String before, String after) {
    return db.preparedQuery(LOG).execute(Tuple.from(new Object[] {groupId, actorId, action, targetType, targetId, reason,
        ground, before, after})).mapEmpty();
  }

  Future<Boolean> decideAppeal(SqlClient db, long id, String outcome) {
    return db.preparedQuery(DECIDE_APPEAL).execute(Tuple.of(id, outcome)).map(rows -> rows.size() > 0);
  }

  Future<Boolean> decideNotice(SqlClient db, long id, String decision) {
    return db.preparedQuery(DECIDE_NOTICE).execute(Tuple.of(id, decision)).map(rows -> rows.size() > 0);
  }

  Future<Boolean> openFlagsExist(SqlClient db, String type, long id) {
    return db.preparedQuery("SELECT EXISTS (SELECT 1 FROM flags WHERE item_type = $1 AND item_id = $2 AND resolved_at IS NULL) AS e")
        .execute(Tuple.of(type, id)).map(rows -> rows.iterator().next().getBoolean("e"));
  }
}
