package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.AppConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** How the client's address is read from a connection and its X-Forwarded-For headers. */
class ClientAddressTest {

  private static ClientAddress trusting(String proxies) {
    return new ClientAddress(AppConfig.fromEnvironment(Map.of("AGORA_TRUSTED_PROXIES", proxies)).trustedProxies());
  }

  @Test
  @DisplayName("without trusted proxies X-Forwarded-For is ignored: the connection's peer is the client")
  void ignoredByDefault() {
    ClientAddress none = new ClientAddress(List.of());
    assertThat(none.resolve("127.0.0.1", List.of("203.0.113.9"))).isEqualTo("127.0.0.1");
    assertThat(trusting("10.0.0.1").resolve("198.51.100.4", List.of("203.0.113.9"))).as("a peer that is not trusted")
        .isEqualTo("198.51.100.4");
  }

  @Test
  @DisplayName("from a trusted proxy the client is the right-most forwarded address that is not a trusted proxy")
  void rightMostUntrusted() {
    ClientAddress proxies = trusting("10.0.0.0/8,192.0.2.1");
    assertThat(proxies.resolve("10.0.0.5", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(proxies.resolve("10.0.0.5", List.of("1.1.1.1, 203.0.113.9, 192.0.2.1"))).as("spoofed entries to the left")
        .isEqualTo("203.0.113.9");
    assertThat(proxies.resolve("10.0.0.5", List.of("1.1.1.1", "203.0.113.9, 10.9.9.9"))).as("several headers, in order")
        .isEqualTo("203.0.113.9");
    assertThat(proxies.resolve("10.0.0.5", List.of())).as("no header: the proxy itself").isEqualTo("10.0.0.5");
    assertThat(proxies.resolve("10.0.0.5", List.of("203.0.113.9, not-an-address"))).as("a malformed entry stops the walk")
        .isEqualTo("10.0.0.5");
    assertThat(proxies.resolve("10.0.0.5", List.of("2001:db8::7"))).isEqualTo("2001:db8:0:0:0:0:0:7");
  }
}
