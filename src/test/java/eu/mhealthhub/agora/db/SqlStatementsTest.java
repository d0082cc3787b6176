package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every SQL statement the application keeps as a constant is parsed, planned for types and named
 * columns by the real PostgreSQL after all migrations: a typo, a dropped column or a migration that
 * forgot a table fails here, at once, instead of on the first request that runs it.
 */
class SqlStatementsTest {

  private static final Pattern SQL = Pattern.compile("(?is)\\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\\b.*");
  private static final Pattern TEMPLATE_PARAMETER = Pattern.compile("#\\{([A-Za-z0-9_]+)}");

  @Test
  @DisplayName("every SQL constant of every class prepares against the migrated database")
  void everyStatementPrepares() throws Exception {
    TestApp.shared(); // migrations applied
    Map<String, String> statements = statements();
    assertTrue(statements.size() > 150, "found only " + statements.size() + " statements: is the scan looking in the right place?");
    DatabaseSettings s = TestDatabase.settings();
    List<String> failures = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
      int n = 0;
      for (Map.Entry<String, String> e : statements.entrySet()) {
        String name = "agora_check_" + n++;
        try {
          st.execute("PREPARE " + name + " AS " + positional(e.getValue()));
          st.execute("DEALLOCATE " + name);
        } catch (SQLException x) {
          if (e.getKey().endsWith("_COLUMNS") && "42P18".equals(x.getSQLState())) {
            continue; // a select-list fragment: its parameters get their types in the statements built from it
          }
          failures.add(e.getKey() + ": " + x.getMessage().lines().findFirst().orElse(""));
        }
      }
    }
    assertTrue(failures.isEmpty(), failures.size() + " statements do not prepare:\n" + String.join("\n", failures));
  }

  /** SqlTemplate's {@code #{name}} parameters as PostgreSQL's {@code $n}, one number per name. */
  static String positional(String sql) {
    Map<String, Integer> numbers = new LinkedHashMap<>();
    Matcher m = TEMPLATE_PARAMETER.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int number = numbers.computeIfAbsent(m.group(1), k -> numbers.size() + 1);
      m.appendReplacement(out, "\\$" + number);
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Class.field → SQL, for every static final String of the application that reads as a statement. */
  private static Map<String, String> statements() throws IOException, URISyntaxException {
    Path classes = Path.of(eu.mhealthhub.agora.app.Agora.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Map<String, String> found = new LinkedHashMap<>();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(classes)) {
      files = walk.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
    for (Path file : files) {
      String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
      Class<?> type;
      try {
        type = Class.forName(name, true, SqlStatementsTest.class.getClassLoader());
      } catch (ReflectiveOperationException | LinkageError e) {
        continue;
      }
      for (Field f : type.getDeclaredFields()) {
        if (f.getType() == String.class && Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())) {
          try {
            f.setAccessible(true);
            Object value = f.get(null);
            if (value instanceof String sql && SQL.matcher(sql).matches()) {
              found.put(type.getSimpleName() + "." + f.getName(), sql);
            }
          } catch (ReflectiveOperationException | RuntimeException e) {
            // not a constant this test can read
          }
        }
      }
    }
    return found;
  }
}
