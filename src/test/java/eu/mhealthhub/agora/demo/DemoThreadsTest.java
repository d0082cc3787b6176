package eu.mhealthhub.agora.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The demo's threads are written through the thread service, dated in the past. */
@DisplayName("Demo threads")
class DemoThreadsTest {

  /** Threads older than a day: only the demo's, whatever other tests post meanwhile. */
  private static final String SEEDED = "SELECT id FROM threads WHERE created_at < now() - interval '1 day'";

  @BeforeAll
  static void seeded() {
    TestApp.shared();
  }

  @Test
  @DisplayName("the demo's threads began days ago, and each counts its posts and was last active at its last one")
  void history() {
    assertTrue(TestDatabase.count("SELECT count(*) FROM (" + SEEDED + ") s") >= 5, "the groups' threads are in the past");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM threads t WHERE t.id IN (" + SEEDED + ") AND ("
        + " t.post_count <> (SELECT count(*) FROM posts p WHERE p.thread_id = t.id)"
        + " OR t.created_at <> (SELECT min(p.created_at) FROM posts p WHERE p.thread_id = t.id)"
        + " OR t.last_activity_at <> (SELECT max(p.created_at) FROM posts p WHERE p.thread_id = t.id)"
        + " OR t.last_post_id <> (SELECT p.id FROM posts p WHERE p.thread_id = t.id ORDER BY p.position DESC LIMIT 1))"));
  }

  @Test
  @DisplayName("each demo post is numbered in the order written and has its first revision from the same time")
  void posts() {
    assertEquals(0, TestDatabase.count("""
        SELECT count(*) FROM posts p JOIN posts q ON q.thread_id = p.thread_id AND q.position = p.position + 1
         WHERE p.thread_id IN (%s) AND q.created_at <= p.created_at""".formatted(SEEDED)));
    assertEquals(0, TestDatabase.count("""
        SELECT count(*) FROM posts p LEFT JOIN post_revisions r ON r.post_id = p.id AND r.revision = 1
         WHERE p.thread_id IN (%s) AND (r.post_id IS NULL OR r.created_at <> p.created_at)""".formatted(SEEDED)));
  }

  @Test
  @DisplayName("the past Talk's follow-up thread opened after the Talk ended, with the summary first")
  void followup() {
    assertTrue(TestDatabase.count("""
        SELECT count(*) FROM talk_followups f JOIN talks k ON k.id = f.talk_id JOIN threads t ON t.id = f.thread_id
         JOIN posts p ON p.thread_id = t.id AND p.position = 1
         WHERE t.created_at = k.ends_at + interval '20 minutes' AND p.body_markdown LIKE 'Follow-up of the Talk%'""") >= 1);
  }
}
