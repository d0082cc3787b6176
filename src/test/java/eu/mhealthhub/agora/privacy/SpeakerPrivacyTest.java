package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A member billed as a Talk speaker: in their data export, and after their erasure (issue 14 point 2). */
class SpeakerPrivacyTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("a member speaker's export lists the Talks billing them; after erasure the Talk names a Former member without link, badge or declaration")
  void exportThenErase() throws Exception {
    Browser b = new Browser();
    long me = app.signInNew(b, "Sven Speaker", Fixtures.unique("sven") + "@example.org");
    String handle = Fixtures.handle(me);
    assertEquals(303, b.post(app.url("/me/declaration"), Map.of("_csrf", app.csrf(b), "nothingToDeclare", "1")).status());
    // declared before the Talk began (ten minutes ago): the version in force at its start
    TestDatabase.update("UPDATE declaration_versions SET created_at = now() - interval '1 hour' WHERE member_id = ?", me);
    String slug = Fixtures.unique("billed");
    long talk = Fixtures.talk(slug);
    TestDatabase.update("""
        INSERT INTO talk_speakers (talk_id, position, name, affiliation, member_id) VALUES (?, 0, 'Sven Speaker', 'Clinic', ?)""",
        talk, me);
    TestDatabase.update("""
        INSERT INTO talk_speaker_declarations (talk_id, speaker_key, version, nothing_to_declare, legacy_note)
        SELECT talk_id, speaker_key, 1, false, 'Sven''s old text.' FROM talk_speakers WHERE talk_id = ?""", talk);
    Element before = new Browser().get(app.url("/talks/" + slug)).html().selectFirst("ul.speakers > li.speaker");
    assertThat(before.select("a.declaration-badge").attr("href")).isEqualTo("/members/" + handle + "/declarations/1");

    assertEquals(303, b.post(app.url("/me/export"), Map.of("_csrf", app.csrf(b))).status());
    long exportId = TestDatabase.count("SELECT id FROM data_exports WHERE member_id = ?", me);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (TestDatabase.count("SELECT count(*) FROM data_exports WHERE id = ? AND status = 'ready'", exportId) == 0) {
      assertThat(System.nanoTime()).as("the export is prepared").isLessThan(until);
      Thread.sleep(100);
    }
    Browser.Download zip = b.download(app.url("/me/export/" + exportId + "/download"));
    assertEquals(200, zip.status());
    String json = new String(ExportStoryTest.unzip(zip.bytes()).get("talk_speakers.json"), StandardCharsets.UTF_8);
    ExportStoryTest.assertValid(ExportSections.talkSpeakers(), json);
    JsonArray billed = new JsonArray(json);
    assertEquals(1, billed.size());
    assertThat(billed.getJsonObject(0).getString("talk_slug")).isEqualTo(slug);
    assertThat(billed.getJsonObject(0).getString("affiliation")).isEqualTo("Clinic");

    Response form = b.get(app.url("/me/erase"));
    assertEquals(200, form.status());
    Response erased = b.post(app.url("/me/erase"), Map.of("_csrf", form.inputValue("_csrf"), "confirmation", handle));
    assertEquals(303, erased.status(), erased.body());

    Element after = new Browser().get(app.url("/talks/" + slug)).html().selectFirst("ul.speakers > li.speaker");
    assertThat(after.text()).isEqualTo("Former member");
    assertThat(after.select("a")).as("no link to the member or a declaration").isEmpty();
    assertThat(after.select(".speaker-declaration")).as("the text kept with the Talk is gone").isEmpty();
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talk_speakers WHERE member_id = ?", me));
  }
}
