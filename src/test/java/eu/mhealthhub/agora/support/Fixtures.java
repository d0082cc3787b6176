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

  /**
   * A group that holds nobody's first posts, so that tests of other features post at once; trust
   * tests hold them with {@link #holdFirstPosts}.
   */
  public static long group(String slug, boolean closed, boolean openJoin) {
    return TestDatabase.count("""
        INSERT INTO working_groups (slug, name, purpose, visibility, join_policy, hold_first_posts)
        VALUES (?, ?, 'A group made by a test.', ?, ?, 0) RETURNING id""",
        slug, "Group " + slug, closed ? "closed" : "public", openJoin ? "open" : "request");
  }

  public static void holdFirstPosts(long groupId, int n) {
    TestDatabase.update("UPDATE working_groups SET hold_first_posts = ? WHERE id = ?", n, groupId);
  }

  /**
   * A member of the group who has taken part before (trust level 1, basic), as tests of other
   * features need; {@link #newMember} makes one without an approved post (level 0).
   */
  public static void member(long groupId, long memberId, String role) {
    TestDatabase.update("""
        INSERT INTO group_memberships (group_id, member_id, role, approved_posts, first_approved_at)
        VALUES (?, ?, ?, 1, now())""", groupId, memberId, role);
  }

  /** A member of the group without an approved post there: trust level 0, new. */
  public static void newMember(long groupId, long memberId) {
    TestDatabase.update("INSERT INTO group_memberships (group_id, member_id, role) VALUES (?, ?, 'member')", groupId, memberId);
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
