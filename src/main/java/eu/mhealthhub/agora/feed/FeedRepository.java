package eu.mhealthhub.agora.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * SQL of the feeds and the sitemap. Each statement takes the ids of the groups a visitor who is not
 * signed in may read (from the group policy) and checks the group's visibility again, and leaves out
 * threads held for review or merged away: nothing closed or hidden reaches a feed or the sitemap.
 */
final class FeedRepository {

  /** A group's newest threads: $1 the group, $2 the readable group ids, $3 how many. */
  static final String GROUP_THREADS = """
      SELECT t.id, t.title, t.created_at, t.last_activity_at, m.display_name
        FROM threads t
        JOIN working_groups g ON g.id = t.group_id
        JOIN members m ON m.id = t.author_id
       WHERE t.group_id = $1 AND g.visibility = 'public' AND g.id = ANY($2::bigint[])
         AND t.held_at IS NULL AND t.merged_into IS NULL
       ORDER BY t.created_at DESC, t.id DESC
       LIMIT $3""";

  /** Every address of the sitemap: $1 the readable group ids, $2 how many threads at most. */
  static final String SITEMAP = """
      SELECT '/groups/' || g.slug AS path, g.created_at AS at FROM working_groups g
       WHERE g.visibility = 'public' AND g.id = ANY($1::bigint[])
      UNION ALL
      (SELECT '/threads/' || t.id, t.last_activity_at FROM threads t JOIN working_groups g ON g.id = t.group_id
        WHERE g.visibility = 'public' AND g.id = ANY($1::bigint[]) AND t.held_at IS NULL AND t.merged_into IS NULL
        ORDER BY t.last_activity_at DESC LIMIT $2)
      UNION ALL
      SELECT '/documents/' || r.document_id || '/revisions/' || r.number, r.created_at
        FROM document_revisions r
        JOIN documents d ON d.id = r.document_id
        JOIN working_groups g ON g.id = d.group_id
       WHERE d.status = 'adopted' AND r.number <= d.adopted_revision
         AND g.visibility = 'public' AND g.id = ANY($1::bigint[])
      UNION ALL
      SELECT '/talks/' || k.slug, k.updated_at FROM talks k""";

  record ThreadRow(long id, String title, Instant createdAt, Instant lastActivityAt, String authorName) {}

  record Location(String path, Instant at) {}

  Future<List<ThreadRow>> groupThreads(SqlClient db, long groupId, Long[] readable, int limit) {
    return db.preparedQuery(GROUP_THREADS).execute(Tuple.tuple().addLong(groupId).addArrayOfLong(readable).addInteger(limit)).map(rows -> {
      List<ThreadRow> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new ThreadRow(r.getLong("id"), r.getString("title"), r.getOffsetDateTime("created_at").toInstant(),
            r.getOffsetDateTime("last_activity_at").toInstant(), r.getString("display_name")));
      }
      return list;
    });
  }

  Future<List<Location>> sitemap(SqlClient db, Long[] readable, int maxThreads) {
    return db.preparedQuery(SITEMAP).execute(Tuple.tuple().addArrayOfLong(readable).addInteger(maxThreads)).map(rows -> {
      List<Location> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new Location(r.getString("path"), r.getOffsetDateTime("at").toInstant()));
      }
      return list;
    });
  }
}
