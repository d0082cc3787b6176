package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;

/**
 * Applies the plain SQL files of the top-level {@code migrations/} folder. Blocking (Flyway uses
 * JDBC): it runs in {@code Main} before any verticle is deployed. Packaged builds carry the same
 * files on the class path under {@code db/migration}.
 */
public final class Migrations {

  private Migrations() {}

  /** Applies every pending migration and returns how many ran. */
  public static int apply(DatabaseSettings db) {
    Path folder = Path.of("migrations");
    String location = Files.isDirectory(folder)
        ? "filesystem:" + folder.toAbsolutePath()
        : "classpath:db/migration";
    Flyway flyway = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations(location)
        .validateMigrationNaming(true)
        .load();
    return flyway.migrate().migrationsExecuted;
  }
}
