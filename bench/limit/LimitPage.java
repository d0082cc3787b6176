// The limit page of the page benchmark (issue 18): what Vert.x itself serves on this machine when a
// page does one SELECT of twelve short rows and one Handlebars render, from the same embedded
// PostgreSQL as Agora, with a pool of the same size and as many event loops. Not part of the
// product: bench/pages.sh starts it beside Agora and divides each Agora page's req/s by its own.
//
//   java -cp 'target/lib/*' bench/limit/LimitPage.java      (JDK source launcher, Agora's jars)
//
// Environment: LIMIT_PORT (HTTP port, default 18990), LIMIT_PG_PORT (PostgreSQL port, required),
// LIMIT_PG_PASSWORD (the postgres user's password; PGPASSWORD also works), LIMIT_PG_HOST (127.0.0.1),
// LIMIT_POOL_SIZE (8, Agora's AGORA_DB_POOL_SIZE default), LIMIT_INSTANCES (min(4, cores), as Agora).
// At start it creates the database bench_limit with one table of twelve rows (if absent), then
// prints "limit page listening on port N".
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Template;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

public class LimitPage {

  static final String PAGE = """
      <!DOCTYPE html>
      <html lang="en">
      <head><meta charset="utf-8"><title>{{title}}</title></head>
      <body>
      <main>
      <h1>{{title}}</h1>
      <ul>
      {{#each rows}}
        <li><a href="/items/{{id}}">{{title}}</a> by {{author}}</li>
      {{/each}}
      </ul>
      </main>
      </body>
      </html>
      """;

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(env("LIMIT_PORT", "18990"));
    String password = env("LIMIT_PG_PASSWORD", env("PGPASSWORD", ""));
    PgConnectOptions admin = new PgConnectOptions()
        .setHost(env("LIMIT_PG_HOST", "127.0.0.1"))
        .setPort(Integer.parseInt(env("LIMIT_PG_PORT", "")))
        .setUser("postgres")
        .setPassword(password)
        .setDatabase("postgres");
    int poolSize = Integer.parseInt(env("LIMIT_POOL_SIZE", "8"));
    int instances = Integer.parseInt(env("LIMIT_INSTANCES",
        Integer.toString(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))));

    Vertx vertx = Vertx.vertx();
    // its own database, so Agora's schema (and a kept archive) never sees the limit page's table
    Pool setup = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(admin).using(vertx).build();
    boolean exists = setup.query("SELECT 1 FROM pg_database WHERE datname = 'bench_limit'").execute()
        .toCompletionStage().toCompletableFuture().get().size() > 0;
    if (!exists) {
      setup.query("CREATE DATABASE bench_limit").execute().toCompletionStage().toCompletableFuture().get();
    }
    setup.close().toCompletionStage().toCompletableFuture().get();

    PgConnectOptions connect = new PgConnectOptions(admin).setDatabase("bench_limit")
        .setCachePreparedStatements(true).setPipeliningLimit(16);
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(poolSize).setShared(false))
        .connectingTo(connect).using(vertx).build();
    pool.query("""
        CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY, title text NOT NULL, author text NOT NULL);
        INSERT INTO items SELECT n, 'Item number ' || n, 'Author ' || (n % 5)
          FROM generate_series(1, 12) n ON CONFLICT (id) DO NOTHING""").execute()
        .toCompletionStage().toCompletableFuture().get();

    Template template = new Handlebars().compileInline(PAGE);
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        return vertx.createHttpServer().requestHandler(req -> pool.preparedQuery(
                "SELECT id, title, author FROM items ORDER BY id LIMIT 12").execute()
            .map(rows -> {
              List<Map<String, Object>> list = new ArrayList<>(12);
              for (Row r : rows) {
                list.add(Map.of("id", r.getInteger(0), "title", r.getString(1), "author", r.getString(2)));
              }
              try {
                return template.apply(Map.of("title", "Twelve rows", "rows", list));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            })
            .onSuccess(html -> req.response().putHeader("Content-Type", "text/html; charset=utf-8").end(html))
            .onFailure(e -> req.response().setStatusCode(500).end(String.valueOf(e.getMessage()))))
            .listen(port);
      }
    }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture().get();
    System.out.println("limit page listening on port " + port + " (" + instances + " event loops, pool " + poolSize + ")");
  }

  static String env(String name, String fallback) {
    String v = System.getenv(name);
    if (v != null && !v.isBlank()) {
      return v;
    }
    if (fallback.isEmpty() && !name.equals("PGPASSWORD") && !name.equals("LIMIT_PG_PASSWORD")) {
      throw new IllegalArgumentException(name + " is required");
    }
    return fallback;
  }
}
