package eu.mhealthhub.agora.thread;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for threads and posts. Callers have already decided that the viewer may read the group. */
final class ThreadRepository {

  private static final String IN_GROUP = """
      SELECT t.id, t.group_id, t.title, a.display_name AS author_name, t.created_at, t.last_activity_at, t.pinned, t.locked,
             (SELECT count(*) - 1 FROM posts p WHERE p.thread_id = t.id AND p.deleted_at IS NULL) AS reply_count,
             (SELECT m.display_name FROM posts p JOIN members m ON m.id = p.author_id
               WHERE p.thread_id = t.id AND p.deleted_at IS NULL ORDER BY p.id DESC LIMIT 1) AS last_poster
        FROM threads t JOIN members a ON a.id = t.author_id
       WHERE t.group_id = #{groupId}
       ORDER BY t.pinned DESC, t.last_activity_at DESC
       LIMIT #{limit}
      """;

  private static final String THREAD = """
      SELECT t.id, t.group_id, t.title, a.display_name AS author_name, t.created_at, t.pinned, t.locked
        FROM threads t JOIN members a ON a.id = t.author_id
       WHERE t.id = #{id} AND t.group_id = #{groupId}
      """;

  private static final String POSTS = """
      SELECT p.id, m.display_name AS author_name, p.body_markdown, p.created_at, p.edited_at
        FROM posts p JOIN members m ON m.id = p.author_id
       WHERE p.thread_id = #{threadId} AND p.deleted_at IS NULL
       ORDER BY p.id
       LIMIT #{limit}
      """;

  private static final String SEARCH_TITLES = """
      SELECT t.id, t.title, a.display_name AS author_name, t.created_at, t.last_activity_at, t.pinned, t.locked,
             0::bigint AS reply_count, NULL AS last_poster, t.group_id
        FROM threads t JOIN members a ON a.id = t.author_id
       WHERE t.group_id = ANY(#{groupIds}) AND t.title ILIKE #{pattern} ESCAPE '\\'
       ORDER BY t.last_activity_at DESC
       LIMIT 20
      """;

  private static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static final RowMapper<ThreadSummary> SUMMARY = row -> new ThreadSummary(row.getLong("id"),
      row.getLong("group_id"), row.getString("title"), row.getString("author_name"), instant(row, "created_at"),
      instant(row, "last_activity_at"), Math.max(0, row.getLong("reply_count")), row.getString("last_poster"),
      row.getBoolean("pinned"), row.getBoolean("locked"));

  private static final RowMapper<ForumThread> THREAD_MAPPER = row -> new ForumThread(row.getLong("id"),
      row.getLong("group_id"), row.getString("title"), row.getString("author_name"), instant(row, "created_at"),
      row.getBoolean("pinned"), row.getBoolean("locked"));

  private static final RowMapper<Post> POST = row -> new Post(row.getLong("id"), row.getString("author_name"),
      row.getString("body_markdown"), instant(row, "created_at"), instant(row, "edited_at"));

  private static <T> List<T> list(RowSet<T> rows) {
    List<T> list = new ArrayList<>();
    rows.forEach(list::add);
    return list;
  }

  Future<List<ThreadSummary>> inGroup(SqlClient db, long groupId, int limit) {
    return SqlTemplate.forQuery(db, IN_GROUP).mapTo(SUMMARY).execute(Map.of("groupId", groupId, "limit", limit))
        .map(ThreadRepository::list);
  }

  Future<Optional<ForumThread>> thread(SqlClient db, long groupId, long id) {
    return SqlTemplate.forQuery(db, THREAD).mapTo(THREAD_MAPPER).execute(Map.of("groupId", groupId, "id", id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }

  Future<List<Post>> posts(SqlClient db, long threadId, int limit) {
    return SqlTemplate.forQuery(db, POSTS).mapTo(POST).execute(Map.of("threadId", threadId, "limit", limit))
        .map(ThreadRepository::list);
  }

  Future<List<ThreadSummary>> searchTitles(SqlClient db, List<Long> groupIds, String text) {
    String pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    return SqlTemplate.forQuery(db, SEARCH_TITLES).mapTo(SUMMARY)
        .execute(Map.of("groupIds", groupIds.toArray(new Long[0]), "pattern", pattern))
        .map(ThreadRepository::list);
  }
}
