package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attendance in a Talk's live room (issue 15 point 6), over HTTP: members report presence on
 * {@code talk.<id>} as the room's script does, the server records who was present while the room
 * was open, and the moderators' registrations page and CSV show it.
 */
class TalkAttendanceTest {

  private final TestApp app = TestApp.shared();

  /** A Talk of a fresh public group starting in an hour (registration is still open), with a moderator. */
  private final class Setup {
    final String slug = Fixtures.unique("attend");
    final long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    final long talkId = TestDatabase.count("""
        INSERT INTO talks (slug, title, description, starts_at, ends_at)
        VALUES (?, ?, 'A Talk made by a test.', now() + interval '1 hour', now() + interval '2 hours') RETURNING id""",
        slug, "Talk " + slug);
    final Browser moderator = new Browser();

    Setup() {
      TestDatabase.update("INSERT INTO talk_groups (talk_id, group_id) VALUES (?, ?)", talkId, groupId);
      long moderatorId = app.signInNew(moderator, "Moderator " + slug, slug + "-mod@example.org");
      Fixtures.member(groupId, moderatorId, "moderator");
    }

    long member(Browser b, String name) {
      return app.signInNew(b, name + " " + slug, name.toLowerCase() + "-" + slug + "@example.org");
    }

    Response post(Browser b, String path, Map<String, String> fields) {
      Map<String, String> form = new HashMap<>(fields);
      form.put("_csrf", app.csrf(b));
      return b.post(app.url(path), form);
    }

    Response present(Browser b) {
      return post(b, "/live/presence", Map.of("address", "talk." + talkId, "typing", "false"));
    }

    long attendance() {
      return TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE talk_id = ?", talkId);
    }
  }

  @Test
  @DisplayName("two members present in the open room, one of them registered: the moderators' page counts registered, attended, registered who attended and participants exactly, and the CSV marks who attended")
  void figures() {
    Setup s = new Setup();
    Browser ada = new Browser();
    long adaId = s.member(ada, "Ada");
    Browser bo = new Browser();
    long boId = s.member(bo, "Bo");
    Browser cy = new Browser();
    s.member(cy, "Cy");
    // Ada and Cy register; Bo does not. Cy never comes to the room.
    assertThat(s.post(ada, "/talks/" + s.slug + "/register", Map.of()).status()).isEqualTo(303);
    assertThat(s.post(cy, "/talks/" + s.slug + "/register", Map.of()).status()).isEqualTo(303);

    // before the room opens, presence there is refused and nothing is recorded
    assertThat(s.present(ada).status()).isEqualTo(409);
    assertThat(s.attendance()).isZero();
    // the Talk's page asks for presence reports only once the room is open
    assertThat(ada.get(app.url("/talks/" + s.slug)).html().selectFirst("#room").hasAttr("data-presence")).isFalse();

    assertThat(s.post(s.moderator, "/talks/" + s.slug + "/room", Map.of("setting", "open")).status()).isEqualTo(303);
    assertThat(ada.get(app.url("/talks/" + s.slug)).html().selectFirst("#room").hasAttr("data-presence")).isTrue();
    assertThat(new Browser().get(app.url("/talks/" + s.slug)).html().selectFirst("#room").hasAttr("data-presence"))
        .as("a visitor's page does not report").isFalse();

    Response first = s.present(ada);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    JsonObject both = new JsonObject(s.present(bo).body());
    assertThat(both.getInteger("reading")).isEqualTo(2);
    assertThat(both.getJsonArray("names").getList()).contains("Ada " + s.slug, "Bo " + s.slug);
    // Bo takes part too (a message): the participation figure that existed before
    assertThat(s.post(bo, "/talks/" + s.slug + "/messages", Map.of("body", "Hello from Bo",
        "clientToken", Fixtures.unique("m"))).status()).isEqualTo(303);

    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE talk_id = ? AND member_id IN (?, ?)",
        s.talkId, adaId, boId)).isEqualTo(2);
    // a heartbeat soon after the first writes nothing: last seen is still the first heartbeat's time
    assertThat(s.present(ada).status()).isEqualTo(200);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE talk_id = ? AND member_id = ? AND last_seen = first_seen",
        s.talkId, adaId)).isEqualTo(1);

    Document page = s.moderator.get(app.url("/talks/" + s.slug + "/registrations")).html();
    assertThat(page.select("#count-registered").text()).isEqualTo("2");
    assertThat(page.select("#count-attended").text()).isEqualTo("2");
    assertThat(page.select("#count-registered-attended").text()).isEqualTo("1");
    assertThat(page.select("#count-attendance").text()).isEqualTo("1");
    Element adaRow = page.select("#registrations tbody tr").stream()
        .filter(tr -> tr.child(0).text().equals("Ada " + s.slug)).findFirst().orElseThrow();
    assertThat(adaRow.selectFirst("td.attended").text()).isEqualTo("yes");

    Browser.Download csv = s.moderator.download(app.url("/talks/" + s.slug + "/registrations.csv"));
    assertThat(csv.status()).isEqualTo(200);
    List<String> lines = new String(csv.bytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).endsWith(",\"attended\"");
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"Ada " + s.slug + "\",").endsWith(",\"yes\""));
    assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("\"Cy " + s.slug + "\",").endsWith(",\"no\""));
    assertThat(lines).noneMatch(l -> l.startsWith("\"Bo "));

    // attendees are not moderators: the figures stay theirs
    assertThat(ada.get(app.url("/talks/" + s.slug + "/registrations")).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a member's row is written on their first heartbeat, not on the next ones within a minute, and its last seen moves once a minute has passed")
  void atMostOnceAMinute() throws Exception {
    Setup s = new Setup();
    Browser ada = new Browser();
    long adaId = s.member(ada, "Ada");
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE id = ?", s.talkId);
    java.time.Instant start = java.time.Instant.parse("2026-03-02T10:00:00Z");
    MutableClock clock = new MutableClock(start);
    // the service the presence route calls, on the same database, with a clock of the test's own
    TalkAttendance attendance = new TalkAttendance(app.agora().services().database().pool(), clock);
    String seen = "SELECT count(*) FROM talk_attendance WHERE talk_id = ? AND member_id = ?"
        + " AND first_seen = ?::timestamptz AND last_seen = ?::timestamptz";

    await(attendance.seen(s.talkId, adaId));
    assertThat(TestDatabase.count(seen, s.talkId, adaId, start.toString(), start.toString())).isEqualTo(1);
    clock.advance(java.time.Duration.ofSeconds(59));
    await(attendance.seen(s.talkId, adaId));
    assertThat(TestDatabase.count(seen, s.talkId, adaId, start.toString(), start.toString()))
        .as("no write within the minute").isEqualTo(1);
    clock.advance(java.time.Duration.ofSeconds(2));
    await(attendance.seen(s.talkId, adaId));
    assertThat(TestDatabase.count(seen, s.talkId, adaId, start.toString(), start.plusSeconds(61).toString())).isEqualTo(1);

    TestDatabase.update("UPDATE talks SET room_state = 'closed', summary = 'Done.', closed_at = now() WHERE id = ?", s.talkId);
    clock.advance(java.time.Duration.ofMinutes(5));
    assertThat(attendance.seen(s.talkId, adaId).toCompletionStage().toCompletableFuture()).failsWithin(java.time.Duration.ofSeconds(10));
    assertThat(TestDatabase.count(seen, s.talkId, adaId, start.toString(), start.plusSeconds(61).toString()))
        .as("nothing moves once the room closed").isEqualTo(1);
  }

  private static void await(io.vertx.core.Future<Void> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("nothing is recorded for a closed room, a thread, a visitor or a Talk that does not exist")
  void nothingElse() {
    Setup s = new Setup();
    Browser ada = new Browser();
    long adaId = s.member(ada, "Ada");
    TestDatabase.update("UPDATE talks SET room_state = 'closed', summary = 'Done.', closed_at = now() WHERE id = ?", s.talkId);
    Response closed = s.present(ada);
    assertThat(closed.status()).as(closed.body()).isEqualTo(409);

    long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, 'Open', ?) RETURNING id",
        s.groupId, adaId);
    Response thread = s.post(ada, "/live/presence", Map.of("threadId", Long.toString(threadId)));
    assertThat(thread.status()).as(thread.body()).isEqualTo(200);
    assertThat(s.post(ada, "/live/presence", Map.of("address", "talk.999999999")).status()).isEqualTo(404);
    assertThat(new Browser().post(app.url("/live/presence"), Map.of("address", "talk." + s.talkId)).status()).isEqualTo(403);

    assertThat(TestDatabase.count("SELECT count(*) FROM talk_attendance WHERE member_id = ?", adaId)).isZero();
    assertThat(s.attendance()).isZero();
  }
}
