package eu.mhealthhub.agora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Listening;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Where Agora listens, and the one line it prints when it cannot start because of something outside it. */
@SlowTest
class NetworkBindingTest {

  private static final Map<String, String> QUIET = Map.of("AGORA_DEMO_CONTENT", "false");

  @Test
  @DisplayName("by default the HTTP listener is bound to loopback only and cannot be reached on the machine's other addresses")
  void loopbackByDefault() throws Exception {
    TestApp.shared(); // migrations on the shared database
    try (TestApp app = TestApp.start(QUIET, Clock.systemUTC(), r -> { })) {
      InetAddress loopback = InetAddress.getByName("127.0.0.1");
      assertTrue(Listening.accepts(loopback, app.port()), "reachable on 127.0.0.1");
      Optional<Set<String>> bound = Listening.boundAddresses(app.port());
      bound.ifPresent(addresses -> assertEquals(Set.of("127.0.0.1"), addresses, "the kernel's socket table"));
      Optional<InetAddress> other = Listening.otherLocalAddress();
      other.ifPresent(address -> assertFalse(Listening.accepts(address, app.port()), "not reachable on " + address));
      assertTrue(bound.isPresent() || other.isPresent(), "nothing could tell where the listener is bound");
      assertTrue(app.agora().summary().contains("listening on port " + app.port() + " at 127.0.0.1 "), app.agora().summary());
    }
  }

  @Test
  @DisplayName("AGORA_HOST=0.0.0.0 (the container's setting) accepts connections on every address")
  void everyInterfaceWhenAsked() throws Exception {
    TestApp.shared();
    try (TestApp app = TestApp.start(Map.of("AGORA_DEMO_CONTENT", "false", "AGORA_HOST", "0.0.0.0"), Clock.systemUTC(),
        r -> { })) {
      assertTrue(Listening.accepts(InetAddress.getByName("127.0.0.1"), app.port()));
      Listening.otherLocalAddress().ifPresent(address ->
          assertTrue(Listening.accepts(address, app.port()), "reachable on " + address));
      Listening.boundAddresses(app.port()).ifPresent(addresses ->
          assertTrue(addresses.contains("0.0.0.0") || addresses.contains("::"), addresses.toString()));
    }
  }

  @Test
  @DisplayName("a port already in use stops the start with a message naming the port")
  void portInUse() throws Exception {
    TestApp.shared();
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> TestApp.start(port, QUIET, Clock.systemUTC(), r -> { }).close());
      assertEquals("port " + port + " on 127.0.0.1 is already in use (AGORA_PORT): is another Agora running?",
          e.getMessage());
    }
  }

  @Test
  @DisplayName("a database that does not answer stops the start with a message naming its address")
  void databaseUnreachable() throws Exception {
    int closed = TestApp.freePort();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> TestApp.start(Map.of(
        "AGORA_DATABASE_URL", "postgresql://agora:pw@127.0.0.1:" + closed + "/agora", "AGORA_DEMO_CONTENT", "false"),
        Clock.systemUTC(), r -> { }).close());
    assertTrue(e.getMessage().startsWith("database at 127.0.0.1:" + closed + "/agora unreachable"), e.getMessage());
  }
  // A sign-in provider that does not answer no longer stops the start: Agora serves readers and
  // retries it (ProviderOutageTest), and its start line says the provider is unreachable.
}
