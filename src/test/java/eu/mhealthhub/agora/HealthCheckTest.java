package eu.mhealthhub.agora;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.TestApp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The container probe that docker/compose.yaml runs in both images. */
class HealthCheckTest {

  @Test
  @DisplayName("the probe sees a ready Agora as 200")
  void ready() {
    assertThat(HealthCheck.status(TestApp.shared().port(), 3000)).isEqualTo(200);
  }

  @Test
  @DisplayName("the probe fails when nothing listens, when the node answers 503, and when it does not answer in time")
  void notReady() throws Exception {
    assertThat(HealthCheck.status(TestApp.freePort(), 1000)).isEqualTo(-1);
    try (ServerSocket server = new ServerSocket(0)) {
      Thread answer = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          s.getInputStream().read(new byte[512]);
          out.write("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
          // the probe has gone
        }
      });
      answer.start();
      assertThat(HealthCheck.status(server.getLocalPort(), 3000)).isEqualTo(503);
      answer.join();
    }
    try (ServerSocket silent = new ServerSocket(0)) {
      long started = System.nanoTime();
      assertThat(HealthCheck.status(silent.getLocalPort(), 500)).isEqualTo(-1);
      assertThat((System.nanoTime() - started) / 1_000_000).as("gives up after its timeout").isLessThan(5000);
    }
  }
}
