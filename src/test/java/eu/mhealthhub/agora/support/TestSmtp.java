package eu.mhealthhub.agora.support;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real SMTP server on loopback for the tests (GreenMail): Agora sends to it over TCP exactly as
 * to a production server, and the test reads what arrived. Without a port it takes a free one.
 */
public final class TestSmtp implements AutoCloseable {

  private final GreenMail greenMail;

  private TestSmtp(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  public static TestSmtp start() {
    return start(0);
  }

  /** On a given port (0 for a free one), so a test can start it where a sender already tries to connect. */
  public static TestSmtp start(int port) {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
    GreenMail mail = new GreenMail(port == 0 ? setup.dynamicPort() : setup)
        .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    mail.start();
    return new TestSmtp(mail);
  }

  public int port() {
    return greenMail.getSmtp().getPort();
  }

  /** The AGORA_SMTP_URL that reaches this server. */
  public String url() {
    return "smtp://127.0.0.1:" + port() + "?starttls=disabled";
  }

  public List<MimeMessage> messages() {
    return List.of(greenMail.getReceivedMessages());
  }

  /** Waits until at least {@code count} messages arrived; returns them all, or fails after {@code timeout}. */
  public List<MimeMessage> await(int count, Duration timeout) {
    Instant end = Instant.now().plus(timeout);
    while (Instant.now().isBefore(end)) {
      List<MimeMessage> all = messages();
      if (all.size() >= count) {
        return all;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted");
      }
    }
    throw new AssertionError("expected " + count + " messages within " + timeout + ", got " + messages().size());
  }

  @Override
  public void close() {
    greenMail.stop();
  }
}
