package eu.mhealthhub.agora.auth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for sign-ins: recorded at each sign-in, ended when the provider ends its session. */
final class SignInRepository {

  /** A sign-in that was just ended, and whose it was. */
  record Ended(long signInId, long memberId) {}

  private static final String INSERT = """
      INSERT INTO sign_ins (member_id, provider_sid) VALUES (#{memberId}, #{sid}) RETURNING id
      """;

  private static final String ENDED_AT = "SELECT ended_at IS NOT NULL AS ended FROM sign_ins WHERE id = #{id}";

  /**
   * Ends the sign-ins a provider session covers: by its session id, by the member's subject, or, when
   * the provider names both, those of that member in that session, and that member's sign-ins whose
   * ID token named no session (they may belong to it). Only members of this issuer.
   */
  private static final String END = """
      UPDATE sign_ins s
         SET ended_at = now()
        FROM members m
       WHERE s.member_id = m.id
         AND m.issuer = #{issuer}
         AND s.ended_at IS NULL
         AND (#{sid}::text IS NULL OR s.provider_sid = #{sid}
              OR (#{subject}::text IS NOT NULL AND s.provider_sid IS NULL))
         AND (#{subject}::text IS NULL OR m.subject = #{subject})
         AND (#{sid}::text IS NOT NULL OR #{subject}::text IS NOT NULL)
         AND (#{notAfter}::timestamptz IS NULL OR s.signed_in_at <= #{notAfter})
      RETURNING s.id, s.member_id
      """;

  /** Every sign-in of a member still going (a suspension ends them all). */
  private static final String END_MEMBER = """
      UPDATE sign_ins SET ended_at = now() WHERE member_id = $1 AND ended_at IS NULL RETURNING id, member_id
      """;


  private static final RowMapper<Ended> ENDED = (Row row) -> new Ended(row.getLong("id"), row.getLong("member_id"));

  Future<Long> insert(SqlClient db, long memberId, String providerSid) {
    Map<String, Object> params = new HashMap<>();
    params.put("memberId", memberId);
    params.put("sid", providerSid);
    return SqlTemplate.forQuery(db, INSERT).execute(params).map(rows -> rows.iterator().next().getLong("id"));
  }

  /** Whether the sign-in has ended; empty when there is no such sign-in (pruned, or never recorded). */
  Future<Optional<Boolean>> ended(SqlClient db, long signInId) {
    return SqlTemplate.forQuery(db, ENDED_AT).execute(Map.of("id", signInId))
        .map(rows -> rows.size() == 0 ? Optional.<Boolean>empty()
            : Optional.of(rows.iterator().next().getBoolean("ended")));
  }

  /** As {@link #END}; only sign-ins that began at or before {@code notAfter}, when it is given. */
  Future<List<Ended>> end(SqlClient db, String issuer, String providerSid, String subject, java.time.Instant notAfter) {
    Map<String, Object> params = new HashMap<>();
    params.put("notAfter", notAfter == null ? null : OffsetDateTime.ofInstant(notAfter, ZoneOffset.UTC));
    params.put("issuer", issuer);
    params.put("sid", providerSid);
    params.put("subject", subject);
    return SqlTemplate.forQuery(db, END).mapTo(ENDED).execute(params).map(rows -> {
      List<Ended> ended = new ArrayList<>();
      rows.forEach(ended::add);
      return ended;
    });
  }

  Future<List<Ended>> endAllOf(SqlClient db, long memberId) {
    return db.preparedQuery(END_MEMBER).execute(io.vertx.sqlclient.Tuple.of(memberId)).map(rows -> {
      List<Ended> ended = new ArrayList<>();
      rows.forEach(r -> ended.add(ENDED.map(r)));
      return ended;
    });
  }
}
