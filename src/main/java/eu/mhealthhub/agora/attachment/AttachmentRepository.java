package eu.mhealthhub.agora.attachment;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/** SQL for attachments. */
final class AttachmentRepository {

  private static final String INSERT = """
      INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)
      VALUES ($1, $2, $3, $4, $5, $6, $7)
      """;
  private static final String FIND = """
      SELECT a.file_name, a.content_type, a.sha256, a.data, p.thread_id, p.deleted_at IS NOT NULL AS deleted
        FROM attachments a JOIN posts p ON p.id = a.post_id
       WHERE a.id = $1
      """;

  /** A stored file and where it belongs. */
  record Stored(String fileName, String contentType, String sha256, Buffer data, long threadId, boolean postDeleted) {}

  Future<Void> insert(SqlClient db, long postId, long uploaderId, Upload u) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {postId, uploaderId, u.fileName(), u.contentType(),
        (long) u.data().length, u.sha256(), Buffer.buffer(u.data())})).mapEmpty();
  }

  Future<Optional<Stored>> find(SqlClient db, long id) {
    return db.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(rows.iterator().next()).map(r -> new Stored(r.getString("file_name"), r.getString("content_type"),
            r.getString("sha256"), r.getBuffer("data"), r.getLong("thread_id"), r.getBoolean("deleted"))));
  }
}
