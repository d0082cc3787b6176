package eu.mhealthhub.agora.network;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The network's SQL: followers, announcements and who each announcement was queued for. */
final class NetworkRepository {

  /** A follower as the mail and the pages need them. */
  record Follower(long id, String email, String name, String locale, List<String> topics, String status) {}

  static final String INSERT_KEY = "INSERT INTO server_keys (name, secret) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING";
  static final String FIND_KEY = "SELECT secret FROM server_keys WHERE name = $1";

  private static final String FOLLOWER_COLUMNS = "id, email, name, locale, topics, status";

  static final String INSERT_FOLLOWER = """
      INSERT INTO network_followers (email, name, organisation, country, stakeholder_type, locale, topics, consent,
                                     source, status, confirm_nonce, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, true, 'signup', 'pending', $8, $9)
      ON CONFLICT (email) DO NOTHING
      RETURNING """ + " " + FOLLOWER_COLUMNS;

  static final String LOCK_BY_EMAIL = "SELECT " + FOLLOWER_COLUMNS + " FROM network_followers WHERE email = $1 FOR UPDATE";

  /** A sign-up again of an address not confirmed (or unsubscribed since): its data replaced, pending again. */
  static final String RENEW_PENDING = """
      UPDATE network_followers
         SET name = $2, organisation = $3, country = $4, stakeholder_type = $5, locale = $6, topics = $7,
             consent = true, status = 'pending', confirmed_at = NULL, unsubscribed_at = NULL,
             confirm_nonce = coalesce($8, confirm_nonce)
       WHERE id = $1 AND status IN ('pending', 'unsubscribed')""";

  static final String CONFIRM = """
      UPDATE network_followers SET status = 'confirmed', confirmed_at = $3, confirm_nonce = NULL, consent = true
       WHERE id = $1 AND confirm_nonce = $2 AND status = 'pending'
      RETURNING""" + " " + FOLLOWER_COLUMNS;

  static final String BY_ID = "SELECT " + FOLLOWER_COLUMNS + " FROM network_followers WHERE id = $1";

  /** A member's own follower row: the one linked to them, else the one under their e-mail. */
  static final String MEMBER_FOLLOWER = "SELECT " + FOLLOWER_COLUMNS + """
       FROM network_followers WHERE member_id = $1 OR email = $2
      ORDER BY member_id = $1 DESC NULLS LAST LIMIT 1""";

  /** {@link #MEMBER_FOLLOWER}, locked for the transaction that changes it. */
  static final String LOCK_MEMBER_FOLLOWER = MEMBER_FOLLOWER + " FOR UPDATE";

  /**
   * A member follows: their provider vouched for the e-mail, so no confirmation link is needed. Consent is the
   * member's own act of saving the form.
   */
  static final String INSERT_MEMBER_FOLLOWER = """
      INSERT INTO network_followers (email, name, locale, topics, consent, source, status, created_at, confirmed_at, member_id)
      VALUES ($1, $2, $3, $4, true, 'signup', 'confirmed', $5, $5, $6)""";

  /** A member's existing row (a follower they were, or theirs): their topics, confirmed, linked to them. */
  static final String FOLLOW_AS_MEMBER = """
      UPDATE network_followers
         SET topics = $2, consent = true, status = 'confirmed', confirmed_at = coalesce(confirmed_at, $3),
             unsubscribed_at = NULL, confirm_nonce = NULL, member_id = $4
       WHERE id = $1 AND status <> 'bounced'""";

  /** A member stops following: their row is kept, unsubscribed, like a follower's one-click unsubscribe. */
  static final String UNFOLLOW_AS_MEMBER = """
      UPDATE network_followers SET status = 'unsubscribed', unsubscribed_at = $2, confirm_nonce = NULL
       WHERE id = $1 AND status IN ('pending', 'confirmed')""";

  static final String SET_TOPICS = "UPDATE network_followers SET topics = $2 WHERE id = $1 AND status = 'confirmed'";

  static final String UNSUBSCRIBE = """
      UPDATE network_followers SET status = 'unsubscribed', unsubscribed_at = coalesce(unsubscribed_at, $2),
             confirm_nonce = NULL
       WHERE id = $1 AND status IN ('pending', 'confirmed', 'unsubscribed')""";

  static final String INSERT_ANNOUNCEMENT = """
      INSERT INTO network_announcements (author_id, topics, title_en, body_en, html_en, title_fr, body_fr, html_fr,
                                         title_de, body_de, html_de, published_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
      RETURNING id""";

  /**
   * The confirmed followers of any of the topics not yet queued this announcement, recorded as queued
   * in the same statement: never twice, whoever runs it again. A follower whose address the outbox
   * gave up on (a refused recipient) is left out for good.
   */
  static final String TAKE_RECIPIENTS = """
      WITH due AS (
          SELECT f.id FROM network_followers f
           WHERE f.status = 'confirmed' AND f.topics && $2::text[]
             AND NOT EXISTS (SELECT 1 FROM network_deliveries d WHERE d.announcement_id = $1 AND d.follower_id = f.id)
             AND NOT EXISTS (SELECT 1 FROM mail_outbox o WHERE o.recipient = f.email AND o.state = 'failed')
           ORDER BY f.id
           LIMIT $3
      ), queued AS (
          INSERT INTO network_deliveries (announcement_id, follower_id, queued_at)
          SELECT $1, id, $4 FROM due
          RETURNING follower_id
      )
      SELECT f.id, f.email, f.name, f.locale, f.topics, f.status
        FROM network_followers f JOIN queued q ON q.follower_id = f.id ORDER BY f.id""";

  static final String ANNOUNCEMENT_COLUMNS = """
      id, topics, title_en, html_en, title_fr, html_fr, title_de, html_de, body_en, body_fr, body_de, published_at""";

  static final String ANNOUNCEMENTS = "SELECT " + ANNOUNCEMENT_COLUMNS
      + " FROM network_announcements ORDER BY published_at DESC, id DESC LIMIT $1";

  static final String ANNOUNCEMENT = "SELECT " + ANNOUNCEMENT_COLUMNS + " FROM network_announcements WHERE id = $1";

  /** A stored upload. */
  record StoredImport(long id, String fileName, String content, Instant appliedAt) {}

  /** A follower whose re-permission message is due, with the nonce its link names. */
  record Due(Follower follower, String nonce) {}

  static final String INSERT_IMPORT = """
      INSERT INTO network_imports (admin_id, file_name, content, created_at) VALUES ($1, $2, $3, $4) RETURNING id""";

  static final String IMPORT_BY_ID = "SELECT id, file_name, content, applied_at FROM network_imports WHERE id = $1";

  static final String EXISTING = "SELECT email FROM network_followers WHERE email = ANY($1)";

  /** An imported former follower: waiting for their re-permission, no consent until they confirm. */
  static final String INSERT_IMPORTED = """
      INSERT INTO network_followers (email, name, organisation, country, stakeholder_type, locale, topics, consent,
                                     source, status, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, false, 'import', 'pending', $8)
      ON CONFLICT (email) DO NOTHING""";

  static final String MARK_APPLIED = "UPDATE network_imports SET applied_at = coalesce(applied_at, $2) WHERE id = $1";

  static final String LOCK_IMPORT = "SELECT pg_advisory_xact_lock(hashtext('network.import'))";

  /**
   * Imported followers not yet asked, each given a nonce and marked asked in the same statement:
   * one re-permission message per follower, whoever runs it again. Bounced and unsubscribed
   * addresses are not pending, so they are not asked.
   */
  static final String TAKE_REPERMISSION = """
      UPDATE network_followers
         SET repermission_sent_at = $1,
             confirm_nonce = md5(random()::text || clock_timestamp()::text || id::text)
       WHERE source = 'import' AND status = 'pending' AND repermission_sent_at IS NULL
      RETURNING id, email, name, locale, topics, status, confirm_nonce""";

  /** A count of followers and members under one key (a month, a stakeholder type, a country, a topic). */
  record Count(String key, long followers, long members) {}

  /** A follower as the admin's CSV export lists them. */
  record Listed(String email, String name, String organisation, String country, String stakeholderType,
      List<String> topics, String status, String source, Instant createdAt, Instant confirmedAt, boolean member) {}

  /**
   * Confirmed followers and members at the end of each of the last twelve months ($1 = now). A
   * follower counts from confirmation while still confirmed; a member from creation unless erased.
   */
  static final String MONTHLY = """
      WITH months AS (
          SELECT generate_series(date_trunc('month', $1::timestamptz) - interval '11 months',
                                 date_trunc('month', $1::timestamptz), interval '1 month') AS m)
      SELECT to_char(m, 'YYYY-MM') AS key,
             (SELECT count(*) FROM network_followers f
               WHERE f.status = 'confirmed' AND f.confirmed_at < m + interval '1 month') AS followers,
             (SELECT count(*) FROM members x
               WHERE x.erased_at IS NULL AND x.created_at < m + interval '1 month') AS members
        FROM months ORDER BY m""";

  /** One month's count of one key of a breakdown (the network at the end of that month). */
  record MonthCount(String month, String key, long followers, long members) {}

  /**
   * The network at the end of each of the last twelve months ($1 = now), by stakeholder type:
   * confirmed followers not (yet) members from their confirmation, members from their creation
   * unless erased (empty key: not given). Months with nobody have no rows.
   */
  static final String MONTHLY_BY_STAKEHOLDER = """
      WITH months AS (
          SELECT generate_series(date_trunc('month', $1::timestamptz) - interval '11 months',
                                 date_trunc('month', $1::timestamptz), interval '1 month') AS m),
      people AS (
          SELECT coalesce(stakeholder_type, '') AS key, confirmed_at AS since, 1 AS f, 0 AS mm
            FROM network_followers WHERE status = 'confirmed' AND member_id IS NULL AND confirmed_at IS NOT NULL
          UNION ALL
          SELECT coalesce(stakeholder_type, ''), created_at, 0, 1 FROM members WHERE erased_at IS NULL)
      SELECT to_char(m, 'YYYY-MM') AS month, p.key, sum(p.f) AS followers, sum(p.mm) AS members
        FROM months JOIN people p ON p.since < m + interval '1 month'
       GROUP BY m, p.key ORDER BY m, p.key""";

  /** The same by country (empty key: not given). */
  static final String MONTHLY_BY_COUNTRY = """
      WITH months AS (
          SELECT generate_series(date_trunc('month', $1::timestamptz) - interval '11 months',
                                 date_trunc('month', $1::timestamptz), interval '1 month') AS m),
      people AS (
          SELECT coalesce(country, '') AS key, confirmed_at AS since, 1 AS f, 0 AS mm
            FROM network_followers WHERE status = 'confirmed' AND member_id IS NULL AND confirmed_at IS NOT NULL
          UNION ALL
          SELECT coalesce(country, ''), created_at, 0, 1 FROM members WHERE erased_at IS NULL)
      SELECT to_char(m, 'YYYY-MM') AS month, p.key, sum(p.f) AS followers, sum(p.mm) AS members
        FROM months JOIN people p ON p.since < m + interval '1 month'
       GROUP BY m, p.key ORDER BY m, p.key""";

  /** Confirmed followers by topic at the end of each of the last twelve months (members: none). */
  static final String MONTHLY_BY_TOPIC = """
      WITH months AS (
          SELECT generate_series(date_trunc('month', $1::timestamptz) - interval '11 months',
                                 date_trunc('month', $1::timestamptz), interval '1 month') AS m)
      SELECT to_char(m, 'YYYY-MM') AS month, t AS key, count(*) AS followers, 0::bigint AS members
        FROM months JOIN network_followers f ON f.status = 'confirmed' AND f.confirmed_at < m + interval '1 month',
             unnest(f.topics) AS t
       GROUP BY m, t ORDER BY m, t""";

  /** Confirmed followers not (yet) members, and members, by stakeholder type (empty: not given). */
  static final String BY_STAKEHOLDER = """
      SELECT coalesce(t, '') AS key, sum(f) AS followers, sum(mm) AS members FROM (
          SELECT stakeholder_type AS t, 1 AS f, 0 AS mm FROM network_followers WHERE status = 'confirmed' AND member_id IS NULL
          UNION ALL
          SELECT stakeholder_type, 0, 1 FROM members WHERE erased_at IS NULL) x
       GROUP BY 1 ORDER BY 1""";

  /** The same by country. */
  static final String BY_COUNTRY = """
      SELECT coalesce(c, '') AS key, sum(f) AS followers, sum(mm) AS members FROM (
          SELECT country AS c, 1 AS f, 0 AS mm FROM network_followers WHERE status = 'confirmed' AND member_id IS NULL
          UNION ALL
          SELECT country, 0, 1 FROM members WHERE erased_at IS NULL) x
       GROUP BY 1 ORDER BY 2 DESC, 1""";

  /** Confirmed followers by topic (members follow groups by joining them; not counted here). */
  static final String BY_TOPIC = """
      SELECT t AS key, count(*) AS followers, 0::bigint AS members
        FROM network_followers, unnest(topics) AS t WHERE status = 'confirmed'
       GROUP BY t ORDER BY 2 DESC, 1""";

  static final String LIST_FOLLOWERS = """
      SELECT email, name, organisation, country, stakeholder_type, topics, status, source, created_at, confirmed_at,
             member_id IS NOT NULL AS member
        FROM network_followers ORDER BY created_at, id LIMIT $1""";

  Future<byte[]> serverKey(SqlClient db, byte[] candidate) {
    return db.preparedQuery(INSERT_KEY).execute(Tuple.of(NetworkTokens.KEY_NAME, io.vertx.core.buffer.Buffer.buffer(candidate)))
        .compose(v -> db.preparedQuery(FIND_KEY).execute(Tuple.of(NetworkTokens.KEY_NAME)))
        .map(rows -> rows.iterator().next().getBuffer("secret").getBytes());
  }

  Future<Optional<Follower>> insert(SqlClient tx, JoinForm f, String locale, String nonce, Instant now) {
    return tx.preparedQuery(INSERT_FOLLOWER).execute(Tuple.from(new Object[] {f.email(), f.name(), f.organisation(),
            f.country(), f.stakeholderType(), locale, f.topics().toArray(String[]::new), nonce, utc(now)}))
        .map(NetworkRepository::first);
  }

  Future<Optional<Follower>> lockByEmail(SqlClient tx, String email) {
    return tx.preparedQuery(LOCK_BY_EMAIL).execute(Tuple.of(email)).map(NetworkRepository::first);
  }

  Future<Optional<Follower>> lockMemberFollower(SqlClient tx, long memberId, String email) {
    return tx.preparedQuery(LOCK_MEMBER_FOLLOWER).execute(Tuple.of(memberId, email)).map(NetworkRepository::first);
  }

  Future<Optional<Follower>> memberFollower(SqlClient db, long memberId, String email) {
    return db.preparedQuery(MEMBER_FOLLOWER).execute(Tuple.of(memberId, email)).map(NetworkRepository::first);
  }

  Future<Void> insertMemberFollower(SqlClient tx, long memberId, String email, String name, String locale,
      List<String> topics, Instant now) {
    return tx.preparedQuery(INSERT_MEMBER_FOLLOWER).execute(Tuple.from(new Object[] {email, name, locale,
        topics.toArray(String[]::new), now.atOffset(ZoneOffset.UTC), memberId})).mapEmpty();
  }

  /** Completes with whether the row was updated (false for a bounced address). */
  Future<Boolean> followAsMember(SqlClient tx, long id, long memberId, List<String> topics, Instant now) {
    return tx.preparedQuery(FOLLOW_AS_MEMBER).execute(Tuple.from(new Object[] {id, topics.toArray(String[]::new),
        now.atOffset(ZoneOffset.UTC), memberId})).map(rows -> rows.rowCount() == 1);
  }

  Future<Void> unfollowAsMember(SqlClient tx, long id, Instant now) {
    return tx.preparedQuery(UNFOLLOW_AS_MEMBER).execute(Tuple.of(id, now.atOffset(ZoneOffset.UTC))).mapEmpty();
  }

  Future<Void> renewPending(SqlClient tx, long id, JoinForm f, String locale, String nonceOrNull) {
    return tx.preparedQuery(RENEW_PENDING).execute(Tuple.from(new Object[] {id, f.name(), f.organisation(), f.country(),
        f.stakeholderType(), locale, f.topics().toArray(String[]::new), nonceOrNull})).mapEmpty();
  }

  Future<Optional<Follower>> confirm(SqlClient tx, long id, String nonce, Instant now) {
    return tx.preparedQuery(CONFIRM).execute(Tuple.of(id, nonce, utc(now))).map(NetworkRepository::first);
  }

  Future<Optional<Follower>> byId(SqlClient db, long id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(id)).map(NetworkRepository::first);
  }

  Future<Boolean> setTopics(SqlClient db, long id, List<String> topics) {
    return db.preparedQuery(SET_TOPICS).execute(Tuple.of(id).addArrayOfString(topics.toArray(String[]::new))).map(r -> r.rowCount() == 1);
  }

  Future<Void> unsubscribe(SqlClient db, long id, Instant now) {
    return db.preparedQuery(UNSUBSCRIBE).execute(Tuple.of(id, utc(now))).mapEmpty();
  }

  Future<Long> insertAnnouncement(SqlClient tx, Long authorId, Announcement a, Instant now) {
    return tx.preparedQuery(INSERT_ANNOUNCEMENT).execute(Tuple.from(new Object[] {authorId,
            a.topics().toArray(String[]::new), a.title(Announcement.Lang.EN), a.body(Announcement.Lang.EN),
            a.html(Announcement.Lang.EN), a.title(Announcement.Lang.FR), a.body(Announcement.Lang.FR),
            a.html(Announcement.Lang.FR), a.title(Announcement.Lang.DE), a.body(Announcement.Lang.DE),
            a.html(Announcement.Lang.DE), utc(now)}))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<List<Follower>> takeRecipients(SqlClient tx, long announcementId, List<String> topics, int limit, Instant now) {
    return tx.preparedQuery(TAKE_RECIPIENTS)
        .execute(Tuple.of(announcementId, topics.toArray(String[]::new), limit, utc(now)))
        .map(rows -> {
          List<Follower> list = new ArrayList<>();
          rows.forEach(r -> list.add(follower(r)));
          return list;
        });
  }

  Future<List<Announcement>> announcements(SqlClient db, int limit) {
    return db.preparedQuery(ANNOUNCEMENTS).execute(Tuple.of(limit)).map(rows -> {
      List<Announcement> list = new ArrayList<>();
      rows.forEach(r -> list.add(announcement(r)));
      return list;
    });
  }

  Future<Optional<Announcement>> announcement(SqlClient db, long id) {
    return db.preparedQuery(ANNOUNCEMENT).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(announcement(rows.iterator().next())));
  }

  Future<Long> insertImport(SqlClient db, long adminId, String fileName, String content, Instant now) {
    return db.preparedQuery(INSERT_IMPORT).execute(Tuple.of(adminId, fileName, content, utc(now)))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Optional<StoredImport>> storedImport(SqlClient db, long id) {
    return db.preparedQuery(IMPORT_BY_ID).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      OffsetDateTime applied = r.getOffsetDateTime("applied_at");
      return Optional.of(new StoredImport(r.getLong("id"), r.getString("file_name"), r.getString("content"),
          applied == null ? null : applied.toInstant()));
    });
  }

  Future<java.util.Set<String>> existing(SqlClient db, List<String> emails) {
    return db.preparedQuery(EXISTING).execute(Tuple.tuple().addArrayOfString(emails.toArray(String[]::new)))
        .map(rows -> {
          java.util.Set<String> found = new java.util.HashSet<>();
          rows.forEach(r -> found.add(r.getString("email")));
          return found;
        });
  }

  Future<Void> lockImports(SqlClient tx) {
    return tx.query(LOCK_IMPORT).execute().mapEmpty();
  }

  Future<Integer> insertImported(SqlClient tx, List<FollowerCsv.Valid> rows, Instant now) {
    if (rows.isEmpty()) {
      return Future.succeededFuture(0);
    }
    List<Tuple> batch = new ArrayList<>();
    for (FollowerCsv.Valid v : rows) {
      batch.add(Tuple.from(new Object[] {v.email(), v.name(), v.organisation(), v.country(), v.stakeholderType(),
          v.language(), v.topics().toArray(String[]::new), utc(now)}));
    }
    return tx.preparedQuery(INSERT_IMPORTED).executeBatch(batch).map(result -> {
      int n = 0;
      for (io.vertx.sqlclient.RowSet<Row> r = result; r != null; r = r.next()) {
        n += r.rowCount();
      }
      return n;
    });
  }

  Future<Void> markApplied(SqlClient tx, long id, Instant now) {
    return tx.preparedQuery(MARK_APPLIED).execute(Tuple.of(id, utc(now))).mapEmpty();
  }

  Future<List<Due>> takeRepermission(SqlClient tx, Instant now) {
    return tx.preparedQuery(TAKE_REPERMISSION).execute(Tuple.of(utc(now))).map(rows -> {
      List<Due> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Due(follower(r), r.getString("confirm_nonce"))));
      return list;
    });
  }

  Future<List<Count>> counts(SqlClient db, String sql, Tuple params) {
    return db.preparedQuery(sql).execute(params).map(rows -> {
      List<Count> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Count(r.getString("key"), r.getLong("followers"), r.getLong("members"))));
      return list;
    });
  }

  Future<List<MonthCount>> monthly(SqlClient db, String sql, Tuple params) {
    return db.preparedQuery(sql).execute(params).map(rows -> {
      List<MonthCount> list = new ArrayList<>();
      rows.forEach(r -> list.add(new MonthCount(r.getString("month"), r.getString("key"), r.getLong("followers"),
          r.getLong("members"))));
      return list;
    });
  }

  Future<List<Listed>> listFollowers(SqlClient db, int limit) {
    return db.preparedQuery(LIST_FOLLOWERS).execute(Tuple.of(limit)).map(rows -> {
      List<Listed> list = new ArrayList<>();
      rows.forEach(r -> {
        OffsetDateTime confirmed = r.getOffsetDateTime("confirmed_at");
        list.add(new Listed(r.getString("email"), r.getString("name"), r.getString("organisation"), r.getString("country"),
            r.getString("stakeholder_type"), List.of(r.getArrayOfStrings("topics")), r.getString("status"),
            r.getString("source"), r.getOffsetDateTime("created_at").toInstant(),
            confirmed == null ? null : confirmed.toInstant(), r.getBoolean("member")));
      });
      return list;
    });
  }

  private static Announcement announcement(Row r) {
    return new Announcement(r.getLong("id"), List.of(r.getArrayOfStrings("topics")),
        new Announcement.Text(r.getString("title_en"), r.getString("body_en"), r.getString("html_en")),
        r.getString("title_fr") == null ? null
            : new Announcement.Text(r.getString("title_fr"), r.getString("body_fr"), r.getString("html_fr")),
        r.getString("title_de") == null ? null
            : new Announcement.Text(r.getString("title_de"), r.getString("body_de"), r.getString("html_de")),
        r.getOffsetDateTime("published_at").toInstant());
  }

  private static Optional<Follower> first(io.vertx.sqlclient.RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(follower(rows.iterator().next()));
  }

  private static Follower follower(Row r) {
    return new Follower(r.getLong("id"), r.getString("email"), r.getString("name"), r.getString("locale"),
        List.of(r.getArrayOfStrings("topics")), r.getString("status"));
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }
}
