package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Optional;

/** Notices of illegal content: SQL and nothing else. */
final class NoticeRepository {

  private static final String INSERT = """
      INSERT INTO notices (reference, url, category, explanation, legal_ground, notifier_name, notifier_email, locale,
                           member_id, ip_hash, good_faith)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true)
      RETURNING id
      """;
  private static final String BY_REFERENCE = """
      SELECT reference, created_at, url, category, status, decision, notifier_email <> '' AS mailed
        FROM notices WHERE reference = $1
      """;

  Future<Long> insert(SqlClient db, String reference, NoticeForm form, String locale, Long memberId, String ipHash) {
    return db.preparedQuery(INSERT).execute(Tuple.from(new Object[] {reference, form.url(), form.category(),
            form.explanation(), form.legalGround(), form.name(), form.email(), locale, memberId, ipHash}))
        .map(rows -> rows.iterator().next().getLong("id"));
  }

  Future<Optional<NoticeReceipt>> byReference(SqlClient db, String reference) {
    return db.preparedQuery(BY_REFERENCE).execute(Tuple.of(reference))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(receipt(rows.iterator().next())));
  }

  private static NoticeReceipt receipt(Row row) {
    OffsetDateTime at = row.getOffsetDateTime("created_at");
    return new NoticeReceipt(row.getString("reference"), at.toInstant(), row.getString("url"),
        "notice.category." + row.getString("category"), row.getString("status"), row.getString("decision"),
        row.getBoolean("mailed"));
  }
}
