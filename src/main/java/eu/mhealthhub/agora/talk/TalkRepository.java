package eu.mhealthhub.agora.talk;

import static eu.mhealthhub.agora.db.Rows.first;
import static eu.mhealthhub.agora.db.Rows.instant;
import static eu.mhealthhub.agora.db.Rows.list;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SQL for Talks and their rooms: messages, questions, votes and follow-ups. */
final class TalkRepository {

  /**
   * The latest version of a speaker's own declaration (s: their talk_speakers row) as JSON, or NULL:
   * a scalar sub-query of {@link #SELECT}, in its parentheses.
   */
  private static final String SPEAKER_DECLARATION = """
      (SELECT json_build_object('version', d.version, 'nothing', d.nothing_to_declare, 'legacy', d.legacy_note,
                               'entries', coalesce((SELECT json_agg(json_build_object('kind', e.kind,
                                   'organisation', e.organisation, 'description', e.description, 'start', e.period_start,
                                   'end', e.period_end, 'current', e.is_current, 'band', e.amount_band) ORDER BY e.position)
                                 FROM talk_speaker_declaration_entries e WHERE e.declaration_id = d.id), '[]'::json))
        FROM talk_speaker_declarations d WHERE d.talk_id = s.talk_id AND d.speaker_key = s.speaker_key
       ORDER BY d.version DESC LIMIT 1)""";

  private static final String SELECT = """
      SELECT t.id, t.slug, t.title, t.description, t.starts_at, t.ends_at, t.slides_url, t.recording_url,
             t.room_state, t.approval_required, t.pinned_question_id, t.summary, t.closed_at, t.updated_at, t.language,
             COALESCE((SELECT json_agg(json_build_object('key', s.speaker_key, 'name', s.name, 'affiliation', s.affiliation,
                                                         'memberId', m.id, 'handle', m.handle,
                                                         -- the member's declaration in force at the Talk, or now before it
                                                         'memberVersion', CASE WHEN m.id IS NOT NULL
                                                             THEN declaration_in_force(m.id, least(now(), t.starts_at)) END,
                                                         'declaration', """ + SPEAKER_DECLARATION + """
                                                         )
                                       ORDER BY s.position)
                         FROM talk_speakers s LEFT JOIN members m ON m.id = s.member_id
                        WHERE s.talk_id = t.id), '[]'::json) AS speakers,
             ARRAY(SELECT g.group_id FROM talk_groups g WHERE g.talk_id = t.id ORDER BY g.group_id) AS group_ids
        FROM talks t
      """;

  /**
   * The Talks not ended at $1 (under way, by their span: talks_span_idx, V048; still to start, from $1 on by
   * start: talks_starts_idx), as rows of id, slug, title and start, each branch stopping at $2 Talks however
   * many have ended: the inner part of {@link #UPCOMING} and {@link #UPCOMING_LISTED}.
   */
  private static final String NOT_ENDED = """
        (SELECT t.id, t.slug, t.title, t.starts_at FROM talks t
          WHERE tstzrange(t.starts_at, t.ends_at) @> $1::timestamptz ORDER BY t.starts_at LIMIT $2)
        UNION ALL
        (SELECT t.id, t.slug, t.title, t.starts_at FROM talks t WHERE t.starts_at > $1 ORDER BY t.starts_at LIMIT $2)
      """;
  /**
   * The Talks not ended at $1, soonest first, at most $2, whole (the programme, its calendar, the feed and the
   * API): read through {@link #NOT_ENDED}, not by walking every Talk by start past the ended ones.
   */
  private static final String UPCOMING = SELECT + " WHERE t.id IN (SELECT u.id FROM (" + NOT_ENDED + """
      ) u) ORDER BY t.starts_at, t.id LIMIT $2
      """;
  /** The Talks not ended at $1, soonest first, at most $2, as a list shows them ({@link TalkListing}). */
  private static final String UPCOMING_LISTED = "SELECT u.slug, u.title, u.starts_at FROM (" + NOT_ENDED + """
      ) u ORDER BY u.starts_at, u.id LIMIT $2
      """;
  /**
   * The Talks ended by $1, latest start first, at most $2, as a list shows them: a walk back by start from $1
   * (talks_starts_idx) that passes over the Talks under way only.
   */
  private static final String PAST_LISTED = """
      SELECT t.slug, t.title, t.starts_at FROM talks t WHERE t.starts_at < $1 AND t.ends_at <= $1
       ORDER BY t.starts_at DESC LIMIT $2
      """;
  /**
   * The Talks ended by $1, latest start first, whole. An ended Talk started before $1 (V003: it ends after it
   * starts), so {@code t.starts_at < $1} changes no answer: it lets the walk back by start begin at $1.
   */
  private static final String PAST = SELECT + " WHERE t.starts_at < $1 AND t.ends_at <= $1 ORDER BY t.starts_at DESC LIMIT $2";
  private static final String BY_SLUG = SELECT + " WHERE t.slug = $1";
  private static final String BY_ID = SELECT + " WHERE t.id = $1";
  private static final String PAST_PAGE = SELECT
      + " WHERE t.starts_at < $1 AND t.ends_at <= $1 ORDER BY t.starts_at DESC, t.id DESC LIMIT $2 OFFSET $3";
  private static final String COUNT_PAST = "SELECT count(*) AS n FROM talks WHERE ends_at <= $1";
  private static final String EXISTS = "SELECT 1 FROM talks WHERE id = $1";
  private static final String BY_SLUG_LOCKED = SELECT + " WHERE t.slug = $1 FOR UPDATE OF t";
  /** Writers in the room share the Talk's row; opening, closing and settings take it alone. */
  private static final String ROOM_SHARED = "SELECT id, room_state, approval_required FROM talks WHERE slug = $1 FOR SHARE";

  private static final String INSERT_TALK = """
      INSERT INTO talks (slug, title, description, starts_at, ends_at, slides_url, recording_url, language)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
      """;
  private static final String UPDATE_TALK = """
      UPDATE talks SET title = $2, description = $3, starts_at = $4, ends_at = $5, slides_url = $6, recording_url = $7,
                       language = $8, updated_at = now()
       WHERE id = $1
      """;
  private static final String CLEAR_SPEAKERS = "DELETE FROM talk_speakers WHERE talk_id = $1";
  private static final String INSERT_SPEAKER = """
      INSERT INTO talk_speakers (talk_id, position, name, affiliation, member_id, speaker_key)
      VALUES ($1, $2, $3, $4, $5, $6::uuid)
      """;
  /** A new version of a speaker's declaration, numbered after their latest. */
  private static final String INSERT_SPEAKER_DECLARATION = """
      INSERT INTO talk_speaker_declarations (talk_id, speaker_key, version, nothing_to_declare)
      SELECT $1, $2::uuid, coalesce(max(version), 0) + 1, $3 FROM talk_speaker_declarations
       WHERE talk_id = $1 AND speaker_key = $2::uuid
      RETURNING id""";
  private static final String INSERT_SPEAKER_ENTRY = """
      INSERT INTO talk_speaker_declaration_entries (declaration_id, position, kind, organisation, description,
                                                    period_start, period_end, is_current, amount_band)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";
  /** Members by handle, for the Talk form's speakers; erased members are nobody's speakers. */
  private static final String MEMBERS_BY_HANDLE = """
      SELECT id, lower(handle) AS handle FROM members WHERE lower(handle) = ANY($1::text[]) AND erased_at IS NULL""";
  private static final String CLEAR_GROUPS = "DELETE FROM talk_groups WHERE talk_id = $1";
  private static final String INSERT_GROUP = "INSERT INTO talk_groups (talk_id, group_id) VALUES ($1, $2)";

  private static final String MESSAGE_COLUMNS = """
      SELECT m.id, m.talk_id, m.author_id, a.display_name, a.handle,
             CASE WHEN m.held_for_review_at IS NULL THEN m.body_html ELSE '' END AS body_html, m.created_at,
             m.held_for_review_at IS NOT NULL AS held
        FROM talk_messages m JOIN members a ON a.id = m.author_id
      """;
  /** Messages a moderator hid are gone; those held for review after flags keep their place, without their text. */
  private static final String RECENT_MESSAGES = MESSAGE_COLUMNS
      + " WHERE m.talk_id = $1 AND m.id > $2 AND (m.hidden_at IS NULL OR m.held_for_review_at IS NOT NULL)"
      + " ORDER BY m.id DESC LIMIT $3";
  /** A message or question to flag, with its Talk and the Talk's first group (whose flag threshold applies). */
  private static final String MESSAGE_TO_FLAG = """
      SELECT m.id, m.talk_id, t.slug, m.author_id, a.display_name AS author_name, m.body_markdown AS text,
             m.hidden_at IS NOT NULL AS hidden, m.held_for_review_at IS NOT NULL AS held, false AS anonymous,
             (SELECT min(g.group_id) FROM talk_groups g WHERE g.talk_id = m.talk_id) AS group_id
        FROM talk_messages m JOIN talks t ON t.id = m.talk_id JOIN members a ON a.id = m.author_id
       WHERE m.id = $1
      """;
  private static final String QUESTION_TO_FLAG = """
      SELECT q.id, q.talk_id, t.slug, q.author_id, a.display_name AS author_name, q.body AS text,
             q.status <> 'visible' AS hidden, q.held_for_review_at IS NOT NULL AS held, q.anonymous,
             (SELECT min(g.group_id) FROM talk_groups g WHERE g.talk_id = q.talk_id) AS group_id
        FROM talk_questions q JOIN talks t ON t.id = q.talk_id JOIN members a ON a.id = q.author_id
       WHERE q.id = $1
      """;
  private static final String HOLD_MESSAGE = """
      UPDATE talk_messages SET hidden_at = now(), held_for_review_at = now() WHERE id = $1 AND hidden_at IS NULL
      RETURNING talk_id
      """;
  private static final String HOLD_QUESTION = """
      UPDATE talk_questions SET status = 'hidden', held_for_review_at = now() WHERE id = $1 AND status = 'visible'
      RETURNING talk_id
      """;
  private static final String HIDE_MESSAGE = """
      UPDATE talk_messages SET hidden_at = now(), hidden_by = $3 WHERE id = $1 AND talk_id = $2 AND hidden_at IS NULL
      RETURNING id
      """;
  private static final String INSERT_MESSAGE = """
      INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html, client_token) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (author_id, client_token) WHERE client_token IS NOT NULL DO NOTHING
      RETURNING id
      """;
  private static final String MESSAGE_BY_TOKEN = "SELECT id FROM talk_messages WHERE author_id = $1 AND client_token = $2";

  private static final String QUESTION_COLUMNS = """
      SELECT q.id, q.talk_id, q.author_id, a.display_name, a.handle, q.body, q.anonymous, q.status, q.merged_into,
             q.votes, q.answered_at, q.answer, q.created_at, q.held_for_review_at IS NOT NULL AS held, q.declaration_version,
             EXISTS (SELECT 1 FROM talk_question_votes v WHERE v.question_id = q.id AND v.member_id = $2) AS voted
        FROM talk_questions q JOIN members a ON a.id = q.author_id
      """;
  private static final String QUESTIONS = QUESTION_COLUMNS + " WHERE q.talk_id = $1 ORDER BY q.id";
  /**
   * The questions the viewer ($2, 0 for a visitor) may see ({@link TalkPolicy#canSee}; $3 whether they moderate the
   * Talk), at most $4, by votes then oldest first: the room page's list, bounded however many questions the Talk has.
   */
  private static final String QUESTIONS_BY_VOTES = QUESTION_COLUMNS + """
       WHERE q.talk_id = $1 AND q.status <> 'merged'
         AND ($3 OR q.status = 'visible' OR (q.status = 'hidden' AND q.held_for_review_at IS NOT NULL)
              OR (q.status = 'pending' AND q.author_id = $2))
       ORDER BY q.votes DESC, q.id LIMIT $4
      """;
  /** {@link #QUESTIONS_BY_VOTES}, newest first. */
  private static final String QUESTIONS_NEWEST = QUESTION_COLUMNS + """
       WHERE q.talk_id = $1 AND q.status <> 'merged'
         AND ($3 OR q.status = 'visible' OR (q.status = 'hidden' AND q.held_for_review_at IS NOT NULL)
              OR (q.status = 'pending' AND q.author_id = $2))
       ORDER BY q.id DESC LIMIT $4
      """;
  /**
   * The presenter view's questions, as anyone sees them ($2 = 0: no viewer's vote): the visible unanswered ones by
   * votes then oldest first, at most $3, and the pinned one ($4) when it is visible and unanswered, wherever it ranks;
   * bounded however many questions the room has (it read them all).
   */
  private static final String PRESENTER_QUESTIONS = "SELECT * FROM ((" + QUESTION_COLUMNS + """
       WHERE q.talk_id = $1 AND q.status = 'visible' AND q.answered_at IS NULL ORDER BY q.votes DESC, q.id LIMIT $3)
      UNION
      (""" + QUESTION_COLUMNS + """
       WHERE q.talk_id = $1 AND q.id = $4 AND q.status = 'visible' AND q.answered_at IS NULL)) shown
       ORDER BY shown.votes DESC, shown.id
      """;
  private static final String QUESTION = QUESTION_COLUMNS + " WHERE q.id = $3 AND q.talk_id = $1";
  private static final String LOCK_QUESTION = QUESTION_COLUMNS + " WHERE q.id = $3 AND q.talk_id = $1 FOR NO KEY UPDATE OF q";
  /**
   * Questions that can take a duplicate's votes (visible or pending, not the duplicate itself),
   * whose text contains $4 ignoring case or whose number is $5; $4 empty for all. Best voted first.
   */
  private static final String MERGE_CANDIDATES = QUESTION_COLUMNS + """
       WHERE q.talk_id = $1 AND q.id <> $3 AND q.status IN ('visible', 'pending')
         AND ($4::text = '' OR strpos(lower(q.body), lower($4::text)) > 0 OR q.id::text = $5::text)
       ORDER BY q.votes DESC, q.id LIMIT $6
      """;
  private static final String COUNT_MERGE_CANDIDATES = """
      SELECT count(*) FROM talk_questions q
       WHERE q.talk_id = $1 AND q.id <> $2 AND q.status IN ('visible', 'pending')
         AND ($3::text = '' OR strpos(lower(q.body), lower($3::text)) > 0 OR q.id::text = $4::text)
      """;
  private static final String INSERT_QUESTION = """
      INSERT INTO talk_questions (talk_id, author_id, body, anonymous, status, client_token)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (author_id, client_token) WHERE client_token IS NOT NULL DO NOTHING
      RETURNING id
      """;
  private static final String QUESTION_BY_TOKEN = "SELECT id FROM talk_questions WHERE author_id = $1 AND client_token = $2";
  /**
   * One statement for the hot path: lock the question if it is visible in this Talk, add the vote
   * (the primary key keeps one per member), count it. No row when the question is not votable.
   */
  private static final String ADD_VOTE = """
      WITH q AS (SELECT id FROM talk_questions WHERE id = $1 AND talk_id = $3 AND status = 'visible' FOR NO KEY UPDATE),
           v AS (INSERT INTO talk_question_votes (question_id, member_id) SELECT id, $2 FROM q ON CONFLICT DO NOTHING RETURNING 1)
      UPDATE talk_questions SET votes = votes + (SELECT count(*) FROM v) WHERE id = (SELECT id FROM q)
      RETURNING votes, (SELECT count(*) FROM v)
      """;
  private static final String REMOVE_VOTE = """
      WITH q AS (SELECT id FROM talk_questions WHERE id = $1 AND talk_id = $3 AND status = 'visible' FOR NO KEY UPDATE),
           v AS (DELETE FROM talk_question_votes WHERE question_id = (SELECT id FROM q) AND member_id = $2 RETURNING 1)
      UPDATE talk_questions SET votes = votes - (SELECT count(*) FROM v) WHERE id = (SELECT id FROM q)
      RETURNING votes, (SELECT count(*) FROM v)
      """;
  /**
   * A question shown again is no longer held for review, and the flags that hid it are settled
   * (otherwise the next flag would hide it again at once).
   */
  private static final String SET_STATUS = """
      WITH settled AS (
        UPDATE flags SET resolved_at = now()
         WHERE item_type = 'question' AND item_id = $1 AND resolved_at IS NULL AND $2 = 'visible')
      UPDATE talk_questions SET status = $2, held_for_review_at = CASE WHEN $2 = 'hidden' THEN held_for_review_at END
       WHERE id = $1
      """;
  private static final String ANSWER = "UPDATE talk_questions SET answered_at = now(), answer = $2 WHERE id = $1";
  private static final String CARRY_VOTES = """
      INSERT INTO talk_question_votes (question_id, member_id, created_at)
      SELECT $2, member_id, created_at FROM talk_question_votes WHERE question_id = $1
      ON CONFLICT DO NOTHING
      """;
  private static final String DROP_VOTES = "DELETE FROM talk_question_votes WHERE question_id = $1";
  private static final String MARK_MERGED = "UPDATE talk_questions SET status = 'merged', merged_into = $2, votes = 0 WHERE id = $1";
  private static final String RECOUNT = """
      UPDATE talk_questions SET votes = (SELECT count(*) FROM talk_question_votes WHERE question_id = $1) WHERE id = $1
      """;
  private static final String PIN = "UPDATE talks SET pinned_question_id = $2, updated_at = now() WHERE id = $1";
  private static final String UNPIN_IF = "UPDATE talks SET pinned_question_id = NULL WHERE id = $1 AND pinned_question_id = $2";
  private static final String SET_STATE = "UPDATE talks SET room_state = $2, updated_at = now() WHERE id = $1";
  private static final String SET_APPROVAL = "UPDATE talks SET approval_required = $2, updated_at = now() WHERE id = $1";
  private static final String CLOSE = """
      UPDATE talks SET room_state = 'closed', summary = $2, closed_at = now(), closed_by = $3, pinned_question_id = NULL,
                       updated_at = now()
       WHERE id = $1
      """;
  private static final String UNANSWERED = QUESTION_COLUMNS
      + " WHERE q.talk_id = $1 AND q.status = 'visible' AND q.answered_at IS NULL ORDER BY q.votes DESC, q.id";
  private static final String INSERT_FOLLOWUP = """
      INSERT INTO talk_followups (talk_id, group_id, thread_id, position) VALUES ($1, $2, $3, $4)
      """;
  private static final String FOLLOWUPS = """
      SELECT group_id, thread_id FROM talk_followups WHERE talk_id = $1 ORDER BY position
      """;
  /** {@link #FOLLOWUPS} by the Talk's slug: asked for together with the Talk itself (one wait). */
  /**
   * The active groups a Talk concerns or has follow-ups in, with what the read rule needs (the viewer's role, $2) and
   * the group's follow-up thread: a handful of rows however many groups the Hub has (the Talk page read every active
   * group to keep these few, 300 rows on the archive: issue 18). In the Hub's order of groups.
   */
  private static final String GROUPS_BY_SLUG = """
      SELECT g.id, g.slug, g.name, g.purpose, g.visibility, g.join_policy,
             (SELECT m.role FROM group_memberships m WHERE m.group_id = g.id AND m.member_id = $2) AS viewer_role,
             EXISTS (SELECT 1 FROM talk_groups a WHERE a.talk_id = t.id AND a.group_id = g.id) AS attached,
             f.thread_id, f.position
        FROM talks t
        JOIN working_groups g ON g.id IN (SELECT a.group_id FROM talk_groups a WHERE a.talk_id = t.id
                                          UNION SELECT b.group_id FROM talk_followups b WHERE b.talk_id = t.id)
        LEFT JOIN talk_followups f ON f.talk_id = t.id AND f.group_id = g.id
       WHERE t.slug = $1 AND g.archived_at IS NULL
       ORDER BY g.position, g.name
      """;
  private static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, $4, $5, $6)
      """;

  private static Talk talk(Row row) {
    List<Talk.Speaker> speakers = new ArrayList<>();
    Object raw = row.getValue("speakers");
    JsonArray array = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
    for (int i = 0; i < array.size(); i++) {
      JsonObject s = array.getJsonObject(i);
      JsonObject d = s.getJsonObject("declaration");
      Talk.SpeakerDeclaration declaration = null;
      if (d != null) {
        List<eu.mhealthhub.agora.declaration.Declaration.Entry> entries = new ArrayList<>();
        JsonArray es = d.getJsonArray("entries", new JsonArray());
        for (int j = 0; j < es.size(); j++) {
          JsonObject e = es.getJsonObject(j);
          entries.add(new eu.mhealthhub.agora.declaration.Declaration.Entry(e.getString("kind"), e.getString("organisation"),
              e.getString("description"), java.time.LocalDate.parse(e.getString("start")),
              e.getString("end") == null ? null : java.time.LocalDate.parse(e.getString("end")), e.getBoolean("current"),
              e.getString("band")));
        }
        declaration = new Talk.SpeakerDeclaration(d.getInteger("version"), d.getBoolean("nothing"), d.getString("legacy"),
            List.copyOf(entries));
      }
      speakers.add(new Talk.Speaker(s.getString("key"), s.getString("name"), s.getString("affiliation"),
          s.getLong("memberId"), s.getString("handle"), s.getInteger("memberVersion"), declaration));
    }
    Long[] groups = row.getArrayOfLongs("group_ids");
    return new Talk(row.getLong("id"), row.getString("slug"), row.getString("title"),
        row.getString("description"), instant(row, "starts_at"), instant(row, "ends_at"), row.getString("slides_url"),
        row.getString("recording_url"), List.copyOf(speakers), groups == null ? List.of() : List.of(groups),
        RoomState.of(row.getString("room_state")), row.getBoolean("approval_required"), row.getLong("pinned_question_id"),
        row.getString("summary"), instant(row, "closed_at"), instant(row, "updated_at"), row.getString("language"));
  }

  private static RoomMessage message(Row row) {
    return new RoomMessage(row.getLong(0), row.getLong(1), row.getLong(2), row.getString(3), row.getString(4),
        row.getString(5), instant(row, "created_at"), row.getBoolean("held"));
  }

  private static Question question(Row row) {
    return new Question(row.getLong("id"), row.getLong("talk_id"), row.getLong("author_id"), row.getString("display_name"),
        row.getString("handle"), row.getString("body"), row.getBoolean("anonymous"), row.getString("status"),
        row.getLong("merged_into"), row.getInteger("votes"), instant(row, "answered_at"), row.getString("answer"),
        instant(row, "created_at"), row.getBoolean("voted"), row.getBoolean("held"), row.getInteger("declaration_version"));
  }

  /** A question or chat message as a flag needs it. */
  record ToFlag(long id, long talkId, String slug, long authorId, String authorName, String text, boolean hidden,
      boolean held, boolean anonymous, Long groupId) {}

  private static ToFlag toFlag(Row row) {
    return new ToFlag(row.getLong("id"), row.getLong("talk_id"), row.getString("slug"), row.getLong("author_id"),
        row.getString("author_name"), row.getString("text"), row.getBoolean("hidden"), row.getBoolean("held"),
        row.getBoolean("anonymous"), row.getLong("group_id"));
  }

  Future<Optional<ToFlag>> messageToFlag(SqlClient db, long messageId) {
    return db.preparedQuery(MESSAGE_TO_FLAG).execute(Tuple.of(messageId)).map(rows -> first(rows, TalkRepository::toFlag));
  }

  Future<Optional<ToFlag>> questionToFlag(SqlClient db, long questionId) {
    return db.preparedQuery(QUESTION_TO_FLAG).execute(Tuple.of(questionId)).map(rows -> first(rows, TalkRepository::toFlag));
  }

  /** Hides a message pending review; false when it was hidden already. */
  Future<Boolean> holdMessage(SqlClient db, long messageId) {
    return db.preparedQuery(HOLD_MESSAGE).execute(Tuple.of(messageId)).map(rows -> rows.size() > 0);
  }

  /** Hides a visible question pending review; false when it was not visible any more. */
  Future<Boolean> holdQuestion(SqlClient db, long questionId) {
    return db.preparedQuery(HOLD_QUESTION).execute(Tuple.of(questionId)).map(rows -> rows.size() > 0);
  }

  private static OffsetDateTime utc(Instant i) {
    return i.atOffset(ZoneOffset.UTC);
  }

  Future<List<Talk>> upcoming(SqlClient db, Instant now, int limit) {
    return db.preparedQuery(UPCOMING).execute(Tuple.of(utc(now), limit)).map(rows -> list(rows, TalkRepository::talk));
  }

  Future<List<TalkListing>> upcomingListed(SqlClient db, Instant now, int limit) {
    return db.preparedQuery(UPCOMING_LISTED).execute(Tuple.of(utc(now), limit)).map(rows -> list(rows, TalkRepository::listing));
  }

  Future<List<TalkListing>> pastListed(SqlClient db, Instant now, int limit) {
    return db.preparedQuery(PAST_LISTED).execute(Tuple.of(utc(now), limit)).map(rows -> list(rows, TalkRepository::listing));
  }

  private static TalkListing listing(Row row) {
    return new TalkListing(row.getString("slug"), row.getString("title"), instant(row, "starts_at"));
  }

  Future<List<Talk>> past(SqlClient db, Instant now, int limit) {
    return db.preparedQuery(PAST).execute(Tuple.of(utc(now), limit)).map(rows -> list(rows, TalkRepository::talk));
  }

  Future<Optional<Talk>> bySlug(SqlClient db, String slug) {
    return db.preparedQuery(BY_SLUG).execute(Tuple.of(slug)).map(rows -> first(rows, TalkRepository::talk));
  }

  Future<Optional<Talk>> byId(SqlClient db, long id) {
    return db.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> first(rows, TalkRepository::talk));
  }

  /** One page of the Talks that have ended, most recent first. */
  Future<List<Talk>> pastPage(SqlClient db, Instant now, int limit, int offset) {
    return db.preparedQuery(PAST_PAGE).execute(Tuple.of(utc(now), limit, offset)).map(rows -> list(rows, TalkRepository::talk));
  }

  Future<Long> countPast(SqlClient db, Instant now) {
    return db.preparedQuery(COUNT_PAST).execute(Tuple.of(utc(now))).map(rows -> rows.iterator().next().getLong("n"));
  }

  Future<Boolean> exists(SqlClient db, long id) {
    return db.preparedQuery(EXISTS).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  /** The Talk with its row locked until the transaction ends (opening, closing, settings). */
  Future<Optional<Talk>> lockBySlug(SqlClient db, String slug) {
    return db.preparedQuery(BY_SLUG_LOCKED).execute(Tuple.of(slug)).map(rows -> first(rows, TalkRepository::talk));
  }

  /** The room's id and state, holding the Talk's row shared so a close waits for writers in flight. */
  Future<Optional<SharedRoom>> roomShared(SqlClient db, String slug) {
    return db.preparedQuery(ROOM_SHARED).execute(Tuple.of(slug))
        .map(rows -> first(rows, r -> new SharedRoom(r.getLong(0), RoomState.of(r.getString(1)), r.getBoolean(2))));
  }

  /** What a writer in the room needs to know of its Talk. */
  record SharedRoom(long talkId, RoomState state, boolean approvalRequired) {}

  /** A question's votes after a vote was set, and whether setting it changed them. */
  record Voted(int votes, boolean changed) {}

  Future<Long> insertTalk(SqlClient db, TalkForm f) {
    return db.preparedQuery(INSERT_TALK).execute(Tuple.from(new Object[] {f.slug(), f.title(), f.description(),
            utc(f.startsAt()), utc(f.endsAt()), f.slidesUrl(), f.recordingUrl(), f.language()}))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  Future<Void> updateTalk(SqlClient db, long id, TalkForm f) {
    return db.preparedQuery(UPDATE_TALK).execute(Tuple.from(new Object[] {id, f.title(), f.description(),
        utc(f.startsAt()), utc(f.endsAt()), f.slidesUrl(), f.recordingUrl(), f.language()})).mapEmpty();
  }

  /**
   * Writes the form's speakers and groups over the Talk's. A speaker's declaration typed in the
   * form becomes a new version when it says something else than their latest ({@code previous},
   * key to latest version); one left empty keeps what they had. A speaker without a key (new) gets one.
   */
  Future<Void> replaceSpeakersAndGroups(SqlClient db, long talkId, TalkForm f,
      java.util.Map<String, Talk.SpeakerDeclaration> previous) {
    Future<Void> chain = db.preparedQuery(CLEAR_SPEAKERS).execute(Tuple.of(talkId))
        .compose(v -> db.preparedQuery(CLEAR_GROUPS).execute(Tuple.of(talkId))).mapEmpty();
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (int i = 0; i < f.speakers().size(); i++) {
      TalkForm.SpeakerForm s = f.speakers().get(i);
      int position = i;
      // a key is kept only when it is one and not already taken by an earlier row of the same form
      String key = validKey(s.key()) && keys.add(s.key()) ? s.key() : java.util.UUID.randomUUID().toString();
      keys.add(key);
      chain = chain.compose(v -> db.preparedQuery(INSERT_SPEAKER)
          .execute(Tuple.of(talkId, position, s.name(), s.affiliation(), s.memberId(), key)).mapEmpty());
      List<eu.mhealthhub.agora.declaration.Declaration.Entry> entries = s.declaration().storedEntries();
      Talk.SpeakerDeclaration before = previous.get(key);
      if (s.memberId() == null && !s.declaration().empty()
          && (before == null || !before.sameAs(s.declaration().nothingToDeclare(), entries))) {
        chain = chain.compose(v -> insertSpeakerDeclaration(db, talkId, key, s.declaration().nothingToDeclare(), entries));
      }
    }
    for (long groupId : f.groupIds()) {
      chain = chain.compose(v -> db.preparedQuery(INSERT_GROUP).execute(Tuple.of(talkId, groupId)).mapEmpty());
    }
    return chain;
  }

  private static boolean validKey(String key) {
    try {
      return key != null && !key.isEmpty() && java.util.UUID.fromString(key).toString().equals(key);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private Future<Void> insertSpeakerDeclaration(SqlClient db, long talkId, String key, boolean nothing,
      List<eu.mhealthhub.agora.declaration.Declaration.Entry> entries) {
    return db.preparedQuery(INSERT_SPEAKER_DECLARATION).execute(Tuple.of(talkId, key, nothing)).compose(rows -> {
      long id = rows.iterator().next().getLong("id");
      List<Tuple> batch = new ArrayList<>();
      for (int i = 0; i < entries.size(); i++) {
        eu.mhealthhub.agora.declaration.Declaration.Entry e = entries.get(i);
        batch.add(Tuple.from(List.of(id, i, e.kind(), e.organisation(), e.description(), e.start()))
            .addValue(e.end()).addBoolean(e.current()).addString(e.band()));
      }
      return batch.isEmpty() ? Future.<Void>succeededFuture()
          : db.preparedQuery(INSERT_SPEAKER_ENTRY).executeBatch(batch).<Void>mapEmpty();
    });
  }

  /** The members with these (lower-case) handles: handle to id; erased members and unknown handles absent. */
  Future<java.util.Map<String, Long>> membersByHandle(SqlClient db, List<String> handles) {
    return db.preparedQuery(MEMBERS_BY_HANDLE).execute(Tuple.of(handles.toArray(new String[0]))).map(rows -> {
      java.util.Map<String, Long> found = new java.util.HashMap<>();
      rows.forEach(r -> found.put(r.getString("handle"), r.getLong("id")));
      return found;
    });
  }

  /** The newest messages after {@code afterId}, oldest first. */
  Future<List<RoomMessage>> messages(SqlClient db, long talkId, long afterId, int limit) {
    return db.preparedQuery(RECENT_MESSAGES).execute(Tuple.of(talkId, afterId, limit)).map(rows -> {
      List<RoomMessage> list = list(rows, TalkRepository::message);
      java.util.Collections.reverse(list);
      return list;
    });
  }

  /** Inserts a message; empty when the author already sent one with this token. */
  Future<Optional<Long>> insertMessage(SqlClient db, long talkId, long authorId, String markdown, String html, String token) {
    return db.preparedQuery(INSERT_MESSAGE).execute(Tuple.of(talkId, authorId, markdown, html, token))
        .map(rows -> first(rows, r -> r.getLong(0)));
  }

  /** Hides a message of the Talk; false when there is no such visible message. */
  Future<Boolean> hideMessage(SqlClient db, long talkId, long messageId, long by) {
    return db.preparedQuery(HIDE_MESSAGE).execute(Tuple.of(messageId, talkId, by)).map(rows -> rows.size() > 0);
  }

  Future<Optional<Long>> messageByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(MESSAGE_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<List<Question>> questions(SqlClient db, long talkId, long viewerId) {
    return db.preparedQuery(QUESTIONS).execute(Tuple.of(talkId, viewerId)).map(rows -> list(rows, TalkRepository::question));
  }

  /** The presenter view's questions: the best voted {@code limit} open ones and the pinned one (see {@link #PRESENTER_QUESTIONS}). */
  Future<List<Question>> presenterQuestions(SqlClient db, long talkId, long pinnedId, int limit) {
    return db.preparedQuery(PRESENTER_QUESTIONS).execute(Tuple.of(talkId, 0L, limit, pinnedId))
        .map(rows -> list(rows, TalkRepository::question));
  }

  /** At most {@code limit} questions the viewer may see, by votes or {@code newest} first (see {@link #QUESTIONS_BY_VOTES}). */
  Future<List<Question>> questionsSeen(SqlClient db, long talkId, long viewerId, boolean moderator, boolean newest,
      int limit) {
    return db.preparedQuery(newest ? QUESTIONS_NEWEST : QUESTIONS_BY_VOTES)
        .execute(Tuple.of(talkId, viewerId, moderator, limit)).map(rows -> list(rows, TalkRepository::question));
  }

  Future<Optional<Question>> question(SqlClient db, long talkId, long questionId, long viewerId) {
    return db.preparedQuery(QUESTION).execute(Tuple.of(talkId, viewerId, questionId))
        .map(rows -> first(rows, TalkRepository::question));
  }

  /** At most {@code limit} questions {@code questionId} may be merged into, matching {@code text} or {@code number}. */
  Future<List<Question>> mergeCandidates(SqlClient db, long talkId, long questionId, long viewerId, String text,
      String number, int limit) {
    return db.preparedQuery(MERGE_CANDIDATES).execute(Tuple.of(talkId, viewerId, questionId, text, number, limit))
        .map(rows -> list(rows, TalkRepository::question));
  }

  /** How many questions {@code questionId} may be merged into match {@code text} or {@code number}. */
  Future<Long> countMergeCandidates(SqlClient db, long talkId, long questionId, String text, String number) {
    return db.preparedQuery(COUNT_MERGE_CANDIDATES).execute(Tuple.of(talkId, questionId, text, number))
        .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The question with its row locked until the transaction ends. */
  Future<Optional<Question>> lockQuestion(SqlClient db, long talkId, long questionId, long viewerId) {
    return db.preparedQuery(LOCK_QUESTION).execute(Tuple.of(talkId, viewerId, questionId))
        .map(rows -> first(rows, TalkRepository::question));
  }

  Future<Optional<Long>> insertQuestion(SqlClient db, long talkId, long authorId, String body, boolean anonymous,
      String status, String token) {
    return db.preparedQuery(INSERT_QUESTION).execute(Tuple.of(talkId, authorId, body, anonymous, status, token))
        .map(rows -> first(rows, r -> r.getLong(0)));
  }

  Future<Optional<Long>> questionByToken(SqlClient db, long authorId, String token) {
    return db.preparedQuery(QUESTION_BY_TOKEN).execute(Tuple.of(authorId, token)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /**
   * Adds or removes one vote on a visible question of the Talk; completes with the votes now and
   * whether this changed them, or empty when the question is missing or not visible.
   */
  Future<Optional<Voted>> vote(SqlClient db, long talkId, long questionId, long memberId, boolean up) {
    return db.preparedQuery(up ? ADD_VOTE : REMOVE_VOTE).execute(Tuple.of(questionId, memberId, talkId))
        .map(rows -> first(rows, r -> new Voted(r.getInteger(0), r.getLong(1) != 0)));
  }

  Future<Void> setStatus(SqlClient db, long questionId, String status) {
    return db.preparedQuery(SET_STATUS).execute(Tuple.of(questionId, status)).mapEmpty();
  }

  Future<Void> answer(SqlClient db, long questionId, String answer) {
    return db.preparedQuery(ANSWER).execute(Tuple.of(questionId, answer)).mapEmpty();
  }

  /**
   * Merges a duplicate into a question: the duplicate's voters now vote for the target (once, if
   * they had voted for both), the duplicate keeps no votes and points at the target.
   */
  Future<Void> merge(SqlClient db, long duplicateId, long targetId) {
    return db.preparedQuery(CARRY_VOTES).execute(Tuple.of(duplicateId, targetId))
        .compose(v -> db.preparedQuery(DROP_VOTES).execute(Tuple.of(duplicateId)))
        .compose(v -> db.preparedQuery(MARK_MERGED).execute(Tuple.of(duplicateId, targetId)))
        .compose(v -> db.preparedQuery(RECOUNT).execute(Tuple.of(targetId))).mapEmpty();
  }

  Future<Void> pin(SqlClient db, long talkId, Long questionId) {
    return db.preparedQuery(PIN).execute(Tuple.of(talkId, questionId)).mapEmpty();
  }

  Future<Void> unpinIf(SqlClient db, long talkId, long questionId) {
    return db.preparedQuery(UNPIN_IF).execute(Tuple.of(talkId, questionId)).mapEmpty();
  }

  Future<Void> setState(SqlClient db, long talkId, RoomState state) {
    return db.preparedQuery(SET_STATE).execute(Tuple.of(talkId, state.value())).mapEmpty();
  }

  Future<Void> setApproval(SqlClient db, long talkId, boolean required) {
    return db.preparedQuery(SET_APPROVAL).execute(Tuple.of(talkId, required)).mapEmpty();
  }

  Future<Void> close(SqlClient db, long talkId, String summary, long by) {
    return db.preparedQuery(CLOSE).execute(Tuple.of(talkId, summary, by)).mapEmpty();
  }

  Future<List<Question>> unanswered(SqlClient db, long talkId) {
    return db.preparedQuery(UNANSWERED).execute(Tuple.of(talkId, 0L)).map(rows -> list(rows, TalkRepository::question));
  }

  Future<Void> insertFollowup(SqlClient db, long talkId, long groupId, long threadId, int position) {
    return db.preparedQuery(INSERT_FOLLOWUP).execute(Tuple.of(talkId, groupId, threadId, position)).mapEmpty();
  }

  /** A follow-up thread of a Talk and the group it is in. */
  record FollowupThread(long groupId, long threadId) {}

  /** The follow-up threads, in the order they were chosen. */
  Future<List<FollowupThread>> followups(SqlClient db, long talkId) {
    return db.preparedQuery(FOLLOWUPS).execute(Tuple.of(talkId))
        .map(rows -> list(rows, r -> new FollowupThread(r.getLong(0), r.getLong(1))));
  }

  /**
   * A group of a Talk as {@link #GROUPS_BY_SLUG} reads it, not yet checked against the read rule: whether the Talk
   * concerns it, and its follow-up thread (null for none) with its position among the follow-ups.
   */
  record TalkGroup(eu.mhealthhub.agora.group.WorkingGroup group, boolean attached, Long followupThread,
      Integer followupPosition) {}

  /** The active groups the Talk {@code slug} concerns or has follow-ups in, with the viewer's role ({@code viewerId}). */
  Future<List<TalkGroup>> groupsBySlug(SqlClient db, String slug, long viewerId) {
    return db.preparedQuery(GROUPS_BY_SLUG).execute(Tuple.of(slug, viewerId)).map(rows -> list(rows, r -> new TalkGroup(
        new eu.mhealthhub.agora.group.WorkingGroup(r.getLong("id"), r.getString("slug"), r.getString("name"),
            r.getString("purpose"), "closed".equals(r.getString("visibility")), "open".equals(r.getString("join_policy")),
            false, 0, 0, r.getString("viewer_role"), 0),
        r.getBoolean("attached"), r.getLong("thread_id"), r.getInteger("position"))));
  }

  Future<Void> log(SqlClient db, Long groupId, long actorId, String action, String targetType, long targetId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, targetType, targetId, detail)).mapEmpty();
  }
}
