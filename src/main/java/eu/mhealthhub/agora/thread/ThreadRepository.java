package eu.mhealthhub.agora.thread;

import static eu.mhealthhub.agora.db.Rows.first;
import static eu.mhealthhub.agora.db.Rows.instant;
import static eu.mhealthhub.agora.db.Rows.list;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.TextLanguage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for threads and posts. Callers have already asked the group policy. */
final class ThreadRepository {

  private static final String SAVE_POSITIONS = """
      INSERT INTO read_positions (member_id, thread_id, position, updated_at)
      SELECT x.m, x.t, x.p, now() FROM unnest($1::bigint[], $2::bigint[], $3::int[]) AS x(m, t, p)
       WHERE EXISTS (SELECT 1 FROM threads WHERE id = x.t) AND EXISTS (SELECT 1 FROM members WHERE id = x.m)
      ON CONFLICT (member_id, thread_id)
      DO UPDATE SET position = GREATEST(read_positions.position, EXCLUDED.position), updated_at = now()
      """;

  private static final String SUMMARY_COLUMNS = """
      SELECT t.id, t.group_id, t.title, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count, lp.display_name AS last_poster,
             CASE WHEN $2::bigint > 0 THEN COALESCE(r.position, 0) ELSE -1 END AS read_position
        FROM threads t
        JOIN members a ON a.id = t.author_id
        LEFT JOIN members lp ON lp.id = t.last_poster_id
        LEFT JOIN read_positions r ON r.thread_id = t.id AND r.member_id = $2
      """;
  private static final String IN_GROUP = SUMMARY_COLUMNS
      + " WHERE t.group_id = $1 AND t.merged_into IS NULL AND (t.held_at IS NULL OR t.author_id = $2 OR $5)"
      + " ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT $3 OFFSET $4";
  /** A group page's threads: as many as {@code ThreadService} shows on one page, a constant the planner sees. */
  static final int GROUP_PAGE = 50;
  /**
   * A group page's threads ({@link #IN_GROUP}, $3 the offset, $4 whether held threads show) with the
   * viewer's ($2) subscription level to the group in the same statement: one row with a NULL thread when
   * the page has none. The page's size is written into the statement, not a parameter, so that the
   * generic plan a pooled connection keeps knows it reads 50 rows and walks threads_group_activity_idx.
   */
  private static final String GROUP_LISTING = """
      SELECT (SELECT s.level FROM group_subscriptions s WHERE s.member_id = $2 AND s.group_id = $1) AS group_level,
             listed.*
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (""" + SUMMARY_COLUMNS + """
       WHERE t.group_id = $1 AND t.merged_into IS NULL AND (t.held_at IS NULL OR t.author_id = $2 OR $4)
       ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT\s""" + GROUP_PAGE + """
       OFFSET $3) AS listed ON true
      """;
  private static final String THREAD = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count, t.merged_into, t.held_at IS NOT NULL AS held
        FROM threads t JOIN members a ON a.id = t.author_id
       WHERE t.id = $1
      """;
  private static final String LOCK_THREAD = THREAD + " FOR UPDATE OF t";
  /** The thread locked, with a would-be author's standing in its group (graduated trust), in one round trip. */
  private static final String LOCK_THREAD_FOR_AUTHOR = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count, t.merged_into, t.held_at IS NOT NULL AS held,
      """ + TrustRepository.STANDING_COLUMNS + """
        FROM threads t JOIN members a ON a.id = t.author_id JOIN working_groups g ON g.id = t.group_id
        LEFT JOIN group_memberships gm ON gm.group_id = t.group_id AND gm.member_id = $2
       WHERE t.id = $1
         FOR UPDATE OF t
      """;
  /**
   * The thread; its group with the viewer's role in it, to decide access (the columns of the group
   * feature's access query, so a thread page costs one query before its posts); and, for a
   * signed-in viewer, where they read up to and how they follow it. Its thread columns are named th_…,
   * since {@link #THREAD_PAGE} puts the page's posts (id, author_id, …) beside them in the same rows.
   */
  private static final String THREAD_FOR_VIEWER = """
      SELECT t.id AS th_id, t.group_id AS th_group_id, t.title AS th_title, t.author_id AS th_author_id,
             a.display_name AS th_author_name, t.created_at AS th_created_at, t.last_activity_at AS th_last_activity_at,
             t.pinned AS th_pinned, t.locked AS th_locked, t.post_count AS th_post_count,
             t.merged_into AS th_merged_into, t.held_at IS NOT NULL AS th_held,
             g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose, g.visibility AS group_visibility,
             g.join_policy AS group_join_policy, g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role,
             (SELECT r.position FROM read_positions r WHERE r.member_id = $2 AND r.thread_id = t.id) AS read_position,
             (SELECT s.level FROM thread_subscriptions s WHERE s.member_id = $2 AND s.thread_id = t.id) AS level,
             (SELECT max(e.seq) FROM live_events e WHERE e.address = 'thread.' || t.id) AS live_seq,
             -- the lines about threads split from or merged into this one (few threads have any); another
             -- group's thread is named by its number only, its title being that group's to show
             CASE WHEN EXISTS (SELECT 1 FROM thread_links l0 WHERE l0.thread_id = t.id) THEN
               (SELECT json_agg(json_build_object('kind', l.kind, 'other', l.other_thread_id,
                                                  'title', CASE WHEN o.group_id = t.group_id THEN o.title END,
                                                  'reason', l.reason, 'at', l.created_at) ORDER BY l.created_at, l.id)
                  FROM thread_links l JOIN threads o ON o.id = l.other_thread_id WHERE l.thread_id = t.id) END AS links
        FROM threads t JOIN members a ON a.id = t.author_id JOIN working_groups g ON g.id = t.group_id
       WHERE t.id = $1
      """;

  /** Posts that are not deleted, with their thread's group: what notifications about them depend on. */
  private static final String LIVE_POST_GROUPS = """
      SELECT p.id, t.group_id FROM posts p JOIN threads t ON t.id = p.thread_id
       WHERE p.id = ANY($1) AND p.deleted_at IS NULL AND p.held_at IS NULL
      """;

  /** The thread and its group with the viewer's role in it: {@link #THREAD_FOR_VIEWER} without the reading state. */
  private static final String THREAD_IN_GROUP = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count, t.merged_into, t.held_at IS NOT NULL AS held,
             g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose, g.visibility AS group_visibility,
             g.join_policy AS group_join_policy, g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role
        FROM threads t JOIN members a ON a.id = t.author_id JOIN working_groups g ON g.id = t.group_id
       WHERE t.id = $1
      """;

  /**
   * A post with its names, reactions and files. Most posts have neither reactions nor files: an
   * index probe first spares them the aggregating subqueries (NULL, read as empty), which cost
   * PostgreSQL about half of a thread page's posts query.
   */
  private static final String POST_COLUMNS = """
      SELECT p.id, p.thread_id, p.position, p.author_id, a.display_name AS author_name, a.handle AS author_handle,
             p.reply_to_post_id, ra.display_name AS reply_to_author, p.body_markdown, p.body_html, p.revision,
             p.created_at, p.edited_at, p.deleted_at IS NOT NULL AS deleted, d.display_name AS deleted_by_name,
             p.delete_reason, p.moderator_edited, p.held_reason, p.declaration_version, av.version AS author_avatar,
             CASE WHEN EXISTS (SELECT 1 FROM reactions r0 WHERE r0.post_id = p.id) THEN
               (SELECT json_agg(json_build_object('kind', x.kind, 'count', x.n, 'mine', x.mine))
                  FROM (SELECT kind, count(*) AS n, bool_or(member_id = $2) AS mine
                          FROM reactions WHERE post_id = p.id GROUP BY kind) x) END AS reactions,
             CASE WHEN EXISTS (SELECT 1 FROM attachments f0 WHERE f0.post_id = p.id) THEN
               (SELECT json_agg(json_build_object('id', f.id, 'name', f.file_name, 'type', f.content_type,
                                                  'size', f.size_bytes) ORDER BY f.id)
                  FROM attachments f WHERE f.post_id = p.id) END AS attachments
        FROM posts p
        JOIN members a ON a.id = p.author_id
        LEFT JOIN member_avatars av ON av.member_id = p.author_id
        LEFT JOIN posts rp ON rp.id = p.reply_to_post_id
        LEFT JOIN members ra ON ra.id = rp.author_id
        LEFT JOIN members d ON d.id = p.deleted_by
      """;
  /**
   * {@link #POST_COLUMNS} with each post's Markdown source only when $5 asks for it: the JSON API shows it,
   * the HTML page does not (it shows the stored HTML; quoting and editing read the source of one post).
   */
  private static final String PAGE_POST_COLUMNS = replaced(POST_COLUMNS, " p.body_markdown,",
      " CASE WHEN $5 THEN p.body_markdown END AS body_markdown,");

  /** {@code sql} with {@code column} replaced; fails at start-up, not silently, should {@code sql} no longer hold it. */
  private static String replaced(String sql, String column, String by) {
    if (!sql.contains(column)) {
      throw new IllegalStateException("no '" + column.strip() + "' to replace in " + sql);
    }
    return sql.replace(column, by);
  }
  /**
   * A thread page in one statement (stop 15: it was two, the thread and then its posts): the thread,
   * its group and the viewer's ($2) reading state ({@link #THREAD_FOR_VIEWER}), then, in the same rows,
   * the posts at positions $3 to $4 and, when that range reaches the thread's last post, the thread's held
   * posts (a held post's position is minus its id) for a signed-in viewer; one row with NULL post columns
   * when there is none. Nothing here decides who reads what: ThreadService applies the group's read rule,
   * the page's bounds and which held posts the viewer sees (their author and the group's moderators) to
   * the rows, as it did to the two statements' results. Two branches, not one condition with OR (stop 14):
   * each is an index range of its own in the generic plan a pooled connection keeps (the page's
   * positions; the held posts' partial index), the second skipped unless it is the last page.
   *
   * <p>{@code OFFSET 0} keeps the thread's part a subquery of its own. Without it PostgreSQL pulls the
   * subquery up into the join, and its correlated subqueries (the viewer's role, reading position and
   * subscription, the live sequence, the links) are evaluated for every output row: 20 times on a page
   * of 20 posts. That cost more than the round trip saved by reading the posts in the same statement
   * (stop 15's quiet run: PostgreSQL 824 µs a view against 633 with two statements);
   * {@code PageQueryPlansTest.threadPageAsksOnce} fails without it.
   */
  private static final String THREAD_PAGE = "SELECT tv.*, shown.* FROM (" + THREAD_FOR_VIEWER + """
       OFFSET 0) tv LEFT JOIN LATERAL (""" + PAGE_POST_COLUMNS + """
       WHERE p.thread_id = tv.th_id AND p.position BETWEEN $3 AND $4
      UNION ALL
      """ + PAGE_POST_COLUMNS + """
       WHERE $2 > 0 AND tv.th_post_count <= $4 AND p.thread_id = tv.th_id AND p.held_at IS NOT NULL
         AND NOT (p.position BETWEEN $3 AND $4)
      ) shown ON true
       ORDER BY shown.position < 0, abs(shown.position)
      """;
  private static final String POST = POST_COLUMNS + " WHERE p.id = $1";
  private static final String POST_BY_TOKEN = "SELECT id FROM posts WHERE author_id = $1 AND client_token = $2";
  private static final String THREAD_BY_TOKEN = "SELECT id FROM threads WHERE author_id = $1 AND client_token = $2";

  private static final String INSERT_THREAD = """
      INSERT INTO threads (group_id, title, author_id, client_token, created_at, last_activity_at)
      VALUES ($1, $2, $3, $4, COALESCE($5, now()), COALESCE($5, now()))
      ON CONFLICT (author_id, client_token) WHERE client_token IS NOT NULL DO NOTHING
      RETURNING id
      """;
  /** A post, its first revision, and the thread's count and last activity, in one statement. */
  private static final String INSERT_POST = """
      WITH p AS (
        INSERT INTO posts (thread_id, position, author_id, reply_to_post_id, body_markdown, body_html, client_token, created_at,
                           language)
        VALUES ($1, $2, $3, $4, $5, $6, $7, COALESCE($8, now()), COALESCE($9, 'simple'))
        RETURNING id, author_id, body_markdown, body_html, created_at),
      touched AS (
        UPDATE threads SET post_count = post_count + 1, last_post_id = (SELECT id FROM p), last_poster_id = $3,
               last_activity_at = COALESCE($8, now()),
               -- a thread's title is indexed in its opening post's language
               language = CASE WHEN $2 = 1 THEN COALESCE($9, 'simple') ELSE language END
         WHERE id = $1
        RETURNING group_id),
      -- a published post is an approved one: its author's trust in the group grows (thread.TrustRepository)
      counted AS (
        UPDATE group_memberships SET approved_posts = approved_posts + 1, first_approved_at = COALESCE(first_approved_at, now())
         WHERE group_id = (SELECT group_id FROM touched) AND member_id = $3)
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html, created_at)
      SELECT id, 1, author_id, body_markdown, body_html, created_at FROM p
      RETURNING post_id
      """;
  /**
   * A post held for approval: it takes no place in its thread (its position is minus its id, outside
   * every page's range) and leaves the thread's count and last activity alone.
   */
  private static final String INSERT_HELD_POST = """
      WITH n AS (SELECT nextval(pg_get_serial_sequence('posts', 'id')) AS id),
      p AS (
        INSERT INTO posts (id, thread_id, position, author_id, reply_to_post_id, body_markdown, body_html, client_token,
                           language, held_at, held_reason)
        SELECT n.id, $1, -n.id::integer, $2, $3, $4, $5, $6, COALESCE($7, 'simple'), now(), $8 FROM n
        RETURNING id, author_id, body_markdown, body_html, created_at)
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html, created_at)
      SELECT id, 1, author_id, body_markdown, body_html, created_at FROM p
      RETURNING post_id
      """;
  private static final String HOLD_THREAD = "UPDATE threads SET held_at = now() WHERE id = $1";
  /** Approval: the post takes the thread's next position, as if it had just been posted. */
  private static final String APPROVE_HELD = """
      WITH p AS (
        UPDATE posts SET held_at = NULL, held_reason = NULL, position = $2
         WHERE id = $1 AND held_at IS NOT NULL AND deleted_at IS NULL
        RETURNING id, thread_id, author_id)
      , touched AS (
      UPDATE threads t SET post_count = post_count + 1, last_post_id = p.id, last_poster_id = p.author_id,
             last_activity_at = now(), held_at = NULL
        FROM p WHERE t.id = p.thread_id
      RETURNING p.id, p.author_id, t.group_id)
      UPDATE group_memberships gm SET approved_posts = approved_posts + 1, first_approved_at = COALESCE(first_approved_at, now())
        FROM touched WHERE gm.group_id = touched.group_id AND gm.member_id = touched.author_id
      RETURNING touched.id
      """;
  private static final String REJECT_HELD = """
      UPDATE posts SET deleted_at = now(), deleted_by = $2, delete_reason = $3
       WHERE id = $1 AND held_at IS NOT NULL AND deleted_at IS NULL
      RETURNING id
      """;
  private static final String REPLY_TARGET = "SELECT id FROM posts WHERE id = $1 AND thread_id = $2 AND held_at IS NULL";
  private static final String EDIT = """
      UPDATE posts SET body_markdown = $3, body_html = $4, revision = revision + 1, edited_at = now(),
             -- a held post its moderator rejected is resubmitted by its author's edit: held again
             held_at = CASE WHEN held_at IS NULL THEN NULL ELSE now() END,
             deleted_at = CASE WHEN held_at IS NULL THEN deleted_at END,
             deleted_by = CASE WHEN held_at IS NULL THEN deleted_by END,
             delete_reason = CASE WHEN held_at IS NULL THEN delete_reason ELSE '' END
       WHERE id = $1 AND revision = $2 AND (deleted_at IS NULL OR held_at IS NOT NULL)
      RETURNING revision
      """;
  private static final String ADD_REVISION = """
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES ($1, $2, $3, $4, $5)
      """;
  private static final String REVISIONS = """
      SELECT r.revision, m.display_name AS editor_name, r.body_markdown, r.created_at, r.note, r.by_moderator
        FROM post_revisions r JOIN members m ON m.id = r.editor_id
       WHERE r.post_id = $1 ORDER BY r.revision
      """;
  private static final String DELETE = """
      UPDATE posts SET deleted_at = now(), deleted_by = $2, delete_reason = $3 WHERE id = $1 AND deleted_at IS NULL
      RETURNING id
      """;
  // deleted_by stays NULL: a post hidden by flags is one no member deleted, and the page says so
  private static final String HOLD_FOR_REVIEW = """
      UPDATE posts SET deleted_at = now(), deleted_by = NULL, delete_reason = '' WHERE id = $1 AND deleted_at IS NULL
      RETURNING id
      """;
  private static final String RESTORE = """
      UPDATE posts SET deleted_at = NULL, deleted_by = NULL, delete_reason = '' WHERE id = $1 AND deleted_at IS NOT NULL
         AND NOT erased -- a post its author erased with their account is gone for good (GDPR Art. 17)
      RETURNING id
      """;
  private static final String ADD_REACTION = "INSERT INTO reactions (post_id, member_id, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING kind";
  private static final String REMOVE_REACTION = "DELETE FROM reactions WHERE post_id = $1 AND member_id = $2 AND kind = $3 RETURNING kind";
  private static final String WHO_REACTED = """
      SELECT r.kind, m.display_name FROM reactions r JOIN members m ON m.id = r.member_id
       WHERE r.post_id = $1 ORDER BY r.kind, r.created_at
      """;
  private static final String SET_PINNED = "UPDATE threads SET pinned = $2 WHERE id = $1";
  private static final String SET_LOCKED = "UPDATE threads SET locked = $2 WHERE id = $1";
  private static final String MOVE = "UPDATE threads SET group_id = $2, moved_from = $3 WHERE id = $1";
  private static final String MENTIONABLE = """
      SELECT m.id, m.handle, m.display_name FROM members m
       WHERE lower(m.handle) = ANY($1)
         AND ($2::bigint IS NULL OR m.is_admin
              OR EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.group_id = $2 AND gm.member_id = m.id))
      """;
  private static final String ADD_MENTION = "INSERT INTO post_mentions (post_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  private static final String SUGGEST = """
      SELECT m.handle, m.display_name, m.affiliation, m.stakeholder_type FROM members m
       WHERE (lower(m.handle) LIKE $1 ESCAPE '\\' OR lower(m.display_name) LIKE $1 ESCAPE '\\'
              OR lower(m.display_name) LIKE $3 ESCAPE '\\')
         AND ($2::bigint IS NULL
              OR EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.group_id = $2 AND gm.member_id = m.id))
       ORDER BY lower(m.handle) LIMIT 8
      """;
  /** How much of a post's stored HTML the member page reads for its excerpt (see {@link #BY_AUTHOR}). */
  static final int EXCERPT_SOURCE = 4000;
  /**
   * A member ($1)'s latest visible posts in the active groups the viewer ($2, -1: nobody; $3: an admin)
   * may read, newest first, at most $4: one walk of the author's posts by time (posts_author_created_idx)
   * that stops at the limit; each post's group with the viewer's role in it, for GroupPolicy.canRead; the
   * stored HTML's first {@link #EXCERPT_SOURCE} characters for the excerpt, and whether there is more.
   */
  private static final String BY_AUTHOR = "SELECT p.id, t.title, p.created_at, left(p.body_html, " + EXCERPT_SOURCE
      + ") AS html_head, length(p.body_html) > " + EXCERPT_SOURCE + " AS html_cut," + """
             g.id AS group_id, g.slug AS group_slug, g.name AS group_name, g.visibility, v.role AS viewer_role
        FROM posts p JOIN threads t ON t.id = p.thread_id JOIN working_groups g ON g.id = p.group_id
        LEFT JOIN group_memberships v ON v.group_id = g.id AND v.member_id = $2
       WHERE p.author_id = $1 AND p.deleted_at IS NULL AND p.held_at IS NULL AND t.held_at IS NULL
         AND g.archived_at IS NULL AND (g.visibility <> 'closed' OR $3 OR v.member_id IS NOT NULL)
       ORDER BY p.created_at DESC LIMIT $4
      """;
  private static final String SUBSCRIBE_THREAD = """
      INSERT INTO thread_subscriptions (member_id, thread_id, level) VALUES ($1, $2, $3)
      ON CONFLICT (member_id, thread_id) DO UPDATE SET level = EXCLUDED.level
      """;
  private static final String UNSUBSCRIBE_THREAD = "DELETE FROM thread_subscriptions WHERE member_id = $1 AND thread_id = $2";
  private static final String SUBSCRIBE_GROUP = """
      INSERT INTO group_subscriptions (member_id, group_id, level) VALUES ($1, $2, $3)
      ON CONFLICT (member_id, group_id) DO UPDATE SET level = EXCLUDED.level
      """;
  private static final String UNSUBSCRIBE_GROUP = "DELETE FROM group_subscriptions WHERE member_id = $1 AND group_id = $2";
  private static final String READ_POSITION = "SELECT position FROM read_positions WHERE member_id = $1 AND thread_id = $2";

  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /** A member a post may mention. */
  record Mentionable(long id, String handle) {}

  /** A revision of a post's text. */
  record Revision(int revision, String editorName, String bodyMarkdown, Instant createdAt, String note, boolean byModerator) {}

  private static ThreadSummary summary(Row row) {
    return new ThreadSummary(row.getLong("id"), row.getLong("group_id"), row.getString("title"),
        row.getString("author_name"), instant(row, "created_at"), instant(row, "last_activity_at"),
        row.getInteger("post_count"), row.getString("last_poster"), row.getBoolean("pinned"),
        row.getBoolean("locked"), row.getInteger("read_position"));
  }

  private static ForumThread thread(Row row) {
    return new ForumThread(row.getLong("id"), row.getLong("group_id"), row.getString("title"), row.getLong("author_id"),
        row.getString("author_name"), instant(row, "created_at"), instant(row, "last_activity_at"),
        row.getBoolean("pinned"), row.getBoolean("locked"), row.getInteger("post_count"), row.getLong("merged_into"),
        row.getBoolean("held"));
  }

  /** A JSON array column; NULL (no reactions, no files: most posts) is empty, without parsing anything. */
  private static JsonArray json(Row row, String column) {
    Object v = row.getValue(column);
    return v == null ? new JsonArray() : v instanceof JsonArray a ? a : new JsonArray(String.valueOf(v));
  }

  private static Post post(Row row) {
    List<Post.ReactionCount> reactions = new ArrayList<>();
    JsonArray r = json(row, "reactions");
    for (Reactions.Kind kind : Reactions.KINDS) {
      for (int i = 0; i < r.size(); i++) {
        JsonObject o = r.getJsonObject(i);
        if (kind.name().equals(o.getString("kind"))) {
          reactions.add(new Post.ReactionCount(kind.name(), o.getInteger("count"), o.getBoolean("mine", false)));
        }
      }
    }
    List<Post.AttachmentInfo> files = new ArrayList<>();
    JsonArray f = json(row, "attachments");
    for (int i = 0; i < f.size(); i++) {
      JsonObject o = f.getJsonObject(i);
      files.add(new Post.AttachmentInfo(o.getLong("id"), o.getString("name"), o.getString("type"), o.getLong("size")));
    }
    return new Post(row.getLong("id"), row.getLong("thread_id"), row.getInteger("position"), row.getLong("author_id"),
        row.getString("author_name"), row.getString("author_handle"), row.getLong("reply_to_post_id"),
        row.getString("reply_to_author"), row.getString("body_markdown"), row.getString("body_html"),
        row.getInteger("revision"), instant(row, "created_at"), instant(row, "edited_at"), row.getBoolean("deleted"),
        row.getString("deleted_by_name"), row.getString("delete_reason"), List.copyOf(reactions), List.copyOf(files),
        row.getBoolean("moderator_edited"), row.getString("held_reason"), row.getInteger("declaration_version"),
        row.getString("author_avatar"));
  }

  /** Threads of a group; those whose opening post is held only for their author, or for all when {@code seesHeld}. */
  Future<List<ThreadSummary>> inGroup(SqlClient db, long groupId, Long viewerId, int limit, int offset, boolean seesHeld) {
    return db.preparedQuery(IN_GROUP).execute(Tuple.of(groupId, viewerId == null ? 0L : viewerId, limit, offset, seesHeld))
        .map(rows -> {
          List<ThreadSummary> list = new ArrayList<>();
          rows.forEach(row -> list.add(summary(row)));
          return list;
        });
  }

  /** A page of a group's threads, as {@link #inGroup} lists them, and the viewer's level for the group. */
  Future<GroupListing> groupListing(SqlClient db, long groupId, Long viewerId, int offset, boolean seesHeld) {
    return db.preparedQuery(GROUP_LISTING).execute(Tuple.of(groupId, viewerId == null ? 0L : viewerId, offset, seesHeld))
        .map(rows -> {
          List<ThreadSummary> list = new ArrayList<>();
          String level = null;
          for (Row row : rows) {
            level = row.getString("group_level");
            if (row.getValue("id") != null) {
              list.add(summary(row));
            }
          }
          return new GroupListing(list, SubscriptionLevel.ofRow(level));
        });
  }

  Future<Optional<ForumThread>> thread(SqlClient db, long id) {
    return db.preparedQuery(THREAD).execute(Tuple.of(id)).map(rows -> first(rows, ThreadRepository::thread));
  }

  /**
   * What {@link #THREAD_PAGE} reads: the group is not yet checked against the policy, and {@code posts}
   * holds every held post of the thread on its last page, whoever may see them.
   */
  record ThreadForViewer(ForumThread thread, WorkingGroup group, int readPosition, SubscriptionLevel level, long liveSeq,
      List<ThreadLink> links, List<Post> posts) {}

  /**
   * The thread with its group, the viewer's read position (0 if never) and subscription level, and the
   * posts at positions {@code from} to {@code to} (with the held posts after them when that is the end);
   * their Markdown sources are read only {@code withSource} (null otherwise).
   */
  Future<Optional<ThreadForViewer>> threadPage(SqlClient db, long id, long viewerId, int from, int to, boolean withSource) {
    return db.preparedQuery(THREAD_PAGE).execute(Tuple.of(id, viewerId, from, to, withSource)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      Integer position = r.getInteger("read_position");
      Long liveSeq = r.getLong("live_seq");
      ForumThread thread = new ForumThread(r.getLong("th_id"), r.getLong("th_group_id"), r.getString("th_title"),
          r.getLong("th_author_id"), r.getString("th_author_name"), instant(r, "th_created_at"),
          instant(r, "th_last_activity_at"), r.getBoolean("th_pinned"), r.getBoolean("th_locked"),
          r.getInteger("th_post_count"), r.getLong("th_merged_into"), r.getBoolean("th_held"));
      WorkingGroup group = new WorkingGroup(thread.groupId(), r.getString("group_slug"), r.getString("group_name"),
          r.getString("group_purpose"), "closed".equals(r.getString("group_visibility")),
          "open".equals(r.getString("group_join_policy")), r.getBoolean("group_archived"), 0, 0,
          r.getString("group_viewer_role"), 0);
      List<ThreadLink> links = new ArrayList<>();
      JsonArray l = json(r, "links");
      for (int i = 0; i < l.size(); i++) {
        JsonObject o = l.getJsonObject(i);
        links.add(new ThreadLink(o.getString("kind"), o.getLong("other"), o.getString("title"), o.getString("reason"),
            java.time.OffsetDateTime.parse(o.getString("at")).toInstant()));
      }
      List<Post> posts = new ArrayList<>();
      for (Row row : rows) {
        if (row.getValue("id") != null) {
          posts.add(post(row));
        }
      }
      return Optional.of(new ThreadForViewer(thread, group, position == null ? 0 : position,
          SubscriptionLevel.ofRow(r.getString("level")), liveSeq == null ? 0L : liveSeq, List.copyOf(links),
          posts));
    });
  }

  /** What {@link #THREAD_IN_GROUP} reads: the group is not yet checked against the policy. */
  record ThreadInGroup(ForumThread thread, WorkingGroup group) {}

  /** The thread with its group, as {@link #threadForViewer} reads them, in one query. */
  Future<Optional<ThreadInGroup>> threadInGroup(SqlClient db, long id, long viewerId) {
    return db.preparedQuery(THREAD_IN_GROUP).execute(Tuple.of(id, viewerId)).map(rows -> first(rows, r ->
        new ThreadInGroup(thread(r), new WorkingGroup(r.getLong("group_id"), r.getString("group_slug"),
            r.getString("group_name"), r.getString("group_purpose"), "closed".equals(r.getString("group_visibility")),
            "open".equals(r.getString("group_join_policy")), r.getBoolean("group_archived"), 0, 0,
            r.getString("group_viewer_role"), 0))));
  }

  /** A thread locked for a new post, with the author's standing in its group. */
  record LockedForAuthor(ForumThread thread, TrustRepository.Standing standing) {}

  Future<Optional<LockedForAuthor>> lockThreadFor(SqlClient db, long id, long authorId) {
    return db.preparedQuery(LOCK_THREAD_FOR_AUTHOR).execute(Tuple.of(id, authorId))
        .map(rows -> first(rows, r -> new LockedForAuthor(thread(r), TrustRepository.standing(r))));
  }

  Future<Optional<ForumThread>> lockThread(SqlClient db, long id) {
    return db.preparedQuery(LOCK_THREAD).execute(Tuple.of(id)).map(rows -> first(rows, ThreadRepository::thread));
  }

  Future<Optional<Post>> post(SqlClient db, long postId, Long viewerId) {
    return db.preparedQuery(POST).execute(Tuple.of(postId, viewerId == null ? 0L : viewerId))
        .map(rows -> first(rows, ThreadRepository::post));
  }

  /** Stores a post held for approval (see {@link #INSERT_HELD_POST}); completes with its id. */
  Future<Long> insertHeldPost(SqlClient db, long threadId, long authorId, Long replyTo, String markdown, String html,
      String token, TextLanguage language, String reason) {
    return db.preparedQuery(INSERT_HELD_POST)
        .execute(Tuple.from(new Object[] {threadId, authorId, replyTo, markdown, html, token,
            language == null ? null : language.code(), reason}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> holdThread(SqlClient db, long threadId) {
    return db.preparedQuery(HOLD_THREAD).execute(Tuple.of(threadId)).mapEmpty();
  }

  /** Publishes a held post at {@code position}; false when it is not (or no longer) awaiting approval. */
  Future<Boolean> approveHeld(SqlClient db, long postId, int position) {
    return db.preparedQuery(APPROVE_HELD).execute(Tuple.of(postId, position)).map(rows -> rows.size() > 0);
  }

  /** Rejects a held post with a reason; false when it is not awaiting approval. */
  Future<Boolean> rejectHeld(SqlClient db, long postId, long by, String reason) {
    return db.preparedQuery(REJECT_HELD).execute(Tuple.of(postId, by, reason)).map(rows -> rows.size() > 0);
  }

  /** The post a member already made with this form token, if any: a resubmitted form finds it. */
  Future<Optional<Long>> postByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(POST_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Optional<Long>> threadByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(THREAD_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /** Inserts a thread; empty when this author already made one with the same token. */
  /** A new thread, or empty when the author's token made one before; {@code at} null is now (else a seeded past). */
  Future<Optional<Long>> insertThread(SqlClient db, long groupId, String title, long authorId, String token, Instant at) {
    return db.preparedQuery(INSERT_THREAD).execute(Tuple.of(groupId, title, authorId, token, utc(at)))
        .map(rows -> first(rows, r -> r.getLong(0)));
  }

  /**
   * A new post, counted in its thread; {@code at} null is now (else a seeded past); {@code language}
   * null is simple (indexed unstemmed).
   */
  Future<Long> insertPost(SqlClient db, long threadId, int position, long authorId, Long replyTo, String markdown,
      String html, String token, Instant at, TextLanguage language) {
    return db.preparedQuery(INSERT_POST)
        .execute(Tuple.from(new Object[] {threadId, position, authorId, replyTo, markdown, html, token, utc(at),
            language == null ? null : language.code()}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  private static java.time.OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(java.time.ZoneOffset.UTC);
  }

  Future<Boolean> replyTargetInThread(SqlClient db, long postId, long threadId) {
    return db.preparedQuery(REPLY_TARGET).execute(Tuple.of(postId, threadId)).map(rows -> rows.size() > 0);
  }

  /** Saves a new revision if the post is still at {@code baseRevision}; empty when it moved on. */
  Future<Optional<Integer>> edit(SqlClient db, long postId, int baseRevision, long editorId, String markdown, String html) {
    return db.preparedQuery(EDIT).execute(Tuple.of(postId, baseRevision, markdown, html))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(Optional.<Integer>empty())
            : db.preparedQuery(ADD_REVISION)
                .execute(Tuple.of(postId, rows.iterator().next().getInteger(0), editorId, markdown, html))
                .map(v -> Optional.of(baseRevision + 1)));
  }

  Future<List<Revision>> revisions(SqlClient db, long postId) {
    return db.preparedQuery(REVISIONS).execute(Tuple.of(postId))
        .map(rows -> list(rows, r -> new Revision(r.getInteger("revision"), r.getString("editor_name"),
          r.getString("body_markdown"), instant(r, "created_at"), r.getString("note"), r.getBoolean("by_moderator"))));
  }

  Future<Boolean> delete(SqlClient db, long postId, long by, String reason) {
    return db.preparedQuery(DELETE).execute(Tuple.of(postId, by, reason)).map(rows -> rows.size() > 0);
  }

  /** Hides a post pending review (no member did it: flags from several did); false when it was hidden already. */
  Future<Boolean> holdForReview(SqlClient db, long postId) {
    return db.preparedQuery(HOLD_FOR_REVIEW).execute(Tuple.of(postId)).map(rows -> rows.size() > 0);
  }

  private static final String RESOLVE_FLAGS = """
      UPDATE flags SET resolved_at = now() WHERE item_type = 'post' AND item_id = $1 AND resolved_at IS NULL
      """;

  /** Settles a post's open flags (the moderation feature's table: a restore decides them). */
  Future<Void> resolveFlags(SqlClient db, long postId) {
    return db.preparedQuery(RESOLVE_FLAGS).execute(Tuple.of(postId)).mapEmpty();
  }

  Future<Boolean> restore(SqlClient db, long postId) {
    return db.preparedQuery(RESTORE).execute(Tuple.of(postId)).map(rows -> rows.size() > 0);
  }

  /** Adds the reaction, or removes it when the member had it; completes with whether it is now set. */
  Future<Boolean> toggleReaction(SqlClient db, long postId, long memberId, String kind) {
    return db.preparedQuery(REMOVE_REACTION).execute(Tuple.of(postId, memberId, kind)).compose(removed -> removed.size() > 0
        ? Future.succeededFuture(false)
        : db.preparedQuery(ADD_REACTION).execute(Tuple.of(postId, memberId, kind)).map(true));
  }

  Future<List<Reaction>> whoReacted(SqlClient db, long postId) {
    return db.preparedQuery(WHO_REACTED).execute(Tuple.of(postId))
        .map(rows -> list(rows, r -> new Reaction(r.getString(0), r.getString(1))));
  }

  Future<Void> setPinned(SqlClient db, long threadId, boolean pinned) {
    return db.preparedQuery(SET_PINNED).execute(Tuple.of(threadId, pinned)).mapEmpty();
  }

  Future<Void> setLocked(SqlClient db, long threadId, boolean locked) {
    return db.preparedQuery(SET_LOCKED).execute(Tuple.of(threadId, locked)).mapEmpty();
  }

  Future<Void> move(SqlClient db, long threadId, long toGroup, long fromGroup) {
    return db.preparedQuery(MOVE).execute(Tuple.of(threadId, toGroup, fromGroup)).mapEmpty();
  }

  /**
   * Members with these handles (lower-case) who may read the group: for a closed group its
   * members and admins, for a public group ({@code closedGroupId} null) everyone.
   */
  Future<List<Mentionable>> mentionable(SqlClient db, List<String> handles, Long closedGroupId) {
    return db.preparedQuery(MENTIONABLE).execute(Tuple.of(handles.toArray(new String[0]), closedGroupId))
        .map(rows -> list(rows, r -> new Mentionable(r.getLong(0), r.getString(1))));
  }

  /** Records a mention; true when it is new (an edit that keeps a mention records nothing again). */
  Future<Boolean> addMention(SqlClient db, long postId, long memberId) {
    return db.preparedQuery(ADD_MENTION).execute(Tuple.of(postId, memberId)).map(rows -> rows.rowCount() == 1);
  }

  Future<List<MentionSuggestion>> suggest(SqlClient db, String prefix, Long closedGroupId) {
    String p = prefix.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    return db.preparedQuery(SUGGEST).execute(Tuple.of(p + "%", closedGroupId, "% " + p + "%"))
        .map(rows -> list(rows, r -> new MentionSuggestion(r.getString(0), r.getString(1), r.getString(2), r.getString(3))));
  }

  /** A post of the member page's list, with its group as the viewer sees it and the head of its stored HTML. */
  record ByAuthor(long postId, String threadTitle, Instant createdAt, String htmlHead, boolean htmlCut, WorkingGroup group) {}

  /**
   * The author's latest posts in the active groups the viewer may read (by the same rule as GroupPolicy.canRead,
   * which the caller applies again), newest first: one statement.
   */
  Future<List<ByAuthor>> byAuthor(SqlClient db, long authorId, Long viewerId, boolean admin, int limit) {
    return db.preparedQuery(BY_AUTHOR).execute(Tuple.of(authorId, viewerId == null ? -1L : viewerId, admin, limit))
        .map(rows -> list(rows, r -> new ByAuthor(r.getLong("id"), r.getString("title"), instant(r, "created_at"),
            r.getString("html_head"), r.getBoolean("html_cut"),
            new WorkingGroup(r.getLong("group_id"), r.getString("group_slug"), r.getString("group_name"), "",
                "closed".equals(r.getString("visibility")), false, false, 0, 0, r.getString("viewer_role"), 0))));
  }

  Future<Void> setThreadLevel(SqlClient db, long memberId, long threadId, SubscriptionLevel level) {
    return level == SubscriptionLevel.NORMAL
        ? db.preparedQuery(UNSUBSCRIBE_THREAD).execute(Tuple.of(memberId, threadId)).mapEmpty()
        : db.preparedQuery(SUBSCRIBE_THREAD).execute(Tuple.of(memberId, threadId, level.value())).mapEmpty();
  }

  Future<Void> setGroupLevel(SqlClient db, long memberId, long groupId, SubscriptionLevel level) {
    return level == SubscriptionLevel.NORMAL
        ? db.preparedQuery(UNSUBSCRIBE_GROUP).execute(Tuple.of(memberId, groupId)).mapEmpty()
        : db.preparedQuery(SUBSCRIBE_GROUP).execute(Tuple.of(memberId, groupId, level.value())).mapEmpty();
  }

  Future<Integer> readPosition(SqlClient db, long memberId, long threadId) {
    return db.preparedQuery(READ_POSITION).execute(Tuple.of(memberId, threadId))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }

  Future<Void> log(SqlClient db, long groupId, long actorId, String action, String targetType, long targetId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, targetType, targetId, detail)).mapEmpty();
  }

  /** An audit log entry with its reason and the state before and after. */
  Future<Void> logReasoned(SqlClient db, long groupId, long actorId, String action, String targetType, long targetId,
      String reason, String before, String after) {
    return db.preparedQuery("""
        INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, before_value, after_value)
        VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)
        """).execute(Tuple.from(new Object[] {groupId, actorId, action, targetType, targetId, reason, before, after})).mapEmpty();
  }

  /** Keeps the greatest read position of each member and thread, for threads and members that still exist. */
  Future<Void> savePositions(SqlClient db, List<Long> members, List<Long> threads, List<Integer> positions) {
    return db.preparedQuery(SAVE_POSITIONS)
        .execute(Tuple.of(members.toArray(new Long[0]), threads.toArray(new Long[0]), positions.toArray(new Integer[0])))
        .mapEmpty();
  }

  /** Post id to its group's id, for the posts among {@code ids} that exist and are not deleted. */
  Future<java.util.Map<Long, Long>> livePostGroups(SqlClient db, java.util.Set<Long> ids) {
    return pairs(db, LIVE_POST_GROUPS, ids);
  }

  private static Future<java.util.Map<Long, Long>> pairs(SqlClient db, String sql, java.util.Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(java.util.Map.of());
    }
    return db.preparedQuery(sql).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new))).map(rows -> {
      java.util.Map<Long, Long> found = new java.util.HashMap<>();
      rows.forEach(r -> found.put(r.getLong(0), r.getLong(1)));
      return found;
    });
  }

  // ---- thread surgery: split, merge (issue 13 point 3). Callers lock the threads first.

  private static final String LOCK_THREADS = "SELECT id, merged_into FROM threads WHERE id = ANY($1) ORDER BY id FOR UPDATE";
  /** The post at a position of a thread, for a split: id and when it was written. */
  private static final String POST_AT = "SELECT id FROM posts WHERE thread_id = $1 AND position = $2";
  /** A new thread opened by the first post split off into it: its author, time and language. */
  private static final String INSERT_SPLIT_THREAD = """
      INSERT INTO threads (group_id, title, author_id, created_at, last_activity_at, language)
      SELECT $1, $2, p.author_id, p.created_at, p.created_at, p.language FROM posts p WHERE p.id = $3
      RETURNING id
      """;
  private static final String MOVE_POSTS_FROM = """
      UPDATE posts SET thread_id = $2, position = position - $3 + 1 WHERE thread_id = $1 AND position >= $3
      """;
  private static final String SPLIT_READ_POSITIONS = """
      WITH copied AS (
        INSERT INTO read_positions (member_id, thread_id, position)
        SELECT member_id, $2, position - $3 + 1 FROM read_positions WHERE thread_id = $1 AND position >= $3
        ON CONFLICT (member_id, thread_id) DO NOTHING)
      UPDATE read_positions SET position = $3 - 1, updated_at = now() WHERE thread_id = $1 AND position >= $3
      """;
  /**
   * Where each reader of A or B has read up to in B once A's posts are in it, in time order: just
   * before the first post (in the new order) they had not read in its old thread.
   */
  private static final String MERGE_READ_POSITIONS = """
      WITH mapping AS (
        SELECT thread_id, position, row_number() OVER (ORDER BY created_at, id) AS new_position
          FROM posts WHERE thread_id IN ($1, $2) AND held_at IS NULL),
      readers AS (SELECT DISTINCT member_id FROM read_positions WHERE thread_id IN ($1, $2)),
      computed AS (
        SELECT r.member_id,
               COALESCE((SELECT min(m.new_position) - 1 FROM mapping m
                          WHERE m.position > COALESCE((SELECT rp.position FROM read_positions rp
                                                        WHERE rp.member_id = r.member_id AND rp.thread_id = m.thread_id), 0)),
                        (SELECT count(*) FROM mapping)) AS position
          FROM readers r)
      INSERT INTO read_positions (member_id, thread_id, position)
      SELECT member_id, $2, position::int FROM computed
      ON CONFLICT (member_id, thread_id) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
      """;
  private static final String DROP_READ_POSITIONS = "DELETE FROM read_positions WHERE thread_id = $1";
  // positions are UNIQUE per thread and checked row by row: move both threads' posts out of the
  // way first, then number them 1, 2, ... in the order they were written. Posts held for approval
  // take no place (their position is minus their id) and keep it, wherever they move.
  private static final String PARK_POSITIONS = "UPDATE posts SET position = position + 1000000 WHERE thread_id = $1 AND held_at IS NULL";
  private static final String PARK_INTO = "UPDATE posts SET thread_id = $2,"
      + " position = CASE WHEN held_at IS NULL THEN position + 2000000 ELSE position END WHERE thread_id = $1";
  private static final String RENUMBER = """
      UPDATE posts p SET position = m.n
        FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM posts WHERE thread_id = $1 AND held_at IS NULL) m
       WHERE p.id = m.id
      """;
  /** A thread's count, last post and last activity, from its posts. */
  private static final String RECOUNT = """
      UPDATE threads t SET post_count = c.n,
             last_post_id = c.last_id, last_poster_id = c.last_author,
             last_activity_at = COALESCE(c.last_at, t.created_at)
        FROM (SELECT count(*)::int AS n, (array_agg(id ORDER BY position DESC))[1] AS last_id,
                     (array_agg(author_id ORDER BY position DESC))[1] AS last_author, max(created_at) AS last_at
                FROM posts WHERE thread_id = $1 AND held_at IS NULL) c
       WHERE t.id = $1
      """;
  private static final String MARK_MERGED = "UPDATE threads SET merged_into = $2, pinned = false WHERE id = $1";
  private static final String COPY_WATCHERS = """
      INSERT INTO thread_subscriptions (member_id, thread_id, level)
      SELECT member_id, $2, level FROM thread_subscriptions WHERE thread_id = $1 AND level = ANY($3)
      ON CONFLICT (member_id, thread_id) DO NOTHING
      """;
  private static final String ADD_LINK = """
      INSERT INTO thread_links (thread_id, other_thread_id, kind, actor_id, reason) VALUES ($1, $2, $3, $4, $5)
      """;
  private static final String LOG_WITH_REASON = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail, reason, before_value, after_value)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
      """;
  private static final String MODERATOR_EDITED = "UPDATE posts SET moderator_edited = true WHERE id = $1";
  private static final String NOTE_REVISION = """
      UPDATE post_revisions SET note = $3, by_moderator = true WHERE post_id = $1 AND revision = $2
      """;

  /** Locks the threads (in id order); completes with each one's merged_into (null when not merged), by id. */
  Future<java.util.Map<Long, Long>> lockThreads(SqlClient db, long... ids) {
    return db.preparedQuery(LOCK_THREADS).execute(Tuple.tuple().addArrayOfLong(java.util.Arrays.stream(ids).boxed().toArray(Long[]::new)))
        .map(rows -> {
          java.util.Map<Long, Long> found = new java.util.HashMap<>();
          rows.forEach(r -> found.put(r.getLong(0), r.getLong(1)));
          return found;
        });
  }

  Future<Optional<Long>> postAt(SqlClient db, long threadId, int position) {
    return db.preparedQuery(POST_AT).execute(Tuple.of(threadId, position)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /**
   * Moves the posts of {@code from} at {@code position} onward into a new thread of {@code groupId},
   * numbered from 1, with the readers' positions and the watchers; completes with the new thread's id.
   */
  Future<Long> split(SqlClient db, long from, int position, long firstPostId, long groupId, String title) {
    return db.preparedQuery(INSERT_SPLIT_THREAD).execute(Tuple.of(groupId, title, firstPostId))
        .map(rows -> rows.iterator().next().getLong(0))
        .compose(to -> db.preparedQuery(MOVE_POSTS_FROM).execute(Tuple.of(from, to, position))
            .compose(v -> db.preparedQuery(SPLIT_READ_POSITIONS).execute(Tuple.of(from, to, position)))
            .compose(v -> db.preparedQuery(COPY_WATCHERS).execute(Tuple.of(from, to, new String[] {"watching"})))
            .compose(v -> recount(db, from)).compose(v -> recount(db, to))
            .map(to));
  }

  /** Moves every post of {@code from} into {@code into} in time order, with readers and watchers; {@code from} redirects. */
  Future<Void> merge(SqlClient db, long from, long into) {
    return db.preparedQuery(MERGE_READ_POSITIONS).execute(Tuple.of(from, into))
        .compose(v -> db.preparedQuery(DROP_READ_POSITIONS).execute(Tuple.of(from)))
        .compose(v -> db.preparedQuery(PARK_POSITIONS).execute(Tuple.of(into)))
        .compose(v -> db.preparedQuery(PARK_INTO).execute(Tuple.of(from, into)))
        .compose(v -> db.preparedQuery(RENUMBER).execute(Tuple.of(into)))
        .compose(v -> db.preparedQuery(COPY_WATCHERS).execute(Tuple.of(from, into, new String[] {"watching", "muted"})))
        .compose(v -> db.preparedQuery(MARK_MERGED).execute(Tuple.of(from, into)))
        .compose(v -> recount(db, from)).compose(v -> recount(db, into));
  }

  private Future<Void> recount(SqlClient db, long threadId) {
    return db.preparedQuery(RECOUNT).execute(Tuple.of(threadId)).mapEmpty();
  }

  /** Records the line each of two threads shows about the other. */
  Future<Void> link(SqlClient db, long threadId, String kind, long otherId, String otherKind, long actorId, String reason) {
    return db.preparedQuery(ADD_LINK).executeBatch(List.of(Tuple.of(threadId, otherId, kind, actorId, reason),
        Tuple.of(otherId, threadId, otherKind, actorId, reason))).mapEmpty();
  }

  /** An audit entry with its reason and the state before and after. */
  Future<Void> log(SqlClient db, long groupId, long actorId, String action, String targetType, long targetId, String detail,
      String reason, String before, String after) {
    return db.preparedQuery(LOG_WITH_REASON).execute(Tuple.from(new Object[] {groupId, actorId, action, targetType, targetId,
        detail, reason, before, after})).mapEmpty();
  }

  /** Marks a post edited by a moderator and puts the note on the revision the edit saved. */
  Future<Void> noteModeratorEdit(SqlClient db, long postId, int revision, String note) {
    return db.preparedQuery(MODERATOR_EDITED).execute(Tuple.of(postId))
        .compose(v -> db.preparedQuery(NOTE_REVISION).execute(Tuple.of(postId, revision, note))).mapEmpty();
  }
}
