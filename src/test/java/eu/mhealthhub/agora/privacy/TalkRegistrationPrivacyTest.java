package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Registrations for Talks are personal data: exported with the member, erased with them, and visitors' pruned. */
class TalkRegistrationPrivacyTest {

  private final TestApp app = TestApp.shared();

  private static long talk(String slug, String startsIn) {
    return TestDatabase.count("""
        INSERT INTO talks (slug, title, starts_at, ends_at)
        VALUES (?, ?, now() + ?::interval, now() + ?::interval + interval '1 hour') RETURNING id""",
        slug, "Privacy Talk " + slug, startsIn, startsIn);
  }

  @Test
  @DisplayName("a member's registration is in their export (valid against its schema) and gone when they are erased, with a visitor's registration of their address")
  void exportedAndErased() throws Exception {
    String slug = Fixtures.unique("privtalk");
    talk(slug, "2 days");
    String other = Fixtures.unique("privother");
    talk(other, "2 days");
    String email = slug + "@example.org";
    Browser b = new Browser();
    long id = app.signInNew(b, "Priya Private", email);
    Response registered = b.post(app.url("/talks/" + slug + "/register"), Map.of("_csrf", app.csrf(b)));
    assertThat(registered.status()).as(registered.body()).isEqualTo(303);
    // someone registers her address for another Talk as a visitor
    assertThat(new Browser().post(app.url("/talks/" + other + "/register"), Map.of("name", "Priya", "email", email))
        .status()).isEqualTo(303);

    String json = ExportStoryTest.validSection(ExportStoryTest.exportOf(app, b, id), "talk_registrations.json");
    JsonArray rows = new JsonArray(json);
    assertThat(rows).hasSize(1);
    assertThat(rows.getJsonObject(0).getString("talk_slug")).isEqualTo(slug);
    assertThat(rows.getJsonObject(0).getString("status")).isEqualTo("registered");
    assertThat(rows.getJsonObject(0).getString("email")).isEqualTo(email);

    Response form = b.get(app.url("/me/erase"));
    Response erased = b.post(app.url("/me/erase"), Map.of("_csrf", form.inputValue("_csrf"),
        "confirmation", Fixtures.handle(id)));
    assertThat(erased.status()).as(erased.body()).isIn(302, 303);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_registrations WHERE member_id = ? OR email_key = ?", id, email))
        .isZero();
    assertThat(TestDatabase.count("SELECT count(*) FROM mail_outbox WHERE recipient = ?", email)).isZero();
  }

  @Test
  @DisplayName("visitors' registrations are deleted talk_registrations (30 days) after the Talk ended; members' and recent ones stay")
  void visitorsPruned() {
    long old = talk(Fixtures.unique("oldtalk"), "-40 days");
    long recent = talk(Fixtures.unique("recenttalk"), "-2 days");
    long member = app.signInNew(new Browser(), "Rita Retained", Fixtures.unique("rita") + "@example.org");
    String insert = """
        INSERT INTO talk_registrations (talk_id, member_id, name, email, email_key, locale, time_zone, status,
                                        cancel_secret, created_at, joined_at, status_at)
        VALUES (?, ?, 'Someone', ?, ?, 'en', 'UTC', 'registered', 'secretsecret', now(), now(), now())""";
    String a = Fixtures.unique("a") + "@example.org";
    String c = Fixtures.unique("c") + "@example.org";
    String m = Fixtures.unique("m") + "@example.org";
    TestDatabase.update(insert, old, null, a, a);
    TestDatabase.update(insert, recent, null, c, c);
    TestDatabase.update(insert, old, member, m, m);

    new RetentionJob(app.agora().services().database().pool(), Clock.systemUTC(), AppConfig.DEFAULT_RETENTION).run().await();

    assertThat(TestDatabase.count("SELECT count(*) FROM talk_registrations WHERE email = ?", a)).isZero();
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_registrations WHERE email = ?", c)).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM talk_registrations WHERE email = ?", m)).isEqualTo(1);
  }
}
