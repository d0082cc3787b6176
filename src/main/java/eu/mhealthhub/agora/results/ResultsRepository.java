package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.results.ResultItem.Followup;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL of the results library. Every statement takes the ids of the groups anyone may read
 * (from the group policy) and checks the group's visibility again: nothing of a closed group can
 * come out of here, whoever asks.
 */
final class ResultsRepository {

  /**
   * Adopted documents of the readable public groups and Talks whose room has closed, as one list;
   * $1 the readable group ids, $2 a group slug or null, $3 'documents', 'talks' or null, $4 the
   * document ids the words matched or null, $5 the Talk slugs they matched or null.
   */
  private static final String ITEMS = """
      items AS (
        SELECT 'document' AS kind, d.id, d.title, '/documents/' || d.id AS url, g.slug AS group_slug, g.name AS group_name,
               d.adopted_revision AS revision,
               coalesce((SELECT max(c.created_at) FROM document_status_changes c
                          WHERE c.document_id = d.id AND c.to_status = 'adopted'), d.updated_at) AS at,
               trim(r.summary || ' ' || coalesce((SELECT s.source FROM document_sections s
                          WHERE s.document_id = d.id AND s.revision = d.adopted_revision AND NOT s.heading
                          ORDER BY s.position LIMIT 1), '')) AS summary,
               (SELECT count(*) FROM (SELECT author_id FROM document_revisions WHERE document_id = d.id
                                       UNION SELECT author_id FROM document_proposals WHERE document_id = d.id
                                       UNION SELECT author_id FROM document_comments WHERE document_id = d.id) who)
                 AS contributors,
               (SELECT count(*) FROM document_endorsements e WHERE e.document_id = d.id) AS endorsements,
               NULL::text AS slides_url, NULL::text AS recording_url, d.language
          FROM documents d
          JOIN working_groups g ON g.id = d.group_id
          JOIN document_revisions r ON r.document_id = d.id AND r.number = d.adopted_revision
         WHERE d.status = 'adopted' AND g.visibility = 'public' AND g.id = ANY($1::bigint[])
           AND ($2::text IS NULL OR g.slug = $2)
           AND ($3::text IS NULL OR $3 = 'documents')
           AND ($4::bigint[] IS NULL OR d.id = ANY($4))
        UNION ALL
        SELECT 'talk', t.id, t.title, '/talks/' || t.slug, '', '', 0, t.starts_at, t.summary, 0, 0,
               t.slides_url, t.recording_url, t.language
          FROM talks t
         WHERE t.room_state = 'closed'
           AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM talk_groups tg JOIN working_groups g ON g.id = tg.group_id
                                             WHERE tg.talk_id = t.id AND g.visibility = 'public'
                                               AND g.id = ANY($1::bigint[]) AND g.slug = $2))
           AND ($3::text IS NULL OR $3 = 'talks')
           AND ($5::text[] IS NULL OR t.slug = ANY($5))
      )""";

  /** One page of the list, newest first; $6 a year or null, $7 a language tag or null, $8 limit, $9 offset. */
  static final String PAGE = "WITH " + ITEMS + """

      SELECT kind, id, title, url, group_slug, group_name, revision, at, summary, contributors, endorsements,
             slides_url, recording_url, language, count(*) OVER () AS total
        FROM items
       WHERE ($6::int IS NULL OR extract(year FROM at AT TIME ZONE 'UTC') = $6)
         AND ($7::text IS NULL OR language = $7)
       ORDER BY at DESC, kind, id
       LIMIT $8 OFFSET $9""";

  /** The years that have results, for the year filter's choices. */
  static final String YEARS = "WITH " + ITEMS + """

      SELECT DISTINCT extract(year FROM at AT TIME ZONE 'UTC')::int AS year FROM items ORDER BY year DESC""";

  /** Follow-up threads of the Talks $1 that sit in a readable public group $2 (where the thread is now). */
  static final String FOLLOWUPS = """
      SELECT f.talk_id, th.id, th.title, g.name
        FROM talk_followups f
        JOIN threads th ON th.id = f.thread_id
        JOIN working_groups g ON g.id = th.group_id
       WHERE f.talk_id = ANY($1::bigint[]) AND g.visibility = 'public' AND g.id = ANY($2::bigint[])
         AND th.held_at IS NULL AND th.merged_into IS NULL
       ORDER BY f.talk_id, f.position""";

  record Page(List<ResultItem> items, long total) {}

  Future<Page> page(SqlClient db, Long[] groups, ResultsFilter f, Long[] documentIds, String[] talkSlugs, int limit,
      int offset) {
    Tuple args = Tuple.tuple().addArrayOfLong(groups).addString(f.group().isEmpty() ? null : f.group())
        .addString(f.kind().isEmpty() ? null : f.kind()).addArrayOfLong(documentIds).addArrayOfString(talkSlugs)
        .addInteger(f.year()).addString(f.language().isEmpty() ? null : f.language()).addInteger(limit)
        .addInteger(offset);
    return db.preparedQuery(PAGE).execute(args).map(rows -> {
      List<ResultItem> items = new ArrayList<>();
      long total = 0;
      for (Row r : rows) {
        total = r.getLong("total");
        items.add(new ResultItem(r.getString("kind"), r.getLong("id"), r.getString("title"), r.getString("url"),
            r.getString("group_slug"), r.getString("group_name"), r.getInteger("revision"),
            r.getOffsetDateTime("at").toInstant(), r.getString("summary"), r.getLong("contributors"),
            r.getLong("endorsements"), r.getString("slides_url"), r.getString("recording_url"), r.getString("language"),
            List.of()));
      }
      return new Page(items, total);
    });
  }

  Future<List<Integer>> years(SqlClient db, Long[] groups) {
    Tuple args = Tuple.tuple().addArrayOfLong(groups).addString(null).addString(null).addArrayOfLong(null)
        .addArrayOfString(null);
    return db.preparedQuery(YEARS).execute(args).map(rows -> {
      List<Integer> years = new ArrayList<>();
      rows.forEach(r -> years.add(r.getInteger("year")));
      return years;
    });
  }

  Future<Map<Long, List<Followup>>> followups(SqlClient db, Long[] talkIds, Long[] groups) {
    if (talkIds.length == 0) {
      return Future.succeededFuture(Map.of());
    }
    return db.preparedQuery(FOLLOWUPS).execute(Tuple.tuple().addArrayOfLong(talkIds).addArrayOfLong(groups)).map(rows -> {
      Map<Long, List<Followup>> byTalk = new HashMap<>();
      for (Row r : rows) {
        byTalk.computeIfAbsent(r.getLong("talk_id"), k -> new ArrayList<>())
            .add(new Followup(r.getLong("id"), r.getString("title"), r.getString("name")));
      }
      return byTalk;
    });
  }

}
