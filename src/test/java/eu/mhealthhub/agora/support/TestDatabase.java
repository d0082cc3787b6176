package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One real PostgreSQL for the whole test run, shared by every app the tests start. Tests make the
 * rows they need and count rows through plain JDBC, never through the code under test.
 */
public final class TestDatabase {

  private static EmbeddedPostgres postgres;

  private TestDatabase() {}

  public static synchronized DatabaseSettings settings() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder()
            .setDataDirectory(Files.createTempDirectory("agora-test-pg"))
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new DatabaseSettings("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
  }

  public static String url() {
    DatabaseSettings s = settings();
    return "postgresql://" + s.user() + "@" + s.host() + ":" + s.port() + "/" + s.name();
  }

  /** The first column of the first row of a query, as a long. */
  public static long count(String sql, Object... params) {
    try (Connection c = connection(); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** The first column of the first row as text, or null. */
  public static String text(String sql, Object... params) {
    try (Connection c = connection(); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static int update(String sql, Object... params) {
    try (Connection c = connection(); PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static Connection connection() throws SQLException {
    DatabaseSettings s = settings();
    return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
  }
}
