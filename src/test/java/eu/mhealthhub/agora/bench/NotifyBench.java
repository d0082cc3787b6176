package eu.mhealthhub.agora.bench;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Benchmark of {@code bench/notify.sh} (see {@code bench/NOTIFY.md}); not a test. Starts Agora on
 * the test's embedded PostgreSQL, makes a group with {@code --watchers} members (default 1000) who
 * all watch thread A, and a thread B nobody watches; then one member posts replies alternately in
 * A and B ({@code --rounds} each, default 20), waiting after each post in A until every watcher's
 * notification row and outbox row exists (every watcher has an address and wants watched threads by e-mail at
 * once). It prints the posting request's latency for A and B (medians, p90, max) and the fan-out time of A (from
 * the 303 answer to the last notification row, and to the last outbox row), with the machine's
 * load average. Server and generator share one JVM and the machine's cores: compare A with B, which
 * run alternately in the same process, rather than with other runs.
 */
public final class NotifyBench {

  public static void main(String[] argv) throws Exception {
    int watchers = intArg(argv, "--watchers", 1000);
    int rounds = intArg(argv, "--rounds", 20);
    TestApp app = TestApp.shared();
    String slug = Fixtures.unique("bench");
    long groupId = Fixtures.group(slug, false, true);
    long poster = Fixtures.demoMember("demo-pieter");
    Fixtures.member(groupId, poster, "member");
    String run = Fixtures.unique("w");
    TestDatabase.update("""
        INSERT INTO members (issuer, subject, display_name, handle)
        SELECT 'bench', ? || '-' || n, 'Watcher ' || n, 'w' || replace(?, '-', '') || 'n' || n FROM generate_series(1, ?) n""",
        run, run, watchers);
    // every watcher has an address and wants watched threads' posts by e-mail at once (the default is the daily
    // digest), so that each post also makes 1,000 outbox rows, held for cancel-if-read, in the fan-out's transactions
    TestDatabase.update("UPDATE members SET email = handle || '@example.org' WHERE issuer = 'bench' AND subject LIKE ? || '-%'",
        run);
    TestDatabase.update("INSERT INTO notification_preferences (member_id, kind, delivery) "
        + "SELECT id, 'watched_thread', 'immediately' FROM members WHERE issuer = 'bench' AND subject LIKE ? || '-%'", run);
    TestDatabase.update("INSERT INTO group_memberships (group_id, member_id, role) "
        + "SELECT ?, id, 'member' FROM members WHERE issuer = 'bench' AND subject LIKE ? || '-%'", groupId, run);
    long watched = thread(groupId, poster, "Watched by " + watchers);
    long quiet = thread(groupId, poster, "Watched by nobody");
    TestDatabase.update("INSERT INTO thread_subscriptions (member_id, thread_id, level) "
        + "SELECT id, ?, 'watching' FROM members WHERE issuer = 'bench' AND subject LIKE ? || '-%'", watched, run);

    Browser b = new Browser().withoutHtmlCheck();
    app.signIn(b, "demo-pieter");
    String csrf = app.csrf(b);
    // warm-up: one of each, unmeasured
    post(app, b, csrf, quiet);
    long warm = post(app, b, csrf, watched).postId;
    awaitRows(warm, watchers);

    List<Double> latencyA = new ArrayList<>();
    List<Double> latencyB = new ArrayList<>();
    List<Double> fanOut = new ArrayList<>();
    List<Double> fanOutFromSend = new ArrayList<>();
    List<Double> outbox = new ArrayList<>();
    for (int i = 0; i < rounds; i++) {
      Posted a = post(app, b, csrf, watched);
      latencyA.add(a.latencyMs);
      long done = awaitRows(a.postId, watchers);
      fanOut.add((done - a.answeredAt) / 1e6);
      fanOutFromSend.add((done - a.sentAt) / 1e6);
      outbox.add((awaitOutbox(a.postId, watchers) - a.answeredAt) / 1e6);
      Posted q = post(app, b, csrf, quiet);
      latencyB.add(q.latencyMs);
      System.err.printf(Locale.ROOT, "[bench] round %d: A %.1f ms (fan-out %.0f ms), B %.1f ms%n", i + 1, a.latencyMs,
          fanOut.get(i), q.latencyMs);
    }
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    System.out.printf(Locale.ROOT, "%n%d watchers, %d rounds (A B alternating), %d cores, load average %s%n%n", watchers, rounds,
        Runtime.getRuntime().availableProcessors(), load);
    System.out.println("| measure | median ms | p90 ms | max ms |");
    System.out.println("| --- | ---: | ---: | ---: |");
    row("reply request, thread A (" + watchers + " watchers)", latencyA);
    row("reply request, thread B (no watchers)", latencyB);
    row("fan-out: answer → last notification row (A)", fanOut);
    row("fan-out: request sent → last notification row (A)", fanOutFromSend);
    row("fan-out: answer → last outbox row (A, e-mail at once, held for cancel-if-read)", outbox);
    System.out.printf(Locale.ROOT, "%nA/B median latency ratio: %.2f%n", median(latencyA) / median(latencyB));
    System.exit(0);
  }

  private record Posted(long postId, double latencyMs, long sentAt, long answeredAt) {}

  private static Posted post(TestApp app, Browser b, String csrf, long threadId) {
    long sent = System.nanoTime();
    Response r = b.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", csrf, "clientToken",
        Fixtures.unique("bench"), "action", "post", "body", "A reply for the benchmark."), List.of());
    long answered = System.nanoTime();
    if (r.status() != 303) {
      throw new IllegalStateException("reply answered " + r.status());
    }
    long postId = Long.parseLong(r.location().replaceAll(".*#post-(\\d+)$", "$1"));
    return new Posted(postId, (answered - sent) / 1e6, sent, answered);
  }

  /** Polls until the post has {@code n} notifications; returns System.nanoTime() then. */
  private static long awaitRows(long postId, int n) throws InterruptedException {
    long end = System.nanoTime() + 120_000_000_000L;
    while (TestDatabase.count("SELECT count(*) FROM notifications WHERE subject_kind = 'post' AND subject_id = ?", postId) < n) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("fan-out of post " + postId + " not done in 120 s");
      }
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  /** Polls until the post's notifications have {@code n} e-mails in the outbox; returns System.nanoTime() then. */
  private static long awaitOutbox(long postId, int n) throws InterruptedException {
    long end = System.nanoTime() + 120_000_000_000L;
    while (TestDatabase.count("SELECT count(*) FROM mail_outbox o JOIN notifications x ON x.id = o.reference "
        + "WHERE x.subject_kind = 'post' AND x.subject_id = ?", postId) < n) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the outbox rows of post " + postId + " not there in 120 s");
      }
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  private static long thread(long groupId, long author, String title) {
    long id = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, ?, ?, 1) RETURNING id",
        groupId, title, author);
    long post = TestDatabase.count("INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) "
        + "VALUES (?, 1, ?, 'Opening post', '<p>Opening post</p>') RETURNING id", id, author);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) "
        + "VALUES (?, 1, ?, 'Opening post', '<p>Opening post</p>')", post, author);
    return id;
  }

  private static void row(String what, List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", what, median(values),
        sorted.get((int) Math.ceil(sorted.size() * 0.9) - 1), sorted.get(sorted.size() - 1));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static int intArg(String[] argv, String name, int fallback) {
    for (int i = 0; i + 1 < argv.length; i++) {
      if (argv[i].equals(name)) {
        return Integer.parseInt(argv[i + 1]);
      }
    }
    return fallback;
  }
}
