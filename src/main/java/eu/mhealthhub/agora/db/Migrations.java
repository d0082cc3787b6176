package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Applies the plain SQL files of the top-level {@code migrations/} folder. Blocking (Flyway uses
 * JDBC): it runs in {@code Main} before any verticle is deployed. Packaged builds carry the same
 * files on the class path under {@code db/migration}.
 */
public final class Migrations {

  private Migrations() {}

  /** Applies every pending migration and returns how many ran. */
  public static int apply(DatabaseSettings db) {
    return apply(db, Optional.empty());
  }

  /** Applies the pending migrations up to {@code target} (a version such as "31"; empty: all) and returns how many ran. */
  public static int apply(DatabaseSettings db, Optional<String> target) {
    Path folder = Path.of("migrations");
    String location = Files.isDirectory(folder)
        ? "filesystem:" + folder.toAbsolutePath()
        : "classpath:db/migration";
    Flyway flyway = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations(location)
        .validateMigrationNaming(true)
        .target(target.map(MigrationVersion::fromVersion).orElse(MigrationVersion.LATEST))
        .load();
    return flyway.migrate().migrationsExecuted;
  }
}
