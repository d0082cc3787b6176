package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestSmtp;
import io.vertx.core.Future;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Agora stopped while its outbox is being sent and started again: every message reaches the SMTP
 * server exactly once. Its own database, so no other app's worker takes part.
 */
@SlowTest
class MailRestartTest {

  private static final int MESSAGES = 300;

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("stopping Agora mid-queue and starting it again delivers every message exactly once")
  void restart() throws Exception {
    DatabaseSettings db = FreshDatabase.create("restart");
    try (TestSmtp smtp = TestSmtp.start()) {
      Map<String, String> env = Map.of("AGORA_DATABASE_URL", FreshDatabase.url(db), "AGORA_SMTP_URL", smtp.url(),
          "AGORA_DEMO_CONTENT", "false");
      List<String> ids = new ArrayList<>();
      TestApp first = TestApp.start(env, Clock.systemUTC(), r -> { });
      int beforeRestart;
      try {
        Mail mail = first.agora().services().mail();
        await(first.agora().services().database().pool().withTransaction(tx -> {
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < MESSAGES; i++) {
            MailMessage m = new MailMessage("Message " + i, "<restart-" + i + "." + System.nanoTime() + "@test.example>",
                Map.of("Auto-Submitted", "auto-generated"), "text " + i, "<p>html " + i + "</p>");
            ids.add(m.messageId());
            OutgoingMail out = new OutgoingMail("member" + i + "@example.org", OptionalLong.empty(), "mention", m,
                Optional.empty(), OptionalLong.empty());
            chain = chain.compose(v -> mail.outbox().enqueue(tx, out).mapEmpty());
          }
          return chain;
        }));
        smtp.await(1, Duration.ofSeconds(30));
      } finally {
        first.close();
      }
      beforeRestart = smtp.messages().size();
      long leftQueued = FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE state = 'queued'");
      assertThat(leftQueued).as("stopped mid-queue").isPositive();
      assertThat(beforeRestart + leftQueued).as("what was sent is marked sent, nothing in between").isEqualTo(MESSAGES);

      TestApp second = TestApp.start(env, Clock.systemUTC(), r -> { });
      try {
        smtp.await(MESSAGES, Duration.ofSeconds(120));
        Thread.sleep(2_000); // a duplicate would arrive now
      } finally {
        second.close();
      }
      List<String> received = new ArrayList<>();
      for (MimeMessage m : smtp.messages()) {
        received.add(messageId(m));
      }
      assertThat(received).hasSize(MESSAGES).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
      assertThat(FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE state = 'sent' AND attempts = 1"))
          .isEqualTo(MESSAGES);
      Set<String> unique = new HashSet<>(received);
      assertThat(unique).hasSize(MESSAGES);
    }
  }

  private static String messageId(MimeMessage m) {
    try {
      return m.getHeader("Message-ID", null);
    } catch (MessagingException e) {
      throw new AssertionError(e);
    }
  }
}
