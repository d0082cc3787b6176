package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** V033 turns the speakers' free-text declared interests into structured declarations, losing nothing. */
class SpeakerMigrationTest {

  /** The last migration before V033 in the migrations folder (V032 once every branch is in). */
  private static String versionBefore33() throws IOException {
    Pattern name = Pattern.compile("V(\\d+)__.*\\.sql");
    try (Stream<Path> files = Files.list(Path.of("migrations"))) {
      return String.valueOf(files.map(p -> name.matcher(p.getFileName().toString())).filter(Matcher::matches)
          .mapToInt(m -> Integer.parseInt(m.group(1))).filter(v -> v < 33).max().orElseThrow());
    }
  }

  private static Flyway flyway(DatabaseSettings db, String target) {
    var config = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("filesystem:" + Path.of("migrations").toAbsolutePath());
    return (target == null ? config : config.target(target)).load();
  }

  @Test
  @DisplayName("migrating a database holding free-text declared interests keeps each text as the speaker's first declaration version, labelled legacy, and drops the column")
  void migratesOldRows() throws Exception {
    DatabaseSettings shared = TestDatabase.settings();
    String name = "agora_v033_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 100_000;
    try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    }
    DatabaseSettings db = new DatabaseSettings(shared.host(), shared.port(), name, shared.user(), shared.password());
    flyway(db, versionBefore33()).migrate();
    long member = FreshDatabase.count(db, """
        INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', 's1', 'Mia Member', 'mia')
        RETURNING id""");
    long talk = FreshDatabase.count(db, """
        INSERT INTO talks (slug, title, starts_at, ends_at) VALUES ('old-talk', 'Old', now(), now() + interval '1 hour')
        RETURNING id""");
    FreshDatabase.update(db, """
        INSERT INTO talk_speakers (talk_id, position, name, affiliation, member_id, declared_interests) VALUES
          (?, 0, 'Olga Old', 'Payer', NULL, 'Advises a payer (paid, 2021–2023).'),
          (?, 1, 'Nils None', '', NULL, ''),
          (?, 2, 'Mia Member', 'Clinic', ?, 'Shares in an app maker.')""", talk, talk, talk, member);

    flyway(db, null).migrate();

    assertEquals(2, FreshDatabase.count(db, "SELECT count(*) FROM talk_speaker_declarations"));
    assertEquals("Advises a payer (paid, 2021–2023).", FreshDatabase.text(db, """
        SELECT d.legacy_note FROM talk_speaker_declarations d JOIN talk_speakers s
            ON s.talk_id = d.talk_id AND s.speaker_key = d.speaker_key
         WHERE s.name = 'Olga Old' AND d.version = 1 AND NOT d.nothing_to_declare"""));
    assertEquals("Shares in an app maker.", FreshDatabase.text(db, """
        SELECT d.legacy_note FROM talk_speaker_declarations d JOIN talk_speakers s
            ON s.talk_id = d.talk_id AND s.speaker_key = d.speaker_key WHERE s.name = 'Mia Member'"""));
    assertEquals(3, FreshDatabase.count(db, "SELECT count(DISTINCT speaker_key) FROM talk_speakers"));
    // the old column stays for a rolling update (a node of the previous release still reads it); nothing reads it now
    assertEquals("Unused since V033 (moved into talk_speaker_declarations.legacy_note); to be dropped by a contract migration.",
        FreshDatabase.text(db, "SELECT col_description('talk_speakers'::regclass, (SELECT attnum FROM pg_attribute"
            + " WHERE attrelid = 'talk_speakers'::regclass AND attname = 'declared_interests'))"));
    try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE " + name);
    } catch (SQLException ignored) {
      // left for the test PostgreSQL's end
    }
  }

  @Test
  @DisplayName("a speaker's migrated text shows on the Talk page labelled as declared before structured declarations, and in the edit form without becoming entries")
  void legacyNoteShown() {
    TestApp app = TestApp.shared();
    String slug = Fixtures.unique("legacy");
    long talk = Fixtures.talk(slug);
    TestDatabase.update("INSERT INTO talk_speakers (talk_id, position, name, affiliation) VALUES (?, 0, 'Lea Legacy', '')",
        talk);
    TestDatabase.update("""
        INSERT INTO talk_speaker_declarations (talk_id, speaker_key, version, nothing_to_declare, legacy_note)
        SELECT talk_id, speaker_key, 1, false, 'Consults for two insurers.' FROM talk_speakers WHERE talk_id = ?""", talk);
    Element note = new Browser().get(app.url("/talks/" + slug)).html().selectFirst("ul.speakers .legacy-note");
    assertThat(note).isNotNull();
    assertThat(note.text()).isEqualTo("Declared as free text before structured declarations: Consults for two insurers.");
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    var form = admin.get(app.url("/talks/" + slug + "/edit")).html();
    assertThat(form.select("[id=speaker.0.row] .legacy-note").text()).contains("Consults for two insurers.");
    assertThat(form.getElementById("speaker.0.organisation.0").val()).isEmpty();
  }
}
