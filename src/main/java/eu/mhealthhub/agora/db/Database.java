package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Owns the one connection pool of the process. Created outside any verticle so undeploys leave it open. */
public final class Database {

  private final Pool pool;

  public Database(Vertx vertx, DatabaseSettings settings) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(settings.host())
        .setPort(settings.port())
        .setDatabase(settings.name())
        .setUser(settings.user())
        .setPassword(settings.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(16);
    PoolOptions poolOptions = new PoolOptions()
        .setMaxSize(16)
        .setShared(false)
        .setConnectionTimeout(5)
        .setName("agora");
    this.pool = PgBuilder.pool().with(poolOptions).connectingTo(connect).using(vertx).build();
  }

  public Pool pool() {
    return pool;
  }

  /** Succeeds when the database answers a trivial query; used by readiness checks. */
  public Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }

  public Future<Void> close() {
    return pool.close();
  }
}
