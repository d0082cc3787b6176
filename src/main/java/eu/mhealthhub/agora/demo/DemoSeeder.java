package eu.mhealthhub.agora.demo;

import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@link DemoContent} in one transaction, once per database. An advisory lock serialises
 * nodes starting together, and a row in {@code seeds} records that it ran, so a restart or a
 * second node never duplicates anything.
 */
public final class DemoSeeder {

  private static final Logger LOG = LoggerFactory.getLogger(DemoSeeder.class);
  private static final String SEED_NAME = "demo-content-v1";
  /** The Talks' rooms came later: their own seed, so databases seeded before get them too. */
  private static final String ROOMS_SEED_NAME = "demo-talk-rooms-v1";
  private static final long LOCK_KEY = 0x4147_4f52_4153_4545L;

  private static final String LOCK = "SELECT pg_advisory_xact_lock($1)";
  private static final String CLAIM = "INSERT INTO seeds (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING name";
  private static final String MEMBER = """
      INSERT INTO members (issuer, subject, display_name, email, handle) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT (issuer, subject) DO UPDATE SET display_name = members.display_name
      RETURNING id
      """;
  private static final String GROUP = """
      INSERT INTO working_groups (slug, name, purpose, visibility, join_policy, position)
      VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
      """;
  // demo people are established members (trust level 1 at least): their posts are not held for approval
  private static final String MEMBERSHIP = """
      INSERT INTO group_memberships (group_id, member_id, role, approved_posts, first_approved_at)
      VALUES ($1, $2, $3, 1, now() - interval '30 days')
      """;
  private static final String TALK = """
      INSERT INTO talks (slug, title, description, starts_at, ends_at, slides_url, recording_url)
      VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
      """;
  private static final String SPEAKER = """
      INSERT INTO talk_speakers (talk_id, position, name, affiliation, member_id)
      VALUES ($1, $2, $3, $4, (SELECT id FROM members WHERE display_name = $3 ORDER BY id LIMIT 1))
      """;
  private static final String TALK_GROUP = """
      INSERT INTO talk_groups (talk_id, group_id) SELECT $1, id FROM working_groups WHERE slug = $2
      """;

  private final Pool pool;
  private final Clock clock;
  private final ThreadService threads;

  /** Threads and their posts are written through {@code threads}, backdated to show a history. */
  public DemoSeeder(Pool pool, Clock clock, ThreadService threads) {
    this.pool = pool;
    this.clock = clock;
    this.threads = threads;
  }

  /** Seeds the demo content unless it was seeded before; completes with whether it wrote anything. */
  public Future<Boolean> seedOnce() {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY))
        .compose(v -> conn.preparedQuery(CLAIM).execute(Tuple.of(SEED_NAME)))
        .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture(false) : write(conn).map(true))
        .compose(wrote -> conn.preparedQuery(CLAIM).execute(Tuple.of(ROOMS_SEED_NAME))
            .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture(wrote) : writeRooms(conn).map(true))))
        .onSuccess(wrote -> {
          if (wrote) {
            LOG.info("demo content seeded");
          }
        });
  }

  private static final String PERSON = "SELECT id FROM members WHERE issuer = $1 AND subject = $2";
  /** A demo speaker who is not a member: a first version of their declaration kept with each of their Talks. */
  private static final String SPEAKER_INTERESTS = """
      WITH made AS (
        INSERT INTO talk_speaker_declarations (talk_id, speaker_key, version, nothing_to_declare)
        SELECT s.talk_id, s.speaker_key, 1, false FROM talk_speakers s
         WHERE s.name = $1 AND s.member_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM talk_speaker_declarations d WHERE d.talk_id = s.talk_id AND d.speaker_key = s.speaker_key)
        RETURNING id)
      INSERT INTO talk_speaker_declaration_entries (declaration_id, position, kind, organisation, description, period_start,
                                                    is_current, amount_band)
      SELECT id, 0, $2, $3, $4, $5::date, true, $6 FROM made""";
  /** A demo speaker who is a member: their own declaration, made before the first demo Talk (April 2023), if they have none. */
  private static final String MEMBER_INTERESTS = """
      WITH made AS (
        INSERT INTO declaration_versions (member_id, version, nothing_to_declare, created_at, confirmed_at)
        SELECT m.id, 1, false, timestamptz '2023-01-01 00:00Z', now() - interval '30 days' FROM members m
         WHERE m.display_name = $1 AND m.issuer = $7
           AND NOT EXISTS (SELECT 1 FROM declaration_versions v WHERE v.member_id = m.id)
        RETURNING id)
      INSERT INTO declaration_entries (version_id, position, kind, organisation, description, period_start, is_current,
                                       amount_band)
      SELECT id, 0, $2, $3, $4, $5::date, true, $6 FROM made""";
  private static final String CLOSED_ROOM = """
      UPDATE talks SET room_state = 'closed', summary = $2, closed_at = ends_at + interval '20 minutes', closed_by = $3
       WHERE slug = $1 AND room_state = 'scheduled'
      RETURNING id, title, starts_at, ends_at
      """;
  private static final String MESSAGE = """
      INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html, created_at) VALUES ($1, $2, $3, $4, $5)
      """;
  private static final String QUESTION = """
      INSERT INTO talk_questions (talk_id, author_id, body, anonymous, status, votes, answered_at, answer, created_at)
      VALUES ($1, $2, $3, $4, 'visible', $5, $6, $7, $8) RETURNING id
      """;
  private static final String VOTE = "INSERT INTO talk_question_votes (question_id, member_id, created_at) VALUES ($1, $2, $3)";
  private static final String FOLLOWUP = "INSERT INTO talk_followups (talk_id, group_id, thread_id, position) VALUES ($1, $2, $3, $4)";
  private static final String GROUP_ID = "SELECT id, visibility = 'closed' FROM working_groups WHERE slug = $1";

  /**
   * A past Talk's room as a moderator left it: chat, answered and unanswered questions with votes,
   * and the follow-up thread holding the summary and the unanswered questions, linked both ways.
   */
  private Future<Void> writeRooms(SqlConnection conn) {
    Map<String, Long> people = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (DemoContent.Person p : DemoContent.PEOPLE) {
      chain = chain.compose(v -> conn.preparedQuery(PERSON).execute(Tuple.of(DemoContent.issuer(), p.subject()))
          .map(rows -> {
            if (rows.size() > 0) {
              people.put(p.subject(), rows.iterator().next().getLong(0));
            }
            return null;
          }));
    }
    for (Map.Entry<String, DemoContent.SpeakerInterest> e : DemoContent.SPEAKER_INTERESTS.entrySet()) {
      DemoContent.SpeakerInterest i = e.getValue();
      chain = chain.compose(v -> conn.preparedQuery(SPEAKER_INTERESTS)
              .execute(Tuple.of(e.getKey(), i.kind(), i.organisation(), i.description(), java.time.LocalDate.parse(i.start()), i.band())))
          .compose(v -> conn.preparedQuery(MEMBER_INTERESTS).execute(Tuple.of(e.getKey(), i.kind(), i.organisation(),
              i.description(), java.time.LocalDate.parse(i.start()), i.band()).addValue(DemoContent.issuer())))
          .mapEmpty();
    }
    for (DemoContent.DemoRoom room : DemoContent.ROOMS) {
      chain = chain.compose(v -> people.size() < DemoContent.PEOPLE.size() ? Future.<Void>succeededFuture()
          : conn.preparedQuery(CLOSED_ROOM).execute(Tuple.of(room.talkSlug(), room.summary(), people.get(room.moderator())))
              .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture()
                  : writeRoom(conn, room, rows.iterator().next(), people)));
    }
    return chain;
  }

  private Future<Void> writeRoom(SqlConnection conn, DemoContent.DemoRoom room, io.vertx.sqlclient.Row talk,
      Map<String, Long> people) {
    long talkId = talk.getLong("id");
    var start = talk.getOffsetDateTime("starts_at");
    var end = talk.getOffsetDateTime("ends_at");
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < room.messages().size(); i++) {
      DemoContent.DemoPost m = room.messages().get(i);
      var at = start.plusMinutes(5L + 7L * i);
      chain = chain.compose(v -> conn.preparedQuery(MESSAGE)
          .execute(Tuple.of(talkId, people.get(m.author()), m.body(), Markdown.toHtml(m.body()), at)).mapEmpty());
    }
    for (int i = 0; i < room.questions().size(); i++) {
      DemoContent.DemoQuestion q = room.questions().get(i);
      var at = start.plusMinutes(10L + 9L * i);
      chain = chain.compose(v -> conn.preparedQuery(QUESTION)
          .execute(Tuple.from(new Object[] {talkId, people.get(q.author()), q.body(), q.anonymous(), q.voters().size(),
              q.answer() == null ? null : end.minusMinutes(10), q.answer() == null ? "" : q.answer(), at}))
          .compose(rows -> {
            long questionId = rows.iterator().next().getLong(0);
            Future<Void> votes = Future.succeededFuture();
            for (String voter : q.voters()) {
              votes = votes.compose(x -> conn.preparedQuery(VOTE)
                  .execute(Tuple.of(questionId, people.get(voter), at.plusMinutes(2))).mapEmpty());
            }
            return votes;
          }));
    }
    // the follow-up thread: the summary, then each unanswered question under its author, with its votes
    List<DemoContent.DemoPost> posts = new java.util.ArrayList<>();
    posts.add(new DemoContent.DemoPost(room.moderator(), "Follow-up of the Talk [" + talk.getString("title") + "](/talks/"
        + room.talkSlug() + ").\n\n" + room.summary()));
    room.questions().stream().filter(q -> q.answer() == null)
        .sorted(java.util.Comparator.comparingInt((DemoContent.DemoQuestion q) -> q.voters().size()).reversed())
        .forEach(q -> posts.add(new DemoContent.DemoPost(q.anonymous() ? room.moderator() : q.author(),
            (q.anonymous() ? "*Asked anonymously in the live room*\n\n" : "") + "> " + q.body() + "\n\n*"
                + q.voters().size() + (q.voters().size() == 1 ? " vote" : " votes") + " in the live room*")));
    var opened = end.plusMinutes(20).toInstant();
    List<ThreadService.Carried> carried = new java.util.ArrayList<>();
    for (int i = 0; i < posts.size(); i++) {
      DemoContent.DemoPost p = posts.get(i);
      carried.add(new ThreadService.Carried(people.get(p.author()), p.body(), opened.plusSeconds(60L * i)));
    }
    for (int g = 0; g < room.followupGroups().size(); g++) {
      String slug = room.followupGroups().get(g);
      int position = g;
      chain = chain.compose(v -> conn.preparedQuery(GROUP_ID).execute(Tuple.of(slug)).compose(rows -> {
        long groupId = rows.iterator().next().getLong(0);
        return threads.startThreadIn(conn, groupId, rows.iterator().next().getBoolean(1),
                "Follow-up: " + talk.getString("title"), carried)
            .compose(thread -> conn.preparedQuery(FOLLOWUP).execute(Tuple.of(talkId, groupId, thread.value(), position)))
            .mapEmpty();
      }));
    }
    return chain;
  }

  private Future<Void> write(SqlConnection conn) {
    Map<String, Long> people = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (DemoContent.Person p : DemoContent.PEOPLE) {
      chain = chain.compose(v -> conn.preparedQuery(MEMBER)
          .execute(Tuple.of(DemoContent.issuer(), p.subject(), p.name(), p.email(), p.handle()))
          .map(rows -> {
            people.put(p.subject(), rows.iterator().next().getLong(0));
            return null;
          }));
    }
    ZonedDateTime now = clock.instant().atZone(ZoneOffset.UTC);
    List<DemoContent.Group> groups = DemoContent.GROUPS;
    for (int i = 0; i < groups.size(); i++) {
      DemoContent.Group g = groups.get(i);
      int position = i;
      chain = chain.compose(v -> conn.preparedQuery(GROUP)
          .execute(Tuple.of(g.slug(), g.name(), g.purpose(), g.closed() ? "closed" : "public",
              g.openJoin() ? "open" : "request", position))
          .compose(rows -> writeGroup(conn, rows.iterator().next().getLong(0), g, people, now)));
    }
    for (DemoContent.DemoTalk t : DemoContent.talks(now)) {
      chain = chain.compose(v -> conn.preparedQuery(TALK)
          .execute(Tuple.of(t.slug(), t.title(), t.description(), t.start().toOffsetDateTime(),
              t.start().plusMinutes(t.minutes()).toOffsetDateTime(), t.slidesUrl(), t.recordingUrl()))
          .compose(rows -> {
            long talkId = rows.iterator().next().getLong(0);
            Future<Void> c = Future.succeededFuture();
            for (int i = 0; i < t.speakers().size(); i++) {
              DemoContent.Speaker s = t.speakers().get(i);
              int pos = i;
              c = c.compose(v2 -> conn.preparedQuery(SPEAKER)
                  .execute(Tuple.of(talkId, pos, s.name(), s.affiliation())).mapEmpty());
            }
            for (String slug : t.groups()) {
              c = c.compose(v2 -> conn.preparedQuery(TALK_GROUP).execute(Tuple.of(talkId, slug)).mapEmpty());
            }
            return c;
          }));
    }
    return chain;
  }

  private Future<Void> writeGroup(SqlConnection conn, long groupId, DemoContent.Group g, Map<String, Long> people,
      ZonedDateTime now) {
    Future<Void> chain = Future.succeededFuture();
    for (String m : g.moderators()) {
      chain = chain.compose(v -> conn.preparedQuery(MEMBERSHIP).execute(Tuple.of(groupId, people.get(m), "moderator")).mapEmpty());
    }
    for (String m : g.members()) {
      chain = chain.compose(v -> conn.preparedQuery(MEMBERSHIP).execute(Tuple.of(groupId, people.get(m), "member")).mapEmpty());
    }
    int age = g.threads().size() * 4;
    for (DemoContent.DemoThread t : g.threads()) {
      ZonedDateTime started = now.minusDays(age);
      age -= 3;
      List<ThreadService.Carried> posts = new java.util.ArrayList<>();
      for (int i = 0; i < t.posts().size(); i++) {
        DemoContent.DemoPost p = t.posts().get(i);
        posts.add(new ThreadService.Carried(people.get(p.author()), p.body(), started.plusHours(5L * i).toInstant()));
      }
      chain = chain.compose(v -> threads.startThreadIn(conn, groupId, g.closed(), t.title(), posts).mapEmpty());
    }
    return chain;
  }
}
