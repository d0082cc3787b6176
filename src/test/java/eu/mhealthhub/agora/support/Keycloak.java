package eu.mhealthhub.agora.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak on loopback: the server distribution Maven unpacked into {@code target/keycloak}
 * ({@code keycloak.home}), run in {@code start-dev} mode on a Java 21+ JDK ({@code keycloak.java.home},
 * else the first one found in {@code /usr/lib/jvm}) with one realm imported at start. Its start is
 * bounded ({@code keycloak.startSeconds}, 240 by default); {@link #close()} stops it.
 *
 * <p>Tests call {@link #find()} first and skip, saying why, when the distribution or a JDK 21+ is
 * missing.
 */
public final class Keycloak implements AutoCloseable {

  public static final String ADMIN = "admin";
  public static final String ADMIN_PASSWORD = "admin-" + Long.toHexString(System.nanoTime());

  /** Where Keycloak is and the JDK it runs on. */
  public record Installation(Path home, Path javaHome) {}

  private final Process process;
  private final int port;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Keycloak(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The installation to use, or why there is none (a message for the skipped test). */
  public static Installation find() throws MissingKeycloak {
    String home = System.getProperty("keycloak.home");
    if (home == null || !Files.isExecutable(Path.of(home, "bin", "kc.sh"))) {
      throw new MissingKeycloak("Keycloak's distribution is not unpacked (keycloak.home=" + home
          + "); run the test through `mvn verify`, which unpacks org.keycloak:keycloak-quarkus-dist into target/keycloak");
    }
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(System.getProperty("keycloak.java.home")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
    Optional.ofNullable(System.getenv("JAVA_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
    candidates.add(Path.of(System.getProperty("java.home")));
    Path jvms = Path.of("/usr/lib/jvm");
    if (Files.isDirectory(jvms)) {
      try (Stream<Path> dirs = Files.list(jvms)) {
        dirs.sorted(Comparator.reverseOrder()).forEach(candidates::add);
      } catch (IOException e) {
        // nothing more to look at
      }
    }
    for (Path candidate : candidates) {
      if (javaVersion(candidate) >= 21 && Files.isExecutable(candidate.resolve("bin/java"))) {
        return new Installation(Path.of(home), candidate);
      }
    }
    throw new MissingKeycloak("Keycloak needs Java 21 or newer and none was found (looked at " + candidates
        + "); install one (e.g. Temurin 21+) or name it with -Dkeycloak.java.home=/path/to/jdk");
  }

  /** The feature version of the JDK at {@code home}, from its {@code release} file; 0 when unknown. */
  static int javaVersion(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          String feature = v.startsWith("1.") ? v.substring(2) : v;
          return Integer.parseInt(feature.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return 0;
    }
    return 0;
  }

  /**
   * Starts Keycloak with a fresh database and this realm imported, on a free loopback port, and
   * waits until the realm answers; fails with the end of Keycloak's log when it does not in time.
   */
  public static Keycloak start(Installation installation, JsonObject realm) {
    Path home = installation.home();
    try {
      deleteRecursively(home.resolve("data"));
      Path imports = Files.createDirectories(home.resolve("data/import"));
      Files.writeString(imports.resolve(realm.getString("realm") + "-realm.json"), realm.encodePrettily());
      int port = TestApp.freePort();
      int management = TestApp.freePort();
      Path log = home.resolve("keycloak-" + port + ".log");
      ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev", "--import-realm",
          "--http-host=127.0.0.1", "--http-port=" + port, "--http-management-port=" + management)
          .directory(home.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().put("JAVA_HOME", installation.javaHome().toString());
      builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN);
      builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
      // the client compiler alone starts Keycloak sooner on two cores, and tests need little peak speed
      builder.environment().put("JAVA_OPTS_APPEND", "-XX:TieredStopAtLevel=1");
      long started = System.nanoTime();
      Keycloak keycloak = new Keycloak(builder.start(), port, log);
      Runtime.getRuntime().addShutdownHook(new Thread(keycloak::close));
      keycloak.awaitRealm(realm.getString("realm"), Duration.ofSeconds(Long.getLong("keycloak.startSeconds", 240)));
      System.out.printf("Keycloak started in %.1f s on port %d%n", (System.nanoTime() - started) / 1e9, port);
      return keycloak;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitRealm(String realm, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer(realm) + "/.well-known/openid-configuration"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(500);
    }
    close();
    throw new IllegalStateException("Keycloak did not answer within " + limit.toSeconds() + " s:\n" + logTail());
  }

  public int port() {
    return port;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public String issuer(String realm) {
    return url() + "/realms/" + realm;
  }

  /** The last lines Keycloak logged, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** A call to the admin REST API ({@code /admin/realms/...}) with a fresh admin token; the status and JSON body. */
  public record AdminAnswer(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray array() {
      return new JsonArray(body);
    }
  }

  public AdminAnswer admin(String method, String path, Object json) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + "/admin/realms" + path))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + adminToken())
        .header("Accept", "application/json");
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json.toString()));
    }
    HttpResponse<String> r = send(request.build());
    if (r.statusCode() >= 400) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new AdminAnswer(r.statusCode(), r.body());
  }

  private String adminToken() {
    String form = "grant_type=password&client_id=admin-cli&username=" + ADMIN + "&password="
        + URLEncoder.encode(ADMIN_PASSWORD, StandardCharsets.UTF_8);
    HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(url() + "/realms/master/protocol/openid-connect/token"))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("no admin token: " + r.statusCode() + " " + r.body());
    }
    return new JsonObject(r.body()).getString("access_token");
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops Keycloak (and the build step kc.sh may have started), waiting up to 30 s before killing it. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Why Keycloak cannot run here: the test is skipped with this message. */
  public static final class MissingKeycloak extends Exception {
    public MissingKeycloak(String message) {
      super(message);
    }
  }
}
