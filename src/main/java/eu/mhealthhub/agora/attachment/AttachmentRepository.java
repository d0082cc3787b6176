package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.group.WorkingGroup;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * SQL for attachments. Reading a file is two queries: {@link #access} (what the file is and the
 * group it belongs to, never its bytes), and {@link #data} for a reader the policy let through.
 */
final class AttachmentRepository {

  private static final String INSERT = """
      INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      """;
  /**
   * The file's description, its post's state and its group with the viewer's role (the columns of
   * the group feature's access query), in one query that leaves {@code data} alone: a missing id
   * and a file the viewer may not read cost this one query each, and no more.
   */
  private static final String ACCESS = """
      SELECT a.file_name, a.content_type, a.sha256, (p.deleted_at IS NOT NULL OR p.held_at IS NOT NULL) AS deleted,
             g.id AS group_id, g.slug AS group_slug, g.name AS group_name, g.purpose AS group_purpose,
             g.visibility AS group_visibility, g.join_policy AS group_join_policy,
             g.archived_at IS NOT NULL AS group_archived,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS group_viewer_role
        FROM attachments a JOIN posts p ON p.id = a.post_id JOIN threads t ON t.id = p.thread_id
             JOIN working_groups g ON g.id = t.group_id
       WHERE a.id = $1
      """;
  private static final String DATA = "SELECT data FROM attachments WHERE id = $1";

  /** A stored file without its bytes, with where it belongs as the viewer sees it. */
  record Access(String fileName, String contentType, String sha256, boolean postDeleted, WorkingGroup group) {}

  Future<Void> insert(SqlClient db, long postId, long uploaderId, Upload u) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {postId, uploaderId, u.fileName(), u.contentType(),
        (long) u.data().length, u.sha256(), Buffer.buffer(u.data())})).mapEmpty();
  }

  Future<Optional<Access>> access(SqlClient db, long id, long viewerId) {
    return db.preparedQuery(ACCESS).execute(Tuple.of(id, viewerId)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next()).map(r -> new Access(r.getString("file_name"), r.getString("content_type"),
            r.getString("sha256"), r.getBoolean("deleted"), new WorkingGroup(r.getLong("group_id"),
                r.getString("group_slug"), r.getString("group_name"), r.getString("group_purpose"),
                "closed".equals(r.getString("group_visibility")), "open".equals(r.getString("group_join_policy")),
                r.getBoolean("group_archived"), 0, 0, r.getString("group_viewer_role"), 0))));
  }

  Future<Optional<Buffer>> data(SqlClient db, long id) {
    return db.preparedQuery(DATA).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("data")));
  }
}
