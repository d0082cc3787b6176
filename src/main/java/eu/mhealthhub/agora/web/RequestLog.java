package eu.mhealthhub.agora.web;

import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every request an id, returned in {@code X-Request-Id} and shown on error pages, and writes
 * one line per request when it ends: method, route template, status, duration, request id, member id
 * (or none) and node, as key-value pairs (fields of their own in the JSON log format).
 *
 * <p>Nothing a client chose reaches the line: not the path (a handle, a search), not the query (an
 * unsubscribe or confirmation token), no header and no cookie. The path is logged as the template of
 * the route that answered ({@code /threads/:id}), rebuilt from the path parameters when a failure
 * handler answered for it, else {@code (unmatched)}. An incoming {@code X-Request-Id} is kept only
 * from a trusted proxy and only when it is a plain token, so a proxy's id can join the two logs.
 */
public final class RequestLog implements Handler<RoutingContext> {

  public static final String HEADER = "X-Request-Id";
  private static final String KEY = "agora.requestId";
  private static final Logger LOG = LoggerFactory.getLogger("agora.request");
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

  private final String node;
  private final boolean enabled;

  /**
   * @param node    this node's name in the line
   * @param enabled whether to write the lines (ids are given and returned either way)
   */
  public RequestLog(String node, boolean enabled) {
    this.node = node;
    this.enabled = enabled;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String incoming = ctx.request().getHeader(HEADER);
    String id = incoming != null && ClientAddress.viaTrustedProxy(ctx) && WELL_FORMED.matcher(incoming).matches()
        ? incoming : Tokens.random(9);
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    if (enabled) {
      long started = System.nanoTime();
      // the route writing the answer is the current one while its headers go out
      String[] route = new String[1];
      ctx.addHeadersEndHandler(v -> route[0] = template(ctx));
      ctx.addEndHandler(ar -> {
        Viewer viewer = ctx.get(Viewer.KEY);
        LOG.atInfo()
            .addKeyValue("method", ctx.request().method().name())
            .addKeyValue("route", route[0] != null ? route[0] : template(ctx))
            .addKeyValue("status", ctx.response().getStatusCode())
            .addKeyValue("durationMs", (System.nanoTime() - started) / 1_000_000.0)
            .addKeyValue("requestId", id)
            .addKeyValue("member", viewer != null && viewer.signedIn() ? Long.toString(viewer.memberId()) : "none")
            .addKeyValue("node", node)
            .log(ar.succeeded() ? "request" : "request (connection closed before the answer ended)");
      });
    }
    ctx.next();
  }

  /** This request's id, or "-" before the handler ran. */
  public static String id(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id == null ? "-" : id;
  }

  /** The template of the route that answered, never the raw path. */
  public static String template(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    if (route != null && route.getPath() != null && !route.isRegexPath()) {
      String path = route.getPath();
      return route.isExactPath() ? path : path + (path.endsWith("/") ? "*" : "/*");
    }
    Map<String, String> params = ctx.pathParams();
    if (params != null && !params.isEmpty()) {
      StringBuilder t = new StringBuilder();
      for (String segment : ctx.normalizedPath().split("/")) {
        if (segment.isEmpty()) {
          continue;
        }
        t.append('/');
        String name = null;
        for (Map.Entry<String, String> p : params.entrySet()) {
          if (p.getValue().equals(segment) || p.getValue().equals(java.net.URLDecoder.decode(segment, java.nio.charset.StandardCharsets.UTF_8))) {
            name = p.getKey();
            break;
          }
        }
        t.append(name != null ? ":" + name : segment.matches("[a-z][a-z0-9.-]{0,40}") ? segment : "…");
      }
      return t.length() == 0 ? "/" : t.toString();
    }
    if ("/".equals(ctx.normalizedPath())) {
      return "/";
    }
    return "(unmatched)";
  }
}
