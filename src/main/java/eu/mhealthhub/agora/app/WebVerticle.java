package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.*;

import eu.mhealthhub.agora.app.Services;
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
        .setHost(services.config().host())
        .setPort(services.config().port())
        .setCompressionSupported(true)
        // gzip level 1, not 6: a 14 kB thread page costs 0.05 ms of CPU instead of 0.11 ms for 12% more bytes;
        // static files come precompressed at the highest level (web/Assets); under 1 kB is not worth it
        .setCompressionLevel(1)
        .setCompressionContentSizeThreshold(1024)
        // live events are ~100 bytes: deflating each once per socket cost twice the CPU and ~200 KB
        // of native memory per connection in the live benchmark, for nothing
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // no cleartext HTTP/2 upgrade (h2c): no browser speaks it, a proxy that forwards the Upgrade
        // header lets a client tunnel past the proxy's own rules (h2c smuggling), and under load the
        // upgraded connections were the ones that saw GOAWAY resets in the tests. TLS in front of
        // Agora may still speak HTTP/2 to browsers.
        .setHttp2ClearTextEnabled(false)
        .setMaxFormAttributeSize(services.config().maxFormBytes())
        .setIdleTimeout(120);
    return vertx.createHttpServer(options).requestHandler(router).listen()
        .recover(e -> Future.failedFuture(new IllegalStateException(listenFailure(e), e)))
        .onSuccess(s -> server = s);
  }

  /** One line naming what could not be listened on, and the variable that chose it. */
  private String listenFailure(Throwable e) {
    String host = services.config().host();
    int port = services.config().port();
    String all = eu.mhealthhub.agora.Failures.chain(e);
    if (all.contains("Address already in use")) {
      return "port " + port + " on " + host + " is already in use (AGORA_PORT): is another Agora running?";
    }
    if (all.contains("Cannot assign requested address") || all.contains("UnknownHost")
        || all.contains("unresolved") || all.contains("Unresolved")) {
      return "cannot listen on " + host + " (AGORA_HOST): not an address of this machine";
    }
    if (all.contains("Permission denied")) {
      return "port " + port + " on " + host + " needs privileges this process does not have (AGORA_PORT)";
    }
    return "cannot listen on " + host + ":" + port + ": " + eu.mhealthhub.agora.Failures.root(e);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
  }

  public int actualPort() {
    return server.actualPort();
  }
}
