package eu.mhealthhub.agora.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * This node's metrics, in Prometheus's text format at {@code /metrics}: Vert.x's own (HTTP server
 * latency per route template, method and status; the SQL pool's use and waits; event-bus handlers
 * and messages; SockJS sockets), the JVM's (memory, GC, threads), and Agora's gauges and counters
 * bound in {@code app/Agora} (live events published and delivered, bridge sockets, the mail
 * outbox's backlog). One registry per running Agora, so two nodes in one JVM (the cluster tests)
 * keep their figures apart.
 *
 * <p>Labels never carry a raw path, an event-bus address or anything else a member chose: only
 * route templates such as {@code /threads/:id}, methods, status codes and pool names.
 */
public final class Metrics {

  /** The latency buckets of the HTTP histograms, in seconds' fractions a page's budget is judged by. */
  private static final Duration[] HTTP_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5)};

  private final PrometheusMeterRegistry registry;
  private final Optional<String> token;
  private final String registryName = "agora-" + java.util.UUID.randomUUID();
  private final RoundTrips roundTrips = new RoundTrips();

  private Metrics(PrometheusMeterRegistry registry, Optional<String> token) {
    this.registry = registry;
    this.token = token;
  }

  /**
   * A registry for one node. {@code token} protects {@code /metrics} (AGORA_METRICS_TOKEN); without
   * one the route answers 404, as if it did not exist.
   */
  public static Metrics create(Optional<String> token, String node) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("node", node);
    registry.config().meterFilter(new MeterFilter() {
      @Override
      public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
        if (id.getName().startsWith("vertx.http.server.response.time")
            || id.getName().startsWith("vertx.http.server.request.time")
            || id.getName().equals("vertx.pool.queue.time")) {
          return DistributionStatisticConfig.builder().serviceLevelObjectives(nanos(HTTP_BUCKETS)).build().merge(config);
        }
        return config;
      }
    });
    Metrics metrics = new Metrics(registry, token);
    metrics.roundTrips.bind(metrics);
    return metrics;
  }

  private static double[] nanos(Duration[] buckets) {
    double[] s = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      s[i] = buckets[i].toNanos();
    }
    return s;
  }

  /** Vert.x options with this registry's metrics switched on. */
  public VertxOptions vertxOptions(VertxOptions options) {
    return options.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        // Vert.x keeps backends by name for the whole JVM: a name of its own keeps a second Agora in the same
        // process (the cluster tests, the test suite) from reporting into the first one's registry
        .setRegistryName(registryName)
        .setJvmMetricsEnabled(true)
        // no HTTP_PATH (raw paths) and no EB_ADDRESS (thread.123, member.7): unbounded and personal
        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME,
            Label.EB_SIDE, Label.EB_FAILURE, Label.NAMESPACE)));
  }

  /** Makes Vert.x report into this registry. */
  public VertxMetricsFactory factory() {
    return new MicrometerMetricsFactory(registry);
  }

  /** Makes Vert.x tell {@link RoundTrips} of each HTTP request and each SQL statement (Vert.x's builder: {@code withTracer}). */
  public io.vertx.core.spi.VertxTracerFactory tracer() {
    return roundTrips.factory();
  }

  /** The statements and round trips to PostgreSQL counted per HTTP request. */
  public RoundTrips roundTrips() {
    return roundTrips;
  }

  /**
   * For a request bearing the metrics token ({@code Authorization: Bearer <token>}): a
   * {@code Server-Timing} header with the statements the request sent to PostgreSQL and the round
   * trips they took, {@code db-statements;desc="3", db-round-trips;desc="2"} (what a page costs,
   * one request at a time; {@code PageRoundTripsTest} asserts it per page). Nothing for anyone else.
   */
  public Handler<RoutingContext> serverTiming() {
    return ctx -> {
      if (token.isPresent() && bearer(ctx)) {
        RoundTrips.Count count = RoundTrips.current(ctx);
        if (count != null) {
          ctx.addHeadersEndHandler(v -> ctx.response().putHeader("Server-Timing",
              "db-statements;desc=\"" + count.statements() + "\", db-round-trips;desc=\"" + count.roundTrips() + "\""));
        }
      }
      ctx.next();
    };
  }

  private boolean bearer(RoutingContext ctx) {
    String given = ctx.request().getHeader("Authorization");
    byte[] expected = ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8);
    return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
  }

  /** A figure read when scraped, such as the open sockets. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** A count that only grows, read when scraped, such as the events published. */
  public <T> void counter(String name, String description, T source, ToDoubleFunction<T> value) {
    FunctionCounter.builder(name, source, value).description(description).register(registry);
  }

  /** The registry, for tests and the scrape. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * {@code GET /metrics}: the text format for a request bearing {@code Authorization: Bearer <token>};
   * 401 with a wrong or missing token; 404 when no token is configured.
   */
  public Handler<RoutingContext> scrape() {
    return ctx -> {
      if (token.isEmpty()) {
        ctx.next();
        return;
      }
      if (!bearer(ctx)) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer realm=\"metrics\"")
            .putHeader("Content-Type", "text/plain; charset=UTF-8").end("a metrics token is required\n");
        return;
      }
      ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=UTF-8")
          .putHeader("Cache-Control", "no-store").end(registry.scrape());
    };
  }
}
