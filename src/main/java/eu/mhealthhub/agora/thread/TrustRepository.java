package eu.mhealthhub.agora.thread;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
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
 * level is read from two columns of the membership, which the statement that publishes a post
 * keeps (see ThreadRepository's INSERT_POST and APPROVE_HELD). The group's moderators and site
 * admins are never held. The members page reads the same expression (GroupRepository's MEMBERS).
 */
final class TrustRepository {

  static final int NEW = 0;
  static final int TRUSTED = 2;
  static final int MAX_NEW_LINKS = 2;
  static final int TRUSTED_POSTS = 10;
  static final int TRUSTED_DAYS = 7;

  private TrustRepository() {}

  /** Where a member stands in a group: the level in force, approved posts, the level a moderator set (null: none), and the group's hold setting. */
  record Standing(int level, int approvedPosts, Integer manual, int holdFirstPosts) {}

  /** The columns of a {@link Standing} for the member of group_memberships {@code gm} in working group {@code g}; a member outside the group (an admin) is trusted. */
  static final String STANDING_COLUMNS = """
      CASE WHEN gm.member_id IS NULL THEN 2
           WHEN gm.trust_level IS NOT NULL THEN gm.trust_level
           WHEN gm.approved_posts >= %d AND gm.first_approved_at <= now() - interval '%d days' THEN 2
           WHEN gm.approved_posts >= 1 THEN 1 ELSE 0 END AS trust_now,
      coalesce(gm.approved_posts, 0) AS trust_approved, gm.trust_level AS trust_manual, g.hold_first_posts AS trust_hold
      """.formatted(TRUSTED_POSTS, TRUSTED_DAYS);

  private static final String STANDING = "SELECT " + STANDING_COLUMNS
      + " FROM working_groups g LEFT JOIN group_memberships gm ON gm.group_id = g.id AND gm.member_id = $2 WHERE g.id = $1";

  static Standing standing(Row r) {
    return new Standing(r.getInteger("trust_now"), r.getInteger("trust_approved"), r.getInteger("trust_manual"),
        r.getInteger("trust_hold"));
  }

  /** The member's standing in the group. */
  static Future<Standing> standing(SqlClient db, long groupId, long memberId) {
    return db.preparedQuery(STANDING).execute(Tuple.of(groupId, memberId)).map(rows -> standing(rows.iterator().next()));
  }

  private static final Pattern LINK = Pattern.compile("<a\\s[^>]*href=\"(?:https?:|mailto:|//)", Pattern.CASE_INSENSITIVE);

  /**
   * Links to elsewhere in a post's rendered (sanitised) HTML; the links a mention makes to a
   * member's profile are Agora's own and do not count.
   */
  static int links(String html) {
    var m = LINK.matcher(html == null ? "" : html);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
