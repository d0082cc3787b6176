package eu.mhealthhub.agora.declaration;

import eu.mhealthhub.agora.declaration.Declaration.Entry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for declarations of interest. */
final class DeclarationRepository {

  /** Serialises saves of one member, so two at once do not take the same version number. */
  static final String LOCK_MEMBER = "SELECT pg_advisory_xact_lock(hashtext('declaration:' || $1::bigint))";

  /** Held by one transaction at a time across every node; another finds it taken and goes on. */
  static final String TRY_LOCK = "SELECT pg_try_advisory_xact_lock($1) AS locked";

  Future<Void> lockMember(SqlClient tx, long memberId) {
    return tx.preparedQuery(LOCK_MEMBER).execute(Tuple.of(memberId)).mapEmpty();
  }

  Future<Boolean> tryLock(SqlClient tx, long key) {
    return tx.preparedQuery(TRY_LOCK).execute(Tuple.of(key)).map(rows -> rows.iterator().next().getBoolean("locked"));
  }

  static final String INSERT_VERSION = """
      INSERT INTO declaration_versions (member_id, version, nothing_to_declare, created_at, confirmed_at)
      SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $3 FROM declaration_versions WHERE member_id = $1
      RETURNING id, version""";

  static final String INSERT_ENTRY = """
      INSERT INTO declaration_entries (version_id, position, kind, organisation, description, period_start, period_end,
                                       is_current, amount_band)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)""";

  private static final String VERSION_COLUMNS = "id, member_id, version, nothing_to_declare, created_at, confirmed_at";

  static final String VERSIONS = "SELECT " + VERSION_COLUMNS
      + " FROM declaration_versions WHERE member_id = $1 ORDER BY version DESC";

  static final String VERSION = "SELECT " + VERSION_COLUMNS
      + " FROM declaration_versions WHERE member_id = $1 AND version = $2";

  static final String LATEST = "SELECT " + VERSION_COLUMNS
      + " FROM declaration_versions WHERE member_id = $1 ORDER BY version DESC LIMIT 1";

  static final String ENTRIES = """
      SELECT kind, organisation, description, period_start, period_end, is_current, amount_band
        FROM declaration_entries WHERE version_id = $1 ORDER BY position""";

  static final String CONFIRM = """
      UPDATE declaration_versions SET confirmed_at = $2
       WHERE id = (SELECT id FROM declaration_versions WHERE member_id = $1 ORDER BY version DESC LIMIT 1)
      RETURNING version""";

  /**
   * Members whose latest version was confirmed more than a year before $1 and who were not reminded
   * since that confirmation or within the last year; each row is marked reminded as it is taken.
   */
  static final String TAKE_DUE_REMINDERS = """
      UPDATE declaration_versions v SET reminded_at = $1::timestamptz
       WHERE v.id IN (SELECT DISTINCT ON (member_id) id FROM declaration_versions ORDER BY member_id, version DESC)
         AND v.confirmed_at < $1::timestamptz - interval '1 year'
         AND (v.reminded_at IS NULL OR v.reminded_at < $1::timestamptz - interval '1 year')
      RETURNING v.member_id, v.version""";

  static final String REQUIREMENT = "SELECT requires_declaration FROM working_groups WHERE id = $1";
  static final String SET_REQUIREMENT = "UPDATE working_groups SET requires_declaration = $2 WHERE id = $1";
  static final String LOG_REQUIREMENT = """
      INSERT INTO moderation_log (group_id, actor_id, action, target_type, target_id, detail)
      VALUES ($1, $2, 'group.declaration_requirement', 'group', $1, $3)""";

  Future<Boolean> requirement(SqlClient db, long groupId) {
    return db.preparedQuery(REQUIREMENT).execute(Tuple.of(groupId))
        .map(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("requires_declaration"));
  }

  Future<Void> setRequirement(SqlClient tx, long groupId, long actorId, boolean required) {
    return tx.preparedQuery(SET_REQUIREMENT).execute(Tuple.of(groupId, required))
        .compose(r -> tx.preparedQuery(LOG_REQUIREMENT).execute(Tuple.of(groupId, actorId, required ? "on" : "off")))
        .mapEmpty();
  }

  /**
   * Everyone who commented on, proposed a change to or endorsed a document, with the version of
   * their declaration in force at each contribution (NULL: none then) and its entries.
   */
  static final String DOCUMENT_ANNEX = """
      SELECT m.display_name, m.handle, v.version, v.nothing_to_declare,
             (SELECT json_agg(json_build_object('kind', e.kind, 'organisation', e.organisation, 'description', e.description,
                                                'start', e.period_start, 'end', e.period_end, 'current', e.is_current,
                                                'band', e.amount_band) ORDER BY e.position)
                FROM declaration_entries e WHERE e.version_id = v.id) AS entries
        FROM (SELECT author_id AS member_id, declaration_version FROM document_comments WHERE document_id = $1
              UNION SELECT author_id, declaration_version FROM document_proposals WHERE document_id = $1
              UNION SELECT member_id, declaration_version FROM document_endorsements WHERE document_id = $1) c
        JOIN members m ON m.id = c.member_id
        LEFT JOIN declaration_versions v ON v.member_id = c.member_id AND v.version = c.declaration_version
       ORDER BY m.display_name, m.id, c.declaration_version NULLS FIRST""";

  Future<List<Declaration.Contributor>> documentAnnex(SqlClient db, long documentId) {
    return db.preparedQuery(DOCUMENT_ANNEX).execute(Tuple.of(documentId)).map(rows -> {
      List<Declaration.Contributor> list = new ArrayList<>();
      rows.forEach(r -> {
        List<Entry> entries = new ArrayList<>();
        Object raw = r.getValue("entries");
        io.vertx.core.json.JsonArray a = raw == null ? new io.vertx.core.json.JsonArray()
            : raw instanceof io.vertx.core.json.JsonArray j ? j : new io.vertx.core.json.JsonArray(String.valueOf(raw));
        for (int i = 0; i < a.size(); i++) {
          io.vertx.core.json.JsonObject e = a.getJsonObject(i);
          entries.add(new Entry(e.getString("kind"), e.getString("organisation"), e.getString("description"),
              LocalDate.parse(e.getString("start")), e.getString("end") == null ? null : LocalDate.parse(e.getString("end")),
              e.getBoolean("current"), e.getString("band")));
        }
        list.add(new Declaration.Contributor(r.getString("display_name"), r.getString("handle"), r.getInteger("version"),
            Boolean.TRUE.equals(r.getBoolean("nothing_to_declare")), List.copyOf(entries)));
      });
      return list;
    });
  }

  Future<Declaration> insert(SqlClient tx, long memberId, DeclarationForm form, OffsetDateTime at) {
    return tx.preparedQuery(INSERT_VERSION).execute(Tuple.of(memberId, form.nothingToDeclare(), at)).compose(rows -> {
      Row row = rows.iterator().next();
      long id = row.getLong("id");
      int version = row.getInteger("version");
      List<Tuple> batch = new ArrayList<>();
      List<Entry> entries = new ArrayList<>();
      int position = 0;
      for (DeclarationForm.EntryForm e : form.entries()) {
        LocalDate start = e.startMonth().atDay(1);
        LocalDate end = e.endMonth() == null ? null : e.endMonth().atDay(1);
        String band = e.band().isEmpty() ? null : e.band();
        batch.add(Tuple.from(List.of(id, position++, e.kind(), e.organisation(), e.description(), start))
            .addValue(end).addBoolean(e.current()).addString(band));
        entries.add(new Entry(e.kind(), e.organisation(), e.description(), start, end, e.current(), band));
      }
      Declaration made = new Declaration(id, memberId, version, form.nothingToDeclare(), at.toInstant(), at.toInstant(),
          List.copyOf(entries));
      return batch.isEmpty() ? Future.succeededFuture(made)
          : tx.preparedQuery(INSERT_ENTRY).executeBatch(batch).map(r -> made);
    });
  }

  Future<List<Declaration>> versions(SqlClient db, long memberId) {
    return db.preparedQuery(VERSIONS).execute(Tuple.of(memberId)).map(rows -> {
      List<Declaration> list = new ArrayList<>();
      rows.forEach(r -> list.add(map(r, List.of())));
      return list;
    });
  }

  Future<Optional<Declaration>> version(SqlClient db, long memberId, int version) {
    return withEntries(db, db.preparedQuery(VERSION).execute(Tuple.of(memberId, version)));
  }

  Future<Optional<Declaration>> latest(SqlClient db, long memberId) {
    return withEntries(db, db.preparedQuery(LATEST).execute(Tuple.of(memberId)));
  }

  Future<Optional<Integer>> confirm(SqlClient db, long memberId, OffsetDateTime at) {
    return db.preparedQuery(CONFIRM).execute(Tuple.of(memberId, at))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getInteger("version")));
  }

  /** Member id to the version they are reminded of. */
  Future<Map<Long, Integer>> takeDueReminders(SqlClient tx, OffsetDateTime now) {
    return tx.preparedQuery(TAKE_DUE_REMINDERS).execute(Tuple.of(now)).map(rows -> {
      Map<Long, Integer> due = new LinkedHashMap<>();
      rows.forEach(r -> due.put(r.getLong("member_id"), r.getInteger("version")));
      return due;
    });
  }

  private Future<Optional<Declaration>> withEntries(SqlClient db, Future<io.vertx.sqlclient.RowSet<Row>> found) {
    return found.compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.<Declaration>empty());
      }
      Row v = rows.iterator().next();
      return db.preparedQuery(ENTRIES).execute(Tuple.of(v.getLong("id"))).map(es -> {
        List<Entry> entries = new ArrayList<>();
        es.forEach(e -> entries.add(new Entry(e.getString("kind"), e.getString("organisation"), e.getString("description"),
            e.getLocalDate("period_start"), e.getLocalDate("period_end"), e.getBoolean("is_current"),
            e.getString("amount_band"))));
        return Optional.of(map(v, List.copyOf(entries)));
      });
    });
  }

  private static Declaration map(Row r, List<Entry> entries) {
    return new Declaration(r.getLong("id"), r.getLong("member_id"), r.getInteger("version"),
        r.getBoolean("nothing_to_declare"), r.getOffsetDateTime("created_at").toInstant(),
        r.getOffsetDateTime("confirmed_at").toInstant(), entries);
  }
}
