package eu.mhealthhub.agora.demo;

import eu.mhealthhub.agora.text.Markdown;
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
  private static final String MEMBERSHIP = "INSERT INTO group_memberships (group_id, member_id, role) VALUES ($1, $2, $3)";
  private static final String THREAD = """
      INSERT INTO threads (group_id, title, author_id, created_at, last_activity_at)
      VALUES ($1, $2, $3, $4, $4) RETURNING id
      """;
  private static final String POST = """
      WITH p AS (
        INSERT INTO posts (thread_id, author_id, body_markdown, body_html, created_at, position)
        VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, author_id, body_markdown, body_html, created_at)
      INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html, created_at)
      SELECT id, 1, author_id, body_markdown, body_html, created_at FROM p
      RETURNING post_id
      """;
  private static final String TOUCH_THREAD = """
      UPDATE threads SET last_activity_at = $2, post_count = post_count + 1, last_post_id = $3, last_poster_id = $4
       WHERE id = $1
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

  public DemoSeeder(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** Seeds the demo content unless it was seeded before; completes with whether it wrote anything. */
  public Future<Boolean> seedOnce() {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute(Tuple.of(LOCK_KEY))
        .compose(v -> conn.preparedQuery(CLAIM).execute(Tuple.of(SEED_NAME)))
        .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture(false) : write(conn).map(true)))
        .onSuccess(wrote -> {
          if (wrote) {
            LOG.info("demo content seeded");
          }
        });
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
      long author = people.get(t.posts().get(0).author());
      chain = chain.compose(v -> conn.preparedQuery(THREAD)
          .execute(Tuple.of(groupId, t.title(), author, started.toOffsetDateTime()))
          .compose(rows -> {
            long threadId = rows.iterator().next().getLong(0);
            Future<Void> c = Future.succeededFuture();
            for (int i = 0; i < t.posts().size(); i++) {
              DemoContent.DemoPost p = t.posts().get(i);
              var at = started.plusHours(5L * i).toOffsetDateTime();
              int position = i + 1;
              long authorId = people.get(p.author());
              c = c.compose(v2 -> conn.preparedQuery(POST)
                  .execute(Tuple.of(threadId, authorId, p.body(), Markdown.toHtml(p.body()), at, position))
                  .compose(r -> conn.preparedQuery(TOUCH_THREAD)
                      .execute(Tuple.of(threadId, at, r.iterator().next().getLong(0), authorId))).mapEmpty());
            }
            return c;
          }));
    }
    return chain;
  }
}
