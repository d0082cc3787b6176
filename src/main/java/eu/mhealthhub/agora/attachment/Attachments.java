package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.Member;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.nio.charset.StandardCharsets;
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

  /** A stored file that a viewer may read, described; its bytes come from {@link #bytes}. */
  public record File(long id, String fileName, String contentType, String sha256) {}

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

  /**
   * The file with this id if the viewer may read its post: the post's group is readable by them,
   * and a deleted post is seen by the group's moderators only. Fails with NOT_FOUND for a missing
   * id and for a refused one alike, after the same one query, which never reads the bytes.
   */
  public Future<File> readable(long id, Optional<Member> viewer) {
    return repository.access(pool, id, viewer.map(Member::id).orElse(-1L)).map(found -> found
        .filter(a -> GroupPolicy.canRead(viewer, a.group())
            && (!a.postDeleted() || GroupPolicy.canModerate(viewer, a.group())))
        // (deleted posts are the moderators' to see: PostPolicy.canSeeDeleted, which attachment may not import)
        .map(a -> new File(id, a.fileName(), a.contentType(), a.sha256()))
        .orElseThrow(DomainException::notFound));
  }

  /** The bytes of a file {@link #readable} let through; NOT_FOUND if it went meanwhile. */
  public Future<Buffer> bytes(File file) {
    return repository.data(pool, file.id()).map(d -> d.orElseThrow(DomainException::notFound));
  }

  /**
   * The address of a file: {@code /attachments/<id>/<name>} with the name percent-encoded as UTF-8,
   * every byte but letters, digits and {@code - . _ ~} (RFC 3986's unreserved characters), so that
   * a {@code #}, {@code ?}, {@code %} or space in a name stays part of it.
   */
  public static String path(long id, String fileName) {
    return "/attachments/" + id + "/" + encode(fileName);
  }

  /** Percent-encodes all but RFC 3986's unreserved characters: right for a path segment and for RFC 8187 values. */
  static String encode(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
          || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return out.toString();
  }
}
