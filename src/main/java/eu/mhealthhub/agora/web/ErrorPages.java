package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.db.Database;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: a page in the layout for browsers, a JSON body for API
 * and JSON clients. Domain refusals keep their status; anything unexpected is logged with an id and
 * shown as a 500 that carries the id and nothing else.
 */
public final class ErrorPages implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorPages.class);
  private static final Set<Integer> PAGES = Set.of(400, 403, 404, 405, 409, 413, 422, 429, 500, 503);
  /** Seconds a client is asked to wait before trying again after a 503, unless the route said otherwise. */
  static final int RETRY_AFTER_SECONDS = 5;

  private final Pages pages;
  private final I18n i18n;
  private final Database database;

  public ErrorPages(Pages pages, I18n i18n, Database database) {
    this.pages = pages;
    this.i18n = i18n;
    this.database = database;
  }

  /**
   * For {@code router.errorHandler(status, ...)}: Vert.x calls those without failing the context
   * (a path it could not decode, a route that did not match), so the status comes from here.
   */
  public Handler<RoutingContext> forStatus(int status) {
    return ctx -> answer(ctx, ctx.failure(), ctx.statusCode() >= 400 ? ctx.statusCode() : status);
  }

  @Override
  public void handle(RoutingContext ctx) {
    answer(ctx, ctx.failure(), ctx.statusCode());
  }

  private void answer(RoutingContext ctx, Throwable raw, int status) {
    if (raw != null && connectionLost(raw) && !ctx.response().closed()) {
      // The client's connection, or the database's? Netty closes a reset connection in the next task
      // of the event loop: look again then, and answer unless it was the client's.
      ctx.vertx().runOnContext(v -> settle(ctx, raw, status));
      return;
    }
    settle(ctx, raw, status);
  }

  private void settle(RoutingContext ctx, Throwable raw, int status) {
    if (ctx.response().closed() && (raw == null || connectionLost(raw))) {
      // the client went away (a dropped socket, an aborted upload): nobody to answer, nothing wrong here
      LOG.debug("{} {}: connection closed before the answer ({})", ctx.request().method(), RequestLog.template(ctx),
          raw == null ? "no failure" : raw.toString());
      return;
    }
    Throwable failure = explain(raw);
    String messageKey = null;
    Object[] args = new Object[0];
    if (failure instanceof DomainException d) {
      status = d.kind().status;
      messageKey = d.messageKey();
      args = d.args();
      if (d.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Integer.toString(d.retryAfterSeconds()));
      }
    } else if (failure instanceof HttpException h) {
      status = h.getStatusCode();
    } else if (failure != null || status < 400) {
      status = 500;
    }
    if (!PAGES.contains(status)) {
      status = status >= 500 ? 500 : 400;
    }
    // the request's id (also in X-Request-Id and the request log line): what a member quotes to the operator;
    // a fault of Agora's (500) is logged under it and the page asks to quote it
    String requestId = RequestLog.id(ctx);
    String errorId = null;
    if (status == 500) {
      errorId = "-".equals(requestId) ? Tokens.random(9) : requestId;
      LOG.error("error {} on {} {}", errorId, ctx.request().method(), RequestLog.template(ctx), failure);
    }
    if (messageKey == null) {
      messageKey = "error." + status + ".text";
    }
    if (!ctx.request().isEnded()) {
      // refused before the body was read (413, say): drain it, so the client can read the answer
      ctx.request().resume();
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    Viewer viewer = ctx.get(Viewer.KEY);
    Locale locale = viewer == null
        ? i18n.choose(Optional.empty(), ctx.request().getHeader("Accept-Language"))
        : viewer.locale();
    String title = i18n.message(locale, "error." + status + ".title");
    String text = i18n.message(locale, messageKey, args);
    if ((status == 503 || status == 429) && ctx.response().headers().get("Retry-After") == null) {
      ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    if (status == 405 && ctx.response().headers().get("Allow") == null) {
      ctx.response().putHeader("Allow", "GET, HEAD");
    }
    if (wantsJson(ctx)) {
      JsonObject error = new JsonObject().put("status", status).put("title", title).put("message", text);
      // the request's id is in the X-Request-Id header; the body stays the same for every request that fails
      // alike (a closed group's 404 is byte for byte a missing one's)
      if (errorId != null) {
        error.put("errorId", errorId);
      }
      Buffer body = new JsonObject().put("error", error).toBuffer();
      ctx.response().setStatusCode(status)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store");
      Respond.end(ctx, body);
      return;
    }
    if (viewer == null) {
      // the failure happened before the viewer was known (a malformed body, say): render anonymously
      ctx.put(Viewer.KEY, new Viewer(Optional.empty(), locale, java.time.ZoneId.of("UTC"), null));
    }
    try {
      // a message may name where to put things right: "<key>.href" (a local path) and "<key>.link" (its text)
      String href = i18n.message(locale, messageKey + ".href");
      String linkText = i18n.message(locale, messageKey + ".link");
      pages.renderOrThrow(ctx, status, "error/error", Map.of("status", status, "title", title, "text", text,
          "errorId", errorId == null ? "" : errorId,
          // a 503 shows the request's id too (a 500 shows it as its reference); a refusal (4xx) does not, so that a
          // closed thing's page stays byte for byte a missing one's, whatever the id
          "requestId", errorId == null && status >= 500 ? requestId : "", "linkHref", href.startsWith("/") ? href : "", "linkText", linkText));
    } catch (RuntimeException e) {
      LOG.error("error page for {} failed", status, e);
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(status + " " + title);
    }
  }

  /**
   * Failures that stand for a refusal of the request rather than a fault of Agora: the database
   * could not answer (503, see {@link Database#explain}), a form body Netty could not decode (400)
   * or whose field is over the form limit (413).
   */
  private Throwable explain(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpPostRequestDecoder.TooLongFormFieldException
          || t instanceof HttpPostRequestDecoder.TooManyFormFieldsException
          // a multipart field over the form limit (HttpServerOptions.maxFormAttributeSize): Netty has no type for it
          || t instanceof java.io.IOException && String.valueOf(t.getMessage()).startsWith("Size exceed allowed maximum")) {
        return new DomainException(DomainException.Kind.TOO_LARGE, "error.413.text");
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpPostRequestDecoder.ErrorDataDecoderException) {
        // a broken escape or bytes that are not text in a form body, seen by Netty before InputCheck
        return DomainException.badRequest("error.input.encoding");
      }
    }
    return database.explain(failure);
  }

  /** Whether the failure is the client's connection going away (closed or reset by the peer). */
  static boolean connectionLost(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HttpClosedException || t instanceof StreamResetException || t instanceof java.net.SocketException
          || t instanceof java.nio.channels.ClosedChannelException
          || t instanceof java.io.IOException && t.getMessage() != null
              && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * For {@code vertx.exceptionHandler}: what Vert.x could not hand to anyone. A client that went
   * away is logged at debug level, including Vert.x 5.0.7 tripping over the file of an upload it
   * cancels when the connection drops ("File handle is closed"); anything else is an error.
   */
  public static void unhandled(Throwable failure) {
    boolean cancelledUpload = failure instanceof IllegalStateException && "File handle is closed".equals(failure.getMessage());
    if (cancelledUpload || connectionLost(failure)) {
      LOG.debug("connection closed by the client: {}", failure.toString());
    } else {
      LOG.error("unhandled exception", failure);
    }
  }

  static boolean wantsJson(RoutingContext ctx) {
    if (ctx.request().path().startsWith("/api/")) {
      return true;
    }
    String accept = ctx.request().getHeader("Accept");
    String contentType = ctx.request().getHeader("Content-Type");
    boolean acceptsJson = accept != null && accept.contains("application/json") && !accept.contains("text/html");
    boolean sentJson = contentType != null && contentType.startsWith("application/json")
        && (accept == null || !accept.contains("text/html"));
    return acceptsJson || sentJson;
  }
}
