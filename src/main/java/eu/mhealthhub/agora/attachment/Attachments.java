package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.FileUpload;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Files attached to posts: checked by content and size, stored in PostgreSQL with their SHA-256 in
 * the same transaction as their post, and read back for whoever may read that post.
 */
public final class Attachments {

  private final Vertx vertx;
  private final Pool pool;
  private final long maxBytes;
  private final AttachmentRepository repository = new AttachmentRepository();

  /** A stored file as served. */
  public record File(String fileName, String contentType, String sha256, io.vertx.core.buffer.Buffer data, long threadId,
      boolean postDeleted) {}

  public Attachments(Vertx vertx, Pool pool, long maxBytes) {
    this.vertx = vertx;
    this.pool = pool;
    this.maxBytes = maxBytes;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Reads and checks uploaded files off the event loop. Fails with TOO_LARGE when a file is over
   * the limit and BAD_REQUEST when there are too many or one is of a kind Agora does not accept.
   * Empty file inputs (a form submitted without choosing a file) are skipped.
   */
  public Future<List<Upload>> check(List<FileUpload> uploads) {
    List<FileUpload> chosen = uploads.stream().filter(u -> u.size() > 0 || !u.fileName().isBlank()).toList();
    if (chosen.size() > Upload.MAX_FILES) {
      return Future.failedFuture(DomainException.badRequest("attachment.error.count", Upload.MAX_FILES));
    }
    for (FileUpload u : chosen) {
      if (u.size() > maxBytes) {
        return Future.failedFuture(new DomainException(DomainException.Kind.TOO_LARGE, "attachment.error.size",
            Upload.cleanName(u.fileName()), maxBytes / (1024 * 1024)));
      }
    }
    return vertx.executeBlocking(() -> {
      List<Upload> checked = new ArrayList<>();
      for (FileUpload u : chosen) {
        byte[] data = Files.readAllBytes(Path.of(u.uploadedFileName()));
        String name = Upload.cleanName(u.fileName());
        if (data.length == 0) {
          throw DomainException.badRequest("attachment.error.empty", name);
        }
        Optional<String> type = ContentSniffer.detect(data, name);
        if (type.isEmpty()) {
          throw DomainException.badRequest("attachment.error.type", name);
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        checked.add(new Upload(name, type.get(), data, sha));
      }
      return checked;
    }, false);
  }

  /** Stores checked files for a post, inside the caller's transaction. */
  public Future<Void> store(SqlClient conn, long postId, long uploaderId, List<Upload> files) {
    Future<Void> chain = Future.succeededFuture();
    for (Upload u : files) {
      chain = chain.compose(v -> repository.insert(conn, postId, uploaderId, u));
    }
    return chain;
  }

  /** A stored file; the caller decides with the thread's group policy whether the viewer may have it. */
  public Future<File> find(long id) {
    return repository.find(pool, id).map(f -> f.map(s -> new File(s.fileName(), s.contentType(), s.sha256(), s.data(),
        s.threadId(), s.postDeleted())).orElseThrow(DomainException::notFound));
  }
}
