package eu.mhealthhub.agora.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Migrations are written expand-then-contract so that during a rolling update a node still running
 * the previous release works against the new schema (README, "Rolling updates"). A statement that
 * would break the previous release's SQL (a dropped or renamed table or column, a changed type, a
 * new NOT NULL without a default) belongs to a contract step, made a release after the code stopped
 * using the old shape, and must say so in a {@code -- contract:} comment naming that release. The
 * migrations up to V031 came before this rule and were applied with every node stopped.
 */
@DisplayName("Migrations for rolling updates")
class RollingMigrationsTest {

  /** The last migration written before the rule. */
  private static final int GRANDFATHERED = 31;

  private static final Pattern VERSION = Pattern.compile("V(\\d+)__[a-z0-9_]+\\.sql");
  private static final List<Pattern> CONTRACTING = List.of(
      Pattern.compile("\\bDROP\\s+(TABLE|COLUMN)\\b"),
      Pattern.compile("\\bRENAME\\b"),
      Pattern.compile("\\bALTER\\s+COLUMN\\s+\\S+\\s+(SET\\s+DATA\\s+)?TYPE\\b"),
      Pattern.compile("\\bSET\\s+NOT\\s+NULL\\b"),
      Pattern.compile("\\bADD\\s+COLUMN\\s+(IF\\s+NOT\\s+EXISTS\\s+)?\\S+\\s+[^,;]*\\bNOT\\s+NULL\\b(?![^,;]*\\bDEFAULT\\b)"));

  @Test
  @DisplayName("a migration after V031 that drops, renames, retypes or adds NOT NULL without a default says which release's code no longer needs the old shape")
  void contractStepsAreMarked() throws IOException {
    List<String> unmarked = new ArrayList<>();
    int checked = 0;
    try (Stream<Path> files = Files.list(Path.of("migrations"))) {
      for (Path file : files.sorted().toList()) {
        Matcher m = VERSION.matcher(file.getFileName().toString());
        assertTrue(m.matches(), "migration file name: " + file.getFileName());
        if (Integer.parseInt(m.group(1)) <= GRANDFATHERED) {
          continue;
        }
        checked++;
        String sql = Files.readString(file);
        boolean marked = sql.lines().anyMatch(l -> l.strip().toLowerCase(Locale.ROOT).startsWith("-- contract:"));
        String code = withoutComments(sql).toUpperCase(Locale.ROOT);
        for (Pattern p : CONTRACTING) {
          Matcher found = p.matcher(code);
          if (found.find() && !marked) {
            unmarked.add(file.getFileName() + ": " + found.group());
          }
        }
      }
    }
    assertEquals(List.of(), unmarked, "contract statements without a '-- contract:' note (" + checked + " migrations checked)");
  }

  @Test
  @DisplayName("the rule finds what it looks for")
  void ruleFindsContractingStatements() {
    List<String> breaking = List.of("ALTER TABLE posts DROP COLUMN body_html;", "ALTER TABLE posts RENAME COLUMN a TO b;",
        "ALTER TABLE posts ALTER COLUMN lang TYPE varchar(8);", "ALTER TABLE posts ALTER COLUMN lang SET NOT NULL;",
        "ALTER TABLE posts ADD COLUMN lang text NOT NULL;", "DROP TABLE old_things;");
    List<String> expanding = List.of("ALTER TABLE posts ADD COLUMN lang text;",
        "ALTER TABLE posts ADD COLUMN lang text NOT NULL DEFAULT 'en';", "CREATE TABLE t (id bigint NOT NULL);",
        "CREATE INDEX CONCURRENTLY posts_lang_idx ON posts (lang);");
    for (String s : breaking) {
      assertTrue(CONTRACTING.stream().anyMatch(p -> p.matcher(s.toUpperCase(Locale.ROOT)).find()), s);
    }
    for (String s : expanding) {
      assertTrue(CONTRACTING.stream().noneMatch(p -> p.matcher(s.toUpperCase(Locale.ROOT)).find()), s);
    }
  }

  private static String withoutComments(String sql) {
    return sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", "");
  }
}
