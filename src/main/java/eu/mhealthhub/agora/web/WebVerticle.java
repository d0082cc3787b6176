package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.Services;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.sstore.SessionStore;
import java.time.Duration;
import java.util.function.Consumer;

/** Serves HTTP; several instances share the port. Stopping lets in-flight requests finish. */
public final class WebVerticle extends VerticleBase {

  private static final Duration GRACE = Duration.ofSeconds(20);

  private final Services services;
  private final Pages pages;
  private final SessionStore sessions;
  private final Consumer<Router> extraRoutes;
  private HttpServer server;

  public WebVerticle(Services services, Pages pages, SessionStore sessions, Consumer<Router> extraRoutes) {
    this.services = services;
    this.pages = pages;
    this.sessions = sessions;
    this.extraRoutes = extraRoutes;
  }

  @Override
  public Future<?> start() {
    Router router = WebRouter.build(vertx, services, pages, sessions, extraRoutes);
    HttpServerOptions options = new HttpServerOptions()
        .setPort(services.config().port())
        .setCompressionSupported(true)
        // live events are ~100 bytes: deflating each once per socket cost twice the CPU and ~200 KB
        // of native memory per connection in the live benchmark, for nothing
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setMaxFormAttributeSize(services.config().maxFormBytes())
        .setIdleTimeout(120);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
