package eu.mhealthhub.agora.privacy;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * SQL for erasing a member's personal data. Every statement takes the member's id; the service
 * runs them in one transaction. The member's row stays (posts, contributions, votes and
 * endorsements keep pointing at it), emptied of everything about the person.
 */
final class ErasureRepository {

  /** The member about to be erased, locked: their handle (to unlink mentions) and whether they are an admin. */
  record Target(long id, String handle, String email, boolean admin) {}

  private static final String LOCK = """
      SELECT id, handle, email, is_admin FROM members WHERE id = $1 AND erased_at IS NULL FOR UPDATE""";

  private static final String LOCK_BY_HANDLE = """
      SELECT id, handle, email, is_admin FROM members WHERE lower(handle) = lower($1) AND erased_at IS NULL FOR UPDATE""";

  /**
   * The person's data in the member row. The issuer is a tombstone no provider is recorded under
   * and the subject a random value, so no sign-in can ever match the row again.
   */
  private static final String ERASE_MEMBER = """
      UPDATE members
         SET display_name = $2, handle = $3, issuer = 'urn:agora:erased', subject = $4,
             email = NULL, email_edited = false, locale = NULL, time_zone = NULL, is_admin = false,
             affiliation = NULL, country = NULL, stakeholder_type = NULL, languages = '{}', bio = '', links = '{}',
             erased_at = now()
       WHERE id = $1""";

  /**
   * What only concerns the person, deleted in one statement: notifications to them, their
   * preferences, watches, follows, subscriptions, read positions, digests, idempotency keys, review
   * claims, open join requests, memberships, their avatar, their data exports, their declarations of interest, their e-mail-change history, and mail to them (by member or by the address they had,
   * $2); jobs they caused no longer name them.
   */
  private static final String DELETE_PERSONAL = """
      WITH notifications_gone AS (DELETE FROM notifications WHERE recipient_id = $1),
           preferences_gone AS (DELETE FROM notification_preferences WHERE member_id = $1),
           watches_gone AS (DELETE FROM document_watches WHERE member_id = $1),
           follows_gone AS (DELETE FROM talk_follows WHERE member_id = $1),
           attendance_gone AS (DELETE FROM talk_attendance WHERE member_id = $1),
           threads_gone AS (DELETE FROM thread_subscriptions WHERE member_id = $1),
           groups_gone AS (DELETE FROM group_subscriptions WHERE member_id = $1),
           positions_gone AS (DELETE FROM read_positions WHERE member_id = $1),
           digests_gone AS (DELETE FROM digest_runs WHERE member_id = $1),
           keys_gone AS (DELETE FROM idempotency_keys WHERE member_id = $1),
           claims_gone AS (DELETE FROM review_claims WHERE member_id = $1),
           requests_gone AS (DELETE FROM group_join_requests WHERE member_id = $1 AND decision IS NULL),
           memberships_gone AS (DELETE FROM group_memberships WHERE member_id = $1),
           jobs_unnamed AS (UPDATE notification_jobs SET actor_id = NULL WHERE actor_id = $1),
           avatar_gone AS (DELETE FROM member_avatars WHERE member_id = $1),
           exports_gone AS (DELETE FROM data_exports WHERE member_id = $1),
           declarations_gone AS (DELETE FROM declaration_versions WHERE member_id = $1),
           email_changes_gone AS (DELETE FROM email_changes WHERE member_id = $1),
           -- registrations for Talks: the member's, and any a visitor made with their address
           registrations_gone AS (DELETE FROM talk_registrations WHERE member_id = $1
                                  OR ($2::text IS NOT NULL AND email_key = lower($2::text)))
      DELETE FROM mail_outbox WHERE member_id = $1 OR ($2::text IS NOT NULL AND lower(recipient) = lower($2::text))""";

  /**
   * Others' posts that mention the member: the mention link becomes plain text and the
   * {@code @handle} in the source becomes the placeholder name, so neither links nor is found by
   * search. $2 is the handle as a regular expression (dots escaped), $3 the text put instead.
   */
  private static final String UNLINK_MENTIONS = """
      UPDATE posts p
         SET body_html = regexp_replace(p.body_html, '<a class="mention" href="/members/' || $2 || '">[^<]*</a>', $3, 'gi'),
             body_markdown = regexp_replace(p.body_markdown, '@' || $2 || '(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])', $3, 'gi')
        FROM post_mentions pm
       WHERE pm.post_id = p.id AND pm.member_id = $1""";

  private static final String DROP_MENTIONS = "DELETE FROM post_mentions WHERE member_id = $1";

  /** The member's posts, when they asked for them to go too: soft-deleted, their text emptied in every revision, their files deleted. */
  private static final String DELETE_POSTS = """
      UPDATE posts SET deleted_at = coalesce(deleted_at, now()), deleted_by = coalesce(deleted_by, $1),
                       body_markdown = '-', body_html = '', erased = true
       WHERE author_id = $1""";
  private static final String EMPTY_REVISIONS = """
      WITH files_gone AS (DELETE FROM attachments a USING posts p WHERE p.id = a.post_id AND p.author_id = $1)
      UPDATE post_revisions r SET body_markdown = '-', body_html = ''
        FROM posts p WHERE p.id = r.post_id AND p.author_id = $1""";

  /**
   * With their declarations gone, nothing links one any more: the badges of their posts, comments,
   * proposals and questions lose their version (endorsements keep the column, which their triggers
   * own, and pages hide an erased member's), and a Talk that billed them as a speaker names a
   * "Former member" ($2) without a member, affiliation or the declaration kept with the Talk.
   */
  private static final String FORGET_DECLARATIONS = """
      WITH speaker_declarations_gone AS (
             DELETE FROM talk_speaker_declarations d USING talk_speakers s
              WHERE s.member_id = $1 AND d.talk_id = s.talk_id AND d.speaker_key = s.speaker_key),
           posts_unbadged AS (UPDATE posts SET declaration_version = NULL
                               WHERE author_id = $1 AND declaration_version IS NOT NULL),
           comments_unbadged AS (UPDATE document_comments SET declaration_version = NULL
                                  WHERE author_id = $1 AND declaration_version IS NOT NULL),
           proposals_unbadged AS (UPDATE document_proposals SET declaration_version = NULL
                                   WHERE author_id = $1 AND declaration_version IS NOT NULL),
           questions_unbadged AS (UPDATE talk_questions SET declaration_version = NULL
                                   WHERE author_id = $1 AND declaration_version IS NOT NULL)
      UPDATE talk_speakers SET member_id = NULL, name = $2, affiliation = '' WHERE member_id = $1""";

  Future<Void> forgetDeclarations(SqlClient db, long memberId, String formerName) {
    return db.preparedQuery(FORGET_DECLARATIONS).execute(Tuple.of(memberId, formerName)).mapEmpty();
  }

  /** The audit entry: no name, no handle, only the member's id (and an admin's reason). */
  private static final String AUDIT = """
      INSERT INTO moderation_log (actor_id, action, target_type, target_id, detail, reason)
      VALUES ($1, 'member.erase', 'member', $2, $3, $4)""";

  Future<Optional<Target>> lock(SqlClient db, long memberId) {
    return db.preparedQuery(LOCK).execute(Tuple.of(memberId)).map(ErasureRepository::target);
  }

  Future<Optional<Target>> lockByHandle(SqlClient db, String handle) {
    return db.preparedQuery(LOCK_BY_HANDLE).execute(Tuple.of(handle)).map(ErasureRepository::target);
  }

  private static Optional<Target> target(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    if (rows.size() == 0) {
      return Optional.empty();
    }
    io.vertx.sqlclient.Row r = rows.iterator().next();
    return Optional.of(new Target(r.getLong("id"), r.getString("handle"), r.getString("email"), r.getBoolean("is_admin")));
  }

  Future<Void> unlinkMentions(SqlClient db, Target t, String replacement) {
    String pattern = t.handle().replace(".", "\\.");
    return db.preparedQuery(UNLINK_MENTIONS).execute(Tuple.of(t.id(), pattern, replacement))
        .compose(v -> db.preparedQuery(DROP_MENTIONS).execute(Tuple.of(t.id()))).mapEmpty();
  }

  Future<Void> deletePersonal(SqlClient db, Target t) {
    return db.preparedQuery(DELETE_PERSONAL).execute(Tuple.of(t.id(), t.email())).mapEmpty();
  }

  Future<Void> deletePosts(SqlClient db, long memberId) {
    return db.preparedQuery(EMPTY_REVISIONS).execute(Tuple.of(memberId))
        .compose(v -> db.preparedQuery(DELETE_POSTS).execute(Tuple.of(memberId))).mapEmpty();
  }

  Future<Void> eraseMember(SqlClient db, long memberId, String name, String handle, String subject) {
    return db.preparedQuery(ERASE_MEMBER).execute(Tuple.of(memberId, name, handle, subject)).mapEmpty();
  }

  Future<Void> audit(SqlClient db, long actorId, long memberId, String detail, String reason) {
    return db.preparedQuery(AUDIT).execute(Tuple.of(actorId, memberId, detail, reason)).mapEmpty();
  }
}
