package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DevMailServerTest {

  private DevMailServer server;

  @BeforeEach
  void start() {
    server = DevMailServer.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private void send(String to, String subject) {
    GreenMailUtil.sendTextEmail(to, "agora@example.org", subject, "Body of " + subject,
        new ServerSetup(server.port(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
  }

  private List<String> subjects() {
    return server.received().stream().map(r -> r.number() + " " + r.subject()).toList();
  }

  @Test
  @DisplayName("a received message keeps its /dev/mail number when later mail reaches a mailbox created before its own")
  void numbersAreStable() {
    send("zed@example.org", "first to Zed");
    send("amy@example.org", "first to Amy");
    assertThat(subjects()).containsExactly("1 first to Zed", "2 first to Amy");

    send("zed@example.org", "second to Zed");
    send("zed@example.org", "second to Zed");

    assertThat(subjects()).containsExactly("1 first to Zed", "2 first to Amy", "3 second to Zed", "4 second to Zed");
    assertThat(server.received(2)).get().extracting(DevMailServer.Received::subject).isEqualTo("first to Amy");
    assertThat(server.received(4)).get().extracting(DevMailServer.Received::subject).isEqualTo("second to Zed");
    assertThat(server.received(5)).isEmpty();
    assertThat(server.received(0)).isEmpty();
  }
}
