package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.db.Database;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Probes for orchestrators. Live: the process answers. Ready: the database answers within two
 * seconds and the node is not shutting down. The sign-in provider is reported too ("signIn": UP
 * once its discovery document and keys were fetched, DOWN before) but does not make the node
 * unready: while the provider is away, readers still read and only sign-in waits, so taking every
 * node out of the load balancer would turn a sign-in outage into a full one.
 */
public final class HealthRoutes {

  private final Database database;
  private final AtomicBoolean draining;
  private final BooleanSupplier signInReady;

  public HealthRoutes(Database database, AtomicBoolean draining, BooleanSupplier signInReady) {
    this.database = database;
    this.draining = draining;
    this.signInReady = signInReady;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(this::live);
    router.get("/health/ready").handler(this::ready);
  }

  private void live(RoutingContext ctx) {
    respond(ctx, 200, new JsonObject().put("status", "UP"));
  }

  private void ready(RoutingContext ctx) {
    String signIn = signInReady.getAsBoolean() ? "UP" : "DOWN";
    if (draining.get()) {
      respond(ctx, 503, new JsonObject().put("status", "DOWN").put("reason", "shutting down"));
      return;
    }
    database.ping()
        .timeout(2, TimeUnit.SECONDS)
        .onSuccess(v -> respond(ctx, 200, new JsonObject().put("status", "UP")
            .put("checks", new JsonObject().put("database", "UP").put("signIn", signIn))))
        .onFailure(e -> {
          // a probe that finds the database away starts an episode like a request would (logged once)
          database.explain(e);
          respond(ctx, 503, new JsonObject().put("status", "DOWN")
              .put("checks", new JsonObject().put("database", "DOWN").put("signIn", signIn)));
        });
  }

  private static void respond(RoutingContext ctx, int status, JsonObject json) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store");
    Respond.end(ctx, json.toBuffer());
  }
}
