package eu.mhealthhub.agora.privacy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
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

/**
 * The export rows and the SQL that reads each section of a member's data. Every section is one
 * query with {@code $1} the member's id that returns one JSON text (an array of objects, or one
 * object for the profile), so the export is read with the async client and only the zip is
 * written off the event loop. A new section is one constant here and one line in
 * {@link ExportSections}.
 */
final class ExportRepository {

  /** An export row as the page and the download see it. */
  record ExportRow(long id, long memberId, ExportStatus status, Instant requestedAt, Instant readyAt, Instant expiresAt,
      Long sizeBytes) {}

  /** An export claimed by this node's worker. */
  record Claim(long id, long memberId) {}

  /** An attachment the member uploaded, with its bytes. */
  record AttachmentFile(long id, String fileName, byte[] data) {}

  private static String array(String select, String order) {
    return "SELECT coalesce(jsonb_agg(to_jsonb(t) ORDER BY " + order + "), '[]'::jsonb)::text FROM (" + select + ") t";
  }

  // ---- the sections (each: $1 = member id)

  static final String PROFILE = """
      SELECT to_jsonb(t)::text FROM (SELECT id, issuer, subject, display_name, handle, email, locale, time_zone,
        is_admin, created_at, last_seen_at, affiliation, country, stakeholder_type, languages, bio, links
        FROM members WHERE id = $1) t""";

  static final String MEMBERSHIPS = array("""
      SELECT g.id AS group_id, g.slug AS group_slug, g.name AS group_name, m.role, m.joined_at
        FROM group_memberships m JOIN working_groups g ON g.id = m.group_id WHERE m.member_id = $1""", "t.group_id");

  static final String JOIN_REQUESTS = array("""
      SELECT r.id, r.group_id, g.slug AS group_slug, r.message, r.created_at, r.decided_at, r.decision
        FROM group_join_requests r JOIN working_groups g ON g.id = r.group_id WHERE r.member_id = $1""", "t.id");

  static final String THREADS = array("""
      SELECT id, group_id, title, created_at FROM threads WHERE author_id = $1""", "t.id");

  static final String POSTS = array("""
      SELECT p.id, p.thread_id, th.title AS thread_title, p.position, p.reply_to_post_id, p.body_markdown, p.revision,
             p.created_at, p.edited_at, p.deleted_at,
             (SELECT coalesce(jsonb_agg(jsonb_build_object('revision', r.revision, 'body_markdown', r.body_markdown,
                        'created_at', r.created_at) ORDER BY r.revision), '[]'::jsonb)
                FROM post_revisions r WHERE r.post_id = p.id) AS revisions
        FROM posts p JOIN threads th ON th.id = p.thread_id WHERE p.author_id = $1""", "t.id");

  static final String REACTIONS = array("""
      SELECT post_id, kind, created_at FROM reactions WHERE member_id = $1""", "t.post_id, t.kind");

  static final String ATTACHMENTS = array("""
      SELECT id, post_id, file_name, content_type, size_bytes, created_at FROM attachments WHERE uploader_id = $1""", "t.id");

  static final String DOCUMENT_REVISIONS = array("""
      SELECT document_id, number, summary, body, created_at FROM document_revisions WHERE author_id = $1""",
      "t.document_id, t.number");

  static final String DOCUMENT_COMMENTS = array("""
      SELECT id, document_id, body, disposition, created_at FROM document_comments WHERE author_id = $1""", "t.id");

  static final String DOCUMENT_PROPOSALS = array("""
      SELECT id, document_id, rationale, body, status, decision_reason, created_at FROM document_proposals
       WHERE author_id = $1""", "t.id");

  static final String DOCUMENT_ENDORSEMENTS = array("""
      SELECT document_id, revision, created_at FROM document_endorsements WHERE member_id = $1""", "t.document_id");

  static final String TALK_QUESTIONS = array("""
      SELECT id, talk_id, body, anonymous, status, votes, answer, answered_at, created_at FROM talk_questions WHERE author_id = $1""", "t.id");

  /** The Talks the member speaks at, as billed (their declaration is their own, in declarations.json). */
  static final String TALK_SPEAKERS = array("""
      SELECT t.id AS talk_id, t.slug AS talk_slug, t.title AS talk_title, t.starts_at, s.position, s.name, s.affiliation
        FROM talk_speakers s JOIN talks t ON t.id = s.talk_id WHERE s.member_id = $1""", "t.starts_at, t.talk_id");

  static final String TALK_VOTES = array("""
      SELECT question_id, created_at FROM talk_question_votes WHERE member_id = $1""", "t.question_id");

  /** Registrations for Talks (talk/TalkRegistrations), with the Talk they are for; not the cancel secret. */
  static final String TALK_REGISTRATIONS = array("""
      SELECT r.id, t.slug AS talk_slug, t.title AS talk_title, t.starts_at AS talk_starts_at, r.name, r.email, r.status,
             r.created_at, r.status_at
        FROM talk_registrations r JOIN talks t ON t.id = r.talk_id WHERE r.member_id = $1""", "t.id");

  /** The Hub's announcements the member follows (network/): their follower row, linked to them; no link nonce. */
  static final String NETWORK_FOLLOWER = array("""
      SELECT email, name, organisation, country, stakeholder_type, locale, topics, consent, source, status, created_at,
             confirmed_at, unsubscribed_at
        FROM network_followers WHERE member_id = $1""", "t.created_at");

  /** Attendance in Talks' live rooms (talk/TalkAttendance): which Talk, first and last seen there. */
  static final String TALK_ATTENDANCE = array("""
      SELECT t.id AS talk_id, t.slug AS talk_slug, t.title AS talk_title, a.first_seen, a.last_seen
        FROM talk_attendance a JOIN talks t ON t.id = a.talk_id WHERE a.member_id = $1""", "t.first_seen, t.talk_id");

  static final String TALK_MESSAGES = array("""
      SELECT id, talk_id, body_markdown, created_at, hidden_at FROM talk_messages WHERE author_id = $1""", "t.id");

  static final String NOTIFICATIONS = array("""
      SELECT id, kind, subject_kind, subject_id, title, detail, link, created_at, read_at FROM notifications
       WHERE recipient_id = $1""", "t.id");

  static final String READ_POSITIONS = array("""
      SELECT thread_id, position, updated_at FROM read_positions WHERE member_id = $1""", "t.thread_id");

  static final String SIGN_INS = array("""
      SELECT id, signed_in_at, ended_at, ended_at IS NULL AS current FROM sign_ins WHERE member_id = $1""", "t.id");

  static final String MODERATION_DECISIONS = array("""
      SELECT id, item_type, item_id, group_id, action, ground, facts, reason, automated, title, created_at FROM moderation_decisions
       WHERE affected_id = $1""", "t.id");

  static final String SUSPENSIONS = array("""
      SELECT id, group_id, reason, starts_at, ends_at, lifted_at, lift_reason FROM member_suspensions WHERE member_id = $1""", "t.id");

  /** Every version of the member's declarations of interest, each with its entries. */
  static final String DECLARATIONS = array("""
      SELECT v.version, v.nothing_to_declare, v.created_at, v.confirmed_at,
             coalesce((SELECT jsonb_agg(jsonb_build_object('kind', e.kind, 'organisation', e.organisation,
                         'description', e.description, 'period_start', e.period_start, 'period_end', e.period_end,
                         'current', e.is_current, 'amount_band', e.amount_band) ORDER BY e.position)
                         FROM declaration_entries e WHERE e.version_id = v.id), '[]'::jsonb) AS entries
        FROM declaration_versions v WHERE v.member_id = $1""", "t.version");

  /** The flags the member raised on items, and whether a moderator has dealt with each. */
  static final String FLAGS = array("""
      SELECT id, item_type, item_id, group_id, reason, detail, created_at, resolved_at FROM flags WHERE member_id = $1""",
      "t.id");

  /**
   * The notices of illegal content the member filed while signed in, with the decision on each (the hash
   * of the sender's address, kept only for the per-address limit, stays out: it cannot be read back).
   */
  static final String NOTICES = array("""
      SELECT id, reference, url, category, explanation, legal_ground, notifier_name, notifier_email, locale, status,
             decision, decided_at, created_at
        FROM notices WHERE member_id = $1""", "t.id");

  /** The uploaded picture, when there is one: its version, when it was uploaded and its file in the zip. */
  static final String AVATAR = array("""
      SELECT version, updated_at, 'avatar.png' AS file, 256 AS size_pixels FROM member_avatars WHERE member_id = $1""",
      "t.version");

  /** Every change of the e-mail address used for mail the member asked for, and what became of it. */
  static final String EMAIL_CHANGES = array("""
      SELECT id, old_email, new_email, status, requested_at, expires_at, confirmed_at
        FROM email_changes WHERE member_id = $1""", "t.id");

  /** The larger size of the member's picture, for {@code avatar.png} in the zip. */
  private static final String AVATAR_FILE = "SELECT large_png FROM member_avatars WHERE member_id = $1";

  private static final String ATTACHMENT_FILES = """
      SELECT id, file_name, data FROM attachments WHERE uploader_id = $1 ORDER BY id""";

  // ---- the export rows

  /** A new export, unless one is being prepared for the member (the partial unique index decides, on any node). */
  private static final String INSERT = """
      INSERT INTO data_exports (member_id, requested_at) VALUES ($1, $2)
      ON CONFLICT (member_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING id""";
  private static final String PENDING = """
      SELECT id FROM data_exports WHERE member_id = $1 AND status IN ('queued', 'running')""";
  private static final String OF_MEMBER = """
      SELECT id, member_id, status, requested_at, ready_at, expires_at, size_bytes FROM data_exports
       WHERE member_id = $1 ORDER BY id DESC LIMIT 10""";
  /** Only the member's own, ready and not expired: anything else is the same 404. */
  private static final String CONTENT = """
      SELECT content FROM data_exports WHERE id = $1 AND member_id = $2 AND status = 'ready' AND expires_at > $3""";
  /** A queued export, or one whose node stopped while preparing it (claimed ten minutes ago and more). */
  private static final String CLAIM = """
      UPDATE data_exports SET status = 'running', claimed_at = $1, attempts = attempts + 1
       WHERE id = (SELECT id FROM data_exports
                    WHERE status = 'queued'
                       OR (status = 'running' AND claimed_at < $1::timestamptz - interval '10 minutes' AND attempts < 3)
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, member_id, attempts""";
  /** An export whose node stopped three times is given up, so the member may ask again. */
  private static final String ABANDON = """
      UPDATE data_exports SET status = 'failed'
       WHERE status = 'running' AND attempts >= 3 AND claimed_at < $1::timestamptz - interval '10 minutes'""";
  private static final String READY = """
      UPDATE data_exports SET status = 'ready', ready_at = $2, expires_at = $3, content = $4, size_bytes = $5
       WHERE id = $1 AND status = 'running'""";
  private static final String FAILED = """
      UPDATE data_exports SET status = 'failed' WHERE id = $1 AND status = 'running'""";
  /** Readable by its member only (the notification's subject). */
  private static final String OWNED = """
      SELECT id FROM data_exports WHERE member_id = $1 AND id = ANY($2)""";
  private static final String OWNER = """
      SELECT member_id FROM data_exports WHERE id = $1""";

  Future<String> section(SqlClient db, String sql, long memberId) {
    return db.preparedQuery(sql).execute(Tuple.of(memberId)).map(rows -> {
      String json = rows.iterator().hasNext() ? rows.iterator().next().getString(0) : null;
      return json == null ? "null" : json;
    });
  }

  Future<List<AttachmentFile>> attachmentFiles(SqlClient db, long memberId) {
    return db.preparedQuery(ATTACHMENT_FILES).execute(Tuple.of(memberId)).map(rows -> {
      List<AttachmentFile> files = new ArrayList<>();
      rows.forEach(r -> files.add(new AttachmentFile(r.getLong("id"), r.getString("file_name"),
          r.getBuffer("data").getBytes())));
      return files;
    });
  }

  /** The member's picture as PNG (256 pixels), when they uploaded one. */
  Future<Optional<byte[]>> avatarFile(SqlClient db, long memberId) {
    return db.preparedQuery(AVATAR_FILE).execute(Tuple.of(memberId))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer("large_png").getBytes()));
  }

  Future<Optional<Long>> insert(SqlClient db, long memberId, Instant now) {
    return db.preparedQuery(INSERT).execute(Tuple.of(memberId, at(now))).map(ExportRepository::firstId);
  }

  Future<Optional<Long>> pending(SqlClient db, long memberId) {
    return db.preparedQuery(PENDING).execute(Tuple.of(memberId)).map(ExportRepository::firstId);
  }

  Future<List<ExportRow>> ofMember(SqlClient db, long memberId) {
    return db.preparedQuery(OF_MEMBER).execute(Tuple.of(memberId)).map(rows -> {
      List<ExportRow> list = new ArrayList<>();
      rows.forEach(r -> list.add(row(r)));
      return list;
    });
  }

  Future<Optional<Buffer>> content(SqlClient db, long id, long memberId, Instant now) {
    return db.preparedQuery(CONTENT).execute(Tuple.of(id, memberId, at(now)))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getBuffer(0)) : Optional.empty());
  }

  Future<Optional<Claim>> claim(SqlClient db, Instant now) {
    return db.preparedQuery(ABANDON).execute(Tuple.of(at(now)))
        .compose(x -> db.preparedQuery(CLAIM).execute(Tuple.of(at(now)))).map(rows -> {
      if (!rows.iterator().hasNext()) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new Claim(r.getLong("id"), r.getLong("member_id")));
    });
  }

  Future<Boolean> ready(SqlClient db, long id, Instant now, Instant expires, byte[] zip) {
    return db.preparedQuery(READY).execute(Tuple.of(id, at(now), at(expires), Buffer.buffer(zip), (long) zip.length))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Void> failed(SqlClient db, long id) {
    return db.preparedQuery(FAILED).execute(Tuple.of(id)).mapEmpty();
  }

  Future<List<Long>> owned(SqlClient db, long memberId, Long[] ids) {
    return db.preparedQuery(OWNED).execute(Tuple.of(memberId, ids)).map(rows -> {
      List<Long> list = new ArrayList<>();
      rows.forEach(r -> list.add(r.getLong(0)));
      return list;
    });
  }

  Future<Optional<Long>> owner(SqlClient db, long id) {
    return db.preparedQuery(OWNER).execute(Tuple.of(id))
        .map(rows -> rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getLong(0)) : Optional.empty());
  }

  private static Optional<Long> firstId(RowSet<Row> rows) {
    return rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getLong(0)) : Optional.empty();
  }

  private static ExportRow row(Row r) {
    return new ExportRow(r.getLong("id"), r.getLong("member_id"), ExportStatus.valueOf(r.getString("status").toUpperCase()),
        instant(r.getOffsetDateTime("requested_at")), instant(r.getOffsetDateTime("ready_at")),
        instant(r.getOffsetDateTime("expires_at")), r.getLong("size_bytes"));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  private static OffsetDateTime at(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
