package eu.mhealthhub.agora.talk;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for Talks. */
final class TalkRepository {

  private static final String SELECT = """
      SELECT t.id, t.slug, t.title, t.description, t.starts_at, t.ends_at, t.slides_url, t.recording_url,
             COALESCE((SELECT json_agg(json_build_object('name', s.name, 'affiliation', s.affiliation,
                                                         'memberId', s.member_id) ORDER BY s.position)
                         FROM talk_speakers s WHERE s.talk_id = t.id), '[]'::json) AS speakers
        FROM talks t
      """;

  private static final String UPCOMING =
      SELECT + " WHERE t.ends_at > #{now} ORDER BY t.starts_at LIMIT #{limit}";
  private static final String PAST =
      SELECT + " WHERE t.ends_at <= #{now} ORDER BY t.starts_at DESC LIMIT #{limit}";
  private static final String BY_SLUG = SELECT + " WHERE t.slug = #{slug}";

  private static final RowMapper<Talk> MAPPER = TalkRepository::map;

  private static Talk map(Row row) {
    List<Talk.Speaker> speakers = new ArrayList<>();
    Object raw = row.getValue("speakers");
    JsonArray array = raw instanceof JsonArray a ? a : new JsonArray(String.valueOf(raw));
    for (int i = 0; i < array.size(); i++) {
      JsonObject s = array.getJsonObject(i);
      speakers.add(new Talk.Speaker(s.getString("name"), s.getString("affiliation"), s.getLong("memberId")));
    }
    return new Talk(row.getLong("id"), row.getString("slug"), row.getString("title"),
        row.getString("description"), row.getOffsetDateTime("starts_at").toInstant(),
        row.getOffsetDateTime("ends_at").toInstant(), row.getString("slides_url"),
        row.getString("recording_url"), List.copyOf(speakers));
  }

  private static <T> List<T> list(io.vertx.sqlclient.RowSet<T> rows) {
    List<T> list = new ArrayList<>();
    rows.forEach(list::add);
    return list;
  }

  Future<List<Talk>> upcoming(SqlClient db, Instant now, int limit) {
    return SqlTemplate.forQuery(db, UPCOMING).mapTo(MAPPER)
        .execute(Map.of("now", now.atOffset(ZoneOffset.UTC), "limit", limit)).map(TalkRepository::list);
  }

  Future<List<Talk>> past(SqlClient db, Instant now, int limit) {
    return SqlTemplate.forQuery(db, PAST).mapTo(MAPPER)
        .execute(Map.of("now", now.atOffset(ZoneOffset.UTC), "limit", limit)).map(TalkRepository::list);
  }

  Future<Optional<Talk>> bySlug(SqlClient db, String slug) {
    return SqlTemplate.forQuery(db, BY_SLUG).mapTo(MAPPER).execute(Map.of("slug", slug))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next()));
  }
}
