package eu.mhealthhub.agora.api;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Optional;

/** The {@code idempotency_keys} table: one row per member and key, claimed, then answered or released. */
final class IdempotencyRepository {

  /** A key's row: what it was first used for, and the answer once there is one (status null before). */
  record Claim(String request, byte[] fingerprint, Integer status, String location, String body, boolean stale) {}

  private static final String CLAIM = """
      INSERT INTO idempotency_keys (member_id, key, request, fingerprint) VALUES ($1, $2, $3, $4)
      ON CONFLICT (member_id, key) DO NOTHING RETURNING 1
      """;
  private static final String FIND = """
      SELECT request, fingerprint, status, location, body, created_at < now() - make_interval(secs => $3) AS stale
      FROM idempotency_keys WHERE member_id = $1 AND key = $2
      """;
  private static final String ANSWER = """
      UPDATE idempotency_keys SET status = $3, location = $4, body = $5 WHERE member_id = $1 AND key = $2
      """;
  private static final String RELEASE = "DELETE FROM idempotency_keys WHERE member_id = $1 AND key = $2 AND status IS NULL";
  private static final String TAKE_OVER = """
      UPDATE idempotency_keys SET created_at = now()
      WHERE member_id = $1 AND key = $2 AND status IS NULL AND created_at < now() - make_interval(secs => $3)
      RETURNING 1
      """;
  private static final String PRUNE = "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1)";

  /** Inserts the key's row unless the member already used the key; true when this call claimed it. */
  Future<Boolean> claim(SqlClient db, long memberId, String key, String request, byte[] fingerprint) {
    return db.preparedQuery(CLAIM).execute(Tuple.of(memberId, key, request, Buffer.buffer(fingerprint)))
        .map(rows -> rows.size() == 1);
  }

  /** The key's row; {@code stale} when it was claimed longer ago than {@code staleAfter}. */
  Future<Optional<Claim>> find(SqlClient db, long memberId, String key, Duration staleAfter) {
    return db.preparedQuery(FIND).execute(Tuple.of(memberId, key, (double) staleAfter.toSeconds()))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(claim(rows.iterator().next())));
  }

  Future<Void> answer(SqlClient db, long memberId, String key, int status, String location, String body) {
    return db.preparedQuery(ANSWER).execute(Tuple.of(memberId, key, (short) status, location, body)).mapEmpty();
  }

  /** Deletes a claim that has no answer, so the key can be used again. */
  Future<Void> release(SqlClient db, long memberId, String key) {
    return db.preparedQuery(RELEASE).execute(Tuple.of(memberId, key)).mapEmpty();
  }

  /** Claims anew a key whose first request has had no answer for longer than {@code staleAfter}; true when taken. */
  Future<Boolean> takeOver(SqlClient db, long memberId, String key, Duration staleAfter) {
    return db.preparedQuery(TAKE_OVER).execute(Tuple.of(memberId, key, (double) staleAfter.toSeconds()))
        .map(rows -> rows.size() == 1);
  }

  Future<Integer> prune(SqlClient db, Duration olderThan) {
    return db.preparedQuery(PRUNE).execute(Tuple.of((double) olderThan.toSeconds())).map(rows -> rows.rowCount());
  }

  private static Claim claim(Row r) {
    Short status = r.getShort("status");
    return new Claim(r.getString("request"), r.getBuffer("fingerprint").getBytes(),
        status == null ? null : status.intValue(), r.getString("location"), r.getString("body"), r.getBoolean("stale"));
  }
}
