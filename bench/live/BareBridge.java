import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import java.time.Instant;

/**
 * The limit of bench/live.sh: a bare Vert.x SockJS event-bus bridge, nothing of Agora's. Benchmark
 * code, not product; run with the JDK's source launcher against Agora's own jars:
 *
 * <pre>java -cp 'target/lib/*' bench/live/BareBridge.java 18090</pre>
 *
 * It listens on 127.0.0.1 at the given port (the bridge at /eventbus, as Agora mounts it, with every
 * address of the form {@code thread.<n>} permitted outbound and nothing inbound), uses as many
 * event loops as Agora's HTTP server (one verticle instance per core, up to 4) and publishes one
 * message every 100 ms (or the second argument, in ms) to {@code thread.1}, shaped as Agora's
 * events plus the wall-clock time of the publish in microseconds ({@code "at"}), from which the
 * load generator measures each delivery: {@code {"type":"post.created","id":n,"seq":n,"at":µs}}.
 * It prints "bare bridge listening on port N" when ready.
 */
public class BareBridge {

  public static void main(String[] args) throws Exception {
    // Agora's jars bring Logback without a configuration (Agora's is in its own jar): warnings only
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    // a message for a socket that just closed is discarded with one WARN line each: at 1,000 sockets on a
    // loaded machine that logging alone (900,000 lines in one run) starved the bridge's event loops
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vertx.core.eventbus.impl.MessageConsumerImpl"))
        .setLevel(ch.qos.logback.classic.Level.ERROR);
    int port = Integer.parseInt(args[0]);
    long interval = args.length > 1 ? Long.parseLong(args[1]) : 100;
    Vertx vertx = Vertx.vertx();
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> start() {
        Router router = Router.router(vertx);
        SockJSBridgeOptions bridge = new SockJSBridgeOptions()
            .addOutboundPermitted(new PermittedOptions().setAddressRegex("thread\\.[0-9]+"))
            .setPingTimeout(60_000);
        router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx).bridge(bridge));
        return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(instances))
        .toCompletionStage().toCompletableFuture().get();
    long[] n = {0};
    vertx.setPeriodic(interval, id -> {
      n[0]++;
      Instant now = Instant.now();
      vertx.eventBus().publish("thread.1", new JsonObject().put("type", "post.created").put("id", n[0])
          .put("seq", n[0]).put("at", now.getEpochSecond() * 1_000_000L + now.getNano() / 1000));
    });
    System.out.println("bare bridge listening on port " + port);
    System.out.flush();
  }
}
