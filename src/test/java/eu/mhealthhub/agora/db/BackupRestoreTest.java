package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SlowTest
@DisplayName("Backup and restore")
class BackupRestoreTest {

  @TempDir
  Path dir;

  @Test
  @DisplayName("a backup taken while Agora serves and writes restores into a new database, Agora starts on it with every item, and new rows and live events continue after the restored ones")
  void story() throws Exception {
    DatabaseSettings source = FreshDatabase.create("backup_src");
    Map<String, String> sourceEnv = Map.of("AGORA_DATABASE_URL", FreshDatabase.url(source));
    TestApp first = TestApp.start(sourceEnv, Clock.systemUTC(), r -> { });
    long threadId;
    long fileId;
    byte[] file = "%PDF-1.4\nminutes of the reimbursement round".getBytes(StandardCharsets.US_ASCII);
    Path whileServing = dir.resolve("while-serving.zip");
    Path atRest = dir.resolve("at-rest.zip");
    try {
      Browser amelie = new Browser();
      first.signIn(amelie, "demo-amelie");
      threadId = FreshDatabase.count(source, """
          SELECT t.id FROM threads t JOIN group_memberships gm ON gm.group_id = t.group_id
          JOIN members m ON m.id = gm.member_id WHERE m.subject = 'demo-amelie' ORDER BY t.id LIMIT 1""");
      Response page = amelie.get(first.url("/threads/" + threadId));
      Response withFile = amelie.postMultipart(first.url("/threads/" + threadId + "/posts"), Map.of("_csrf",
          page.inputValue("_csrf"), "clientToken", "backup-" + threadId, "body", "Backed-up reply with minutes."),
          List.of(new Browser.FilePart("files", "minutes.pdf", "application/pdf", file)));
      assertEquals(303, withFile.status(), withFile.body());
      fileId = FreshDatabase.count(source, "SELECT a.id FROM attachments a JOIN posts p ON p.id = a.post_id"
          + " WHERE p.thread_id = ? ORDER BY a.id DESC LIMIT 1", threadId);
      long postsBefore = FreshDatabase.count(source, "SELECT count(*) FROM posts");

      // a second member keeps replying while the backup is taken: the backup holds one instant's state
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger written = new AtomicInteger();
      Thread writer = new Thread(() -> {
        Browser b = new Browser();
        first.signIn(b, "demo-amelie");
        while (writing.get()) {
          Response form = b.get(first.url("/threads/" + threadId));
          Response r = b.postMultipart(first.url("/threads/" + threadId + "/posts"), Map.of("_csrf",
              form.inputValue("_csrf"), "clientToken", "w-" + written.get() + "-" + System.nanoTime(),
              "body", "Reply written during the backup, number " + written.get()), List.of());
          if (r.status() == 303) {
            written.incrementAndGet();
          }
        }
      });
      writer.start();
      while (written.get() < 2) {
        Thread.sleep(20);
      }
      Backup.Summary taken = Backup.write(source, whileServing);
      while (written.get() < 4) {
        Thread.sleep(20);
      }
      writing.set(false);
      writer.join();
      long postsInBackup = taken.rows().get("posts");
      assertTrue(postsInBackup >= postsBefore + 2 && postsInBackup < postsBefore + written.get(),
          "the backup holds the posts of one instant during the writes: " + postsInBackup + " of " + postsBefore + "+" + written.get());
      assertEquals(taken.schemaVersion(), FreshDatabase.text(source,
          "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1"));
    } finally {
      first.close();
    }
    Backup.write(source, atRest);

    // at rest, the restore is exact: every table holds the same rows
    DatabaseSettings exact = emptyDatabase("backup_exact");
    Backup.restore(exact, atRest);
    assertEquals(fingerprints(source), fingerprints(exact));

    // the one taken while serving restores, and Agora starts on it with every item
    DatabaseSettings restored = emptyDatabase("backup_dst");
    Backup.Summary loaded = Backup.restore(restored, whileServing);
    long maxPost = FreshDatabase.count(restored, "SELECT max(id) FROM posts");
    long maxSeq = FreshDatabase.count(restored, "SELECT max(seq) FROM live_events WHERE address = ?", "thread." + threadId);
    assertEquals(loaded.rows().get("posts").longValue(), FreshDatabase.count(restored, "SELECT count(*) FROM posts"));
    TestApp second = TestApp.start(Map.of("AGORA_DATABASE_URL", FreshDatabase.url(restored)), Clock.systemUTC(), r -> { });
    try {
      Browser amelie = new Browser();
      second.signIn(amelie, "demo-amelie");
      Response thread = amelie.get(second.url("/threads/" + threadId));
      assertEquals(200, thread.status());
      assertTrue(thread.html().select("article").text().contains("Backed-up reply with minutes."));
      Browser.Download download = amelie.download(second.url("/attachments/" + fileId + "/minutes.pdf"));
      assertEquals(200, download.status());
      assertArrayEquals(file, download.bytes());
      long documentId = FreshDatabase.count(restored, "SELECT id FROM documents ORDER BY id LIMIT 1");
      Response document = amelie.get(second.url("/documents/" + documentId));
      assertEquals(200, document.status());
      assertEquals(FreshDatabase.text(source, "SELECT title FROM documents WHERE id = ?", documentId),
          document.html().select("h1").first().text());
      long talkId = FreshDatabase.count(restored, "SELECT id FROM talks ORDER BY id LIMIT 1");
      String talkSlug = FreshDatabase.text(restored, "SELECT slug FROM talks WHERE id = ?", talkId);
      assertEquals(200, amelie.get(second.url("/talks/" + talkSlug)).status());

      // writing goes on after the restored rows: no key or live sequence number is reused
      Response page = amelie.get(second.url("/threads/" + threadId));
      Response reply = amelie.postMultipart(second.url("/threads/" + threadId + "/posts"), Map.of("_csrf",
          page.inputValue("_csrf"), "clientToken", "after-restore", "body", "First reply after the restore."), List.of());
      assertEquals(303, reply.status(), reply.body());
      assertTrue(FreshDatabase.count(restored, "SELECT max(id) FROM posts") > maxPost);
      assertEquals(maxSeq + 1, FreshDatabase.count(restored, "SELECT max(seq) FROM live_events WHERE address = ?",
          "thread." + threadId));
    } finally {
      second.close();
    }
  }

  @Test
  @DisplayName("a restore refuses a database that holds data, a damaged file and a file that is not a backup, and loads nothing")
  void refusals() throws Exception {
    DatabaseSettings source = FreshDatabase.create("backup_ref");
    FreshDatabase.update(source, "INSERT INTO members (subject, issuer, handle, display_name, email) VALUES"
        + " ('s-1', 'https://id.example', 'backup-one', 'Backup One', 'one@example.org')");
    Path good = dir.resolve("good.zip");
    Backup.write(source, good);

    Backup.BackupException full = assertThrows(Backup.BackupException.class, () -> Backup.restore(source, good));
    assertTrue(full.getMessage().contains("already holds data"), full.getMessage());

    Path notZip = dir.resolve("notes.zip");
    Files.writeString(notZip, "not a backup");
    DatabaseSettings target = emptyDatabase("backup_bad");
    assertTrue(assertThrows(Backup.BackupException.class, () -> Backup.restore(target, notZip)).getMessage()
        .contains("not an Agora backup"));

    // one byte changed in the members' rows: the checksum refuses it before the database is touched
    Path damaged = dir.resolve("damaged.zip");
    rewrite(good, damaged, "tables/members.copy", s -> s.replace("Backup One", "Backup Two"));
    Backup.BackupException broken = assertThrows(Backup.BackupException.class, () -> Backup.restore(target, damaged));
    assertTrue(broken.getMessage().contains("members") && broken.getMessage().contains("checksum"), broken.getMessage());
    assertFalse(tableExists(target, "members"), "nothing was created in the target");

    // a manifest cut off: refused, nothing loaded
    Path cut = dir.resolve("cut.zip");
    rewrite(good, cut, "manifest.json", null);
    assertTrue(assertThrows(Backup.BackupException.class, () -> Backup.restore(target, cut)).getMessage()
        .contains("manifest.json"));
    assertFalse(tableExists(target, "members"));

    // the command line says what went wrong and exits 1; usage errors exit 2
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AppConfig config = AppConfig.fromEnvironment(TestApp.env(TestApp.freePort(),
        Map.of("AGORA_DATABASE_URL", FreshDatabase.url(source))));
    assertEquals(1, BackupCommand.run(new String[] {"restore", good.toString()}, config,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("already holds data"));
    assertEquals(2, BackupCommand.run(new String[] {"restore"}, config, System.out, new PrintStream(err, true, StandardCharsets.UTF_8)));
    Path viaCommand = dir.resolve("command.zip");
    assertEquals(0, BackupCommand.run(new String[] {"backup", viaCommand.toString()}, config,
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("backup written to"));
    assertEquals(1L, Backup.verify(viaCommand).rows().get("members"));
  }

  @Test
  @DisplayName("with the embedded PostgreSQL, the backup command reads a running Agora's database; the restore refuses while it runs and restores into a new data folder")
  void embedded() throws Exception {
    Map<String, String> env = new java.util.HashMap<>(TestApp.env(TestApp.freePort(), Map.of()));
    env.remove("AGORA_DATABASE_URL");
    env.put("AGORA_DATA_DIR", dir.resolve("data").toString());
    AppConfig config = AppConfig.fromEnvironment(env);
    Path file = dir.resolve("embedded.zip");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    eu.mhealthhub.agora.app.Agora running = eu.mhealthhub.agora.app.Agora.start(config, Clock.systemUTC(), r -> { });
    long threads;
    try {
      DatabaseSettings live = EmbeddedDatabase.running(dir.resolve("data").resolve("postgres")).orElseThrow();
      threads = FreshDatabase.count(live, "SELECT count(*) FROM threads");
      assertTrue(threads > 0, "the demo content is there");
      assertEquals(0, BackupCommand.run(new String[] {"backup", file.toString()}, config, o, e), err.toString());
      assertEquals(1, BackupCommand.run(new String[] {"restore", file.toString()}, config, o, e));
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("stop it before restoring"), err.toString());
    } finally {
      running.stop();
    }
    assertTrue(EmbeddedDatabase.running(dir.resolve("data").resolve("postgres")).isEmpty(), "stopped with Agora");

    Map<String, String> elsewhere = new java.util.HashMap<>(env);
    elsewhere.put("AGORA_DATA_DIR", dir.resolve("restored").toString());
    AppConfig other = AppConfig.fromEnvironment(elsewhere);
    assertEquals(0, BackupCommand.run(new String[] {"restore", file.toString()}, other, o, e), err.toString());
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("restored "));
    eu.mhealthhub.agora.app.Agora restored = eu.mhealthhub.agora.app.Agora.start(other, Clock.systemUTC(), r -> { });
    try {
      DatabaseSettings db = EmbeddedDatabase.running(dir.resolve("restored").resolve("postgres")).orElseThrow();
      assertEquals(threads, FreshDatabase.count(db, "SELECT count(*) FROM threads"),
          "the demo content is not seeded a second time over the restored one");
    } finally {
      restored.stop();
    }
  }

  private interface Edit {
    String apply(String s);
  }

  /** Copies a zip, changing one entry with {@code edit} or leaving it out when {@code edit} is null. */
  private static void rewrite(Path from, Path to, String name, Edit edit) throws Exception {
    try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(from.toFile());
         java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(to))) {
      for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(e).readAllBytes();
        if (e.getName().equals(name)) {
          if (edit == null) {
            continue;
          }
          bytes = edit.apply(new String(bytes, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        }
        out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
        out.write(bytes);
        out.closeEntry();
      }
    }
  }

  private static DatabaseSettings emptyDatabase(String purpose) {
    DatabaseSettings shared = TestDatabase.settings();
    String name = "agora_" + purpose + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
    try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return new DatabaseSettings(shared.host(), shared.port(), name, shared.user(), shared.password());
  }

  private static boolean tableExists(DatabaseSettings db, String table) {
    return !FreshDatabase.text(db, "SELECT coalesce(to_regclass(?)::text, '')", table).isEmpty();
  }

  /** Every table's row count and a digest of its rows in a fixed order. */
  private static Map<String, String> fingerprints(DatabaseSettings db) throws SQLException {
    Map<String, String> prints = new TreeMap<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         Statement st = c.createStatement()) {
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
          + " AND tablename <> 'flyway_schema_history'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      for (String t : tables) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '')"
            + " FROM \"" + t + "\" x")) {
          rs.next();
          prints.put(t, rs.getString(1));
        }
      }
    }
    assertTrue(prints.size() > 30, "the schema's tables: " + prints.keySet());
    return prints;
  }
}
