package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docker/compose.yaml and its HAProxy configuration, checked without a Docker daemon: valid YAML, valid
 * against the Compose Specification's JSON Schema (vendored, see src/test/resources/compose/SOURCE.md),
 * and what running it for real needs.
 */
class ComposeFileTest {

  private static final Path COMPOSE = Path.of("docker/compose.yaml");
  private static final Path HAPROXY = Path.of("docker/haproxy/haproxy.cfg");
  private static JsonObject compose;
  private static JsonObject services;

  @BeforeAll
  static void load() throws IOException {
    Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(COMPOSE));
    compose = new JsonObject(yaml);
    services = compose.getJsonObject("services");
  }

  @Test
  @DisplayName("the compose file is valid against the Compose Specification's JSON Schema")
  void validAgainstSchema() throws IOException {
    JsonObject schema;
    try (InputStream in = getClass().getResourceAsStream("/compose/compose-spec.schema.json")) {
      schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    Validator validator = Validator.create(JsonSchema.of(schema),
        new JsonSchemaOptions().setDraft(Draft.DRAFT7).setBaseUri("https://agora.invalid/").setOutputFormat(OutputFormat.Basic));
    OutputUnit result = validator.validate(compose);
    assertThat(result.getValid()).as("schema errors: %s", result.getErrors()).isTrue();
    // and the schema does catch a mistake: a misspelt key in a service
    JsonObject broken = compose.copy();
    broken.getJsonObject("services").getJsonObject("postgres").put("restrat", "always");
    assertThat(validator.validate(broken).getValid()).isFalse();
  }

  @Test
  @DisplayName("every service restarts unless stopped and has a health check")
  void restartAndHealth() {
    assertThat(services.fieldNames()).contains("postgres", "keycloak", "agora1", "agora2", "proxy");
    for (String name : services.fieldNames()) {
      JsonObject service = services.getJsonObject(name);
      assertThat(service.getString("restart")).as("restart of %s", name).isEqualTo("unless-stopped");
      JsonObject health = service.getJsonObject("healthcheck");
      assertThat(health).as("healthcheck of %s", name).isNotNull();
      assertThat(health.getBoolean("disable", false)).isFalse();
      assertThat(health.getJsonArray("test")).as("test of %s", name).isNotEmpty();
      assertThat(health.getJsonArray("test").getString(0)).isIn("CMD", "CMD-SHELL");
      assertThat(health.getString("interval")).isNotBlank();
    }
  }

  @Test
  @DisplayName("the nodes' health check runs Agora's own shell-free probe, which both images carry")
  void nodeProbe() throws ClassNotFoundException {
    for (String node : List.of("agora1", "agora2")) {
      List<Object> test = services.getJsonObject(node).getJsonObject("healthcheck").getJsonArray("test").getList();
      assertThat(test).startsWith("CMD", "java").contains("/app/classes:/app/agora.jar");
      String probe = (String) test.get(test.size() - 1);
      assertThat(Class.forName(probe)).isEqualTo(HealthCheck.class);
    }
  }

  @Test
  @DisplayName("no port is published on every interface unless the operator sets AGORA_PUBLISH_ADDRESS; the nodes publish none")
  void loopbackByDefault() {
    List<String> published = new ArrayList<>();
    for (String name : services.fieldNames()) {
      JsonArray ports = services.getJsonObject(name).getJsonArray("ports", new JsonArray());
      for (Object port : ports) {
        assertThat(port).as("short syntax in %s", name).isInstanceOf(String.class);
        String spec = (String) port;
        assertThat(spec).as("the address is the operator's choice").startsWith("${AGORA_PUBLISH_ADDRESS:-127.0.0.1}:");
        String resolved = interpolate(spec);
        String[] parts = resolved.split(":");
        assertThat(parts).as("%s names a host address", resolved).hasSize(3);
        assertThat(parts[0]).as("%s of %s", resolved, name).isEqualTo("127.0.0.1");
        published.add(name);
      }
    }
    assertThat(published).containsExactlyInAnyOrder("proxy", "keycloak", "prometheus");
  }

  @Test
  @DisplayName("two nodes form one Hazelcast cluster on an internal network of their own, at fixed addresses")
  void cluster() {
    JsonObject networks = compose.getJsonObject("networks");
    assertThat(networks.getJsonObject("cluster").getBoolean("internal")).isTrue();
    assertThat(networks.getJsonObject("db").getBoolean("internal")).isTrue();
    List<String> members = new ArrayList<>();
    for (String node : List.of("agora1", "agora2")) {
      JsonObject service = services.getJsonObject(node);
      JsonObject env = service.getJsonObject("environment");
      String host = env.getString("AGORA_CLUSTER_HOST");
      assertThat(service.getJsonObject("networks").getJsonObject("cluster").getString("ipv4_address")).isEqualTo(host);
      assertThat(env.getString("AGORA_CLUSTER_BUS_PORT")).as("a fixed event bus port").isEqualTo("5801");
      assertThat(env.getString("AGORA_CLUSTER_NAME")).contains("${AGORA_CLUSTER_NAME");
      members.add(host + ":" + env.getString("AGORA_CLUSTER_PORT"));
      assertThat(env.getString("AGORA_DATABASE_URL")).contains("@postgres:5432/");
      assertThat(interpolate(service.getString("image"))).isEqualTo("agora:dev");
      assertThat(service.getJsonObject("build").getString("dockerfile")).isEqualTo("docker/Dockerfile");
      assertThat(service.getJsonObject("depends_on").getJsonObject("postgres").getString("condition"))
          .isEqualTo("service_healthy");
    }
    for (String node : List.of("agora1", "agora2")) {
      assertThat(Arrays.asList(services.getJsonObject(node).getJsonObject("environment")
          .getString("AGORA_CLUSTER_MEMBERS").split(","))).containsExactlyInAnyOrderElementsOf(members);
    }
    assertThat(services.getJsonObject("postgres").getJsonArray("networks").getList()).containsExactly("db");
  }

  @Test
  @DisplayName("data lives in named volumes; the only bind mounts are read-only configuration files")
  void namedVolumes() {
    JsonObject declared = compose.getJsonObject("volumes");
    for (String name : services.fieldNames()) {
      for (Object volume : services.getJsonObject(name).getJsonArray("volumes", new JsonArray())) {
        String[] parts = ((String) volume).split(":");
        if (parts[0].startsWith("./")) {
          assertThat(parts).as("%s of %s", volume, name).hasSize(3);
          assertThat(parts[2]).isEqualTo("ro");
          assertThat(COMPOSE.getParent().resolve(parts[0])).exists();
        } else {
          assertThat(declared.fieldNames()).as("%s of %s", volume, name).contains(parts[0]);
        }
      }
    }
    assertThat(declared.fieldNames()).contains("pgdata");
  }

  @Test
  @DisplayName("HAProxy passes WebSocket upgrades through and keeps each SockJS session, and each page, on one node")
  void proxyConfig() throws IOException {
    JsonObject proxy = services.getJsonObject("proxy");
    assertThat(proxy.getJsonArray("volumes").getList()).contains("./haproxy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro");
    Map<String, List<String>> sections = sections(Files.readAllLines(HAPROXY));
    assertThat(sections.get("defaults")).contains("mode http", "option forwardfor").anyMatch(l -> l.startsWith("timeout tunnel "));
    assertThat(sections.get("frontend agora")).contains("bind :8080", "acl websocket hdr(Upgrade) -i websocket",
        "acl bridge path_beg /eventbus/", "use_backend bridge if bridge || websocket", "default_backend pages");
    // SockJS URLs are /eventbus/<server>/<session>/<transport>: hashing three levels deep keeps a session together
    assertThat(sections.get("backend bridge")).contains("balance uri depth 3", "hash-type consistent");
    assertThat(sections.get("backend pages")).contains("cookie AGORA_NODE insert indirect nocache httponly");
    for (String backend : List.of("backend pages", "backend bridge")) {
      assertThat(sections.get(backend)).as(backend).contains("option httpchk GET /health/ready",
          "server agora1 agora1:8080 cookie agora1", "server agora2 agora2:8080 cookie agora2")
          .anyMatch(l -> l.startsWith("default-server check "));
    }
    assertThat(compose.getJsonObject("networks").fieldNames()).contains("edge");
    assertThat(proxy.getJsonObject("networks").getJsonObject("edge").getJsonArray("aliases").getList())
        .as("Keycloak's back-channel logout URL names http://agora:8080").contains("agora");
    assertThat(services.getJsonObject("agora1").getJsonObject("environment").getString("AGORA_TRUSTED_PROXIES"))
        .isEqualTo(compose.getJsonObject("networks").getJsonObject("edge").getJsonObject("ipam")
            .getJsonArray("config").getJsonObject(0).getString("subnet"));
  }

  @Test
  @DisplayName("Prometheus scrapes both nodes with the token the nodes require, handed over as a file")
  void prometheus() throws IOException {
    JsonObject prometheus = services.getJsonObject("prometheus");
    assertThat(prometheus).as("a prometheus service").isNotNull();
    assertThat(prometheus.getJsonArray("volumes").getList()).contains("./prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    assertThat(prometheus.getJsonArray("configs").getJsonObject(0).getString("target")).isEqualTo("/etc/prometheus/metrics-token");
    String token = services.getJsonObject("agora1").getJsonObject("environment").getString("AGORA_METRICS_TOKEN");
    assertThat(compose.getJsonObject("configs").getJsonObject("metrics-token").getString("content")).isEqualTo(token);
    String scrape = Files.readString(COMPOSE.resolveSibling("prometheus.yml"));
    assertThat(scrape).contains("credentials_file: /etc/prometheus/metrics-token").contains("agora1:8080").contains("agora2:8080");
  }

  /** The lines of each section ("global", "defaults", "frontend x", "backend y"), trimmed, comments left out. */
  private static Map<String, List<String>> sections(List<String> lines) {
    Map<String, List<String>> sections = new java.util.LinkedHashMap<>();
    List<String> current = null;
    for (String line : lines) {
      String text = line.replaceFirst("\\s*#.*$", "");
      if (text.isBlank()) {
        continue;
      }
      if (!Character.isWhitespace(text.charAt(0))) {
        current = new ArrayList<>();
        sections.put(text.trim(), current);
      } else if (current != null) {
        current.add(text.trim().replaceAll("\\s+", " "));
      }
    }
    return sections;
  }

  /** Compose's ${NAME:-default} with no variable set, as on a fresh machine. */
  private static String interpolate(String value) {
    Matcher m = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1)));
    }
    m.appendTail(out);
    assertThat(out.toString()).as("every variable in %s has a default", value).doesNotContain("${");
    return out.toString();
  }
}
