package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.thread.PostPolicy;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Serving attached files with the same rules as their post.
 *
 * <pre>
 * GET /attachments/:id/:name   the file: images inline, everything else as a download
 * </pre>
 */
public final class AttachmentRoutes {

  private final Attachments attachments;
  private final ThreadService threads;

  public AttachmentRoutes(Attachments attachments, ThreadService threads) {
    this.attachments = attachments;
    this.threads = threads;
  }

  public void mount(Router router) {
    router.get("/attachments/:id/:name").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    var viewer = Viewer.of(ctx).member();
    Respond.to(ctx, attachments.find(id)
        .compose(file -> threads.locate(file.threadId(), viewer).compose(at ->
            file.postDeleted() && !PostPolicy.canSeeDeleted(viewer, at.group())
                ? Future.failedFuture(DomainException.notFound())
                : Future.succeededFuture(file))), file -> {
          String etag = "\"" + file.sha256() + "\"";
          boolean inline = file.contentType().startsWith("image/");
          String encoded = URLEncoder.encode(file.fileName(), StandardCharsets.UTF_8).replace("+", "%20");
          ctx.response()
              .putHeader("Content-Type", file.contentType())
              .putHeader("Content-Disposition", (inline ? "inline" : "attachment") + "; filename=\""
                  + file.fileName().replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_") + "\"; filename*=UTF-8''" + encoded)
              .putHeader("X-Content-Type-Options", "nosniff")
              // a file is never a page: no script, no plugins, no frames, even if a browser tried
              .putHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
              .putHeader("Cache-Control", "private, max-age=3600")
              .putHeader("ETag", etag);
          if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
            ctx.response().setStatusCode(304).end();
            return;
          }
          ctx.response().end(file.data());
        });
  }
}
