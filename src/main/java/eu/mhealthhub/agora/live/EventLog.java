package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.live.ChangeFeed.Change;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The durable, numbered record of changes, written inside the transaction that made them.
 *
 * <p>A PostgreSQL sequence hands out numbers at insert, not at commit, so a transaction that
 * commits late could carry a smaller number than one a client already applied, and that client
 * would never ask for it. Here each address has its own counter, and a writer first takes a
 * transaction-scoped advisory lock on the address: a second writer to the same address waits until
 * the first commits or rolls back, then reads the counter the first left. Numbers on one address
 * therefore grow in commit order, with no gaps from rolled-back transactions. Addresses are locked
 * in sorted order, so two transactions writing the same pair cannot deadlock.
 */
public final class EventLog {

  /**
   * A change as recorded: where, its number there, what happened, and to what. {@code epoch} is the
   * newest {@link Narrowing} its transaction saw committed (0 for events read back from the log,
   * which are only served over authorised HTTP).
   */
  public record Event(String address, long seq, String type, long entityId, Instant at, long epoch) {}

  /** A narrowing as recorded, with its number in commit order. */
  public record NarrowingRecord(long epoch, Narrowing narrowing) {}

  private static final String LOCK = "SELECT pg_advisory_xact_lock(hashtext($1))";
  private static final String APPEND = """
      INSERT INTO live_events (address, seq, type, entity_id)
      SELECT $1, COALESCE(max(seq), 0) + 1, $2, $3 FROM live_events WHERE address = $1
      RETURNING seq, created_at, (SELECT COALESCE(max(epoch), 0) FROM access_changes)
      """;
  /** One lock for all narrowings: they are rare, and their numbers must follow commit order. */
  private static final String NARROWING_LOCK = "SELECT pg_advisory_xact_lock(hashtext('agora.access_changes'))";
  private static final String NARROW = """
      INSERT INTO access_changes (epoch, scopes, members)
      SELECT COALESCE(max(epoch), 0) + 1, $1, $2 FROM access_changes
      RETURNING epoch
      """;
  private static final String NARROWINGS_AFTER = """
      SELECT epoch, scopes, members FROM access_changes WHERE epoch > $1 ORDER BY epoch LIMIT $2
      """;
  private static final String EPOCH = "SELECT COALESCE(max(epoch), 0), COALESCE(min(epoch), 0) FROM access_changes";
  /** Keeps the newest narrowing, so numbers never restart. */
  private static final String PRUNE_NARROWINGS = """
      DELETE FROM access_changes WHERE created_at < $1 AND epoch < (SELECT max(epoch) FROM access_changes)
      """;
  private static final String AFTER = """
      SELECT address, seq, type, entity_id, created_at FROM live_events
       WHERE address = $1 AND seq > $2 ORDER BY seq LIMIT $3
      """;
  private static final String LATEST = "SELECT COALESCE(max(seq), 0) FROM live_events WHERE address = $1";
  private static final String OLDEST = "SELECT min(seq) FROM live_events WHERE address = $1";
  /** Keeps the newest event of every address, so its counter never restarts. */
  private static final String PRUNE = """
      DELETE FROM live_events e WHERE e.created_at < $1
         AND e.seq < (SELECT max(l.seq) FROM live_events l WHERE l.address = e.address)
      """;

  /**
   * Records changes inside the caller's transaction and completes with their numbers. Call it as
   * the last step of the transaction: the address locks are held until it ends.
   */
  public Future<List<Event>> append(SqlClient tx, List<Change> changes) {
    List<String> addresses = changes.stream().map(Change::address).distinct().sorted().toList();
    Future<Void> locked = Future.succeededFuture();
    for (String address : addresses) {
      locked = locked.compose(v -> tx.preparedQuery(LOCK).execute(Tuple.of(address)).mapEmpty());
    }
    return locked.compose(v -> {
      Future<List<Event>> chain = Future.succeededFuture(new ArrayList<>());
      for (Change c : changes.stream().sorted(Comparator.comparing(Change::address)).toList()) {
        chain = chain.compose(list -> tx.preparedQuery(APPEND).execute(Tuple.of(c.address(), c.type(), c.id()))
            .map(rows -> {
              Row r = rows.iterator().next();
              list.add(new Event(c.address(), r.getLong(0), c.type(), c.id(), r.getOffsetDateTime(1).toInstant(),
                  r.getLong(2)));
              return list;
            }));
      }
      return chain;
    });
  }

  /** Up to {@code limit} events on an address after a number, in order. */
  public Future<List<Event>> after(SqlClient db, String address, long seq, int limit) {
    return db.preparedQuery(AFTER).execute(Tuple.of(address, seq, limit)).map(rows -> {
      List<Event> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Event(r.getString(0), r.getLong(1), r.getString(2), r.getLong(3),
          r.getOffsetDateTime(4).toInstant(), 0)));
      return list;
    });
  }

  /** The last number on an address, 0 when nothing happened there yet. */
  public Future<Long> latest(SqlClient db, String address) {
    return db.preparedQuery(LATEST).execute(Tuple.of(address)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The oldest number still kept on an address, or null when none is: older ones were pruned. */
  public Future<Long> oldest(SqlClient db, String address) {
    return db.preparedQuery(OLDEST).execute(Tuple.of(address)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Forgets events older than the instant; clients that missed them reload instead of replaying. */
  public Future<Integer> prune(SqlClient db, Instant before) {
    Tuple at = Tuple.of(before.atOffset(java.time.ZoneOffset.UTC));
    return db.preparedQuery(PRUNE).execute(at)
        .compose(events -> db.preparedQuery(PRUNE_NARROWINGS).execute(at).map(n -> events.rowCount()));
  }

  /**
   * Records narrowings inside the caller's transaction, before its events are appended (so they
   * carry its number), and completes with them as numbered.
   */
  public Future<List<NarrowingRecord>> narrow(SqlClient tx, List<Narrowing> narrowings) {
    if (narrowings.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<List<NarrowingRecord>> chain = tx.preparedQuery(NARROWING_LOCK).execute().map(r -> new ArrayList<>());
    for (Narrowing n : narrowings) {
      String[] scopes = n.scopes().stream().map(LiveAddress::toString).toArray(String[]::new);
      Long[] members = n.members().toArray(Long[]::new);
      chain = chain.compose(list -> tx.preparedQuery(NARROW).execute(Tuple.tuple().addArrayOfString(scopes).addArrayOfLong(members)).map(rows -> {
        list.add(new NarrowingRecord(rows.iterator().next().getLong(0), n));
        return list;
      }));
    }
    return chain;
  }

  /** Up to {@code limit} narrowings after a number, in order. */
  public Future<List<NarrowingRecord>> narrowingsAfter(SqlClient db, long epoch, int limit) {
    return db.preparedQuery(NARROWINGS_AFTER).execute(Tuple.of(epoch, limit)).map(rows -> {
      List<NarrowingRecord> list = new ArrayList<>();
      rows.forEach(r -> list.add(new NarrowingRecord(r.getLong(0), new Narrowing(
          java.util.Arrays.stream(r.getArrayOfStrings(1)).map(a -> LiveAddress.parse(a).orElseThrow()).toList(),
          java.util.Arrays.asList(r.getArrayOfLongs(2))))));
      return list;
    });
  }

  /** The newest narrowing's number and the oldest still kept (both 0 when none was recorded). */
  public record Epochs(long newest, long oldest) {}

  public Future<Epochs> epochs(SqlClient db) {
    return db.query(EPOCH).execute().map(rows -> {
      Row r = rows.iterator().next();
      return new Epochs(r.getLong(0), r.getLong(1));
    });
  }
}
