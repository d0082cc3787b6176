package eu.mhealthhub.agora.ops;

import io.vertx.core.Context;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/**
 * Counts the statements this node sends to PostgreSQL, and the round trips they cost, per HTTP
 * request: the measure of issue 18 ("at most 3 round trips for a thread or group page"), read by
 * {@code bench/pages.sh} from {@code /metrics} and asserted per page by {@code PageRoundTripsTest}.
 *
 * <p>It is a Vert.x tracer, the one hook that sees both ends with the request's own context: the
 * HTTP server announces each request with the request's (duplicated) context, and the SQL client
 * announces each statement with the context of the code that sent it, which is the request's while
 * a handler's chain runs. A request's {@link Count} lives in that context's local data, so requests
 * running at the same time, on any event loop, never mix their counts.
 *
 * <p>The <em>round trips</em> of a request are its longest chain of waits for PostgreSQL: a
 * statement sent before any of the request's statements answered is on level 1, one sent after is
 * one level above the highest level answered so far, and the request's round trips are the highest
 * level it reached. So {@code Future.all} of two queries is 2 statements and 1 round trip, two
 * queries one after the other are 2 and 2, and a pipelined batch counts once. Statements sent
 * outside any request (timers, workers, the event bus) count as {@code background}; so do
 * statements sent on a request's context after its response was sent (a timer or a shared load that
 * a request happened to start: nobody waits for them).
 */
public final class RoundTrips {

  private static final Object KEY = new Object();

  private final LongAdder requests = new LongAdder();
  private final LongAdder requestStatements = new LongAdder();
  private final LongAdder requestRoundTrips = new LongAdder();
  private final LongAdder backgroundStatements = new LongAdder();

  /** One request's statements so far, and the round trips they took. */
  public static final class Count {
    private final AtomicInteger statements = new AtomicInteger();
    private final AtomicInteger roundTrips = new AtomicInteger();
    private final AtomicInteger answeredLevel = new AtomicInteger();
    private volatile boolean answered;

    public int statements() {
      return statements.get();
    }

    public int roundTrips() {
      return roundTrips.get();
    }
  }

  /** The tracer factory to give Vert.x's builder ({@code withTracer}). */
  public VertxTracerFactory factory() {
    return options -> new Tracer();
  }

  /** The running request's count, or null outside a request (or when Vert.x was built without this tracer). */
  public static Count current(RoutingContext ctx) {
    Context context = ctx.vertx().getOrCreateContext();
    return context instanceof ContextInternal internal ? internal.getLocal(KEY) : null;
  }

  /** HTTP requests seen since start. */
  public long requests() {
    return requests.sum();
  }

  /** Statements sent for HTTP requests since start. */
  public long requestStatements() {
    return requestStatements.sum();
  }

  /** Round trips of HTTP requests since start. */
  public long requestRoundTrips() {
    return requestRoundTrips.sum();
  }

  /** Statements sent outside any HTTP request since start (timers, workers, the event bus). */
  public long backgroundStatements() {
    return backgroundStatements.sum();
  }

  /** Binds the counters to a registry, as {@code agora_db_*_total} and {@code agora_http_requests_counted_total}. */
  public void bind(Metrics metrics) {
    metrics.counter("agora.db.request.statements", "statements sent to PostgreSQL for HTTP requests", this,
        RoundTrips::requestStatements);
    metrics.counter("agora.db.request.round.trips",
        "round trips to PostgreSQL of HTTP requests: each request's longest chain of waits", this, RoundTrips::requestRoundTrips);
    metrics.counter("agora.db.background.statements", "statements sent to PostgreSQL outside HTTP requests", this,
        RoundTrips::backgroundStatements);
    metrics.counter("agora.http.requests.counted", "HTTP requests whose statements are counted", this,
        RoundTrips::requests);
  }

  /** One statement of a request: its level in the request's chain of waits. */
  private record Statement(Count count, int level) {}

  private final class Tracer implements VertxTracer<Count, Statement> {

    @Override
    public <R> Count receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
        Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
      if (!(request instanceof HttpServerRequest http) || !(context instanceof ContextInternal internal)
          // a WebSocket lives on after its upgrade: what its handlers send is not a page's
          || "websocket".equalsIgnoreCase(http.getHeader("Upgrade"))) {
        return null;
      }
      Count count = new Count();
      internal.putLocal(KEY, count);
      return count;
    }

    @Override
    public <R> void sendResponse(Context context, R response, Count count, Throwable failure,
        TagExtractor<R> tagExtractor) {
      if (count != null) {
        count.answered = true;
        requests.increment();
        requestRoundTrips.add(count.roundTrips.get());
      }
    }

    @Override
    public <R> Statement sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request, String operation,
        BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
      if (request == null || !request.getClass().getName().startsWith("io.vertx.sqlclient.")) {
        return null;
      }
      Count count = context instanceof ContextInternal internal ? internal.getLocal(KEY) : null;
      if (count == null || count.answered) {
        backgroundStatements.increment();
        return null;
      }
      count.statements.incrementAndGet();
      requestStatements.increment();
      int level = count.answeredLevel.get() + 1;
      count.roundTrips.accumulateAndGet(level, Math::max);
      return new Statement(count, level);
    }

    @Override
    public <R> void receiveResponse(Context context, R response, Statement statement, Throwable failure,
        TagExtractor<R> tagExtractor) {
      if (statement != null) {
        statement.count().answeredLevel.accumulateAndGet(statement.level(), Math::max);
      }
    }
  }
}
