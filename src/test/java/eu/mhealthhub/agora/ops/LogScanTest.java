package eu.mhealthhub.agora.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.demo.DemoContent;
import eu.mhealthhub.agora.support.SlowTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Reads what every test of this build wrote (Surefire's and Failsafe's {@code *-output.txt}: the logs
 * of hundreds of Agora instances signing people in, posting, mailing, exporting and erasing) and
 * looks for what must never be logged. Runs in Failsafe, after the fast suite has written its files.
 */
@SlowTest
@DisplayName("The logs of the test run")
class LogScanTest {

  private static final List<Pattern> SECRETS = List.of(
      Pattern.compile("agora_session=|__Host-agora="),
      Pattern.compile("_csrf="),
      Pattern.compile("(?i)authorization: ?bearer"),
      Pattern.compile("[?&](t|token|code|state)=[A-Za-z0-9_.~%-]{12,}"),
      Pattern.compile("(?i)set-cookie|cookie:"));

  @Test
  @DisplayName("hold none of the demo members' e-mail addresses, no session cookie, CSRF token, bearer token or signed link")
  void noSecrets() throws IOException {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("target/surefire-reports", "target/failsafe-reports")) {
      Path d = Path.of(dir);
      if (Files.isDirectory(d)) {
        try (Stream<Path> s = Files.list(d)) {
          s.filter(p -> p.getFileName().toString().endsWith("-output.txt")).forEach(files::add);
        }
      }
    }
    Assumptions.assumeTrue(files.size() >= 10, "runs after the test suite has written its logs (mvn verify)");
    List<String> emails = DemoContent.devIdentities().stream().map(p -> p.email()).toList();
    assertTrue(emails.size() >= 5, "the demo members' addresses: " + emails);
    List<String> found = new ArrayList<>();
    long lines = 0;
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        lines++;
        for (String email : emails) {
          if (line.contains(email)) {
            found.add(f.getFileName() + ": " + line);
          }
        }
        for (Pattern p : SECRETS) {
          if (p.matcher(line).find()) {
            found.add(f.getFileName() + ": " + line);
          }
        }
      }
    }
    assertTrue(lines > 100, "the run's logs: " + lines + " lines in " + files.size() + " files");
    assertEquals(List.of(), found.stream().limit(20).toList(), found.size() + " log lines give away personal data or secrets");
  }
}
