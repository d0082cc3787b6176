package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a handler's one Future chain in an answer. Vert.x hands an exception thrown by an
 * {@code onSuccess} callback to the context's exception handler, which cannot answer the request:
 * the client waits until the idle timeout. So lookups, branching and model building belong in the
 * chain ({@code map}, {@code compose}), where a throw fails the Future, and the last step only
 * sends; {@link #to} runs that step where a throw still becomes {@code ctx.fail}, an error page.
 */
public final class Respond {

  private static final Logger LOG = LoggerFactory.getLogger(Respond.class);

  private Respond() {}

  /** Sends the chain's value with {@code send}, or fails the context with the chain's failure or with what {@code send} throws. */
  public static <T> void to(RoutingContext ctx, Future<T> chain, Consumer<? super T> send) {
    chain.onComplete(ar -> {
      if (ar.failed()) {
        fail(ctx, ar.cause());
      } else {
        guarded(ctx, () -> send.accept(ar.result()));
      }
    });
  }

  /** For chains that decide what to send as they go: the value is the sending step (a redirect, a page, a form again). */
  public static void to(RoutingContext ctx, Future<? extends Runnable> chain) {
    to(ctx, chain, Runnable::run);
  }

  /** A chain's decision to send this way, for {@link #to(RoutingContext, Future)}. */
  public static Future<Runnable> sending(Runnable step) {
    return Future.succeededFuture(step);
  }

  /** The chain goes on only when {@code allowed}; otherwise it fails with a 403. */
  public static <T> Future<T> ifAllowed(boolean allowed, T value) {
    return allowed ? Future.succeededFuture(value) : Future.failedFuture(DomainException.forbidden());
  }

  /**
   * Ends the response with {@code body} and its Content-Length; for a HEAD request (served by the
   * GET routes, see {@link #HEAD}) with the Content-Length alone. Vert.x leaves the length out of
   * an HTTP/1.1 answer to HEAD, and over HTTP/2 it would send the body.
   */
  public static void end(RoutingContext ctx, Buffer body) {
    HttpServerResponse response = ctx.response().putHeader("Content-Length", Integer.toString(body.length()));
    if (Boolean.TRUE.equals(ctx.get(HEAD))) {
      response.end();
    } else {
      response.end(body);
    }
  }

  /** Marks a HEAD request that the router serves as a GET: {@link #end} then sends no body. */
  public static final String HEAD = "agora.head";

  /**
   * Answers HEAD wherever GET answers: rerouted as GET, sent without the body. Static files and the
   * live bridge answer HEAD themselves and are left to do so.
   */
  public static void headAsGet(RoutingContext ctx) {
    String path = ctx.request().path();
    if (path.startsWith("/static/") || path.startsWith("/eventbus")) {
      ctx.next();
      return;
    }
    ctx.put(HEAD, true);
    ctx.reroute(HttpMethod.GET, ctx.request().uri());
  }

  /** Runs a step that sends; if it throws, the request is still answered (an error page, or a reset once bytes are out). */
  public static void guarded(RoutingContext ctx, Runnable send) {
    try {
      send.run();
    } catch (RuntimeException e) {
      fail(ctx, e);
    }
  }

  /** Fails the context unless it is already failing, in which case the error handler itself broke: close the exchange. */
  static void fail(RoutingContext ctx, Throwable e) {
    if (ctx.failed()) {
      LOG.error("failure while answering a failed request on {} {}", ctx.request().method(), ctx.request().path(), e);
      if (!ctx.response().ended()) {
        ctx.response().reset();
      }
      return;
    }
    ctx.fail(e);
  }
}
