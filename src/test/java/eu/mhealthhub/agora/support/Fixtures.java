package eu.mhealthhub.agora.support;

import java.util.concurrent.atomic.AtomicInteger;

/** Data a test makes for itself, straight in the database, so tests run in any order. */
public final class Fixtures {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String RUN = Long.toString(System.nanoTime() % 100_000, 36);

  private Fixtures() {}

  public static String unique(String prefix) {
    return prefix + "-" + RUN + "-" + SEQ.incrementAndGet();
  }

  public static long group(String slug, boolean closed, boolean openJoin) {
    return TestDatabase.count("""
        INSERT INTO working_groups (slug, name, purpose, visibility, join_policy)
        VALUES (?, ?, 'A group made by a test.', ?, ?) RETURNING id""",
        slug, "Group " + slug, closed ? "closed" : "public", openJoin ? "open" : "request");
  }

  public static void member(long groupId, long memberId, String role) {
    TestDatabase.update("INSERT INTO group_memberships (group_id, member_id, role) VALUES (?, ?, ?)", groupId, memberId, role);
  }

  public static String handle(long memberId) {
    return TestDatabase.text("SELECT handle FROM members WHERE id = ?", memberId);
  }

  public static long demoMember(String subject) {
    return TestDatabase.count("SELECT id FROM members WHERE subject = ?", subject);
  }

  /** A Talk that started ten minutes ago and lasts an hour, concerning the given groups; returns its id. */
  public static long talk(String slug, long... groupIds) {
    long id = TestDatabase.count("""
        INSERT INTO talks (slug, title, description, starts_at, ends_at)
        VALUES (?, ?, 'A Talk made by a test.', now() - interval '10 minutes', now() + interval '50 minutes') RETURNING id""",
        slug, "Talk " + slug);
    for (long g : groupIds) {
      TestDatabase.update("INSERT INTO talk_groups (talk_id, group_id) VALUES (?, ?)", id, g);
    }
    return id;
  }
}
