package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.db.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A new, migrated database in the shared test PostgreSQL, for tests that must own a table the apps
 * on the shared database also use: the outbox tests, whose rows the shared app's mail worker would
 * otherwise send too.
 */
public final class FreshDatabase {

  private static final AtomicInteger NUMBER = new AtomicInteger();

  private FreshDatabase() {}

  /** Creates and migrates a database with a new name; returns its settings. */
  public static DatabaseSettings create(String purpose) {
    DatabaseSettings shared = TestDatabase.settings();
    String name = "agora_" + purpose + "_" + ProcessHandle.current().pid() + "_" + NUMBER.incrementAndGet();
    try (Connection c = DriverManager.getConnection(shared.jdbcUrl(), shared.user(), shared.password());
         Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    DatabaseSettings fresh = new DatabaseSettings(shared.host(), shared.port(), name, shared.user(), shared.password());
    Migrations.apply(fresh);
    return fresh;
  }

  /** The URL form of the settings, for AGORA_DATABASE_URL. */
  public static String url(DatabaseSettings s) {
    return "postgresql://" + s.user() + "@" + s.host() + ":" + s.port() + "/" + s.name();
  }

  /** The first column of the first row, as a long, in that database. */
  public static long count(DatabaseSettings s, String sql, Object... params) {
    return first(s, sql, params, rs -> rs.getLong(1));
  }

  /** The first column of the first row, as text, in that database. */
  public static String text(DatabaseSettings s, String sql, Object... params) {
    return first(s, sql, params, rs -> rs.getString(1));
  }

  private interface Column<T> {
    T read(java.sql.ResultSet rs) throws SQLException;
  }

  private static <T> T first(DatabaseSettings s, String sql, Object[] params, Column<T> column) {
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
         java.sql.PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (java.sql.ResultSet rs = st.executeQuery()) {
        rs.next();
        return column.read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  public static int update(DatabaseSettings s, String sql, Object... params) {
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
         java.sql.PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      return st.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }
}
