package eu.mhealthhub.agora.db;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Agora's own backup: every table's rows in one consistent snapshot, in PostgreSQL's COPY text
 * format, with the schema version and the sequences' positions, in one zip file. It needs no
 * {@code pg_dump} (the embedded PostgreSQL ships none, and a client older than the server refuses to
 * dump it) and runs while Agora serves: the snapshot is a {@code REPEATABLE READ READ ONLY}
 * transaction, so writers are never blocked and the file holds the database as of one instant.
 *
 * <p>The schema itself is not in the file: the migrations are. {@link #restore} migrates an empty
 * database to the backup's version, loads the rows with triggers off (they were already applied when
 * the rows were first written: a trigger that stamps or refuses would change or refuse history), moves
 * every sequence to where it was, and leaves the rest of the migrations to Agora's next start, so a
 * backup made by an older version restores into a newer one. Attachments are rows too, so the file
 * is the whole instance.
 *
 * <p>Blocking (JDBC): a command-line tool, never called on an event loop.
 */
public final class Backup {

  /** What the first line of a manifest says, so that another zip is refused as such. */
  static final String FORMAT = "agora-backup";
  static final int FORMAT_VERSION = 1;
  private static final String MANIFEST = "manifest.json";
  private static final String HISTORY = "flyway_schema_history";

  private Backup() {}

  /** What a backup holds, as its manifest says. */
  public record Summary(String schemaVersion, Instant takenAt, Map<String, Long> rows) {
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** A backup file that cannot be restored, or a database it cannot be restored into: the message says which. */
  public static final class BackupException extends RuntimeException {
    public BackupException(String message) {
      super(message);
    }

    public BackupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Writes a backup of {@code db} to {@code file} (replaced only once the new one is complete).
   * Returns what it holds.
   */
  public static Summary write(DatabaseSettings db, Path file) {
    Path tmp = file.toAbsolutePath().resolveSibling(file.getFileName() + ".part");
    try (Connection c = connect(db)) {
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      }
      String version = schemaVersion(c).orElseThrow(() ->
          new BackupException("the database " + db.name() + " has no Agora schema: nothing to back up"));
      List<Table> tables = tables(c);
      Map<String, Long> sequences = sequences(c);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      Map<String, Long> rows = new LinkedHashMap<>();
      JsonArray tableEntries = new JsonArray();
      Files.createDirectories(tmp.getParent());
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
        for (Table t : tables) {
          zip.putNextEntry(new ZipEntry("tables/" + t.name() + ".copy"));
          MessageDigest sha = sha256();
          long count = copy.copyOut("COPY " + quote(t.name()) + " (" + t.columnList() + ") TO STDOUT",
              new DigestOutputStream(new Unclosable(zip), sha));
          zip.closeEntry();
          rows.put(t.name(), count);
          tableEntries.add(new JsonObject().put("name", t.name()).put("columns", new JsonArray(t.columns()))
              .put("rows", count).put("sha256", HexFormat.of().formatHex(sha.digest())));
        }
        JsonObject manifest = new JsonObject()
            .put("format", FORMAT).put("formatVersion", FORMAT_VERSION)
            .put("schemaVersion", version).put("takenAt", Instant.now().toString())
            .put("tables", tableEntries).put("sequences", new JsonObject(new LinkedHashMap<>(sequences)));
        zip.putNextEntry(new ZipEntry(MANIFEST));
        zip.write(manifest.encodePrettily().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
      c.commit();
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Summary(version, Instant.now(), rows);
    } catch (SQLException e) {
      throw new BackupException("backup of " + db.name() + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackupException("backup could not be written to " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the temporary file is beside the target and says what it is
      }
    }
  }

  /** Reads and checks a backup's manifest and every table's checksum without touching any database. */
  public static Summary verify(Path file) {
    try (ZipFile zip = open(file)) {
      JsonObject manifest = manifest(zip, file);
      Map<String, Long> rows = new LinkedHashMap<>();
      for (Object o : manifest.getJsonArray("tables")) {
        JsonObject t = (JsonObject) o;
        ZipEntry entry = entry(zip, file, t.getString("name"));
        MessageDigest sha = sha256();
        try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        if (!HexFormat.of().formatHex(sha.digest()).equals(t.getString("sha256"))) {
          throw new BackupException(file + " is damaged: the rows of " + t.getString("name")
              + " do not match their checksum");
        }
        rows.put(t.getString("name"), t.getLong("rows"));
      }
      return new Summary(manifest.getString("schemaVersion"), Instant.parse(manifest.getString("takenAt")), rows);
    } catch (IOException e) {
      throw new BackupException(file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Restores {@code file} into {@code db}, which must hold no Agora data (a new database, or one
   * whose tables are all empty). The file is checked completely first; the rows are loaded in one
   * transaction, so a failure leaves no row behind. The connecting role must be allowed to set
   * {@code session_replication_role} (a superuser, or granted {@code SET} on it from PostgreSQL 15).
   */
  public static Summary restore(DatabaseSettings db, Path file) {
    Summary summary = verify(file);
    try (Connection c = connect(db)) {
      Optional<String> present = schemaVersion(c);
      if (present.isPresent()) {
        if (Integer.parseInt(present.get()) > Integer.parseInt(summary.schemaVersion())) {
          throw new BackupException("the database " + db.name() + " is at schema version " + present.get()
              + ", newer than the backup's " + summary.schemaVersion() + ": restore into a new, empty database");
        }
        for (Table t : tables(c)) {
          if (hasRows(c, t.name())) {
            throw new BackupException("the database " + db.name() + " already holds data (table " + t.name()
                + "): restore into a new, empty database");
          }
        }
      }
    } catch (SQLException e) {
      throw new BackupException("cannot read the database " + db.name() + ": " + e.getMessage(), e);
    }
    Migrations.apply(db, Optional.of(summary.schemaVersion()));
    try (ZipFile zip = open(file); Connection c = connect(db)) {
      JsonObject manifest = manifest(zip, file);
      c.setAutoCommit(false);
      try (Statement st = c.createStatement()) {
        // rows come back as they were: no trigger stamps, refuses or cascades them again, no foreign key
        // is checked row by row (the snapshot was consistent)
        st.execute("SET LOCAL session_replication_role = replica");
      }
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (Object o : manifest.getJsonArray("tables")) {
        JsonObject t = (JsonObject) o;
        String name = t.getString("name");
        List<String> columns = t.getJsonArray("columns").stream().map(String.class::cast).toList();
        try (InputStream in = new BufferedInputStream(zip.getInputStream(entry(zip, file, name)))) {
          long loaded = copy.copyIn("COPY " + quote(name) + " (" + columnList(columns) + ") FROM STDIN", in);
          if (loaded != t.getLong("rows")) {
            throw new BackupException(file + " is damaged: " + name + " loaded " + loaded + " rows of "
                + t.getLong("rows"));
          }
        }
      }
      JsonObject sequences = manifest.getJsonObject("sequences");
      try (PreparedStatement st = c.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
        for (String name : sequences.fieldNames()) {
          st.setString(1, quote(name));
          st.setLong(2, sequences.getLong(name));
          st.execute();
        }
      }
      c.commit();
      return summary;
    } catch (SQLException e) {
      throw new BackupException("restore into " + db.name() + " failed, nothing was loaded: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BackupException(file + " cannot be read: " + e.getMessage(), e);
    }
  }

  private record Table(String name, List<String> columns) {
    String columnList() {
      return Backup.columnList(columns);
    }
  }

  private static Connection connect(DatabaseSettings db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  /** The last migration applied, or empty when the database has no Agora schema. */
  private static Optional<String> schemaVersion(Connection c) throws SQLException {
    try (PreparedStatement st = c.prepareStatement("SELECT to_regclass('" + HISTORY + "') IS NOT NULL");
         ResultSet rs = st.executeQuery()) {
      rs.next();
      if (!rs.getBoolean(1)) {
        return Optional.empty();
      }
    }
    try (PreparedStatement st = c.prepareStatement("SELECT version FROM " + HISTORY
        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
         ResultSet rs = st.executeQuery()) {
      return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
    }
  }

  /** The schema's tables (not Flyway's), each with its columns that are not generated, in a fixed order. */
  private static List<Table> tables(Connection c) throws SQLException {
    String sql = """
        SELECT c.relname, array_agg(a.attname::text ORDER BY a.attnum)
          FROM pg_class c
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
         WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition AND c.relname <> ?
         GROUP BY c.relname
         ORDER BY c.relname""";
    List<Table> tables = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setString(1, HISTORY);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          tables.add(new Table(rs.getString(1), List.of((String[]) rs.getArray(2).getArray())));
        }
      }
    }
    return tables;
  }

  private static Map<String, Long> sequences(Connection c) throws SQLException {
    Map<String, Long> sequences = new LinkedHashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT sequencename, last_value FROM pg_sequences"
        + " WHERE schemaname = current_schema() AND last_value IS NOT NULL ORDER BY sequencename");
         ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        sequences.put(rs.getString(1), rs.getLong(2));
      }
    }
    return sequences;
  }

  private static boolean hasRows(Connection c, String table) throws SQLException {
    try (Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + quote(table) + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static ZipFile open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new BackupException(file + " does not exist");
    }
    try {
      return new ZipFile(file.toFile());
    } catch (java.util.zip.ZipException e) {
      throw new BackupException(file + " is not an Agora backup (not a zip file)", e);
    }
  }

  private static JsonObject manifest(ZipFile zip, Path file) throws IOException {
    ZipEntry entry = zip.getEntry(MANIFEST);
    if (entry == null) {
      throw new BackupException(file + " is not an Agora backup (no " + MANIFEST + "), or it was cut short");
    }
    JsonObject manifest;
    try (InputStream in = zip.getInputStream(entry)) {
      manifest = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw new BackupException(file + " has a manifest that is not JSON", e);
    }
    if (!FORMAT.equals(manifest.getString("format"))) {
      throw new BackupException(file + " is not an Agora backup");
    }
    if (manifest.getInteger("formatVersion", 0) > FORMAT_VERSION) {
      throw new BackupException(file + " was written by a newer Agora (backup format "
          + manifest.getInteger("formatVersion") + "): restore it with that version");
    }
    String version = manifest.getString("schemaVersion");
    if (version == null || !version.matches("\\d{1,6}")) {
      throw new BackupException(file + " names no schema version");
    }
    return manifest;
  }

  private static ZipEntry entry(ZipFile zip, Path file, String table) {
    if (!table.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new BackupException(file + " names a table Agora does not have: " + table);
    }
    ZipEntry entry = zip.getEntry("tables/" + table + ".copy");
    if (entry == null) {
      throw new BackupException(file + " is damaged: the rows of " + table + " are missing");
    }
    return entry;
  }

  private static String columnList(List<String> columns) {
    return String.join(", ", columns.stream().map(Backup::quote).toList());
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lets COPY close what it wrote to without closing the zip around it. */
  private static final class Unclosable extends FilterOutputStream {
    Unclosable(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
