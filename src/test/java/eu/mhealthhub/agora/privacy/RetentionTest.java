package eu.mhealthhub.agora.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The hourly retention job against the real database: old rows go, recent and unfinished ones stay. */
class RetentionTest {

  private final TestApp app = TestApp.shared();

  private Pool pool() {
    return app.agora().services().database().pool();
  }

  private static long member() {
    return TestDatabase.count("INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', gen_random_uuid()::text,"
        + " 'Retained', 'ret-' || substr(md5(random()::text), 1, 12)) RETURNING id");
  }

  @Test
  @DisplayName("each kind of old row is pruned after its retention and recent or unfinished rows are kept")
  void prunes() {
    long m = member();
    // old (beyond the defaults) and recent rows of each kind
    TestDatabase.update("INSERT INTO sign_ins (member_id, signed_in_at) VALUES (?, now() - interval '100 days'), (?, now())", m, m);
    TestDatabase.update("INSERT INTO notifications (recipient_id, kind, delivery, subject_kind, subject_id, context_kind, context_id, link,"
        + " created_at, read_at) VALUES (?, 'reply', 'page', 'post', 1, 'post', 1, '/', now() - interval '100 days', now() - interval '99 days'),"
        + " (?, 'reply', 'page', 'post', 2, 'post', 2, '/', now() - interval '100 days', NULL),"
        + " (?, 'reply', 'page', 'post', 3, 'post', 3, '/', now(), now())", m, m, m);
    TestDatabase.update("INSERT INTO digest_runs (member_id, cadence, period, sent_at) VALUES (?, 'daily', current_date - 100,"
        + " now() - interval '100 days'), (?, 'daily', current_date, now())", m, m);
    TestDatabase.update("INSERT INTO data_exports (member_id, status, requested_at, ready_at, expires_at, content, size_bytes)"
        + " VALUES (?, 'ready', now() - interval '30 hours', now() - interval '25 hours', now() - interval '1 hour', '\\x00', 1),"
        + " (?, 'ready', now(), now(), now() + interval '24 hours', '\\x00', 1)", m, m);
    TestDatabase.update("INSERT INTO sessions (id_hash, data, version, timeout_ms, last_access, expires_at) VALUES"
        + " (sha256(convert_to(gen_random_uuid()::text, 'UTF8')), '\\x00', 1, 1000, 0, now() - interval '2 days'),"
        + " (sha256(convert_to(?::text, 'UTF8')), '\\x00', 1, 1000, 0, now() + interval '1 hour')", Long.toString(m));
    long oldSession = TestDatabase.count("SELECT count(*) FROM sessions WHERE expires_at < now() - interval '1 day'");
    assertTrue(oldSession >= 1);

    RetentionJob.Run run = new RetentionJob(pool(), Clock.systemUTC(), AppConfig.DEFAULT_RETENTION).run().await();

    assertTrue(run.ran());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", m));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND signed_in_at < now() - interval '1 day'", m));
    // the old read one goes; the old unread one and the recent read one stay
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ?", m));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND subject_id = 1", m));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM digest_runs WHERE member_id = ?", m));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM data_exports WHERE member_id = ?", m));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM data_exports WHERE member_id = ? AND expires_at > now()", m));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM sessions WHERE expires_at < now() - interval '1 day'"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM sessions WHERE id_hash = sha256(convert_to(?::text, 'UTF8'))",
        Long.toString(m)));
  }

  @Test
  @DisplayName("a shorter retention from AGORA_RETENTION prunes sooner, and off keeps the rows")
  void configured() {
    Map<String, Duration> retention = AppConfig.fromEnvironment(Map.of("AGORA_RETENTION", "sign_ins=1h,digest_runs=off")).retention();
    assertEquals(Duration.ofHours(1), retention.get("sign_ins"));
    assertFalse(retention.containsKey("digest_runs"));
    long m = member();
    TestDatabase.update("INSERT INTO sign_ins (member_id, signed_in_at) VALUES (?, now() - interval '2 hours'), (?, now())", m, m);
    TestDatabase.update("INSERT INTO digest_runs (member_id, cadence, period, sent_at) VALUES (?, 'daily', current_date - 1000,"
        + " now() - interval '1000 days')", m);

    new RetentionJob(pool(), Clock.systemUTC(), retention).run().await();

    assertEquals(1, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", m));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM digest_runs WHERE member_id = ?", m));
  }

  @Test
  @DisplayName("an unknown name, a malformed period or exports kept forever in AGORA_RETENTION stop the start naming the variable")
  void badConfiguration() {
    for (String bad : List.of("forever=1d", "sign_ins=3w", "sign_ins=0d", "exports=off", "sign_ins")) {
      AppConfig.ConfigException e = assertThrows(AppConfig.ConfigException.class,
          () -> AppConfig.fromEnvironment(Map.of("AGORA_RETENTION", bad)), bad);
      assertTrue(e.getMessage().startsWith("AGORA_RETENTION: "), e.getMessage());
    }
  }

  @Test
  @DisplayName("while another node holds the retention lock a run deletes nothing")
  void oneNodeAtATime() throws Exception {
    long m = member();
    TestDatabase.update("INSERT INTO sign_ins (member_id, signed_in_at) VALUES (?, now() - interval '100 days')", m);
    try (Connection other = DriverManager.getConnection("jdbc:" + TestDatabase.url().replaceFirst("//[^@]*@", "//"),
        TestDatabase.settings().user(), TestDatabase.settings().password())) {
      other.setAutoCommit(false);
      try (Statement st = other.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(hashtext('agora.retention'))");
        RetentionJob.Run run = new RetentionJob(pool(), Clock.systemUTC(), AppConfig.DEFAULT_RETENTION).run().await();
        assertFalse(run.ran());
        assertEquals(1, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", m));
      }
      other.rollback();
    }
    assertTrue(new RetentionJob(pool(), Clock.systemUTC(), AppConfig.DEFAULT_RETENTION).run().await().ran());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", m));
  }
}
