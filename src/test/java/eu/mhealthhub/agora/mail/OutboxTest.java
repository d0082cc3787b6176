package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.AppConfig.MailFrom;
import eu.mhealthhub.agora.AppConfig.SmtpSettings;
import eu.mhealthhub.agora.db.Database;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.ScriptedSmtp;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestSmtp;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The outbox against real SMTP servers on loopback and its own PostgreSQL database (so no other
 * app's worker sends its rows): delivery, rollback, two workers racing, refused recipients,
 * unreachable servers, cancel-if-read.
 */
class OutboxTest {

  private static final MailFrom FROM = new MailFrom("agora@test.example", Optional.of("Agora Test"));
  private static final Outbox.Settings FAST = new Outbox.Settings(Duration.ofMillis(30), 2, Duration.ofSeconds(30),
      Duration.ofHours(1), 20);

  private static DatabaseSettings db;
  private static Vertx vertx;
  private static Pool pool;
  private final List<Outbox> started = new ArrayList<>();

  @BeforeAll
  static void database() {
    db = FreshDatabase.create("outbox");
    vertx = Vertx.vertx();
    pool = new Database(vertx, db, new AppConfig.DatabaseLimits(Duration.ofSeconds(5), Duration.ofSeconds(30))).pool();
  }

  @AfterAll
  static void close() {
    await(pool.close());
    await(vertx.close());
  }

  @BeforeEach
  void emptyOutbox() {
    FreshDatabase.update(db, "DELETE FROM mail_outbox");
  }

  @org.junit.jupiter.api.AfterEach
  void stopWorkers() {
    started.forEach(o -> await(o.stop()));
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private Outbox outbox(Vertx on, Pool through, int port, java.time.Clock clock, Outbox.Settings settings) {
    SmtpSettings smtp = new SmtpSettings("127.0.0.1", port, false, AppConfig.StartTls.DISABLED, Optional.empty(), Optional.empty());
    Outbox outbox = new Outbox(on, through, new SmtpSender(on, smtp, FROM, "test.example"), clock, settings);
    started.add(outbox);
    return outbox;
  }

  private static int counter;

  private static OutgoingMail mail(String to) {
    return mail(to, Optional.empty(), OptionalLong.empty());
  }

  private static OutgoingMail mail(String to, Optional<Instant> hold, OptionalLong reference) {
    int n = ++counter;
    MailMessage message = new MailMessage("Réunion n°" + n + " : Évaluation", "<m" + n + "." + System.nanoTime() + "@test.example>",
        Map.of("List-Unsubscribe", "<https://test.example/mail/unsubscribe?t=x>",
            "List-Unsubscribe-Post", "List-Unsubscribe=One-Click", "Auto-Submitted", "auto-generated"),
        "Bonjour " + n, "<p>Bonjour " + n + "</p>");
    return new OutgoingMail(to, OptionalLong.empty(), "mention", message, hold, reference);
  }

  private List<Long> enqueue(Outbox outbox, List<OutgoingMail> mails) {
    return await(pool.withTransaction(tx -> {
      Future<List<Long>> ids = Future.succeededFuture(new ArrayList<>());
      for (OutgoingMail m : mails) {
        ids = ids.compose(list -> outbox.enqueue(tx, m).map(id -> {
          list.add(id);
          return list;
        }));
      }
      return ids;
    }));
  }

  private static String state(long id) {
    return text("SELECT state FROM mail_outbox WHERE id = ?", id);
  }

  private static String text(String sql, Object... params) {
    try (var c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
         var st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        st.setObject(i + 1, params[i]);
      }
      try (var rs = st.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("a message recorded in a committed transaction reaches the SMTP server once, with both parts and its headers")
  void delivered() throws Exception {
    try (TestSmtp smtp = TestSmtp.start()) {
      MutableClock clock = new MutableClock(Instant.now());
      Outbox outbox = outbox(vertx, pool, smtp.port(), clock, FAST);
      OutgoingMail sent = mail("maria@example.org");
      long id = enqueue(outbox, List.of(sent)).get(0);
      await(outbox.runRound());
      List<MimeMessage> received = smtp.await(1, Duration.ofSeconds(10));
      assertThat(received).hasSize(1);
      MimeMessage m = received.get(0);
      assertThat(m.getSubject()).isEqualTo(sent.message().subject());
      assertThat(m.getHeader("Message-ID", null)).isEqualTo(sent.message().messageId());
      assertThat(m.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
      assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
      assertThat(m.getFrom()[0].toString()).contains("agora@test.example");
      assertThat(m.isMimeType("multipart/alternative")).as(m.getContentType()).isTrue();
      Multipart parts = (Multipart) m.getContent();
      assertThat(parts.getBodyPart(0).isMimeType("text/plain")).isTrue();
      assertThat(parts.getBodyPart(1).isMimeType("text/html")).isTrue();
      assertThat(state(id)).isEqualTo("sent");
      await(outbox.runRound());
      Thread.sleep(200);
      assertThat(smtp.messages()).as("a sent row is never sent again").hasSize(1);
    }
  }

  @Test
  @DisplayName("a message recorded in a transaction that rolls back is never sent")
  void rolledBack() throws Exception {
    try (TestSmtp smtp = TestSmtp.start()) {
      Outbox outbox = outbox(vertx, pool, smtp.port(), new MutableClock(Instant.now()), FAST);
      Future<Long> failed = pool.withTransaction(tx -> outbox.enqueue(tx, mail("maria@example.org"))
          .compose(id -> Future.<Long>failedFuture(new IllegalStateException("what caused the mail failed"))));
      failed.toCompletionStage().toCompletableFuture().handle((v, e) -> null).get(30, TimeUnit.SECONDS);
      assertThat(failed.failed()).isTrue();
      await(outbox.runRound());
      Thread.sleep(200);
      assertThat(smtp.messages()).isEmpty();
      assertThat(FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox")).isZero();
    }
  }

  @Test
  @DisplayName("two workers on one database, each with its own pool, send every message exactly once")
  void twoWorkersRace() {
    Vertx otherNode = Vertx.vertx();
    Pool otherPool = new Database(otherNode, db, new AppConfig.DatabaseLimits(Duration.ofSeconds(5), Duration.ofSeconds(30))).pool();
    try (TestSmtp smtp = TestSmtp.start()) {
      MutableClock clock = new MutableClock(Instant.now());
      Outbox.Settings racing = new Outbox.Settings(Duration.ofMillis(10), 3, Duration.ofSeconds(30), Duration.ofHours(1), 20);
      Outbox a = outbox(vertx, pool, smtp.port(), clock, racing);
      Outbox b = outbox(otherNode, otherPool, smtp.port(), clock, racing);
      List<OutgoingMail> mails = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        mails.add(mail("member" + i + "@example.org"));
      }
      enqueue(a, mails);
      a.start();
      b.start();
      smtp.await(40, Duration.ofSeconds(60));
      await(a.stop());
      await(b.stop());
      List<String> ids = new ArrayList<>();
      for (MimeMessage m : smtp.messages()) {
        ids.add(header(m, "Message-ID"));
      }
      assertThat(ids).hasSize(40).doesNotHaveDuplicates()
          .containsExactlyInAnyOrderElementsOf(mails.stream().map(m -> m.message().messageId()).toList());
      assertThat(FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE state = 'sent' AND attempts = 1")).isEqualTo(40);
    } finally {
      await(otherPool.close());
      await(otherNode.close());
    }
  }

  private static String header(MimeMessage m, String name) {
    try {
      return m.getHeader(name, null);
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("a refused recipient (550) fails for good and is kept for admins, and the others are delivered")
  void refusedRecipient() {
    try (ScriptedSmtp smtp = ScriptedSmtp.start().replyToRecipient("gone@example.org", "550 5.1.1 <gone@example.org>: no such user")) {
      MutableClock clock = new MutableClock(Instant.now());
      Outbox outbox = outbox(vertx, pool, smtp.port(), clock, FAST);
      List<Long> ids = enqueue(outbox, List.of(mail("first@example.org"), mail("gone@example.org"),
          mail("second@example.org"), mail("third@example.org")));
      await(outbox.runRound());
      assertThat(smtp.accepted()).hasSize(3);
      assertThat(smtp.accepted().stream().flatMap(a -> a.recipients().stream()).toList())
          .containsExactlyInAnyOrder("first@example.org", "second@example.org", "third@example.org");
      assertThat(state(ids.get(1))).isEqualTo("failed");
      assertThat(text("SELECT last_error FROM mail_outbox WHERE id = ?", ids.get(1))).contains("550");
      clock.advance(Duration.ofDays(2));
      await(outbox.runRound());
      assertThat(smtp.accepted()).as("a permanent failure is not retried").hasSize(3);
      assertThat(await(outbox.list("failed", 10))).extracting(OutboxEntry::recipient).containsExactly("gone@example.org");
    }
  }

  @Test
  @DisplayName("a 4xx reply is temporary: the message stays queued with the error and a later attempt")
  void temporaryReply() {
    try (ScriptedSmtp smtp = ScriptedSmtp.start().replyToRecipient("busy@example.org", "451 4.3.0 mailbox busy, try later")) {
      MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
      Outbox outbox = outbox(vertx, pool, smtp.port(), clock, FAST);
      long id = enqueue(outbox, List.of(mail("busy@example.org"))).get(0);
      await(outbox.runRound());
      assertThat(state(id)).isEqualTo("queued");
      assertThat(text("SELECT attempts FROM mail_outbox WHERE id = ?", id)).isEqualTo("1");
      assertThat(text("SELECT last_error FROM mail_outbox WHERE id = ?", id)).contains("451");
      assertThat(await(outbox.list("queued", 10))).singleElement()
          .satisfies(e -> assertThat(e.nextAttemptAt()).isAfterOrEqualTo(clock.instant().plusSeconds(15)));
    }
  }

  @Test
  @DisplayName("an unreachable server is tried again after a delay, and the message goes once when it answers")
  void unreachableThenBack() throws Exception {
    int port = TestApp.freePort();
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    Outbox outbox = outbox(vertx, pool, port, clock, FAST);
    long id = enqueue(outbox, List.of(mail("maria@example.org"))).get(0);
    await(outbox.runRound());
    assertThat(state(id)).isEqualTo("queued");
    assertThat(text("SELECT attempts FROM mail_outbox WHERE id = ?", id)).isEqualTo("1");
    assertThat(text("SELECT last_error FROM mail_outbox WHERE id = ?", id)).isNotBlank();
    await(outbox.runRound());
    assertThat(text("SELECT attempts FROM mail_outbox WHERE id = ?", id)).as("not due again yet").isEqualTo("1");
    try (TestSmtp smtp = TestSmtp.start(port)) {
      clock.advance(Duration.ofSeconds(31));
      await(outbox.runRound());
      assertThat(smtp.await(1, Duration.ofSeconds(10))).hasSize(1);
      assertThat(state(id)).isEqualTo("sent");
      await(outbox.runRound());
      Thread.sleep(200);
      assertThat(smtp.messages()).hasSize(1);
    }
  }

  @Test
  @DisplayName("after too many temporary failures a message is marked failed for admins")
  void givesUp() {
    int port = TestApp.freePort();
    MutableClock clock = new MutableClock(Instant.now());
    Outbox outbox = outbox(vertx, pool, port, clock, new Outbox.Settings(Duration.ofMillis(30), 1, Duration.ofSeconds(1),
        Duration.ofSeconds(2), 3));
    long id = enqueue(outbox, List.of(mail("maria@example.org"))).get(0);
    for (int i = 0; i < 3; i++) {
      await(outbox.runRound());
      clock.advance(Duration.ofSeconds(3));
    }
    assertThat(state(id)).isEqualTo("failed");
    assertThat(text("SELECT attempts FROM mail_outbox WHERE id = ?", id)).isEqualTo("3");
  }

  @Test
  @DisplayName("a held message waits for its hold to end, then goes only if its reference is still wanted")
  void cancelIfRead() throws Exception {
    try (TestSmtp smtp = TestSmtp.start()) {
      MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
      Outbox outbox = outbox(vertx, pool, smtp.port(), clock, FAST);
      List<Set<Long>> asked = new ArrayList<>();
      outbox.stillWanted(references -> {
        asked.add(references);
        Set<Long> wanted = new HashSet<>(references);
        wanted.remove(1001L); // read in a page meanwhile
        return Future.succeededFuture(wanted);
      });
      Instant hold = clock.instant().plusSeconds(60);
      OutgoingMail read = mail("maria@example.org", Optional.of(hold), OptionalLong.of(1001));
      OutgoingMail unread = mail("maria@example.org", Optional.of(hold), OptionalLong.of(1002));
      List<Long> ids = enqueue(outbox, List.of(read, unread));
      await(outbox.runRound());
      Thread.sleep(200);
      assertThat(smtp.messages()).as("nothing before the hold ends").isEmpty();
      assertThat(asked).isEmpty();
      clock.advance(Duration.ofSeconds(61));
      await(outbox.runRound());
      assertThat(smtp.await(1, Duration.ofSeconds(10))).extracting(m -> header(m, "Message-ID"))
          .containsExactly(unread.message().messageId());
      assertThat(asked).containsExactly(Set.of(1001L, 1002L));
      assertThat(state(ids.get(0))).isEqualTo("cancelled");
      assertThat(state(ids.get(1))).isEqualTo("sent");
    }
  }

  @Test
  @DisplayName("with no still-wanted check registered, a held message is sent when its hold ends")
  void heldWithoutCheck() {
    try (TestSmtp smtp = TestSmtp.start()) {
      MutableClock clock = new MutableClock(Instant.now());
      Outbox outbox = outbox(vertx, pool, smtp.port(), clock, FAST);
      enqueue(outbox, List.of(mail("maria@example.org", Optional.of(clock.instant().plusSeconds(60)), OptionalLong.of(5))));
      clock.advance(Duration.ofSeconds(61));
      await(outbox.runRound());
      assertThat(smtp.await(1, Duration.ofSeconds(10))).hasSize(1);
    }
  }

  @Test
  @DisplayName("with a user in the SMTP URL Agora logs in: the right password delivers, a wrong one is refused and kept for admins")
  void smtpLogin() {
    com.icegreen.greenmail.util.GreenMail server = new com.icegreen.greenmail.util.GreenMail(
        new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    server.start();
    try {
      server.setUser("agora@test.example", "agora-sender", "s3cret:pw");
      int port = server.getSmtp().getPort();
      MutableClock clock = new MutableClock(Instant.now());
      SmtpSettings right = new SmtpSettings("127.0.0.1", port, false, AppConfig.StartTls.DISABLED,
          Optional.of("agora-sender"), Optional.of("s3cret:pw"));
      SmtpSettings wrong = new SmtpSettings("127.0.0.1", port, false, AppConfig.StartTls.DISABLED,
          Optional.of("agora-sender"), Optional.of("guess"));
      Outbox bad = new Outbox(vertx, pool, new SmtpSender(vertx, wrong, FROM, "test.example"), clock, FAST);
      started.add(bad);
      long refused = enqueue(bad, List.of(mail("maria@example.org"))).get(0);
      await(bad.runRound());
      assertThat(server.getReceivedMessages()).isEmpty();
      assertThat(text("SELECT last_error FROM mail_outbox WHERE id = ?", refused)).contains("535");
      FreshDatabase.update(db, "DELETE FROM mail_outbox");

      Outbox good = new Outbox(vertx, pool, new SmtpSender(vertx, right, FROM, "test.example"), clock, FAST);
      started.add(good);
      long id = enqueue(good, List.of(mail("maria@example.org"))).get(0);
      await(good.runRound());
      assertThat(server.getReceivedMessages()).hasSize(1);
      assertThat(state(id)).isEqualTo("sent");
    } finally {
      server.stop();
    }
  }

  @Test
  @DisplayName("with starttls=required nothing is sent in clear to a server that offers no STARTTLS")
  void startTlsRequired() throws Exception {
    try (TestSmtp smtp = TestSmtp.start()) {
      SmtpSettings required = new SmtpSettings("127.0.0.1", smtp.port(), false, AppConfig.StartTls.REQUIRED,
          Optional.empty(), Optional.empty());
      Outbox outbox = new Outbox(vertx, pool, new SmtpSender(vertx, required, FROM, "test.example"),
          new MutableClock(Instant.now()), FAST);
      started.add(outbox);
      long id = enqueue(outbox, List.of(mail("maria@example.org"))).get(0);
      await(outbox.runRound());
      Thread.sleep(200);
      assertThat(smtp.messages()).isEmpty();
      assertThat(state(id)).isEqualTo("queued");
      assertThat(text("SELECT last_error FROM mail_outbox WHERE id = ?", id)).isNotBlank();
    }
  }

  @Test
  @DisplayName("retry delays double from the first, with jitter, and stop growing at the cap")
  void backoff() {
    Outbox outbox = new Outbox(vertx, pool, null, java.time.Clock.systemUTC(), new Outbox.Settings(Duration.ofSeconds(1), 1,
        Duration.ofSeconds(30), Duration.ofHours(1), 20));
    for (int attempt = 1; attempt <= 30; attempt++) {
      long full = Math.min(3600, 30L << Math.min(attempt - 1, 20));
      Duration d = outbox.backoff(attempt);
      assertThat(d.toMillis()).as("attempt " + attempt).isBetween(full * 500, full * 1000);
    }
  }
}
