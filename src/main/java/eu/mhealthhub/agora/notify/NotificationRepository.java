package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.db.Rows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for notification jobs, notifications, preferences, and document and Talk watching. The
 * watcher queries read the thread and group subscription tables, which are what "watching" means
 * for those scopes; who may read a subject is never decided here (see {@link NotificationSubjects}).
 */
final class NotificationRepository {

  private static final String INSERT_JOB = """
      INSERT INTO notification_jobs (actor_id, subject_kind, subject_id, context_kind, context_id, group_id, title,
                                     detail, link, direct, watch_scope, watch_id, watch_kind, mute_thread, mute_group, batched)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
      """;
  /** One job at a time, skipping those another node holds: each job is fanned out once. */
  private static final String CLAIM_JOB = """
      SELECT id, actor_id, subject_kind, subject_id, context_kind, context_id, group_id, title, detail, link, direct,
             watch_scope, watch_id, watch_kind, mute_thread, mute_group, batched
        FROM notification_jobs WHERE attempts < 5 ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
      """;
  private static final String DELETE_JOB = "DELETE FROM notification_jobs WHERE id = $1";
  private static final String PENDING_JOBS = "SELECT count(*) FROM notification_jobs WHERE attempts < 5";
  private static final String FAILED_JOB = "UPDATE notification_jobs SET attempts = attempts + 1 WHERE id = $1";
  /** Watchers of a scope; a thread's watchers include its group's. $3: the thread's group. */
  private static final String WATCHERS = """
      SELECT member_id FROM thread_subscriptions WHERE $1 = 'thread' AND thread_id = $2 AND level = 'watching'
      UNION SELECT member_id FROM group_subscriptions
       WHERE level = 'watching' AND (($1 = 'group' AND group_id = $2) OR ($1 = 'thread' AND group_id = $3))
      UNION SELECT member_id FROM document_watches WHERE $1 = 'document' AND document_id = $2
      UNION SELECT member_id FROM talk_follows WHERE $1 = 'talk' AND talk_id = $2
      """;
  /** Who muted the thread, or the group without watching the thread itself. */
  private static final String MUTED = """
      SELECT m FROM unnest($3::bigint[]) AS m
       WHERE EXISTS (SELECT 1 FROM thread_subscriptions s WHERE s.thread_id = $1 AND s.member_id = m AND s.level = 'muted')
          OR (EXISTS (SELECT 1 FROM group_subscriptions g WHERE g.group_id = $2 AND g.member_id = m AND g.level = 'muted')
              AND NOT EXISTS (SELECT 1 FROM thread_subscriptions s
                               WHERE s.thread_id = $1 AND s.member_id = m AND s.level = 'watching'))
      """;
  /** The authors of posts a reply answers or quotes, which is what "my post" means for replies. */
  private static final String AUTHORS_OF = "SELECT id, author_id FROM posts WHERE id = ANY($1)";
  private static final String CHOSEN = """
      SELECT p.member_id, p.kind, p.delivery FROM notification_preferences p
        JOIN unnest($1::bigint[], $2::text[]) AS w(member_id, kind) ON w.member_id = p.member_id AND w.kind = p.kind
      """;
  private static final String RETURNED = """
      n.id, n.recipient_id, n.kind, n.delivery, n.actor_ids, n.subject_kind, n.subject_id, n.context_kind, n.context_id,
      n.group_id, n.title, n.detail, n.link, n.created_at, n.read_at,
      (SELECT display_name FROM members a WHERE a.id = n.actor_ids[1]) AS actor_name,
      (SELECT name FROM working_groups g WHERE g.id = n.group_id) AS group_name
      """;
  private static final String INSERT_MANY = """
      INSERT INTO notifications AS n (recipient_id, kind, delivery, actor_ids, subject_kind, subject_id, context_kind,
                                      context_id, group_id, title, detail, link)
      SELECT r.recipient, r.kind, r.delivery, $4::bigint[], $5::text, $6::bigint, $7::text, $8::bigint, $9::bigint,
             $10::text, $11::text, $12::text
        FROM unnest($1::bigint[], $2::text[], $3::text[]) AS r(recipient, kind, delivery)
       -- a suspended member is told nothing, except the moderation decisions about them (DSA Art. 17)
       WHERE r.kind = 'moderation_decision' OR NOT EXISTS (SELECT 1 FROM member_suspensions s WHERE s.member_id = r.recipient
                         AND s.lifted_at IS NULL AND s.starts_at <= now() AND (s.ends_at IS NULL OR s.ends_at > now()))
      RETURNING
      """ + RETURNED;
  /** A batched kind: the recipient's unread notification of this key counts one more actor, or a new one starts. */
  private static final String UPSERT_BATCHED = """
      INSERT INTO notifications AS n (recipient_id, kind, delivery, actor_ids, subject_kind, subject_id, context_kind,
                                      context_id, group_id, title, detail, link, batch_key)
      SELECT $1::bigint, $2::text, $3::text, $4::bigint[], $5::text, $6::bigint, $7::text, $8::bigint, $9::bigint,
             $10::text, $11::text, $12::text, $13::text
       WHERE $2::text = 'moderation_decision' OR NOT EXISTS (SELECT 1 FROM member_suspensions s WHERE s.member_id = $1::bigint
                         AND s.lifted_at IS NULL AND s.starts_at <= now() AND (s.ends_at IS NULL OR s.ends_at > now()))
      ON CONFLICT (recipient_id, batch_key) WHERE batch_key IS NOT NULL AND read_at IS NULL DO UPDATE
         SET actor_ids = CASE WHEN EXCLUDED.actor_ids <@ n.actor_ids THEN n.actor_ids ELSE EXCLUDED.actor_ids || n.actor_ids END,
             created_at = now(), title = EXCLUDED.title
      RETURNING (xmax = 0) AS inserted,
      """ + RETURNED;
  private static final String LIST = "SELECT " + RETURNED + """
        FROM notifications n WHERE n.recipient_id = $1 AND ($2::text IS NULL OR n.kind = $2)
       ORDER BY n.created_at DESC, n.id DESC LIMIT $3
      """;
  private static final String UNREAD_SUBJECTS = """
      SELECT id, subject_kind, subject_id FROM notifications
       WHERE recipient_id = $1 AND read_at IS NULL ORDER BY created_at DESC, id DESC LIMIT $2
      """;
  private static final String ONE = "SELECT " + RETURNED + " FROM notifications n WHERE n.id = $1 AND n.recipient_id = $2";
  private static final String MARK_READ = """
      UPDATE notifications SET read_at = now() WHERE id = $1 AND recipient_id = $2 AND read_at IS NULL RETURNING id
      """;
  private static final String MARK_ALL_READ = """
      UPDATE notifications SET read_at = now() WHERE recipient_id = $1 AND read_at IS NULL RETURNING id
      """;
  private static final String UNREAD_BY_IDS = "SELECT " + RETURNED + " FROM notifications n WHERE n.id = ANY($1) AND n.read_at IS NULL";
  private static final String CONTACTS = "SELECT id, email, locale, time_zone FROM members WHERE id = ANY($1)";
  private static final String DIGEST_CANDIDATES = """
      SELECT DISTINCT recipient_id FROM notifications WHERE delivery = $1 AND read_at IS NULL AND created_at >= $2
      """;
  private static final String LAST_DIGEST = "SELECT max(sent_at) FROM digest_runs WHERE member_id = $1 AND cadence = $2";
  private static final String CLAIM_DIGEST = """
      INSERT INTO digest_runs (member_id, cadence, period, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
      """;
  private static final String STILL_UNREAD = "SELECT id FROM notifications WHERE id = ANY($1) AND read_at IS NULL";
  private static final String DIGEST = "SELECT " + RETURNED + """
        FROM notifications n
       WHERE n.recipient_id = $1 AND n.read_at IS NULL AND n.delivery = $2 AND n.created_at >= $3
       ORDER BY n.created_at DESC, n.id DESC LIMIT $4
      """;
  private static final String PREFERENCES = "SELECT kind, delivery FROM notification_preferences WHERE member_id = $1";
  private static final String SET_PREFERENCE = """
      INSERT INTO notification_preferences (member_id, kind, delivery) VALUES ($1, $2, $3)
      ON CONFLICT (member_id, kind) DO UPDATE SET delivery = EXCLUDED.delivery
      """;
  private static final String WATCH_DOCUMENT = """
      INSERT INTO document_watches (member_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING
      """;
  private static final String UNWATCH_DOCUMENT = "DELETE FROM document_watches WHERE member_id = $1 AND document_id = $2";
  private static final String FOLLOW_TALK = "INSERT INTO talk_follows (member_id, talk_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  private static final String UNFOLLOW_TALK = "DELETE FROM talk_follows WHERE member_id = $1 AND talk_id = $2";
  private static final String WATCHED_DOCUMENTS = "SELECT document_id FROM document_watches WHERE member_id = $1";
  private static final String FOLLOWED_TALKS = "SELECT talk_id FROM talk_follows WHERE member_id = $1";

  /** A claimed job, as recorded. */
  record Job(long id, Long actorId, String subjectKind, long subjectId, String contextKind, long contextId, Long groupId,
      String title, String detail, String link, Map<Long, NotificationKind> direct, Map<Long, NotificationKind> authorsOf,
      String watchScope, Long watchId,
      NotificationKind watchKind, Long muteThread, Long muteGroup, boolean batched) {}

  /** A recipient as the fan-out decided: what they are told and how they want it. */
  record Recipient(long memberId, NotificationKind kind, Delivery delivery) {}

  private static Notification notification(Row r) {
    Long[] actors = r.getArrayOfLongs("actor_ids");
    return new Notification(r.getLong("id"), r.getLong("recipient_id"), NotificationKind.of(r.getString("kind")),
        Delivery.of(r.getString("delivery")), actors == null ? List.of() : List.of(actors), r.getString("actor_name"),
        r.getString("subject_kind"), r.getLong("subject_id"), r.getString("context_kind"), r.getLong("context_id"),
        r.getLong("group_id"), r.getString("group_name"), r.getString("title"), r.getString("detail"), r.getString("link"),
        Rows.instant(r, "created_at"), r.getOffsetDateTime("read_at") == null ? null : Rows.instant(r, "read_at"));
  }

  Future<Void> insertJob(SqlClient tx, Notice n) {
    JsonArray direct = new JsonArray();
    n.direct.forEach((member, kind) -> direct.add(new JsonObject().put("member", member).put("kind", kind.value())));
    n.authorsOf.forEach((post, kind) -> direct.add(new JsonObject().put("authorOf", post).put("kind", kind.value())));
    return tx.preparedQuery(INSERT_JOB).execute(Tuple.tuple().addValue(n.actorId).addString(n.subjectKind)
            .addLong(n.subjectId).addString(n.contextKind).addLong(n.contextId).addValue(n.groupId).addString(n.title)
            .addString(n.detail).addString(n.link).addValue(direct).addValue(n.watchScope).addValue(n.watchId)
            .addValue(n.watchKind == null ? null : n.watchKind.value()).addValue(n.muteThread).addValue(n.muteGroup)
            .addBoolean(n.batched))
        .mapEmpty();
  }

  Future<Optional<Job>> claim(SqlClient tx) {
    return tx.preparedQuery(CLAIM_JOB).execute().map(rows -> Rows.first(rows, r -> {
      Map<Long, NotificationKind> direct = new HashMap<>();
      Map<Long, NotificationKind> authorsOf = new HashMap<>();
      Object raw = r.getValue("direct");
      JsonArray list = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
      list.forEach(o -> {
        JsonObject d = (JsonObject) o;
        if (d.containsKey("authorOf")) {
          authorsOf.put(d.getLong("authorOf"), NotificationKind.of(d.getString("kind")));
        } else {
          direct.put(d.getLong("member"), NotificationKind.of(d.getString("kind")));
        }
      });
      String watchKind = r.getString("watch_kind");
      return new Job(r.getLong("id"), r.getLong("actor_id"), r.getString("subject_kind"), r.getLong("subject_id"),
          r.getString("context_kind"), r.getLong("context_id"), r.getLong("group_id"), r.getString("title"),
          r.getString("detail"), r.getString("link"), direct, authorsOf, r.getString("watch_scope"), r.getLong("watch_id"),
          watchKind == null ? null : NotificationKind.of(watchKind), r.getLong("mute_thread"), r.getLong("mute_group"),
          r.getBoolean("batched"));
    }));
  }

  Future<Void> deleteJob(SqlClient tx, long id) {
    return tx.preparedQuery(DELETE_JOB).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Void> failed(SqlClient db, long id) {
    return db.preparedQuery(FAILED_JOB).execute(Tuple.of(id)).mapEmpty();
  }

  Future<Long> pendingJobs(SqlClient db) {
    return db.preparedQuery(PENDING_JOBS).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Set<Long>> watchers(SqlClient tx, String scope, long id, Long groupId) {
    return tx.preparedQuery(WATCHERS).execute(Tuple.of(scope, id, groupId == null ? -1L : groupId)).map(NotificationRepository::ids);
  }

  /** Post id to author id. */
  Future<Map<Long, Long>> authorsOf(SqlClient tx, Set<Long> postIds) {
    if (postIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    return tx.preparedQuery(AUTHORS_OF).execute(Tuple.tuple().addArrayOfLong(postIds.toArray(Long[]::new))).map(rows -> {
      Map<Long, Long> found = new HashMap<>();
      rows.forEach(r -> found.put(r.getLong(0), r.getLong(1)));
      return found;
    });
  }

  Future<Set<Long>> muted(SqlClient tx, Long threadId, Long groupId, Set<Long> members) {
    if (members.isEmpty() || (threadId == null && groupId == null)) {
      return Future.succeededFuture(Set.of());
    }
    return tx.preparedQuery(MUTED).execute(Tuple.tuple().addLong(threadId == null ? -1L : threadId)
        .addLong(groupId == null ? -1L : groupId).addArrayOfLong(members.toArray(Long[]::new))).map(NotificationRepository::ids);
  }

  /** The chosen deliveries of these members for the kinds they would get; a missing entry means the default. */
  Future<Map<Long, Delivery>> chosen(SqlClient tx, Map<Long, NotificationKind> recipients) {
    if (recipients.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<Long> members = new ArrayList<>(recipients.keySet());
    String[] kinds = members.stream().map(m -> recipients.get(m).value()).toArray(String[]::new);
    return tx.preparedQuery(CHOSEN).execute(Tuple.tuple().addArrayOfLong(members.toArray(Long[]::new)).addArrayOfString(kinds)).map(rows -> {
      Map<Long, Delivery> chosen = new HashMap<>();
      rows.forEach(r -> chosen.put(r.getLong(0), Delivery.of(r.getString(2))));
      return chosen;
    });
  }

  private static Tuple rowValues(Tuple values, Job job, Long[] actors) {
    return values.addArrayOfLong(actors).addString(job.subjectKind()).addLong(job.subjectId())
        .addString(job.contextKind()).addLong(job.contextId()).addValue(job.groupId()).addString(job.title())
        .addString(job.detail()).addString(job.link());
  }

  /** Writes one notification per recipient in one statement. */
  Future<List<Notification>> insert(SqlClient tx, Job job, List<Recipient> recipients) {
    if (recipients.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Long[] actors = job.actorId() == null ? new Long[0] : new Long[] {job.actorId()};
    Tuple values = Tuple.tuple()
        .addArrayOfLong(recipients.stream().map(Recipient::memberId).toArray(Long[]::new))
        .addArrayOfString(recipients.stream().map(r -> r.kind().value()).toArray(String[]::new))
        .addArrayOfString(recipients.stream().map(r -> r.delivery().value()).toArray(String[]::new));
    rowValues(values, job, actors);
    return tx.preparedQuery(INSERT_MANY).execute(values).map(rows -> Rows.list(rows, NotificationRepository::notification));
  }

  /** Merges into the recipient's unread notification of the same subject; completes with it when it is new. */
  Future<Optional<Notification>> upsertBatched(SqlClient tx, Job job, Recipient recipient) {
    Long[] actors = job.actorId() == null ? new Long[0] : new Long[] {job.actorId()};
    Tuple values = Tuple.tuple().addLong(recipient.memberId()).addString(recipient.kind().value())
        .addString(recipient.delivery().value());
    rowValues(values, job, actors);
    values.addString(recipient.kind().value() + ":" + job.subjectKind() + ":" + job.subjectId());
    return tx.preparedQuery(UPSERT_BATCHED).execute(values)
        .map(rows -> Rows.first(rows, r -> r).filter(r -> r.getBoolean("inserted")).map(NotificationRepository::notification));
  }

  Future<List<Notification>> list(SqlClient db, long recipientId, NotificationKind kind, int limit) {
    return db.preparedQuery(LIST).execute(Tuple.of(recipientId, kind == null ? null : kind.value(), limit))
        .map(rows -> Rows.list(rows, NotificationRepository::notification));
  }

  /** The newest unread notifications' ids by subject: kind, then subject id, then notification ids. */
  record Subject(long notificationId, String kind, long id) {}

  Future<List<Subject>> unreadSubjects(SqlClient db, long recipientId, int limit) {
    return db.preparedQuery(UNREAD_SUBJECTS).execute(Tuple.of(recipientId, limit))
        .map(rows -> Rows.list(rows, r -> new Subject(r.getLong(0), r.getString(1), r.getLong(2))));
  }

  Future<Optional<Notification>> one(SqlClient db, long id, long recipientId) {
    return db.preparedQuery(ONE).execute(Tuple.of(id, recipientId)).map(rows -> Rows.first(rows, NotificationRepository::notification));
  }

  Future<Boolean> markRead(SqlClient tx, long id, long recipientId) {
    return tx.preparedQuery(MARK_READ).execute(Tuple.of(id, recipientId)).map(rows -> rows.size() > 0);
  }

  Future<Integer> markAllRead(SqlClient tx, long recipientId) {
    return tx.preparedQuery(MARK_ALL_READ).execute(Tuple.of(recipientId)).map(RowSet::size);
  }

  Future<Set<Long>> stillUnread(SqlClient db, Set<Long> ids) {
    return db.preparedQuery(STILL_UNREAD).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new))).map(NotificationRepository::ids);
  }

  Future<List<Notification>> digest(SqlClient db, long recipientId, Delivery delivery, Instant since, int limit) {
    return db.preparedQuery(DIGEST).execute(Tuple.of(recipientId, delivery.value(), since.atOffset(ZoneOffset.UTC), limit))
        .map(rows -> Rows.list(rows, NotificationRepository::notification));
  }

  Future<Map<NotificationKind, Delivery>> preferences(SqlClient db, long memberId) {
    return db.preparedQuery(PREFERENCES).execute(Tuple.of(memberId)).map(rows -> {
      Map<NotificationKind, Delivery> chosen = new EnumMap<>(NotificationKind.class);
      rows.forEach(r -> {
        try {
          chosen.put(NotificationKind.of(r.getString(0)), Delivery.of(r.getString(1)));
        } catch (RuntimeException retiredKind) {
          // a kind this version no longer has: ignored
        }
      });
      return chosen;
    });
  }

  Future<Void> setPreference(SqlClient tx, long memberId, NotificationKind kind, Delivery delivery) {
    return tx.preparedQuery(SET_PREFERENCE).execute(Tuple.of(memberId, kind.value(), delivery.value())).mapEmpty();
  }

  Future<Void> watch(SqlClient db, String subject, long memberId, long id, boolean on) {
    String sql = "document".equals(subject) ? (on ? WATCH_DOCUMENT : UNWATCH_DOCUMENT) : (on ? FOLLOW_TALK : UNFOLLOW_TALK);
    return db.preparedQuery(sql).execute(Tuple.of(memberId, id)).mapEmpty();
  }

  Future<Set<Long>> watching(SqlClient db, String subject, long memberId) {
    return db.preparedQuery("document".equals(subject) ? WATCHED_DOCUMENTS : FOLLOWED_TALKS).execute(Tuple.of(memberId))
        .map(NotificationRepository::ids);
  }

  private static Set<Long> ids(RowSet<Row> rows) {
    Set<Long> ids = new HashSet<>();
    rows.forEach(r -> ids.add(r.getLong(0)));
    return ids;
  }

  static List<Long> list(Long[] values) {
    return values == null ? List.of() : Arrays.asList(values);
  }

  /** Where and how to write to a member: e-mail, chosen language and time zone (null when not chosen). */
  record Contact(long memberId, String email, String locale, String timeZone) {}

  Future<List<Notification>> unreadByIds(SqlClient db, Set<Long> ids) {
    return db.preparedQuery(UNREAD_BY_IDS).execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)))
        .map(rows -> Rows.list(rows, NotificationRepository::notification));
  }

  Future<Map<Long, Contact>> contacts(SqlClient db, Set<Long> memberIds) {
    return db.preparedQuery(CONTACTS).execute(Tuple.tuple().addArrayOfLong(memberIds.toArray(Long[]::new))).map(rows -> {
      Map<Long, Contact> found = new java.util.HashMap<>();
      rows.forEach(r -> found.put(r.getLong(0), new Contact(r.getLong(0), r.getString(1), r.getString(2), r.getString(3))));
      return found;
    });
  }

  Future<Set<Long>> digestCandidates(SqlClient db, Delivery cadence, Instant since) {
    return db.preparedQuery(DIGEST_CANDIDATES).execute(Tuple.of(cadence.value(), since.atOffset(ZoneOffset.UTC)))
        .map(NotificationRepository::ids);
  }

  Future<Optional<Instant>> lastDigest(SqlClient db, long memberId, Delivery cadence) {
    return db.preparedQuery(LAST_DIGEST).execute(Tuple.of(memberId, cadence.value())).map(rows -> {
      java.time.OffsetDateTime at = rows.iterator().next().getOffsetDateTime(0);
      return Optional.ofNullable(at).map(java.time.OffsetDateTime::toInstant);
    });
  }

  /** Claims the digest of a period; false when it was sent already (here or on another node). */
  Future<Boolean> claimDigest(SqlClient tx, long memberId, Delivery cadence, java.time.LocalDate period, Instant at) {
    return tx.preparedQuery(CLAIM_DIGEST).execute(Tuple.of(memberId, cadence.value(), period, at.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.rowCount() == 1);
  }
}
