package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Serving attached files with the same rules as their post. Whether the viewer may have the file
 * is decided before its bytes are read; a refused file answers exactly like a missing one.
 *
 * <pre>
 * GET /attachments/:id/:name   the file: images inline, everything else as a download
 * </pre>
 */
public final class AttachmentRoutes {

  private final Attachments attachments;

  public AttachmentRoutes(Attachments attachments) {
    this.attachments = attachments;
  }

  public void mount(Router router) {
    router.get("/attachments/:id/:name").handler(this::serve);
  }

  /** A file to send, or only its headers when the browser already has these bytes. */
  private record Reply(Attachments.File file, String etag, Buffer data) {}

  private void serve(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    String cached = ctx.request().getHeader("If-None-Match");
    Respond.to(ctx, attachments.readable(id, Viewer.of(ctx).member())
        .compose(file -> {
          String etag = "\"" + file.sha256() + "\"";
          return etag.equals(cached) ? Future.succeededFuture(new Reply(file, etag, null))
              : attachments.bytes(file).map(data -> new Reply(file, etag, data));
        }), reply -> send(ctx, reply));
  }

  private static void send(RoutingContext ctx, Reply reply) {
    Attachments.File file = reply.file();
    boolean inline = file.contentType().startsWith("image/");
    ctx.response()
        .putHeader("Content-Type", file.contentType())
        .putHeader("Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\""
            + file.fileName().replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_") + "\"; filename*=UTF-8''"
            + Attachments.encode(file.fileName()))
        .putHeader("X-Content-Type-Options", "nosniff")
        // a file is never a page: no script, no plugins, no frames, even if a browser tried
        .putHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
        .putHeader("Cache-Control", "private, max-age=3600")
        .putHeader("ETag", reply.etag());
    if (reply.data() == null) {
      ctx.response().setStatusCode(304).end();
    } else {
      ctx.response().end(reply.data());
    }
  }
}
