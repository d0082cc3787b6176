package eu.mhealthhub.agora.mail;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code mail_outbox} and {@code server_keys} tables. */
final class MailRepository {

  /** A held row whose still-wanted check is due. */
  record Held(long id, Long reference) {}

  private static final String INSERT_KEY = """
      INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING
      """;
  private static final String FIND_KEY = "SELECT secret FROM server_keys WHERE name = $1";

  private static final String ENQUEUE = """
      INSERT INTO mail_outbox (recipient, member_id, kind, subject, message_id, headers, text_body, html_body,
                               reference, hold_until, next_attempt_at, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
      RETURNING id
      """;
  /**
   * Held rows whose hold has ended and whose reference was not asked about yet, locked so that one
   * node asks about each. Rows another node holds are skipped, not waited for.
   */
  private static final String DUE_HELD = """
      SELECT id, reference FROM mail_outbox
      WHERE state = 'queued' AND hold_until IS NOT NULL AND NOT wanted_checked AND next_attempt_at <= $1
      ORDER BY next_attempt_at, id
      LIMIT $2
      FOR UPDATE SKIP LOCKED
      """;
  private static final String CANCEL = """
      UPDATE mail_outbox SET state = 'cancelled', last_error = NULL WHERE id = ANY($1) AND state = 'queued'
      """;
  private static final String MARK_WANTED = "UPDATE mail_outbox SET wanted_checked = true WHERE id = ANY($1)";
  private static final String COLUMNS = """
      id, recipient, kind, subject, message_id, headers, text_body, html_body, state, attempts, next_attempt_at,
      last_error, created_at
      """;
  /**
   * The next due row no other transaction holds, locked until this transaction ends: the worker
   * keeps it locked while it talks to the SMTP server (see {@link Outbox}).
   */
  private static final String CLAIM_ONE = "SELECT " + COLUMNS + """
      FROM mail_outbox
      WHERE state = 'queued' AND next_attempt_at <= $1 AND (hold_until IS NULL OR wanted_checked)
        -- a suspended member's mail waits: sent if the suspension ends (lifted or expired), see README "Suspension";
        -- a statement of reasons about a moderation decision (DSA Art. 17) still reaches them
        AND (kind = 'moderation_decision' OR member_id IS NULL OR NOT EXISTS (SELECT 1 FROM member_suspensions s WHERE s.member_id = mail_outbox.member_id
                        AND s.lifted_at IS NULL AND s.starts_at <= now() AND (s.ends_at IS NULL OR s.ends_at > now())))
      ORDER BY next_attempt_at, id
      LIMIT 1
      FOR UPDATE SKIP LOCKED
      """;
  private static final String MARK_SENT = """
      UPDATE mail_outbox SET state = 'sent', sent_at = $2, attempts = attempts + 1, last_error = NULL
      WHERE id = $1 AND state = 'queued'
      """;
  private static final String MARK_RETRY = """
      UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3
      WHERE id = $1 AND state = 'queued'
      """;
  private static final String MARK_FAILED = """
      UPDATE mail_outbox SET state = 'failed', attempts = attempts + 1, last_error = $2
      WHERE id = $1 AND state = 'queued'
      """;
  private static final String LIST_STATE = "SELECT " + COLUMNS + """
      FROM mail_outbox WHERE state = $1
      ORDER BY CASE WHEN $1 = 'queued' THEN next_attempt_at END, created_at DESC, id DESC
      LIMIT $2
      """;
  private static final String COUNT_STATES = "SELECT state, count(*) AS n FROM mail_outbox GROUP BY state";
  /** Messages due now and not sent, and how long the oldest has been due (held ones count from the end of their hold). */
  private static final String BACKLOG = """
      SELECT count(*) AS n, coalesce(extract(epoch FROM now() - min(next_attempt_at)), 0)::float8 AS oldest
        FROM mail_outbox WHERE state = 'queued' AND next_attempt_at <= now()""";

  /**
   * Longer than any SMTP exchange may take (the client's connect and idle timeouts), so a server
   * setting cannot abort a transaction that holds a row while its message is on the wire.
   */
  private static final String KEEP_TRANSACTION = "SET LOCAL idle_in_transaction_session_timeout = '10min'";

  /** The named secret, made by whichever node asks first. */
  Future<byte[]> serverKey(SqlClient db, String name, byte[] candidate) {
    return db.preparedQuery(INSERT_KEY).execute(Tuple.of(name, Buffer.buffer(candidate)))
        .compose(v -> db.preparedQuery(FIND_KEY).execute(Tuple.of(name)))
        .map(rows -> rows.iterator().next().getBuffer("secret").getBytes());
  }

  Future<Long> enqueue(SqlClient tx, OutgoingMail mail, Instant now) {
    Instant due = mail.holdUntil().filter(h -> h.isAfter(now)).orElse(now);
    JsonObject headers = new JsonObject();
    mail.message().headers().forEach(headers::put);
    Tuple t = Tuple.tuple()
        .addString(mail.recipient())
        .addLong(mail.memberId().isPresent() ? mail.memberId().getAsLong() : null)
        .addString(mail.kind())
        .addString(mail.message().subject())
        .addString(mail.message().messageId())
        .addValue(headers)
        .addString(mail.message().text())
        .addString(mail.message().html())
        .addLong(mail.reference().isPresent() ? mail.reference().getAsLong() : null)
        .addOffsetDateTime(mail.holdUntil().map(MailRepository::utc).orElse(null))
        .addOffsetDateTime(utc(due))
        .addOffsetDateTime(utc(now));
    return tx.preparedQuery(ENQUEUE).execute(t).map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Void> keepTransaction(SqlClient tx) {
    return tx.query(KEEP_TRANSACTION).execute().mapEmpty();
  }

  Future<List<Held>> dueHeld(SqlClient tx, Instant now, int limit) {
    return tx.preparedQuery(DUE_HELD).execute(Tuple.of(utc(now), limit))
        .map(rows -> {
          List<Held> held = new java.util.ArrayList<>();
          rows.forEach(r -> held.add(new Held(r.getLong("id"), r.getLong("reference"))));
          return held;
        });
  }

  Future<Void> cancel(SqlClient tx, List<Long> ids) {
    return ids.isEmpty() ? Future.succeededFuture()
        : tx.preparedQuery(CANCEL).execute(Tuple.of(ids.toArray(new Long[0]))).mapEmpty();
  }

  Future<Void> markWanted(SqlClient tx, List<Long> ids) {
    return ids.isEmpty() ? Future.succeededFuture()
        : tx.preparedQuery(MARK_WANTED).execute(Tuple.of(ids.toArray(new Long[0]))).mapEmpty();
  }

  Future<Optional<OutboxEntry>> claimOne(SqlClient tx, Instant now) {
    return tx.preparedQuery(CLAIM_ONE).execute(Tuple.of(utc(now)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(entry(rows.iterator().next())));
  }

  Future<Void> markSent(SqlClient tx, long id, Instant now) {
    return tx.preparedQuery(MARK_SENT).execute(Tuple.of(id, utc(now))).mapEmpty();
  }

  Future<Void> markRetry(SqlClient tx, long id, Instant next, String error) {
    return tx.preparedQuery(MARK_RETRY).execute(Tuple.of(id, utc(next), error)).mapEmpty();
  }

  Future<Void> markFailed(SqlClient tx, long id, String error) {
    return tx.preparedQuery(MARK_FAILED).execute(Tuple.of(id, error)).mapEmpty();
  }

  Future<List<OutboxEntry>> list(SqlClient db, String state, int limit) {
    return db.preparedQuery(LIST_STATE).execute(Tuple.of(state, limit)).map(rows -> {
      List<OutboxEntry> list = new java.util.ArrayList<>();
      rows.forEach(r -> list.add(entry(r)));
      return list;
    });
  }

  Future<Outbox.Backlog> backlog(SqlClient client) {
    return client.query(BACKLOG).execute()
        .map(rows -> {
          io.vertx.sqlclient.Row r = rows.iterator().next();
          return new Outbox.Backlog(r.getLong("n"), Math.max(0, r.getDouble("oldest")));
        });
  }

  Future<Map<String, Long>> countByState(SqlClient db) {
    return db.query(COUNT_STATES).execute().map(rows -> {
      Map<String, Long> counts = new LinkedHashMap<>();
      rows.forEach(r -> counts.put(r.getString("state"), r.getLong("n")));
      return counts;
    });
  }

  private static OutboxEntry entry(Row r) {
    Map<String, String> headers = new LinkedHashMap<>();
    JsonObject json = (JsonObject) r.getValue("headers");
    json.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
    return new OutboxEntry(r.getLong("id"), r.getString("recipient"), r.getString("kind"), r.getString("subject"),
        r.getString("message_id"), headers, r.getString("text_body"), r.getString("html_body"), r.getString("state"),
        r.getInteger("attempts"), r.getOffsetDateTime("next_attempt_at").toInstant(), r.getString("last_error"),
        r.getOffsetDateTime("created_at").toInstant());
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
