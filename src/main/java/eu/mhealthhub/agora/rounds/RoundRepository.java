package eu.mhealthhub.agora.rounds;

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

/** SQL for consensus rounds. */
final class RoundRepository {

  private static final String ROUND_COLUMNS = """
      SELECT r.id, r.document_id, r.group_id, d.title AS document_title, r.number, r.previous_round_id, r.title,
             r.status, r.scale, r.panel_kind, r.for_share, r.for_from, r.for_median, r.against_share, r.against_to,
             r.deadline, r.show_raters, r.reasons_required, r.hide_interim, r.balance_threshold, r.created_at,
             r.opened_at, r.closed_at
        FROM consensus_rounds r JOIN documents d ON d.id = r.document_id""";
  static final String ROUND = ROUND_COLUMNS + " WHERE r.id = $1";
  /** Ratings hold the round row shared: a close waits for them, and ratings after a close see it. */
  static final String LOCK_ROUND_SHARED = ROUND + " FOR SHARE OF r";
  static final String OF_DOCUMENT = ROUND_COLUMNS + " WHERE r.document_id = $1 ORDER BY r.number, r.id";

  static final String INSERT_ROUND = """
      INSERT INTO consensus_rounds (document_id, group_id, number, previous_round_id, title, status, scale, panel_kind,
                                    for_share, for_from, for_median, against_share, against_to, deadline, show_raters,
                                    reasons_required, hide_interim, balance_threshold, created_by, created_at)
      VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
      RETURNING id""";
  static final String INSERT_PANELLIST = """
      INSERT INTO round_panellists (round_id, member_id, stakeholder_type, country)
      SELECT $1, id, stakeholder_type, country FROM members WHERE id = $2""";
  static final String INSERT_STATEMENT = """
      INSERT INTO round_statements (round_id, position, section_key, revision, body, previous_id, reworded)
      VALUES ($1, $2, $3, $4, $5, $6, $7)""";

  static final String GROUP_MEMBERS = """
      SELECT m.id, m.display_name, m.handle, m.stakeholder_type, m.country
        FROM group_memberships gm JOIN members m ON m.id = gm.member_id
       WHERE gm.group_id = $1 ORDER BY m.display_name, m.id""";

  static final String STATEMENTS = """
      SELECT id, round_id, position, section_key, revision, body, previous_id, reworded
        FROM round_statements WHERE round_id = $1 ORDER BY position""";
  static final String PANELLISTS = """
      SELECT p.member_id, m.display_name, m.handle, p.stakeholder_type, p.country
        FROM round_panellists p JOIN members m ON m.id = p.member_id
       WHERE p.round_id = $1 ORDER BY m.display_name, m.id""";
  static final String IS_PANELLIST = "SELECT 1 FROM round_panellists WHERE round_id = $1 AND member_id = $2";

  /**
   * A document's rounds, each closed one at $2 (the service's clock, the rule of {@link Round#closedAt}) with its section statements (without their texts) and their ratings
   * (without reasons: the outcome needs the figures only) as JSON arrays of positional arrays: the document page's
   * rounds in one statement, not three (issue 18); a document without rounds answers no row.
   */
  static final String OF_DOCUMENT_WITH_SECTIONS = """
      SELECT r.id, r.document_id, r.group_id, d.title AS document_title, r.number, r.previous_round_id, r.title,
             r.status, r.scale, r.panel_kind, r.for_share, r.for_from, r.for_median, r.against_share, r.against_to,
             r.deadline, r.show_raters, r.reasons_required, r.hide_interim, r.balance_threshold, r.created_at,
             r.opened_at, r.closed_at,
             CASE WHEN r.status = 'closed' OR (r.status = 'open' AND r.deadline <= $2) THEN
               (SELECT json_agg(json_build_array(s.id, s.position, s.section_key, s.revision, s.previous_id, s.reworded)
                                ORDER BY s.position)
                  FROM round_statements s WHERE s.round_id = r.id AND s.section_key IS NOT NULL) END AS section_statements,
             CASE WHEN r.status = 'closed' OR (r.status = 'open' AND r.deadline <= $2) THEN
               (SELECT json_agg(json_build_array(g.statement_id, g.member_id, g.rating, g.recused, g.declaration_version))
                  FROM round_ratings g JOIN round_statements s ON s.id = g.statement_id AND s.section_key IS NOT NULL
                 WHERE g.round_id = r.id) END AS section_ratings
        FROM consensus_rounds r JOIN documents d ON d.id = r.document_id
       WHERE r.document_id = $1 ORDER BY r.number, r.id
      """;

  private static final String RATING_COLUMNS =
      "SELECT statement_id, member_id, rating, reason, recused, declaration_version FROM round_ratings";
  static final String RATINGS = RATING_COLUMNS + " WHERE round_id = $1";
  static final String RATINGS_OF = RATING_COLUMNS + " WHERE round_id = $1 AND member_id = $2";
  /** Who has answered how many statements: all a moderator may learn while a round runs. */
  static final String ANSWER_COUNTS = """
      SELECT member_id, count(*) AS answered FROM round_ratings WHERE round_id = $1 GROUP BY member_id""";
  static final String STATEMENT_OF_ROUND = "SELECT 1 FROM round_statements WHERE id = $1 AND round_id = $2";
  static final String UPSERT_RATING = """
      INSERT INTO round_ratings (statement_id, member_id, round_id, rating, reason, recused, declaration_version, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
      ON CONFLICT (statement_id, member_id) DO UPDATE
         SET rating = EXCLUDED.rating, reason = EXCLUDED.reason, recused = EXCLUDED.recused,
             declaration_version = EXCLUDED.declaration_version, updated_at = EXCLUDED.updated_at""";
  static final String DECLARATION_IN_FORCE = "SELECT declaration_in_force($1, $2) AS version";

  static final String OPEN = """
      UPDATE consensus_rounds SET status = 'open', opened_at = $2 WHERE id = $1 AND status = 'draft' AND deadline > $2""";
  static final String CLOSE = """
      UPDATE consensus_rounds SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open'""";
  static final String LOG = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, $3, 'round', $4, $5)""";

  private static Instant instant(Row r, String column) {
    OffsetDateTime t = r.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  private static Round round(Row r) {
    Scale scale = Scale.of(r.getString("scale")).orElseThrow();
    ConsensusRule rule = new ConsensusRule(r.getInteger("for_share"), r.getInteger("for_from"),
        r.getNumeric("for_median").doubleValue(), r.getInteger("against_share"), r.getInteger("against_to"));
    return new Round(r.getLong("id"), r.getLong("document_id"), r.getLong("group_id"), r.getString("document_title"),
        r.getInteger("number"), r.getLong("previous_round_id"), r.getString("title"), r.getString("status"), scale,
        r.getString("panel_kind"), rule, instant(r, "deadline"), r.getBoolean("show_raters"),
        r.getBoolean("reasons_required"), r.getBoolean("hide_interim"), r.getInteger("balance_threshold"),
        instant(r, "created_at"), instant(r, "opened_at"), instant(r, "closed_at"));
  }

  private static Statement statement(Row r) {
    return new Statement(r.getLong("id"), r.getLong("round_id"), r.getInteger("position"), r.getInteger("section_key"),
        r.getInteger("revision"), r.getString("body"), r.getLong("previous_id"), r.getBoolean("reworded"));
  }

  private static Rating rating(Row r) {
    return new Rating(r.getLong("statement_id"), r.getLong("member_id"), r.getInteger("rating"), r.getString("reason"),
        r.getBoolean("recused"), r.getInteger("declaration_version"));
  }

  private static Panellist panellist(Row r) {
    return new Panellist(r.getLong(0), r.getString("display_name"), r.getString("handle"),
        r.getString("stakeholder_type"), r.getString("country"));
  }

  private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> map) {
    List<T> list = new ArrayList<>();
    rows.forEach(r -> list.add(map.apply(r)));
    return list;
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }

  Future<Optional<Round>> round(SqlClient db, long id) {
    return db.preparedQuery(ROUND).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(round(rows.iterator().next())));
  }

  Future<Optional<Round>> lockRoundShared(SqlClient db, long id) {
    return db.preparedQuery(LOCK_ROUND_SHARED).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(round(rows.iterator().next())));
  }

  Future<List<Round>> ofDocument(SqlClient db, long documentId) {
    return db.preparedQuery(OF_DOCUMENT).execute(Tuple.of(documentId)).map(rows -> all(rows, RoundRepository::round));
  }

  /** A new draft round; returns its id. */
  Future<Long> insertRound(SqlClient db, long documentId, long groupId, int number, Long previousRoundId, String title,
      Scale scale, String panelKind, ConsensusRule rule, Instant deadline, boolean showRaters, boolean reasonsRequired,
      boolean hideInterim, int balanceThreshold, long createdBy, Instant now) {
    return db.preparedQuery(INSERT_ROUND).execute(Tuple.from(new Object[] {documentId, groupId, number, previousRoundId,
        title, scale.code(), panelKind, rule.forShare(), rule.forFrom(), java.math.BigDecimal.valueOf(rule.forMedian()),
        rule.againstShare(), rule.againstTo(), utc(deadline), showRaters, reasonsRequired, hideInterim, balanceThreshold,
        createdBy, utc(now)})).map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Void> insertPanellists(SqlClient db, long roundId, List<Long> memberIds) {
    if (memberIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery(INSERT_PANELLIST).executeBatch(memberIds.stream().map(m -> Tuple.of(roundId, m)).toList())
        .mapEmpty();
  }

  /** A statement to insert: its section (or none), text and the statement it continues. */
  record NewStatement(Integer sectionKey, Integer revision, String body, Long previousId, boolean reworded) {}

  Future<Void> insertStatements(SqlClient db, long roundId, List<NewStatement> statements) {
    List<Tuple> batch = new ArrayList<>();
    for (int i = 0; i < statements.size(); i++) {
      NewStatement s = statements.get(i);
      batch.add(Tuple.from(new Object[] {roundId, i + 1, s.sectionKey(), s.revision(), s.body(), s.previousId(),
          s.reworded()}));
    }
    return db.preparedQuery(INSERT_STATEMENT).executeBatch(batch).mapEmpty();
  }

  Future<List<Panellist>> groupMembers(SqlClient db, long groupId) {
    return db.preparedQuery(GROUP_MEMBERS).execute(Tuple.of(groupId)).map(rows -> all(rows, RoundRepository::panellist));
  }

  /** A round with the section statements and ratings {@link #OF_DOCUMENT_WITH_SECTIONS} read (none unless closed). */
  record WithSections(Round round, List<Statement> statements, List<Rating> ratings) {}

  /** {@link #OF_DOCUMENT_WITH_SECTIONS}: the document's rounds in order, closed ones at {@code now} with their sections. */
  Future<List<WithSections>> ofDocumentWithSections(SqlClient db, long documentId, Instant now) {
    return db.preparedQuery(OF_DOCUMENT_WITH_SECTIONS).execute(Tuple.of(documentId, utc(now))).map(rows -> all(rows, r -> {
      long roundId = r.getLong("id");
      List<Statement> statements = new ArrayList<>();
      io.vertx.core.json.JsonArray s = (io.vertx.core.json.JsonArray) r.getValue("section_statements");
      for (int i = 0; s != null && i < s.size(); i++) {
        io.vertx.core.json.JsonArray a = s.getJsonArray(i);
        statements.add(new Statement(a.getLong(0), roundId, a.getInteger(1), a.getInteger(2), a.getInteger(3), "",
            a.getLong(4), a.getBoolean(5)));
      }
      List<Rating> ratings = new ArrayList<>();
      io.vertx.core.json.JsonArray g = (io.vertx.core.json.JsonArray) r.getValue("section_ratings");
      for (int i = 0; g != null && i < g.size(); i++) {
        io.vertx.core.json.JsonArray a = g.getJsonArray(i);
        ratings.add(new Rating(a.getLong(0), a.getLong(1), a.getInteger(2), "", a.getBoolean(3), a.getInteger(4)));
      }
      return new WithSections(round(r), statements, ratings);
    }));
  }

  Future<List<Statement>> statements(SqlClient db, long roundId) {
    return db.preparedQuery(STATEMENTS).execute(Tuple.of(roundId)).map(rows -> all(rows, RoundRepository::statement));
  }

  Future<List<Panellist>> panellists(SqlClient db, long roundId) {
    return db.preparedQuery(PANELLISTS).execute(Tuple.of(roundId)).map(rows -> all(rows, RoundRepository::panellist));
  }

  Future<Boolean> isPanellist(SqlClient db, long roundId, long memberId) {
    return db.preparedQuery(IS_PANELLIST).execute(Tuple.of(roundId, memberId)).map(rows -> rows.size() > 0);
  }

  Future<List<Rating>> ratings(SqlClient db, long roundId) {
    return db.preparedQuery(RATINGS).execute(Tuple.of(roundId)).map(rows -> all(rows, RoundRepository::rating));
  }

  Future<List<Rating>> ratingsOf(SqlClient db, long roundId, long memberId) {
    return db.preparedQuery(RATINGS_OF).execute(Tuple.of(roundId, memberId)).map(rows -> all(rows, RoundRepository::rating));
  }

  Future<java.util.Map<Long, Integer>> answerCounts(SqlClient db, long roundId) {
    return db.preparedQuery(ANSWER_COUNTS).execute(Tuple.of(roundId)).map(rows -> {
      java.util.Map<Long, Integer> counts = new java.util.HashMap<>();
      rows.forEach(r -> counts.put(r.getLong("member_id"), r.getLong("answered").intValue()));
      return counts;
    });
  }

  Future<Boolean> statementOfRound(SqlClient db, long statementId, long roundId) {
    return db.preparedQuery(STATEMENT_OF_ROUND).execute(Tuple.of(statementId, roundId)).map(rows -> rows.size() > 0);
  }

  Future<Void> upsertRating(SqlClient db, long roundId, Rating rating, Instant now) {
    return db.preparedQuery(UPSERT_RATING).execute(Tuple.from(new Object[] {rating.statementId(), rating.memberId(),
        roundId, rating.rating(), rating.reason(), rating.recused(), rating.declarationVersion(), utc(now)})).mapEmpty();
  }

  Future<Integer> declarationInForce(SqlClient db, long memberId, Instant at) {
    return db.preparedQuery(DECLARATION_IN_FORCE).execute(Tuple.of(memberId, utc(at)))
        .map(rows -> rows.iterator().next().getInteger("version"));
  }

  Future<Boolean> open(SqlClient db, long roundId, Instant now) {
    return db.preparedQuery(OPEN).execute(Tuple.of(roundId, utc(now))).map(rows -> rows.rowCount() == 1);
  }

  Future<Boolean> close(SqlClient db, long roundId, Instant now) {
    return db.preparedQuery(CLOSE).execute(Tuple.of(roundId, utc(now))).map(rows -> rows.rowCount() == 1);
  }

  Future<Void> log(SqlClient db, long groupId, long actorId, String action, long roundId, String detail) {
    return db.preparedQuery(LOG).execute(Tuple.of(groupId, actorId, action, roundId, detail)).mapEmpty();
  }
}
