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
      + " WHERE t.group_id = $1 ORDER BY t.pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT $3 OFFSET $4";
  private static final String THREAD = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count
        FROM threads t JOIN members a ON a.id = t.author_id
       WHERE t.id = $1
      """;
  private static final String LOCK_THREAD = THREAD + " FOR UPDATE OF t";
  /**
   * The thread; its group with the viewer's role in it, to decide access (the columns of the group
   * feature's access query, so a thread page costs one query before its posts); and, for a
   * signed-in viewer, where they read up to and how they follow it.
   */
  private static final String THREAD_FOR_VIEWER = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count,
             g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose, g.visibility AS group_visibility,
             g.join_policy AS group_join_policy, g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role,
             (SELECT r.position FROM read_positions r WHERE r.member_id = $2 AND r.thread_id = t.id) AS read_position,
             (SELECT s.level FROM thread_subscriptions s WHERE s.member_id = $2 AND s.thread_id = t.id) AS level,
             (SELECT max(e.seq) FROM live_events e WHERE e.address = 'thread.' || t.id) AS live_seq
        FROM threads t JOIN members a ON a.id = t.author_id JOIN working_groups g ON g.id = t.group_id
       WHERE t.id = $1
      """;

  /** Posts that are not deleted, with their thread's group: what notifications about them depend on. */
  private static final String LIVE_POST_GROUPS = """
      SELECT p.id, t.group_id FROM posts p JOIN threads t ON t.id = p.thread_id
       WHERE p.id = ANY($1) AND p.deleted_at IS NULL
      """;

  /** The thread and its group with the viewer's role in it: {@link #THREAD_FOR_VIEWER} without the reading state. */
  private static final String THREAD_IN_GROUP = """
      SELECT t.id, t.group_id, t.title, t.author_id, a.display_name AS author_name, t.created_at, t.last_activity_at,
             t.pinned, t.locked, t.post_count,
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
             p.delete_reason,
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
        LEFT JOIN posts rp ON rp.id = p.reply_to_post_id
        LEFT JOIN members ra ON ra.id = rp.author_id
        LEFT JOIN members d ON d.id = p.deleted_by
      """;
  private static final String PAGE = POST_COLUMNS + " WHERE p.thread_id = $1 AND p.position BETWEEN $3 AND $4 ORDER BY p.position";
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
         WHERE id = $1)
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html, created_at)
      SELECT id, 1, author_id, body_markdown, body_html, created_at FROM p
      RETURNING post_id
      """;
  private static final String REPLY_TARGET = "SELECT id FROM posts WHERE id = $1 AND thread_id = $2";
  private static final String EDIT = """
      UPDATE posts SET body_markdown = $3, body_html = $4, revision = revision + 1, edited_at = now()
       WHERE id = $1 AND revision = $2 AND deleted_at IS NULL
      RETURNING revision
      """;
  private static final String ADD_REVISION = """
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES ($1, $2, $3, $4, $5)
      """;
  private static final String REVISIONS = """
      SELECT r.revision, m.display_name AS editor_name, r.body_markdown, r.created_at
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
  private static final String APPROVE_HELD = """
      UPDATE posts SET held_at = NULL, held_reason = NULL WHERE id = $1 AND held_at IS NOT NULL RETURNING id
      """;
  private static final String LOG_APPROVAL = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, reason, before_value, after_value)
      VALUES ($1, $2, 'post.approve', 'post', $3, $4, 'held', 'visible')
      """;
  private static final String RESTORE = """
      UPDATE posts SET deleted_at = NULL, deleted_by = NULL, delete_reason = '' WHERE id = $1 AND deleted_at IS NOT NULL
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
      SELECT m.handle, m.display_name FROM members m
       WHERE (lower(m.handle) LIKE $1 ESCAPE '\\' OR lower(m.display_name) LIKE $1 ESCAPE '\\'
              OR lower(m.display_name) LIKE $3 ESCAPE '\\')
         AND ($2::bigint IS NULL
              OR EXISTS (SELECT 1 FROM group_memberships gm WHERE gm.group_id = $2 AND gm.member_id = m.id))
       ORDER BY lower(m.handle) LIMIT 8
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
  private static final String GROUP_LEVEL = "SELECT level FROM group_subscriptions WHERE member_id = $1 AND group_id = $2";
  private static final String READ_POSITION = "SELECT position FROM read_positions WHERE member_id = $1 AND thread_id = $2";

  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  /** A member a post may mention. */
  record Mentionable(long id, String handle) {}

  /** A revision of a post's text. */
  record Revision(int revision, String editorName, String bodyMarkdown, Instant createdAt) {}

  private static ThreadSummary summary(Row row) {
    return new ThreadSummary(row.getLong("id"), row.getLong("group_id"), row.getString("title"),
        row.getString("author_name"), instant(row, "created_at"), instant(row, "last_activity_at"),
        row.getInteger("post_count"), row.getString("last_poster"), row.getBoolean("pinned"),
        row.getBoolean("locked"), row.getInteger("read_position"));
  }

  private static ForumThread thread(Row row) {
    return new ForumThread(row.getLong("id"), row.getLong("group_id"), row.getString("title"), row.getLong("author_id"),
        row.getString("author_name"), instant(row, "created_at"), instant(row, "last_activity_at"),
        row.getBoolean("pinned"), row.getBoolean("locked"), row.getInteger("post_count"));
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
        row.getString("deleted_by_name"), row.getString("delete_reason"), List.copyOf(reactions), List.copyOf(files));
  }

  Future<List<ThreadSummary>> inGroup(SqlClient db, long groupId, Long viewerId, int limit, int offset) {
    return db.preparedQuery(IN_GROUP).execute(Tuple.of(groupId, viewerId == null ? 0L : viewerId, limit, offset))
        .map(rows -> {
          List<ThreadSummary> list = new ArrayList<>();
          rows.forEach(row -> list.add(summary(row)));
          return list;
        });
  }

  Future<Optional<ForumThread>> thread(SqlClient db, long id) {
    return db.preparedQuery(THREAD).execute(Tuple.of(id)).map(rows -> first(rows, ThreadRepository::thread));
  }

  /** What {@link #THREAD_FOR_VIEWER} reads: the group is not yet checked against the policy. */
  record ThreadForViewer(ForumThread thread, WorkingGroup group, int readPosition, SubscriptionLevel level, long liveSeq) {}

  /** The thread with its group, the viewer's read position (0 if never) and subscription level. */
  Future<Optional<ThreadForViewer>> threadForViewer(SqlClient db, long id, long viewerId) {
    return db.preparedQuery(THREAD_FOR_VIEWER).execute(Tuple.of(id, viewerId)).map(rows -> first(rows, r -> {
      Integer position = r.getInteger("read_position");
      Long liveSeq = r.getLong("live_seq");
      WorkingGroup group = new WorkingGroup(r.getLong("group_id"), r.getString("group_slug"), r.getString("group_name"),
          r.getString("group_purpose"), "closed".equals(r.getString("group_visibility")),
          "open".equals(r.getString("group_join_policy")), r.getBoolean("group_archived"), 0, 0,
          r.getString("group_viewer_role"), 0);
      return new ThreadForViewer(thread(r), group, position == null ? 0 : position, SubscriptionLevel.ofRow(r.getString("level")),
          liveSeq == null ? 0L : liveSeq);
    }));
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

  Future<Optional<ForumThread>> lockThread(SqlClient db, long id) {
    return db.preparedQuery(LOCK_THREAD).execute(Tuple.of(id)).map(rows -> first(rows, ThreadRepository::thread));
  }

  Future<List<Post>> page(SqlClient db, long threadId, Long viewerId, int from, int to) {
    return db.preparedQuery(PAGE).execute(Tuple.of(threadId, viewerId == null ? 0L : viewerId, from, to)).map(rows -> {
      List<Post> list = new ArrayList<>();
      rows.forEach(row -> list.add(post(row)));
      return list;
    });
  }

  Future<Optional<Post>> post(SqlClient db, long postId, Long viewerId) {
    return db.preparedQuery(POST).execute(Tuple.of(postId, viewerId == null ? 0L : viewerId))
        .map(rows -> first(rows, ThreadRepository::post));
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
          r.getString("body_markdown"), instant(r, "created_at"))));
  }

  Future<Boolean> delete(SqlClient db, long postId, long by, String reason) {
    return db.preparedQuery(DELETE).execute(Tuple.of(postId, by, reason)).map(rows -> rows.size() > 0);
  }

  /** Hides a post pending review (no member did it: flags from several did); false when it was hidden already. */
  Future<Boolean> holdForReview(SqlClient db, long postId) {
    return db.preparedQuery(HOLD_FOR_REVIEW).execute(Tuple.of(postId)).map(rows -> rows.size() > 0);
  }

  /** Clears a post's held state (review queue, until the trust feature's version); false when it was not held. */
  Future<Boolean> approveHeld(SqlClient db, long postId) {
    return db.preparedQuery(APPROVE_HELD).execute(Tuple.of(postId)).map(rows -> rows.size() > 0);
  }

  Future<Void> logApproval(SqlClient db, long groupId, long actorId, long postId, String reason) {
    return db.preparedQuery(LOG_APPROVAL).execute(Tuple.of(groupId, actorId, postId, reason)).mapEmpty();
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
        .map(rows -> list(rows, r -> new MentionSuggestion(r.getString(0), r.getString(1))));
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

  Future<SubscriptionLevel> groupLevel(SqlClient db, long memberId, long groupId) {
    return db.preparedQuery(GROUP_LEVEL).execute(Tuple.of(memberId, groupId))
        .map(rows -> SubscriptionLevel.ofRow(rows.size() == 0 ? null : rows.iterator().next().getString(0)));
  }

  Future<Integer> readPosition(SqlClient db, long memberId, long threadId) {
    return db.preparedQuery(READ_POSITION).execute(Tuple.of(memberId, threadId))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }

  Future<Void> log(SqlClient db, long groupId, long actorId, String action, String targetType, long targetId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, targetType, targetId, detail)).mapEmpty();
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
}
