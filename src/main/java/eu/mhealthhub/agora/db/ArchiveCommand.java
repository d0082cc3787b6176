package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code seed-archive} ({@code java -Dagora.command=seed-archive -jar agora-*.jar}, or the word as an
 * argument): fills the configured database, or the embedded one in AGORA_DATA_DIR (started for the
 * command's duration when no Agora runs on it), with a Hub-sized archive for measuring pages on
 * large data (issue 18, point 3): 10,000 members, 300 groups, 50,000 threads, 1,000,000 posts, 2,000
 * documents with revisions, comments, proposals and endorsements, 500 Talks with questions. The
 * system property {@code agora.archive.scale} (default 1) multiplies every count. The SQL is
 * {@code archive/seed-archive.sql}: set-based, run in one transaction, so a failure leaves nothing;
 * then VACUUM ANALYZE. Refuses, with exit code 2, a database that already holds an archive.
 */
public final class ArchiveCommand {

  /** The row in {@code seeds} that marks a database holding the archive. */
  public static final String SEED_NAME = "archive-v1";
  private static final String SCRIPT = "/archive/seed-archive.sql";
  private static final String STEP = "-- step: ";
  private static final String CHUNKED = " [chunked]";
  private static final List<String> COUNTED = List.of("members", "working_groups", "group_memberships", "threads", "posts",
      "post_revisions", "reactions", "read_positions", "documents", "document_revisions", "document_sections",
      "document_comments", "document_proposals", "document_endorsements", "talks", "talk_messages", "talk_questions");

  private ArchiveCommand() {}

  /** Whether the arguments or the {@code agora.command} system property name this command. */
  public static boolean handles(String[] args) {
    return "seed-archive".equals(System.getProperty("agora.command"))
        || (args.length > 0 && "seed-archive".equals(args[0]));
  }

  /** Runs the command; returns the exit code (0 seeded, 1 failed, 2 refused or misused), having said why. */
  public static int run(AppConfig config, PrintStream out, PrintStream err) {
    double scale;
    try {
      scale = Double.parseDouble(System.getProperty("agora.archive.scale", "1"));
    } catch (NumberFormatException e) {
      scale = Double.NaN;
    }
    if (!(scale > 0 && scale <= 10)) {
      err.println("seed-archive: agora.archive.scale must be a number above 0 and at most 10, not "
          + System.getProperty("agora.archive.scale"));
      return 2;
    }
    Path embeddedDir = config.dataDirectory().resolve("postgres");
    Optional<DatabaseSettings> running = config.database().isPresent()
        ? config.database() : EmbeddedDatabase.running(embeddedDir);
    EmbeddedDatabase started = null;
    try {
      DatabaseSettings db;
      if (running.isPresent()) {
        db = running.get();
      } else {
        started = EmbeddedDatabase.start(embeddedDir);
        db = started.settings();
      }
      return seed(db, scale, out, err);
    } catch (IllegalStateException | SQLException e) {
      err.println("seed-archive failed: " + e.getMessage());
      return 1;
    } finally {
      if (started != null) {
        started.close();
      }
    }
  }

  /** Migrates the database, then seeds the archive at the scale; the exit code as {@link #run}. */
  public static int seed(DatabaseSettings db, double scale, PrintStream out, PrintStream err) throws SQLException {
    Migrations.apply(db);
    long begin = System.nanoTime();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      if (seeded(c)) {
        err.println("seed-archive: this database already holds the archive (seeds row '" + SEED_NAME
            + "'); seed a new data directory or database instead");
        return 2;
      }
      out.printf(Locale.ROOT, "seed-archive: scale %s into %s%n", scale, db.jdbcUrl());
      c.setAutoCommit(false);
      String current = "settings";
      try (Statement st = c.createStatement()) {
        st.execute("SET LOCAL synchronous_commit = off");
        st.execute("SET LOCAL work_mem = '64MB'");
        st.execute("SET LOCAL maintenance_work_mem = '128MB'");
        st.execute("SET LOCAL statement_timeout = 0");
        st.execute("SELECT set_config('agora.archive_scale', '" + scale + "', true)");
        if (superuser(c)) {
          // a bulk load as pg_restore --disable-triggers does it: the script writes what the triggers
          // would (a post's group, no declaration in force, nothing requires one) and only ids it read
          // from the rows it made, so the per-row trigger and foreign-key checks are skipped
          st.execute("SET LOCAL session_replication_role = replica");
          out.println("  (superuser: per-row triggers and foreign-key checks off for the load)");
        }
        int chunks = 10;
        for (Step step : steps()) {
          current = step.label();
          long t0 = System.nanoTime();
          if (step.chunked()) {
            for (int chunk = 0; chunk < chunks; chunk++) {
              st.execute("SELECT set_config('agora.archive_chunk', '" + chunk + "', true)");
              st.execute(step.sql());
              out.printf(Locale.ROOT, "  %-52s chunk %d/%d  %6.1f s%n", step.label(), chunk + 1, chunks, seconds(t0));
            }
          } else {
            st.execute(step.sql());
            out.printf(Locale.ROOT, "  %-52s %6.1f s%n", step.label(), seconds(t0));
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if ("23505".equals(e.getSQLState()) && e.getMessage().contains("seeds")) {
          err.println("seed-archive: another seed-archive wrote the archive first; nothing was added");
          return 2;
        }
        throw new SQLException("step \"" + current + "\": " + e.getMessage(), e.getSQLState(), e);
      }
      c.setAutoCommit(true);
      long t0 = System.nanoTime();
      try (Statement st = c.createStatement()) {
        st.execute("VACUUM ANALYZE");
      }
      out.printf(Locale.ROOT, "  %-52s %6.1f s%n", "VACUUM ANALYZE", seconds(t0));
      for (String table : COUNTED) {
        try (PreparedStatement st = c.prepareStatement("SELECT count(*) FROM " + table); ResultSet rs = st.executeQuery()) {
          rs.next();
          out.printf(Locale.ROOT, "  %-24s %,10d rows%n", table, rs.getLong(1));
        }
      }
      out.printf(Locale.ROOT, "seed-archive: done in %.1f s%n", seconds(begin));
      return 0;
    }
  }

  private static boolean seeded(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT 1 FROM seeds WHERE name = ?")) {
      st.setString(1, SEED_NAME);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static boolean superuser(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
         ResultSet rs = st.executeQuery()) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  record Step(String label, boolean chunked, String sql) {}

  /** The script's steps, in order. */
  static List<Step> steps() {
    String script;
    try (InputStream in = ArchiveCommand.class.getResourceAsStream(SCRIPT)) {
      if (in == null) {
        throw new IllegalStateException(SCRIPT + " is missing from the class path");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Step> steps = new ArrayList<>();
    String label = null;
    StringBuilder sql = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      if (line.startsWith(STEP)) {
        if (label != null) {
          steps.add(step(label, sql));
        }
        label = line.substring(STEP.length()).strip();
        sql.setLength(0);
      } else if (label != null) {
        sql.append(line).append('\n');
      }
    }
    if (label != null) {
      steps.add(step(label, sql));
    }
    return steps;
  }

  private static Step step(String label, StringBuilder sql) {
    boolean chunked = label.endsWith(CHUNKED);
    return new Step(chunked ? label.substring(0, label.length() - CHUNKED.length()) : label, chunked, sql.toString());
  }
}
