package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Handler;
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
  /** What a 503 tells clients to wait before trying again, unless the route said otherwise. */
  private static final int RETRY_AFTER_SECONDS = 10;

  private final Pages pages;
  private final I18n i18n;

  public ErrorPages(Pages pages, I18n i18n) {
    this.pages = pages;
    this.i18n = i18n;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    String messageKey = null;
    Object[] args = new Object[0];
    if (failure instanceof DomainException d) {
      status = d.kind().status;
      messageKey = d.messageKey();
      args = d.args();
    } else if (failure instanceof HttpException h) {
      status = h.getStatusCode();
    } else if (failure != null || status < 400) {
      status = 500;
    }
    if (!PAGES.contains(status)) {
      status = status >= 500 ? 500 : 400;
    }
    String errorId = null;
    if (status == 500) {
      errorId = Tokens.random(6);
      LOG.error("error {} on {} {}", errorId, ctx.request().method(), ctx.request().path(), failure);
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
    if (status == 503 && ctx.response().headers().get("Retry-After") == null) {
      ctx.response().putHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
    }
    if (status == 405 && ctx.response().headers().get("Allow") == null) {
      ctx.response().putHeader("Allow", "GET, HEAD");
    }
    if (wantsJson(ctx)) {
      JsonObject error = new JsonObject().put("status", status).put("title", title).put("message", text);
      if (errorId != null) {
        error.put("errorId", errorId);
      }
      ctx.response().setStatusCode(status)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .end(new JsonObject().put("error", error).encode());
      return;
    }
    if (viewer == null) {
      // the failure happened before the viewer was known (a malformed body, say): render anonymously
      ctx.put(Viewer.KEY, new Viewer(Optional.empty(), locale, java.time.ZoneId.of("UTC"), null));
    }
    try {
      pages.render(ctx, status, "error/error", Map.of("status", status, "title", title, "text", text,
          "errorId", errorId == null ? "" : errorId));
    } catch (RuntimeException e) {
      LOG.error("error page for {} failed", status, e);
      ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end(status + " " + title);
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
