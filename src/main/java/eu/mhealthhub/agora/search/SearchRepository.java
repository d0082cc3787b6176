package eu.mhealthhub.agora.search;

import static eu.mhealthhub.agora.db.Rows.first;
import static eu.mhealthhub.agora.db.Rows.instant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
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
 * The search SQL: one statement finds, ranks, counts and pages every kind of result in the groups
 * it is given, another offers titles as the reader types, a third looks for the words of titles
 * closest to misspelt ones. The caller decides which groups the viewer may read and in which of
 * them deleted posts may be shown: this class never widens that.
 */
final class SearchRepository {

  /**
   * How many of the newest matches are ranked (and so can be paged through: five pages of 20). A post's
   * rank is computed for these only (see {@link #matches()}). 200 until stop 13: a frequent word's search
   * then read and ranked twice as many posts, its largest cost (bench/SEARCH.md, "A hundred ranked").
   */
  static final int RANKED = 100;

  /**
   * How far matches are counted: the count is exact up to this many, "more than" this beyond. Counting every
   * match of a frequent word meant reading every matching post; counting as far as the ranked candidates
   * costs nothing more than finding them (see {@link #SEARCH}), counting further would read more posts
   * per search than are ranked.
   */
  static final int COUNTED = RANKED;

  /**
   * Every match with its rank, in the groups $3 (deleted posts only in $4), by author $5 (null: anyone),
   * written from $6 until before $7, in threads member $8 watches (null: any), of the kinds $9;
   * Talks only of groups $3 when $12 (a group filter) is set. {0} stands for the match, {1} for the rank:
   * a method, not a constant, so that only the two statements built from it are taken for SQL.
   */
  private static String matches() {
    return """
      WITH q AS (
        -- grp: the tag of the one group the reader filtered by (V032), if any
        SELECT agora_search_query($1::text, $2::text) AS query,
               CASE WHEN $12::boolean THEN 'group ' || ($3::bigint[])[1] END AS grp
      ),
      watched AS (
        SELECT thread_id FROM thread_subscriptions WHERE member_id = $8::bigint AND level = 'watching'
      ),
      matches AS (
        -- threads are ranked after the cut to the newest, as posts are (a frequent word is in hundreds of titles):
        -- kind and place (tid) say in which table the row is found again; each match of the other, few-row kinds
        -- is ranked while its row is in hand; a post's group is its own column (V025), so posts are matched
        -- without looking up their threads
        SELECT 'thread'::text AS kind, t.id, 0 AS sub, t.created_at AS at, NULL::real AS rank, t.ctid AS tid
          FROM threads t, q
         WHERE 'threads' = ANY($9::text[]) AND t.group_id = ANY($3::bigint[]) AND {0}(t.search_vector)
           AND t.merged_into IS NULL AND t.held_at IS NULL
           AND ($5::bigint IS NULL OR t.author_id = $5::bigint)
           AND ($6::timestamptz IS NULL OR t.created_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR t.created_at < $7::timestamptz)
           AND ($8::bigint IS NULL OR t.id IN (SELECT thread_id FROM watched))
        UNION ALL
        -- posts are ranked after the cut to the newest (candidates), their rows found again by their place
        -- (ctid, this statement's snapshot): ranking is half the cost of each match, and a frequent word
        -- matches thousands of posts, of which only $13 are ranked
{POSTS}        UNION ALL
        SELECT 'attachment', a.id, 0, a.created_at, {1}(a.search_vector), NULL::tid
          FROM attachments a JOIN posts p ON p.id = a.post_id, q
         WHERE 'posts' = ANY($9::text[]) AND p.group_id = ANY($3::bigint[]) AND {0}(a.search_vector)
           AND p.held_at IS NULL AND (p.deleted_at IS NULL OR p.group_id = ANY($4::bigint[]))
           AND ($5::bigint IS NULL OR p.author_id = $5::bigint)
           AND ($6::timestamptz IS NULL OR a.created_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR a.created_at < $7::timestamptz)
           AND ($8::bigint IS NULL OR p.thread_id IN (SELECT thread_id FROM watched))
        UNION ALL
        SELECT 'document', d.id, 0, d.updated_at, {1}(d.search_vector), NULL::tid
          FROM documents d, q
         WHERE 'documents' = ANY($9::text[]) AND d.group_id = ANY($3::bigint[]) AND {0}(d.search_vector)
           AND ($5::bigint IS NULL OR d.created_by = $5::bigint) AND $8::bigint IS NULL
           AND ($6::timestamptz IS NULL OR d.updated_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR d.updated_at < $7::timestamptz)
        UNION ALL
        SELECT 'section', d.id, s.section_key, r.created_at, {1}(s.search_vector), NULL::tid
          FROM document_sections s
          JOIN documents d ON d.id = s.document_id AND s.revision = d.current_revision
          JOIN document_revisions r ON r.document_id = d.id AND r.number = d.current_revision, q
         WHERE 'documents' = ANY($9::text[]) AND d.group_id = ANY($3::bigint[]) AND {0}(s.search_vector)
           AND ($5::bigint IS NULL OR r.author_id = $5::bigint) AND $8::bigint IS NULL
           AND ($6::timestamptz IS NULL OR r.created_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR r.created_at < $7::timestamptz)
        UNION ALL
        SELECT 'comment', c.id, 0, c.created_at, {1}(c.search_vector), NULL::tid
          FROM document_comments c JOIN documents d ON d.id = c.document_id, q
         WHERE 'documents' = ANY($9::text[]) AND d.group_id = ANY($3::bigint[]) AND {0}(c.search_vector)
           AND ($5::bigint IS NULL OR c.author_id = $5::bigint) AND $8::bigint IS NULL
           AND ($6::timestamptz IS NULL OR c.created_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR c.created_at < $7::timestamptz)
        UNION ALL
        SELECT 'talk', k.id, 0, k.starts_at,
               greatest({1}(k.search_vector),
                        coalesce((SELECT max({1}(sp.search_vector)) FROM talk_speakers sp
                                   WHERE sp.talk_id = k.id AND {0}(sp.search_vector)), 0)),
               NULL::tid
          FROM talks k, q
         WHERE 'talks' = ANY($9::text[])
           AND ({0}(k.search_vector)
                OR EXISTS (SELECT 1 FROM talk_speakers sp WHERE sp.talk_id = k.id AND {0}(sp.search_vector)))
           AND $5::bigint IS NULL AND $8::bigint IS NULL
           AND (NOT $12::boolean OR EXISTS (SELECT 1 FROM talk_groups tg WHERE tg.talk_id = k.id
                                              AND tg.group_id = ANY($3::bigint[])))
           AND ($6::timestamptz IS NULL OR k.starts_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR k.starts_at < $7::timestamptz)
        UNION ALL
        SELECT 'question', qu.id, 0, qu.created_at, {1}(qu.search_vector), NULL::tid
          FROM talk_questions qu, q
         WHERE 'talks' = ANY($9::text[]) AND qu.status = 'visible' AND {0}(qu.search_vector)
           -- an anonymous question is never found by its author's handle
           AND ($5::bigint IS NULL OR (qu.author_id = $5::bigint AND NOT qu.anonymous)) AND $8::bigint IS NULL
           AND (NOT $12::boolean OR EXISTS (SELECT 1 FROM talk_groups tg WHERE tg.talk_id = qu.talk_id
                                              AND tg.group_id = ANY($3::bigint[])))
           AND ($6::timestamptz IS NULL OR qu.created_at >= $6::timestamptz)
           AND ($7::timestamptz IS NULL OR qu.created_at < $7::timestamptz)
      ),
      candidates AS (
        -- the newest matches only are ranked: ordering every match of a word in half the posts by relevance
        -- would cost more than the discount for age could ever change; the count is of every match
        SELECT * FROM matches ORDER BY at DESC, kind, id, sub LIMIT $13::int
      ),
      ranked AS (
        -- relevance, discounted with age: a result from six months ago keeps three quarters of its weight, an old one three fifths
        SELECT c.kind, c.id, c.sub, c.at,
               coalesce(c.rank, CASE WHEN c.kind = 'post' THEN (SELECT {1}(p.search_vector) FROM posts p WHERE p.ctid = c.tid)
                                     ELSE (SELECT {1}(t.search_vector) FROM threads t WHERE t.ctid = c.tid) END)
                 * (0.6 + 0.4 * exp(-greatest(extract(epoch FROM now() - c.at), 0) / 15552000.0)) AS score
          FROM candidates c, q
      ),
      shown AS (
        SELECT * FROM ranked ORDER BY score DESC, at DESC, kind, id, sub LIMIT $10::int OFFSET $11::int
      )
      SELECT pg.kind, pg.at, (SELECT count(*) FROM matches) + {REST} AS total, x.title, x.url, x.group_name, x.author_name, x.filter,
             -- the passage is cut and marked in Java (Snippet.of): ts_headline parsed and stemmed every word of the
             -- 20 bodies again, about a sixth of a single word's search; the query's lexemes are all it needs
             x.body AS body, q.query::text AS lexemes
        FROM shown pg CROSS JOIN q
        CROSS JOIN LATERAL (
          SELECT t.title, '/threads/' || t.id AS url, g.name AS group_name, m.display_name AS author_name,
                 'threads' AS filter,
                 coalesce((SELECT p1.body_markdown FROM posts p1 WHERE p1.thread_id = t.id AND p1.position = 1
                             AND (p1.deleted_at IS NULL OR t.group_id = ANY($4::bigint[]))), t.title) AS body
            FROM threads t JOIN working_groups g ON g.id = t.group_id JOIN members m ON m.id = t.author_id
           WHERE pg.kind = 'thread' AND t.id = pg.id
          UNION ALL
          SELECT t.title, '/posts/' || p.id, g.name, m.display_name, 'posts', p.body_markdown
            FROM posts p JOIN threads t ON t.id = p.thread_id JOIN working_groups g ON g.id = p.group_id
            JOIN members m ON m.id = p.author_id
           WHERE pg.kind = 'post' AND p.id = pg.id
          UNION ALL
          SELECT a.file_name, '/posts/' || p.id, g.name, m.display_name, 'posts',
                 t.title || ' · ' || a.file_name
            FROM attachments a JOIN posts p ON p.id = a.post_id JOIN threads t ON t.id = p.thread_id
            JOIN working_groups g ON g.id = t.group_id JOIN members m ON m.id = p.author_id
           WHERE pg.kind = 'attachment' AND a.id = pg.id
          UNION ALL
          SELECT d.title, '/documents/' || d.id, g.name, '', 'documents', d.title
            FROM documents d JOIN working_groups g ON g.id = d.group_id
           WHERE pg.kind = 'document' AND d.id = pg.id
          UNION ALL
          SELECT d.title, '/documents/' || d.id || '#s' || s.section_key, g.name, '', 'documents',
                 s.source
            FROM document_sections s JOIN documents d ON d.id = s.document_id AND s.revision = d.current_revision
            JOIN working_groups g ON g.id = d.group_id
           WHERE pg.kind = 'section' AND d.id = pg.id AND s.section_key = pg.sub
          UNION ALL
          SELECT d.title, '/documents/' || d.id || '/sections/' || c.section_key || '#comment-' || c.id, g.name,
                 m.display_name, 'documents', c.body
            FROM document_comments c JOIN documents d ON d.id = c.document_id JOIN working_groups g ON g.id = d.group_id
            JOIN members m ON m.id = c.author_id
           WHERE pg.kind = 'comment' AND c.id = pg.id
          UNION ALL
          SELECT k.title, '/talks/' || k.slug, '', '', 'talks',
                 concat_ws(' · ', (SELECT string_agg(sp.name, ', ' ORDER BY sp.position) FROM talk_speakers sp
                                    WHERE sp.talk_id = k.id), nullif(k.description, ''))
            FROM talks k
           WHERE pg.kind = 'talk' AND k.id = pg.id
          UNION ALL
          SELECT k.title, '/talks/' || k.slug || '#question-' || qu.id, '',
                 CASE WHEN qu.anonymous THEN '' ELSE m.display_name END, 'talks', qu.body
            FROM talk_questions qu JOIN talks k ON k.id = qu.talk_id JOIN members m ON m.id = qu.author_id
           WHERE pg.kind = 'question' AND qu.id = pg.id
        ) x
       ORDER BY pg.score DESC, pg.at DESC, pg.kind, pg.id, pg.sub
      """;
  }

  /**
   * What a post must be besides a match: in the groups $3, not held, deleted only in $4, by author $5,
   * written from $6 until before $7, in a thread member $8 watches.
   */
  private static final String POST_FILTER = """
      p.group_id = ANY($3::bigint[]) AND p.held_at IS NULL AND (p.deleted_at IS NULL OR p.group_id = ANY($4::bigint[]))
                 AND ($5::bigint IS NULL OR p.author_id = $5::bigint)
                 AND ($6::timestamptz IS NULL OR p.created_at >= $6::timestamptz)
                 AND ($7::timestamptz IS NULL OR p.created_at < $7::timestamptz)
                 AND ($8::bigint IS NULL OR p.thread_id IN (SELECT thread_id FROM watched))""";

  /**
   * A word in at most this many of the posts searched is read in one pass of the index (band0) and
   * all of its posts kept; beyond, the bands read the newest months until more than {@link #RANKED}
   * are found. Kept at 200 when {@link #RANKED} went down to 100: a group-filtered word is often in
   * 100 to 200 posts, which one pass reads for less than that pass and the bands together.
   */
  static final int READ_AT_ONCE = 200;

  /**
   * Search with words: full-text match and rank; posts found newest months first by {@code agora_search_posts}
   * (V047). It reads at most $15 + 1 ({@link #READ_AT_ONCE}) matches in one pass of the words' and tags' index
   * and returns them when there are no more than $15 (a word in few posts is then complete); otherwise, or when
   * $15 is negative ({@link Plan#BANDS}), it walks the steps of {@code agora_month_steps} (V032: the last three
   * months one by one, then quarters, then years, newest first), each one question to the index ("these words
   * with this month's tag, and this group's"), and stops after the first step that brings what it holds above
   * the $13 ranked candidates. Every post of a later step is older than all of an earlier one's, so the $13
   * newest matches are the same as if all were read, and when it stops early more than $13 posts match: the
   * count is exact up to $13 and "more than" beyond ($14 = $13: nothing is counted beyond the candidates).
   *
   * <p>Until stop 15 the steps were ten materialised CTEs of this statement, each gated by the counts of those
   * before it: a plan of some 840 lines, which PostgreSQL set up on every execution, read or not (most of a
   * single word's 5 ms of PostgreSQL CPU). The function's statements are small plans cached per session.
   */
  static final String SEARCH = matches()
      .replace("{POSTS}", """
              SELECT 'post', b.id, 0, b.created_at, NULL::real, b.place
                FROM q, agora_search_posts(q.query, q.grp, $15::int, $13::int, $3::bigint[], $4::bigint[], $5::bigint,
                                           $6::timestamptz, $7::timestamptz, $8::bigint) b
               WHERE 'posts' = ANY($9::text[]) AND $14::int IS NOT NULL
      """)
      .replace("{REST}", "0")
      .replaceAll("\\{0}\\(([a-z]+\\.search_vector)\\)", "$1 @@ q.query")
      .replaceAll("\\{1}\\(([a-z]+\\.search_vector)\\)", "ts_rank($1, q.query)");
  /**
   * Search with words, every matching post read in one pass of the words' own index (V044) and counted: no
   * bands ({@link Plan#ONE_PASS}). The statement with the bands has a plan of some 800 lines, which PostgreSQL
   * sets up on every execution, used or not: about 1 ms of a 2.7 ms multi-word search. A phrase's candidates
   * are rechecked against the stored vector, not against the tags' index expression built for each of them.
   */
  static final String SEARCH_ONE_PASS = matches().replace("{POSTS}", """
              SELECT 'post', p.id, 0, p.created_at, NULL::real, p.ctid
                FROM posts p, q
               WHERE 'posts' = ANY($9::text[]) AND $14::int IS NOT NULL AND $15::int IS NOT NULL
                 AND p.search_vector @@ q.query AND %s
      """.formatted(POST_FILTER)).replace("{REST}", "0")
      .replaceAll("\\{0}\\(([a-z]+\\.search_vector)\\)", "$1 @@ q.query")
      .replaceAll("\\{1}\\(([a-z]+\\.search_vector)\\)", "ts_rank($1, q.query)");
  /** Filters without words (all of an author's posts, say): everything the filters allow, newest first. */
  static final String FILTER = matches().replace("{POSTS}", """
              SELECT 'post', p.id, 0, p.created_at, NULL::real, p.ctid
                FROM posts p
               WHERE 'posts' = ANY($9::text[]) AND $14::int IS NOT NULL AND $15::int IS NOT NULL AND %s
      """.formatted(POST_FILTER)).replace("{REST}", "0")
      .replaceAll("\\{0}\\(([a-z]+\\.search_vector)\\)", "true")
      .replaceAll("\\{1}\\(([a-z]+\\.search_vector)\\)", "1.0::real");

  /** Whether the query has any word to match (punctuation or emoji alone have none), and the query as text. */
  private static final String WORDS = """
      SELECT numnode(x.query) > 0 AS words, x.query::text AS query
        FROM (SELECT agora_search_query($1::text, $2::text) AS query) x
      """;

  /**
   * What the planner's statistics say of the posts' words (ANALYZE): how many posts there are, their most
   * common lexemes and the share of posts each is in, and the share of the least common of those (the entry
   * after the last lexeme's). No row of statistics before the posts were first analysed.
   */
  private static final String WORD_STATISTICS = """
      SELECT c.reltuples AS posts, s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS shares
        FROM pg_class c
        LEFT JOIN pg_stats s ON s.schemaname = current_schema() AND s.tablename = 'posts' AND s.attname = 'search_vector'
       WHERE c.oid = 'posts'::regclass
      """;

  private static final String MEMBER_BY_HANDLE = "SELECT id FROM members WHERE lower(handle) = $1";

  /**
   * For each word, the closest word of a title in the groups $2 (or of a Talk): trigram word
   * similarity finds the titles through their index, then the title's words are compared.
   */
  private static final String CLOSEST_WORDS = """
      SELECT input.word, best.candidate
        FROM unnest($1::text[]) WITH ORDINALITY AS input(word, n)
        LEFT JOIN LATERAL (
          SELECT c.candidate
            FROM (SELECT regexp_split_to_table(agora_unaccent(lower(x.title)), '[^[:alnum:]]+') AS candidate
                    FROM ((SELECT t.title FROM threads t
                            WHERE t.group_id = ANY($2::bigint[]) AND t.held_at IS NULL
                              AND agora_unaccent(lower(input.word)) <% agora_unaccent(lower(t.title)) LIMIT 30)
                          UNION ALL
                          (SELECT d.title FROM documents d
                            WHERE d.group_id = ANY($2::bigint[])
                              AND agora_unaccent(lower(input.word)) <% agora_unaccent(lower(d.title)) LIMIT 30)
                          UNION ALL
                          (SELECT k.title FROM talks k
                            WHERE agora_unaccent(lower(input.word)) <% agora_unaccent(lower(k.title)) LIMIT 30)) x) c
           WHERE length(c.candidate) >= 3
           ORDER BY similarity(c.candidate, agora_unaccent(lower(input.word))) DESC, c.candidate
           LIMIT 1) best ON true
       ORDER BY input.n
      """;

  /** Titles containing what was typed (accents and case aside) in the groups $2, and Talks; starts of titles first. */
  private static final String SUGGEST = """
      WITH p AS (
        SELECT agora_unaccent(lower($1::text)) AS typed,
               '%' || replace(replace(replace(agora_unaccent(lower($1::text)), '\\', '\\\\'), '%', '\\%'), '_', '\\_')
                   || '%' AS pattern
      )
      SELECT s.kind, s.title, s.url, s.group_name FROM (
        (SELECT 'thread' AS kind, t.title, '/threads/' || t.id AS url, g.name AS group_name, t.last_activity_at AS at
           FROM threads t JOIN working_groups g ON g.id = t.group_id, p
          WHERE t.group_id = ANY($2::bigint[]) AND agora_unaccent(lower(t.title)) LIKE p.pattern AND t.merged_into IS NULL AND t.held_at IS NULL
          ORDER BY t.last_activity_at DESC LIMIT 20)
        UNION ALL
        (SELECT 'document', d.title, '/documents/' || d.id, g.name, d.updated_at
           FROM documents d JOIN working_groups g ON g.id = d.group_id, p
          WHERE d.group_id = ANY($2::bigint[]) AND agora_unaccent(lower(d.title)) LIKE p.pattern
          ORDER BY d.updated_at DESC LIMIT 20)
        UNION ALL
        (SELECT 'talk', k.title, '/talks/' || k.slug, '', k.starts_at
           FROM talks k, p
          WHERE agora_unaccent(lower(k.title)) LIKE p.pattern
          ORDER BY k.starts_at DESC LIMIT 20)
      ) s, p
      ORDER BY starts_with(agora_unaccent(lower(s.title)), p.typed) DESC,
               word_similarity(p.typed, agora_unaccent(lower(s.title))) DESC, s.at DESC, s.url
      LIMIT $3::int
      """;

  /** What {@link #search} needs beyond the query's own text. */
  record Scope(String readerLanguage, List<Long> groups, List<Long> moderated, Long authorId, Instant from,
      Instant until, Long watcherId, List<String> kinds, boolean groupFiltered) {}

  /** A page of hits, and how many there are in all. */
  record Found(List<SearchHit> hits, long total) {}

  /**
   * How a search with words reads the posts. Every plan gives the same results, the same count and the same
   * order; they differ in what they cost for words in few or many posts.
   */
  enum Plan {
    /** No words, filters only ({@link #FILTER}). */
    FILTERS,
    /** Every match read in one pass of the words' index ({@link #SEARCH_ONE_PASS}): words in few posts. */
    ONE_PASS,
    /** Up to {@link #READ_AT_ONCE} read in one pass, the bands beyond ({@link #SEARCH}): when it is not known. */
    PASS_THEN_BANDS,
    /** The bands from the newest month, without the first pass ({@link #SEARCH}, $15 = -1): words in many posts. */
    BANDS
  }

  /**
   * A query's words as the planner's statistics see them: {@code any} when it has a word to match, and how many
   * posts it is expected to match ({@code expected}, negative when the posts were never analysed).
   */
  record Words(boolean any, double expected) {

    static final Words NONE = new Words(false, -1);

    /** The words of {@code query} (PostgreSQL's text of a tsquery), expected as {@code statistics} say. */
    static Words of(String query, WordStatistics statistics) {
      return new Words(true, statistics.known() ? statistics.posts() * QueryShare.of(query, statistics.common(),
          statistics.least()) : -1);
    }

    /**
     * A query expected in more than this many posts is read by the bands alone: the first pass would read
     * {@link #READ_AT_ONCE} + 1 of them only to find that the bands are needed. Four times {@link #READ_AT_ONCE}
     * so that a reader who may read a quarter of the posts still has more than that many matches.
     */
    static final int FREQUENT = 4 * READ_AT_ONCE;

    /**
     * The plan for these words: one pass when few posts are expected (or no posts are searched), the bands
     * alone when many are and nothing narrows the search to fewer (a group, author, dates, watched threads),
     * otherwise the first pass and then the bands if needed, as when nothing is known.
     */
    Plan plan(boolean posts, boolean narrowed) {
      if (!any) {
        return Plan.FILTERS;
      }
      if (!posts || (expected >= 0 && expected <= READ_AT_ONCE)) {
        return Plan.ONE_PASS;
      }
      return expected > FREQUENT && !narrowed ? Plan.BANDS : Plan.PASS_THEN_BANDS;
    }
  }

  /** Whether the query has words, and the query as text (for {@link Words#of}); null when it has none. */
  Future<String> words(SqlClient db, String readerLanguage, String text) {
    return db.preparedQuery(WORDS).execute(Tuple.of(readerLanguage, text)).map(rows -> {
      Row r = rows.iterator().next();
      return r.getBoolean("words") ? r.getString("query") : null;
    });
  }

  Future<WordStatistics> wordStatistics(SqlClient db) {
    return db.preparedQuery(WORD_STATISTICS).execute().map(rows -> {
      Row r = rows.iterator().next();
      return WordStatistics.of(r.getDouble("posts"), r.getArrayOfStrings("lexemes"), r.getArrayOfFloats("shares"));
    });
  }

  Future<Optional<Long>> memberByHandle(SqlClient db, String handle) {
    return db.preparedQuery(MEMBER_BY_HANDLE).execute(Tuple.of(handle)).map(rows -> first(rows, r -> r.getLong(0)));
  }

  /**
   * One statement, no transaction around it. PostgreSQL plans a prepared statement's first five executions on
   * each connection for their values and then settles on its generic plan when that costs no more than their
   * average plus planning them: for the statements with words it does (pg_prepared_statements showed 5 custom
   * and then only generic plans, rare words first or frequent ones), so the generic plan no longer needs
   * {@code SET LOCAL plan_cache_mode} in a transaction of its own, three round trips more per search. Without
   * words (filters alone) an author or date filter is worth a plan of its own, and PostgreSQL chooses so too.
   */
  Future<Found> search(Pool pool, Plan plan, String text, Scope scope, int limit, int offset) {
    Tuple args = Tuple.from(new Object[] {scope.readerLanguage(), text, scope.groups().toArray(new Long[0]),
        scope.moderated().toArray(new Long[0]), scope.authorId(), utc(scope.from()), utc(scope.until()),
        scope.watcherId(), scope.kinds().toArray(new String[0]), limit, offset, scope.groupFiltered(), RANKED, COUNTED,
        plan == Plan.BANDS ? -1 : READ_AT_ONCE});
    String sql = switch (plan) {
      case FILTERS -> FILTER;
      case ONE_PASS -> SEARCH_ONE_PASS;
      case PASS_THEN_BANDS, BANDS -> SEARCH;
    };
    Future<RowSet<Row>> found = pool.preparedQuery(sql).execute(args);
    return found.map(rows -> {
      List<SearchHit> hits = new ArrayList<>();
      long total = 0;
      List<String> lexemes = null;
      for (Row r : rows) {
        total = r.getLong("total");
        if (lexemes == null) {
          lexemes = Snippet.lexemes(r.getString("lexemes"));
        }
        hits.add(new SearchHit(r.getString("kind"), SearchKind.ofCode(r.getString("filter")).orElseThrow(),
            r.getString("title"), r.getString("url"), r.getString("group_name"), r.getString("author_name"),
            instant(r, "at"), Snippet.of(r.getString("body"), lexemes)));
      }
      return new Found(hits, total);
    });
  }

  /** Each word with the closest title word found (null when none is close). */
  Future<List<String[]>> closestWords(SqlClient db, List<String> words, List<Long> groups) {
    return db.preparedQuery(CLOSEST_WORDS).execute(Tuple.from(new Object[] {words.toArray(new String[0]), groups.toArray(new Long[0])}))
        .map(rows -> {
          List<String[]> list = new ArrayList<>();
          rows.forEach(r -> list.add(new String[] {r.getString(0), r.getString(1)}));
          return list;
        });
  }

  Future<List<Suggestion>> suggest(SqlClient db, String typed, List<Long> groups, int limit) {
    return db.preparedQuery(SUGGEST).execute(Tuple.of(typed, groups.toArray(new Long[0]), limit)).map(rows -> {
      List<Suggestion> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Suggestion(r.getString("kind"), r.getString("title"), r.getString("url"),
          r.getString("group_name"))));
      return list;
    });
  }

  private static OffsetDateTime utc(Instant at) {
    return at == null ? null : at.atOffset(ZoneOffset.UTC);
  }
}
