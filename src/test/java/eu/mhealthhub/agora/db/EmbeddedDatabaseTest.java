package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.SlowTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedded PostgreSQL of the one-command start keeps real data: durable and password-protected. */
@SlowTest
class EmbeddedDatabaseTest {

  private static Connection connect(DatabaseSettings s, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", s.user());
    if (password != null) {
      p.setProperty("password", password);
    }
    p.setProperty("connectTimeout", "5");
    return DriverManager.getConnection(s.jdbcUrl(), p);
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** The rules PostgreSQL itself reads from pg_hba.conf, as (type, auth method) pairs. */
  private static List<String> hbaRules(Connection c) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT type || ' ' || auth_method FROM pg_hba_file_rules ORDER BY rule_number")) {
      List<String> rules = new java.util.ArrayList<>();
      while (rs.next()) {
        rules.add(rs.getString(1));
      }
      return rules;
    }
  }

  @Test
  @DisplayName("the embedded PostgreSQL runs with the small server's memory settings, or the configured ones, and JIT off")
  void memorySettings() throws Exception {
    Path dir = Files.createTempDirectory("agora-embedded").resolve("postgres");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir); Connection c = connect(db.settings(), db.settings().password())) {
      assertEquals("64MB", show(c, "shared_buffers"));
      assertEquals("4MB", show(c, "work_mem"));
      assertEquals("40", show(c, "max_connections"));
      assertEquals("32MB", show(c, "maintenance_work_mem"));
      assertEquals("off", show(c, "jit"));
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, new eu.mhealthhub.agora.AppConfig.EmbeddedPostgresSettings(
        "48MB", "2MB", 25)); Connection c = connect(db.settings(), db.settings().password())) {
      assertEquals("48MB", show(c, "shared_buffers"));
      assertEquals("2MB", show(c, "work_mem"));
      assertEquals("25", show(c, "max_connections"));
    }
  }

  @Test
  @DisplayName("the embedded PostgreSQL runs with fsync and synchronous_commit on and refuses connections without its password")
  void durableAndPasswordProtected() throws Exception {
    Path dir = Files.createTempDirectory("agora-embedded").resolve("postgres");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir)) {
      DatabaseSettings s = db.settings();
      assertFalse(s.password().isEmpty(), "the settings carry the generated password");
      try (Connection c = connect(s, s.password())) {
        assertEquals("on", show(c, "fsync"));
        assertEquals("on", show(c, "synchronous_commit"));
        assertEquals("on", show(c, "full_page_writes"));
        assertEquals("127.0.0.1", show(c, "listen_addresses"));
        List<String> rules = hbaRules(c);
        assertFalse(rules.isEmpty());
        assertTrue(rules.stream().allMatch(r -> r.endsWith(" scram-sha-256")), "only SCRAM rules: " + rules);
      }
      SQLException none = assertThrows(SQLException.class, () -> connect(s, null).close());
      assertTrue(none.getMessage().toLowerCase().contains("password"), none.getMessage());
      SQLException wrong = assertThrows(SQLException.class, () -> connect(s, "not-the-password").close());
      assertEquals("28P01", wrong.getSQLState(), "password authentication failed: " + wrong.getMessage());

      Path file = EmbeddedDatabase.passwordFile(dir);
      assertEquals(s.password(), Files.readString(file, StandardCharsets.UTF_8).strip());
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
      assertTrue(Files.readString(dir.resolve("pg_hba.conf")).startsWith(EmbeddedDatabase.HBA_MARKER));
    }
  }

  @Test
  @DisplayName("a restart reuses the kept password and keeps the data")
  void restartKeepsPasswordAndData() throws Exception {
    Path dir = Files.createTempDirectory("agora-embedded").resolve("postgres");
    String password;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir);
        Connection c = connect(db.settings(), db.settings().password()); Statement st = c.createStatement()) {
      password = db.settings().password();
      st.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('before the restart')");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir);
        Connection c = connect(db.settings(), db.settings().password()); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
      assertEquals(password, db.settings().password());
      assertTrue(rs.next());
      assertEquals("before the restart", rs.getString(1));
    }
  }

  @Test
  @DisplayName("a data directory from an earlier version (created with trust) gets a password and SCRAM at its next start, data kept")
  void trustClusterIsMigrated() throws Exception {
    Path dir = Files.createTempDirectory("agora-embedded").resolve("postgres");
    Files.createDirectories(dir);
    // what earlier versions of Agora did: zonky's defaults, initdb -A trust
    try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1").start();
        Connection c = old.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('from the trusting days')");
    }
    assertFalse(Files.exists(EmbeddedDatabase.passwordFile(dir)));

    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir)) {
      DatabaseSettings s = db.settings();
      assertThrows(SQLException.class, () -> connect(s, null).close(), "no password, no connection");
      try (Connection c = connect(s, s.password()); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
        assertTrue(rs.next());
        assertEquals("from the trusting days", rs.getString(1));
        assertTrue(hbaRules(c).stream().noneMatch(r -> r.endsWith(" trust")), hbaRules(c).toString());
        assertEquals("on", show(c, "fsync"));
      }
      assertTrue(Files.exists(EmbeddedDatabase.passwordFile(dir)));
    }
    // and the next start finds it already migrated
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir); Connection c = connect(db.settings(), db.settings().password())) {
      assertEquals("on", show(c, "synchronous_commit"));
    }
  }

  @Test
  @DisplayName("a password-protected cluster whose password file was lost does not start, and says which file is missing")
  void lostPasswordIsNamed() throws Exception {
    Path dir = Files.createTempDirectory("agora-embedded").resolve("postgres");
    EmbeddedDatabase.start(dir).close();
    Files.delete(EmbeddedDatabase.passwordFile(dir));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedDatabase.start(dir).close());
    assertTrue(e.getMessage().contains(EmbeddedDatabase.passwordFile(dir).toString()), e.getMessage());
    assertFalse(Files.exists(EmbeddedDatabase.passwordFile(dir)), "no wrong password is left behind");
  }
}
