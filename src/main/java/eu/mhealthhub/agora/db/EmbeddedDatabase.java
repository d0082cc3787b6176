package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from the binaries on the class path, keeping its files in a
 * directory that survives restarts. Used when no database is configured, so that one command runs
 * Agora on a machine with nothing but a JDK. Blocking: call it before deploying verticles.
 *
 * <p>It keeps real data, so it runs as a production server would: {@code fsync},
 * {@code synchronous_commit} and {@code full_page_writes} on (zonky starts its servers with
 * {@code -F}, fsync off, as suits throwaway test databases), and password authentication
 * (SCRAM-SHA-256) on loopback only, never {@code trust}. The superuser's password is generated at
 * the first start and kept beside the cluster in {@code <directory>.password} (mode 0600). A
 * cluster created by an earlier version with {@code trust} is moved to passwords at its next start.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

  /** First line of the pg_hba.conf this class writes; its absence means the cluster still trusts. */
  static final String HBA_MARKER = "# Agora: password (SCRAM-SHA-256) authentication on loopback only.";
  private static final String HBA = HBA_MARKER + """

      # Written by Agora at start; edits are replaced. TYPE DATABASE USER ADDRESS METHOD
      local   all   all                  scram-sha-256
      host    all   all   127.0.0.1/32   scram-sha-256
      host    all   all   ::1/128        scram-sha-256
      """;
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private final EmbeddedPostgres postgres;
  private final String password;

  private EmbeddedDatabase(EmbeddedPostgres postgres, String password) {
    this.postgres = postgres;
    this.password = password;
  }

  /** Where the password of the cluster in {@code directory} is kept. */
  public static Path passwordFile(Path directory) {
    Path absolute = directory.toAbsolutePath();
    return absolute.resolveSibling(absolute.getFileName() + ".password");
  }

  /**
   * Starts PostgreSQL on a free loopback port; creates the cluster only when the directory is new.
   * Fails with a message naming the directory when the server does not start, or when a cluster that
   * requires passwords has lost its password file.
   */
  public static EmbeddedDatabase start(Path directory) {
    return start(directory, eu.mhealthhub.agora.AppConfig.EmbeddedPostgresSettings.SMALL);
  }

  /** Starts PostgreSQL as {@link #start(Path)} does, with these memory settings. */
  public static EmbeddedDatabase start(Path directory, eu.mhealthhub.agora.AppConfig.EmbeddedPostgresSettings memory) {
    Path dir = directory.toAbsolutePath();
    Path passwordFile = passwordFile(dir);
    try {
      Files.createDirectories(dir);
      boolean kept = Files.exists(passwordFile);
      if (!kept && hbaIsOurs(dir)) {
        throw new IllegalStateException("embedded PostgreSQL in " + dir + " needs its password, kept in " + passwordFile
            + ", which is missing: restore it, or delete " + dir + " to start with an empty database");
      }
      String password = kept ? readPassword(passwordFile) : createPassword(passwordFile);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(dir)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(true)
          .setServerConfig("listen_addresses", "127.0.0.1")
          // Sized for a small server (issue 18 point 4; AGORA_DB_SHARED_BUFFERS, AGORA_DB_WORK_MEM,
          // AGORA_DB_MAX_CONNECTIONS). Shared buffers are touched as pages are read: a small forum stays below
          // 64 MB; search over 100,000 posts (about 160 MB of rows with their vectors) wants 256MB.
          .setServerConfig("max_connections", Integer.toString(memory.maxConnections()))
          .setServerConfig("shared_buffers", memory.sharedBuffers())
          .setServerConfig("work_mem", memory.workMem())
          .setServerConfig("maintenance_work_mem", "32MB")
          // Agora's queries are short: JIT compilation would load LLVM into a backend (tens of MB) to save nothing
          .setServerConfig("jit", "off")
          // zonky adds -F (fsync off) to the server's options; these come after it and win
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          .setServerConfig("full_page_writes", "on")
          .setServerConfig("password_encryption", "scram-sha-256")
          // initdb options (zonky passes them after its own "-A trust", so they win): a new
          // cluster is created with the password and SCRAM from the start, never trusting anyone
          .setLocaleConfig("auth", "scram-sha-256")
          .setLocaleConfig("pwfile", passwordFile.toString())
          .setConnectConfig("password", password)
          .start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, password);
      try {
        if (!hbaIsOurs(dir)) {
          db.requirePasswords(dir);
        }
      } catch (IOException | SQLException | RuntimeException e) {
        db.close();
        throw new IllegalStateException("embedded PostgreSQL in " + dir + " could not be switched to password "
            + "authentication: " + e.getMessage(), e);
      }
      return db;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Gives the superuser the kept password and replaces pg_hba.conf with password-only rules, then
   * reloads. A new cluster already has both from initdb; a cluster from an earlier version of Agora,
   * created with trust, gets them here.
   */
  private void requirePasswords(Path dir) throws IOException, SQLException {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      // the password is base64url: no quote can end the literal
      st.execute("ALTER ROLE postgres PASSWORD '" + password + "'");
      writeOwnerOnly(dir.resolve("pg_hba.conf"), HBA);
      st.execute("SELECT pg_reload_conf()");
    }
    LOG.info("embedded PostgreSQL in {}: password authentication (SCRAM-SHA-256) required from now on", dir);
  }

  private static boolean hbaIsOurs(Path dir) throws IOException {
    Path hba = dir.resolve("pg_hba.conf");
    return Files.exists(hba) && Files.readString(hba, StandardCharsets.UTF_8).startsWith(HBA_MARKER);
  }

  private static String createPassword(Path file) throws IOException {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    writeOwnerOnly(file, password + "\n");
    return password;
  }

  private static String readPassword(Path file) throws IOException {
    if (posix()) {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        LOG.warn("{} was readable by others; it is now readable by its owner only", file);
      }
    }
    String password = Files.readString(file, StandardCharsets.UTF_8).strip();
    if (password.isEmpty() || !password.matches("[A-Za-z0-9_-]+")) {
      throw new IllegalStateException(file + " does not hold a password Agora wrote; restore it, or delete it and "
          + file.resolveSibling(file.getFileName().toString().replaceFirst("\\.password$", "")) + " to start afresh");
    }
    return password;
  }

  /** Writes a file readable by its owner only, replacing it in one step so no reader sees half of it. */
  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (posix()) {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    }
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /**
   * The settings of the embedded cluster in {@code directory} while a running Agora holds it open
   * (its {@code postmaster.pid} names a live process and the port), or empty when none runs. Lets the
   * backup command read the database of a running Agora instead of starting a second server on it.
   */
  public static java.util.Optional<DatabaseSettings> running(Path directory) {
    Path dir = directory.toAbsolutePath();
    Path pid = dir.resolve("postmaster.pid");
    Path passwordFile = passwordFile(dir);
    try {
      if (!Files.exists(pid) || !Files.exists(passwordFile)) {
        return java.util.Optional.empty();
      }
      java.util.List<String> lines = Files.readAllLines(pid, StandardCharsets.UTF_8);
      // postmaster.pid: process id, data directory, start time, port, socket directory, listen address, ...
      if (lines.size() < 4 || !lines.get(0).strip().matches("\\d+") || !lines.get(3).strip().matches("\\d+")) {
        return java.util.Optional.empty();
      }
      boolean alive = ProcessHandle.of(Long.parseLong(lines.get(0).strip())).map(ProcessHandle::isAlive).orElse(false);
      if (!alive) {
        return java.util.Optional.empty();
      }
      return java.util.Optional.of(new DatabaseSettings("127.0.0.1", Integer.parseInt(lines.get(3).strip()),
          "postgres", "postgres", readPassword(passwordFile)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + pid + ": " + e.getMessage(), e);
    }
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings("127.0.0.1", postgres.getPort(), "postgres", "postgres", password);
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
