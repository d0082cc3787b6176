package eu.mhealthhub.agora.moderation;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.regex.Pattern;

/**
 * Graduated trust in a working group (issue 13 point 5): what a member may do there before a
 * moderator has seen them take part. The levels (README, "Graduated trust"):
 *
 * <ul>
 *   <li>0 new: no approved post in the group. Their first posts are held for approval when the
 *       group holds first posts; a post with more than {@link #MAX_NEW_LINKS} links is held; no files.
 *   <li>1 basic: at least one approved post.
 *   <li>2 trusted: {@link #TRUSTED_POSTS} approved posts, the first {@link #TRUSTED_DAYS} days ago or
 *       more, or set by a moderator.
 * </ul>
 *
 * A moderator may set any level (a manual level wins until set back to automatic). The automatic
 * level is read from two columns of the membership kept by the transaction that publishes a post.
 * The group's moderators and site admins are never held.
 */
public final class TrustLevels {

  public static final int NEW = 0;
  public static final int BASIC = 1;
  public static final int TRUSTED = 2;
  public static final int MAX_NEW_LINKS = 2;
  public static final int TRUSTED_POSTS = 10;
  public static final int TRUSTED_DAYS = 7;

  private TrustLevels() {}

  /** Where a member stands in a group: the level in force, approved posts, and the level a moderator set (null: none). */
  public record Standing(int level, int approvedPosts, Integer manual, int holdFirstPosts) {}

  private static final String LEVEL = """
      CASE WHEN gm.trust_level IS NOT NULL THEN gm.trust_level
           WHEN gm.approved_posts >= %d AND gm.first_approved_at <= now() - interval '%d days' THEN 2
           WHEN gm.approved_posts >= 1 THEN 1 ELSE 0 END
      """.formatted(TRUSTED_POSTS, TRUSTED_DAYS);

  /** The SQL expression of the level in force for a row {@code gm} of group_memberships. */
  public static String levelOf() {
    return LEVEL;
  }

  /** The standing, with the group's hold setting; no row for a member outside the group (a site admin who did not join). */
  private static final String STANDING = "SELECT " + LEVEL + " AS level, gm.approved_posts, gm.trust_level, g.hold_first_posts"
      + " FROM group_memberships gm JOIN working_groups g ON g.id = gm.group_id WHERE gm.group_id = $1 AND gm.member_id = $2";
  private static final String COUNT = """
      UPDATE group_memberships SET approved_posts = approved_posts + 1, first_approved_at = COALESCE(first_approved_at, now())
       WHERE group_id = $1 AND member_id = $2
      """;

  /** The member's standing in the group. */
  public static Future<Standing> standing(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery(STANDING).execute(Tuple.of(groupId, memberId)).map(rows -> {
      if (rows.size() == 0) {
        return new Standing(TRUSTED, 0, null, 0);
      }
      var r = rows.iterator().next();
      return new Standing(r.getInteger("level"), r.getInteger("approved_posts"), r.getInteger("trust_level"),
          r.getInteger("hold_first_posts"));
    });
  }

  /** Counts one more approved post of the member in the group, in the transaction that publishes it. */
  public static Future<Void> countApproved(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery(COUNT).execute(Tuple.of(groupId, memberId)).mapEmpty();
  }

  private static final Pattern LINK = Pattern.compile("<a\\s[^>]*href=\"(?:https?:|mailto:|//)", Pattern.CASE_INSENSITIVE);

  /**
   * Links to elsewhere in a post's rendered (sanitised) HTML; the links a mention makes to a
   * member's profile are Agora's own and do not count.
   */
  public static int links(String html) {
    var m = LINK.matcher(html == null ? "" : html);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
