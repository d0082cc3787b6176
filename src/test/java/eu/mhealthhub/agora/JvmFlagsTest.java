package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 18 point 4: the one-command run, the Dockerfile and the jib image start the same small-server JVM. */
class JvmFlagsTest {

  /** The flags README's "Memory and start" documents. */
  static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx256m", "-Xmn32m", "-XX:MinHeapFreeRatio=10",
      "-XX:MaxHeapFreeRatio=30", "-Xss512k", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m");

  private static List<String> options(List<String> args) {
    return args.stream().filter(a -> a.startsWith("-X")).toList();
  }

  private static List<String> all(Pattern p, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  @Test
  @DisplayName("mvn exec:exec, the Dockerfile's entrypoint and the jib image's entrypoint pass the documented JVM flags, in order")
  void sameFlagsEverywhere() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    String exec = pom.substring(pom.indexOf("<artifactId>exec-maven-plugin</artifactId>"));
    exec = exec.substring(exec.indexOf("<arguments>"), exec.indexOf("</arguments>"));
    assertThat(options(all(Pattern.compile("<argument>([^<]*)</argument>"), exec))).as("exec:exec").isEqualTo(FLAGS);

    String entrypoint = pom.substring(pom.indexOf("<entrypoint>"), pom.indexOf("</entrypoint>"));
    assertThat(options(all(Pattern.compile("<arg>([^<]*)</arg>"), entrypoint))).as("jib").isEqualTo(FLAGS);

    String docker = Files.readString(Path.of("docker", "Dockerfile"));
    String line = docker.lines().filter(l -> l.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    assertThat(options(all(Pattern.compile("\"([^\"]*)\""), line))).as("Dockerfile").isEqualTo(FLAGS);

    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme).as("README documents them").contains(String.join(" ", FLAGS));
  }
}
