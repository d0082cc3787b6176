package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real PostgreSQL server started from the binaries on the class path, keeping its files in a
 * directory that survives restarts. Used when no database is configured, so that one command runs
 * Agora on a machine with nothing but a JDK. Blocking: call it before deploying verticles.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts PostgreSQL on a free loopback port; creates the cluster only when the directory is new. */
  public static EmbeddedDatabase start(Path directory) {
    try {
      Files.createDirectories(directory);
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(directory.toAbsolutePath())
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(true)
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("max_connections", "100")
          .start();
      return new EmbeddedDatabase(pg);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start in " + directory, e);
    }
  }

  public DatabaseSettings settings() {
    return new DatabaseSettings("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
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
