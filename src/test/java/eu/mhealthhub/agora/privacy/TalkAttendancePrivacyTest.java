package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Attendance in Talks' live rooms is personal data: in the member's export, gone with their erasure. */
class TalkAttendancePrivacyTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("a member's attendance in an open room is in their export (valid against its schema) and gone when they are erased; others' stays")
  void exportedAndErased() throws Exception {
    String slug = Fixtures.unique("attendpriv");
    long talkId = TestDatabase.count("""
        INSERT INTO talks (slug, title, starts_at, ends_at, room_state)
        VALUES (?, ?, now() - interval '5 minutes', now() + interval '55 minutes', 'open') RETURNING id""",
        slug, "Attendance Talk " + slug);
    Browser b = new Browser();
    long id = app.signInNew(b, "Pia Present", slug + "@example.org");
    Browser other = new Browser();
    long otherId = app.signInNew(other, "Otto Other", slug + "-other@example.org");
    for (Browser present : new Browser[] {b, other}) {
      Response r = present.post(app.url("/live/presence"), Map.of("_csrf", app.csrf(present), "address", "talk." + talkId));
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    String json = ExportStoryTest.validSection(ExportStoryTest.exportOf(app, b, id), "talk_attendance.json");
    JsonArray rows = new JsonArray(json);
    assertThat(rows).hasSize(1);
    JsonObject row = rows.getJsonObject(0);
    assertThat(row.getLong("talk_id")).isEqualTo(talkId);
    assertThat(row.getString("talk_slug")).isEqualTo(slug);
    assertThat(row.getString("first_seen")).isNotBlank();
    assertThat(row.getString("last_seen")).isEqualTo(row.getString("first_seen"));

    Response form = b.get(app.url("/me/erase"));
    Response erased = b.post(app.url("/me/erase"), Map.of("_csrf", form.inputValue("_csrf"),
        "confirmation", Fixtures.handle(id)));
    assertThat(erased.status()).as(erased.body()).isIn(302, 303);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE member_id = ?", id)).isZero();
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE member_id = ?", otherId)).isEqualTo(1);
  }
}
