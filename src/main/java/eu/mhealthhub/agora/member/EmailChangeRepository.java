package eu.mhealthhub.agora.member;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** SQL for changes of the e-mail address used for mail (table {@code email_changes}). */
final class EmailChangeRepository {

  /** Whether another member (not erased) already uses the address for mail. */
  static final String ADDRESS_TAKEN = """
      SELECT EXISTS (SELECT 1 FROM members WHERE lower(email) = lower($1) AND id <> $2 AND erased_at IS NULL) AS taken""";

  /** A new request makes the member's earlier pending ones void: only the latest link works. */
  static final String SUPERSEDE_PENDING =
      "UPDATE email_changes SET status = 'superseded' WHERE member_id = $1 AND status = 'pending'";

  static final String INSERT = """
      INSERT INTO email_changes (member_id, old_email, new_email, token_hash, requested_at, expires_at)
      VALUES ($1, $2, $3, $4, $5, $6)""";

  /** The change a link stands for, locked; only the member it was asked by can use it. */
  static final String LOCK_BY_TOKEN = """
      SELECT id, new_email, status, expires_at FROM email_changes
       WHERE token_hash = $1 AND member_id = $2 FOR UPDATE""";

  static final String CONFIRM = "UPDATE email_changes SET status = 'confirmed', confirmed_at = $2 WHERE id = $1";

  static final String SET_EMAIL = "UPDATE members SET email = $2, email_edited = true WHERE id = $1 AND erased_at IS NULL";

  /** The address waiting for confirmation, if any. */
  static final String PENDING = """
      SELECT new_email FROM email_changes
       WHERE member_id = $1 AND status = 'pending' AND expires_at > $2
       ORDER BY requested_at DESC LIMIT 1""";

  /** A change waiting for its confirmation, as a link finds it. */
  record Pending(long id, String newEmail, String status, Instant expiresAt) {}

  Future<Boolean> taken(SqlClient db, String email, long memberId) {
    return db.preparedQuery(ADDRESS_TAKEN).execute(Tuple.of(email, memberId))
        .map(rows -> rows.iterator().next().getBoolean("taken"));
  }

  Future<Void> request(SqlClient db, long memberId, String oldEmail, String newEmail, byte[] tokenHash, Instant now,
      Instant expires) {
    return db.preparedQuery(SUPERSEDE_PENDING).execute(Tuple.of(memberId))
        .compose(v -> db.preparedQuery(INSERT).execute(Tuple.of(memberId, oldEmail, newEmail,
            io.vertx.core.buffer.Buffer.buffer(tokenHash), utc(now), utc(expires))))
        .mapEmpty();
  }

  Future<Optional<Pending>> lock(SqlClient db, byte[] tokenHash, long memberId) {
    return db.preparedQuery(LOCK_BY_TOKEN).execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(tokenHash), memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(pending(rows.iterator().next())));
  }

  private static Pending pending(Row r) {
    return new Pending(r.getLong("id"), r.getString("new_email"), r.getString("status"),
        r.getOffsetDateTime("expires_at").toInstant());
  }

  Future<Void> confirm(SqlClient db, long changeId, long memberId, String email, Instant now) {
    return db.preparedQuery(SET_EMAIL).execute(Tuple.of(memberId, email))
        .compose(v -> db.preparedQuery(CONFIRM).execute(Tuple.of(changeId, utc(now))))
        .mapEmpty();
  }

  Future<Optional<String>> pending(SqlClient db, long memberId, Instant now) {
    return db.preparedQuery(PENDING).execute(Tuple.of(memberId, utc(now)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString("new_email")));
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
