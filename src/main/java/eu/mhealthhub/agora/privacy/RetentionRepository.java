package eu.mhealthhub.agora.privacy;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The retention deletes, one per kind of row, each given the oldest moment kept ({@code $1}).
 * Only finished rows go: a live session, an unread notification, a queued e-mail or job, an
 * export being prepared are never deleted here.
 */
final class RetentionRepository {

  /** Transaction-scoped, so the lock ends with the run: one node prunes at a time. */
  private static final String LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('agora.retention'))";

  static final Map<String, String> DELETES = Map.of(
      "sign_ins", "DELETE FROM sign_ins WHERE signed_in_at < $1",
      "sessions", "DELETE FROM sessions WHERE expires_at < $1",
      "notifications", "DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at < $1",
      "live_events", "DELETE FROM live_events WHERE created_at < $1",
      "mail", "DELETE FROM mail_outbox WHERE state IN ('sent', 'failed', 'cancelled') AND coalesce(sent_at, created_at) < $1",
      "digest_runs", "DELETE FROM digest_runs WHERE sent_at < $1",
      // a job is deleted when fanned out; what stays is a job that failed its attempts
      "notification_jobs", "DELETE FROM notification_jobs WHERE attempts >= 5 AND created_at < $1",
      // visitors' registrations for Talks that ended before $1 (members' go with the member)
      "talk_registrations", "DELETE FROM talk_registrations r USING talks t WHERE r.talk_id = t.id AND r.member_id IS NULL AND t.ends_at < $1",
      // $1 = now - the time an export is kept: a ready export whose download ended, or a failed one as old
      "exports", "DELETE FROM data_exports WHERE status IN ('ready', 'failed') AND coalesce(ready_at, requested_at) < $1",
      // network followers who never confirmed: sign-ups from their last sign-up, imported ones from their re-permission
      "unconfirmed_followers",
      "DELETE FROM network_followers WHERE status = 'pending' AND coalesce(repermission_sent_at, created_at) < $1");

  Future<Boolean> lock(SqlClient tx) {
    return tx.query(LOCK).execute().map(rows -> rows.iterator().next().getBoolean(0));
  }

  Future<Integer> delete(SqlClient tx, String kind, Instant oldestKept) {
    return tx.preparedQuery(DELETES.get(kind)).execute(Tuple.of(oldestKept.atOffset(ZoneOffset.UTC))).map(rows -> rows.rowCount());
  }
}
