package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * {@code backup [file]} and {@code restore <file>} from the command line, against the configured
 * database or the embedded one: a running Agora's embedded PostgreSQL is read where it runs (the
 * backup does not stop it); when none runs, the command starts the embedded server for its own
 * duration. A restore refuses while an Agora runs on the embedded data, and into a database that
 * already holds data.
 */
public final class BackupCommand {

  private BackupCommand() {}

  /** Whether the arguments name a command of this class rather than the server's start. */
  public static boolean handles(String[] args) {
    List<String> words = words(args);
    return !words.isEmpty() && (words.get(0).equals("backup") || words.get(0).equals("restore"));
  }

  /** Runs the command; returns the process's exit code (0 done, 1 failed, 2 misused), having said why. */
  public static int run(String[] args, AppConfig config, PrintStream out, PrintStream err) {
    List<String> words = words(args);
    String command = words.get(0);
    if (words.size() > 2 || (command.equals("restore") && words.size() != 2)) {
      err.println("usage: backup [file] | restore <file>");
      return 2;
    }
    Path file = words.size() == 2 ? Path.of(words.get(1)) : Path.of("backups", "agora-"
        + ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".zip");
    Path embeddedDir = config.dataDirectory().resolve("postgres");
    Optional<DatabaseSettings> running = config.database().isPresent()
        ? config.database() : EmbeddedDatabase.running(embeddedDir);
    EmbeddedDatabase started = null;
    try {
      if (command.equals("restore") && config.database().isEmpty() && running.isPresent()) {
        err.println("Agora is running on " + embeddedDir + ": stop it before restoring");
        return 1;
      }
      DatabaseSettings db;
      if (running.isPresent()) {
        db = running.get();
      } else {
        started = EmbeddedDatabase.start(embeddedDir, config.embeddedPostgres());
        db = started.settings();
      }
      if (command.equals("backup")) {
        Backup.Summary s = Backup.write(db, file);
        out.println("backup written to " + file.toAbsolutePath() + ": schema version " + s.schemaVersion() + ", "
            + s.rows().size() + " tables, " + s.totalRows() + " rows");
      } else {
        Backup.Summary s = Backup.restore(db, file);
        out.println("restored " + file.toAbsolutePath() + " (taken " + s.takenAt() + ", schema version "
            + s.schemaVersion() + "): " + s.totalRows() + " rows; the next start applies newer migrations");
      }
      return 0;
    } catch (Backup.BackupException | IllegalStateException e) {
      err.println(command + " failed: " + e.getMessage());
      return 1;
    } finally {
      if (started != null) {
        started.close();
      }
    }
  }

  private static List<String> words(String[] args) {
    return Arrays.stream(args).filter(a -> a != null && !a.isBlank() && !a.equals("run")).toList();
  }
}
