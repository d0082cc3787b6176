package eu.mhealthhub.agora.limits;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** The token buckets in PostgreSQL: one statement refills a bucket and takes a token when there is one. */
final class RateLimitRepository {

  /** What one take left: whether it got a token, and the tokens left after it. */
  record Taken(boolean granted, double tokens) {}

  /**
   * Refill and take in one statement: the row lock of ON CONFLICT DO UPDATE serialises concurrent
   * takes of one bucket from any node, and every SET expression reads the row as it was before.
   * The time is the database's ({@code clock_timestamp()}, once, through EXCLUDED), so nodes with
   * drifting clocks still agree. A new bucket starts full minus the token taken now.
   * $1 name, $2 subject, $3 capacity, $4 tokens gained a second.
   */
  private static final String TAKE = """
      INSERT INTO rate_buckets AS b (name, subject, tokens, granted, updated_at)
      VALUES ($1, $2, $3::float8 - 1, true, clock_timestamp())
      ON CONFLICT (name, subject) DO UPDATE SET
        granted = LEAST($3::float8, b.tokens
            + GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)::float8) * $4::float8) >= 1,
        tokens = LEAST($3::float8, b.tokens
            + GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)::float8) * $4::float8)
          - CASE WHEN LEAST($3::float8, b.tokens
            + GREATEST(0, EXTRACT(EPOCH FROM EXCLUDED.updated_at - b.updated_at)::float8) * $4::float8) >= 1
            THEN 1 ELSE 0 END,
        updated_at = EXCLUDED.updated_at
      RETURNING granted, tokens
      """;

  /** Buckets idle for longer than the longest period are full: the same as no row. $1 seconds. */
  private static final String FORGET_IDLE = """
      DELETE FROM rate_buckets WHERE updated_at < clock_timestamp() - make_interval(secs => $1::float8)
      """;

  Future<Taken> take(SqlClient client, String name, String subject, double capacity, double perSecond) {
    return client.preparedQuery(TAKE).execute(Tuple.of(name, subject, capacity, perSecond))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Taken(row.getBoolean("granted"), row.getDouble("tokens"));
        });
  }

  Future<Integer> forgetIdle(SqlClient client, long seconds) {
    return client.preparedQuery(FORGET_IDLE).execute(Tuple.of((double) seconds)).map(rows -> rows.rowCount());
  }
}
