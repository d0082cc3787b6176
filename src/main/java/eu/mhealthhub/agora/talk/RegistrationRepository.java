package eu.mhealthhub.agora.talk;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code talk_registrations} and {@code talk_registration_mails} tables, and a Talk's capacity. */
final class RegistrationRepository {

  private static final String COLUMNS = """
      SELECT r.id, r.talk_id, r.member_id, r.name, r.email, r.locale, r.time_zone, r.status, r.cancel_secret,
             r.created_at, r.joined_at, r.status_at
      FROM talk_registrations r
      """;
  /** Serialises registrations of one Talk (capacity and waiting list) without touching the Talk's row. */
  private static final String LOCK_TALK = "SELECT pg_advisory_xact_lock(hashtext('talk_registrations'), $1::int)";
  private static final String CAPACITY = "SELECT capacity FROM talks WHERE id = $1";
  private static final String SET_CAPACITY = "UPDATE talks SET capacity = $2, updated_at = now() WHERE id = $1";
  private static final String COUNT_REGISTERED =
      "SELECT count(*) AS n FROM talk_registrations WHERE talk_id = $1 AND status = 'registered'";
  private static final String BY_EMAIL = COLUMNS + " WHERE r.talk_id = $1 AND r.email_key = $2 FOR UPDATE";
  private static final String BY_ID = COLUMNS + " WHERE r.id = $1";
  private static final String BY_ID_LOCKED = COLUMNS + " WHERE r.id = $1 FOR UPDATE";
  private static final String BY_MEMBER = COLUMNS + " WHERE r.talk_id = $1 AND r.member_id = $2";
  private static final String INSERT = """
      INSERT INTO talk_registrations (talk_id, member_id, name, email, email_key, locale, time_zone, status,
                                      cancel_secret, created_at, joined_at, status_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $10)
      RETURNING id
      """;
  private static final String RENEW = """
      UPDATE talk_registrations SET member_id = coalesce($2, member_id), name = $3, email = $4, locale = $5,
             time_zone = $6, status = $7, cancel_secret = $8, joined_at = $9, status_at = $9
      WHERE id = $1
      """;
  private static final String SET_STATUS = "UPDATE talk_registrations SET status = $2, status_at = $3 WHERE id = $1";
  private static final String FIRST_WAITING = COLUMNS
      + " WHERE r.talk_id = $1 AND r.status = 'waiting' ORDER BY r.joined_at, r.id LIMIT $2 FOR UPDATE";
  private static final String OF_TALK = COLUMNS + """
       WHERE r.talk_id = $1
      ORDER BY CASE r.status WHEN 'registered' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.joined_at, r.id
      """;
  /** A waiting registration's place on the list, in the order places are given (joined_at, id). */
  private static final String WAITING_POSITION = """
      SELECT count(*) AS n FROM talk_registrations w, talk_registrations r
      WHERE r.id = $1 AND r.status = 'waiting' AND w.talk_id = r.talk_id AND w.status = 'waiting'
        AND (w.joined_at, w.id) <= (r.joined_at, r.id)
      """;
  private static final String REGISTERED = COLUMNS + " WHERE r.talk_id = $1 AND r.status = 'registered' ORDER BY r.id";
  private static final String INSERT_MAIL = """
      INSERT INTO talk_registration_mails (registration_id, purpose, outbox_id) VALUES ($1, $2, $3)
      ON CONFLICT (registration_id, purpose) DO UPDATE SET outbox_id = excluded.outbox_id
      """;
  private static final String TAKE_MAILS = """
      DELETE FROM talk_registration_mails WHERE registration_id = $1 RETURNING outbox_id
      """;
  private static final String TAKE_TALK_MAILS = """
      DELETE FROM talk_registration_mails m USING talk_registrations r
      WHERE m.registration_id = r.id AND r.talk_id = $1 RETURNING m.outbox_id
      """;
  private static final String QUESTIONS = "SELECT count(*) AS n FROM talk_questions WHERE talk_id = $1 AND status <> 'merged'";
  /** Members who took part in the room: wrote, asked or voted. */
  private static final String PARTICIPANTS = """
      SELECT count(DISTINCT member_id) AS n FROM (
        SELECT author_id AS member_id FROM talk_messages WHERE talk_id = $1
        UNION SELECT author_id FROM talk_questions WHERE talk_id = $1
        UNION SELECT v.member_id FROM talk_question_votes v JOIN talk_questions q ON q.id = v.question_id WHERE q.talk_id = $1
      ) AS present
      """;

  /** One registration as stored. */
  record Stored(long id, long talkId, Long memberId, String name, String email, String locale, String timeZone,
      String status, String cancelSecret, Instant createdAt, Instant joinedAt, Instant statusAt) {}

  Future<Void> lockTalk(SqlClient db, long talkId) {
    return db.preparedQuery(LOCK_TALK).execute(Tuple.of(talkId)).mapEmpty();
  }

  Future<Optional<Integer>> capacity(SqlClient db, long talkId) {
    return db.preparedQuery(CAPACITY).execute(Tuple.of(talkId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getInteger("capacity")));
  }

  Future<Void> setCapacity(SqlClient db, long talkId, Integer capacity) {
    return db.preparedQuery(SET_CAPACITY).execute(Tuple.of(talkId, capacity)).mapEmpty();
  }

  Future<Long> countRegistered(SqlClient db, long talkId) {
    return count(db, COUNT_REGISTERED, talkId);
  }

  Future<Long> questions(SqlClient db, long talkId) {
    return count(db, QUESTIONS, talkId);
  }

  Future<Long> participants(SqlClient db, long talkId) {
    return count(db, PARTICIPANTS, talkId);
  }

  private static Future<Long> count(SqlClient db, String sql, long talkId) {
    return db.preparedQuery(sql).execute(Tuple.of(talkId)).map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<Optional<Stored>> byEmail(SqlClient db, long talkId, String emailKey) {
    return db.preparedQuery(BY_EMAIL).execute(Tuple.of(talkId, emailKey)).map(RegistrationRepository::first);
  }

  Future<Optional<Stored>> byId(SqlClient db, long id, boolean lock) {
    return db.preparedQuery(lock ? BY_ID_LOCKED : BY_ID).execute(Tuple.of(id)).map(RegistrationRepository::first);
  }

  Future<Optional<Stored>> byMember(SqlClient db, long talkId, long memberId) {
    return db.preparedQuery(BY_MEMBER).execute(Tuple.of(talkId, memberId)).map(RegistrationRepository::first);
  }

  Future<Long> insert(SqlClient db, long talkId, Long memberId, String name, String email, String locale, String zone,
      String status, String secret, Instant now) {
    return db.preparedQuery(INSERT).execute(Tuple.tuple().addLong(talkId).addLong(memberId).addString(name)
            .addString(email).addString(key(email)).addString(locale).addString(zone).addString(status).addString(secret)
            .addOffsetDateTime(utc(now)))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Void> renew(SqlClient db, long id, Long memberId, String name, String email, String locale, String zone,
      String status, String secret, Instant now) {
    return db.preparedQuery(RENEW).execute(Tuple.tuple().addLong(id).addLong(memberId).addString(name).addString(email)
        .addString(locale).addString(zone).addString(status).addString(secret).addOffsetDateTime(utc(now))).mapEmpty();
  }

  Future<Void> setStatus(SqlClient db, long id, String status, Instant now) {
    return db.preparedQuery(SET_STATUS).execute(Tuple.of(id, status, utc(now))).mapEmpty();
  }

  Future<List<Stored>> firstWaiting(SqlClient db, long talkId, int limit) {
    return db.preparedQuery(FIRST_WAITING).execute(Tuple.of(talkId, limit)).map(RegistrationRepository::list);
  }

  Future<List<Stored>> ofTalk(SqlClient db, long talkId) {
    return db.preparedQuery(OF_TALK).execute(Tuple.of(talkId)).map(RegistrationRepository::list);
  }

  /** The 1-based place of a waiting registration on its Talk's list; 0 when it is not waiting. */
  Future<Long> waitingPosition(SqlClient db, long registrationId) {
    return count(db, WAITING_POSITION, registrationId);
  }

  Future<List<Stored>> registered(SqlClient db, long talkId) {
    return db.preparedQuery(REGISTERED).execute(Tuple.of(talkId)).map(RegistrationRepository::list);
  }

  Future<Void> rememberMail(SqlClient db, long registrationId, String purpose, long outboxId) {
    return db.preparedQuery(INSERT_MAIL).execute(Tuple.of(registrationId, purpose, outboxId)).mapEmpty();
  }

  /** Forgets the reminders of a registration; completes with their outbox rows, to cancel. */
  Future<List<Long>> takeMails(SqlClient db, long registrationId) {
    return db.preparedQuery(TAKE_MAILS).execute(Tuple.of(registrationId)).map(RegistrationRepository::ids);
  }

  /** Forgets the reminders of a Talk's registrations; completes with their outbox rows, to cancel. */
  Future<List<Long>> takeTalkMails(SqlClient db, long talkId) {
    return db.preparedQuery(TAKE_TALK_MAILS).execute(Tuple.of(talkId)).map(RegistrationRepository::ids);
  }

  /** An address as registrations compare it. */
  static String key(String email) {
    return email.strip().toLowerCase(java.util.Locale.ROOT);
  }

  private static List<Long> ids(RowSet<Row> rows) {
    List<Long> ids = new ArrayList<>();
    rows.forEach(r -> ids.add(r.getLong("outbox_id")));
    return ids;
  }

  private static Optional<Stored> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(row(rows.iterator().next()));
  }

  private static List<Stored> list(RowSet<Row> rows) {
    List<Stored> out = new ArrayList<>();
    rows.forEach(r -> out.add(row(r)));
    return out;
  }

  private static Stored row(Row r) {
    return new Stored(r.getLong("id"), r.getLong("talk_id"), r.getLong("member_id"), r.getString("name"),
        r.getString("email"), r.getString("locale"), r.getString("time_zone"), r.getString("status"),
        r.getString("cancel_secret"), instant(r, "created_at"), instant(r, "joined_at"), instant(r, "status_at"));
  }

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
