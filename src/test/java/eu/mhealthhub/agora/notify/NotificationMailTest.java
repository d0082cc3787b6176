package eu.mhealthhub.agora.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.FreshDatabase;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestSmtp;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Notifications by e-mail, end to end: an Agora of its own (its own database, a test clock) sends
 * to a real SMTP server on loopback (GreenMail).
 */
@SlowTest
class NotificationMailTest {

  /** Now (the provider's tokens are checked against it), moved on by the test. */
  private static final MutableClock CLOCK = new MutableClock(Instant.now());
  /** A time zone where it is now between 06:00 and 07:00, before the morning's digests. */
  private static final java.time.ZoneOffset EARLY = early(Instant.now());
  private static DatabaseSettings db;
  private static TestSmtp smtp;
  private static TestApp app;

  @BeforeAll
  static void start() {
    db = FreshDatabase.create("notifymail");
    smtp = TestSmtp.start();
    app = TestApp.start(Map.of("AGORA_DATABASE_URL", FreshDatabase.url(db), "AGORA_SMTP_URL", smtp.url(),
        "AGORA_DEMO_CONTENT", "false"), CLOCK, r -> { });
  }

  @AfterAll
  static void stop() {
    app.close();
    smtp.close();
  }

  private static java.time.ZoneOffset early(Instant now) {
    int hours = 6 - now.atZone(java.time.ZoneOffset.UTC).getHour();
    return java.time.ZoneOffset.ofHours(hours < -12 ? hours + 24 : hours);
  }

  private static long signIn(Browser b, String name, String email) {
    app.signUp(b, name, email);
    return FreshDatabase.count(db, "SELECT id FROM members WHERE email = ?", email);
  }

  private static void until(String what, java.util.function.BooleanSupplier done) {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (!done.getAsBoolean()) {
      if (Instant.now().isAfter(end)) {
        throw new AssertionError("not within 30 s: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static long outboxRows(long memberId) {
    return FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE member_id = ?", memberId);
  }

  private static List<MimeMessage> mailTo(String email) {
    List<MimeMessage> found = new ArrayList<>();
    for (MimeMessage m : smtp.messages()) {
      try {
        if (m.getAllRecipients()[0].toString().contains(email)) {
          found.add(m);
        }
      } catch (jakarta.mail.MessagingException e) {
        throw new AssertionError(e);
      }
    }
    return found;
  }

  /** The parts of a message by content type (text/plain, text/html). */
  private static Map<String, String> parts(Part part) throws Exception {
    Map<String, String> found = new HashMap<>();
    Object content = part.getContent();
    if (content instanceof Multipart multi) {
      for (int i = 0; i < multi.getCount(); i++) {
        BodyPart p = multi.getBodyPart(i);
        found.putAll(parts(p));
      }
    } else {
      found.put(part.getContentType().split(";")[0].trim().toLowerCase(), content.toString());
    }
    return found;
  }

  private static long reply(Browser b, long threadId, String body) {
    Response r = b.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(b),
        "clientToken", "c" + System.nanoTime(), "action", "post", "body", body), List.of());
    assertEquals(303, r.status(), r.body());
    return Long.parseLong(r.location().replaceAll(".*#post-", ""));
  }

  private static long newest(long memberId, String kind) {
    return FreshDatabase.count(db, "SELECT coalesce(max(id), 0) FROM notifications WHERE recipient_id = ? AND kind = ?",
        memberId, kind);
  }

  @Test
  @DisplayName("a mention is mailed once after the hold in the reader's language, one read in time is not, the unsubscribe link works, a disposition is mailed with its reason, and the next morning's digest holds the watched thread's unread post")
  void story() throws Exception {
    long groupId = FreshDatabase.count(db, """
        INSERT INTO working_groups (slug, name, purpose, visibility, join_policy)
        VALUES ('hta', 'Évaluation HTA', 'Methods.', 'closed', 'request') RETURNING id""");
    Browser ana = new Browser();
    long anaId = signIn(ana, "Ana Autrice", "ana@example.org");
    Browser ben = new Browser().acceptLanguage("fr");
    long benId = signIn(ben, "Ben Lecteur", "ben@example.org");
    FreshDatabase.update(db, "UPDATE members SET locale = 'fr', time_zone = ? WHERE id = ?", EARLY.getId(), benId);
    FreshDatabase.update(db, "INSERT INTO group_memberships (group_id, member_id, role) VALUES (?, ?, 'moderator'), (?, ?, 'member')",
        groupId, anaId, groupId, benId);
    String benHandle = FreshDatabase.text(db, "SELECT handle FROM members WHERE id = ?", benId);

    Response form = ana.get(app.url("/groups/hta/threads/new"));
    Response created = ana.postMultipart(app.url("/groups/hta/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Durée des études", "body", "Trois ans ?", "action", "post"),
        List.of());
    assertEquals(303, created.status(), created.body());
    long threadId = Long.parseLong(created.location().replaceAll(".*/threads/(\\d+).*", "$1"));
    assertEquals(303, ben.post(app.url("/threads/" + threadId + "/subscription"), Map.of("_csrf", app.csrf(ben),
        "level", "watching")).status());

    // 1. a mention: on the page and the badge at once, by e-mail only once the hold has passed
    reply(ana, threadId, "Qu’en pensez-vous, @" + benHandle + " ?");
    until("the mention's e-mail is queued", () -> outboxRows(benId) == 1);
    Document notifications = ben.get(app.url("/notifications")).html();
    assertThat(notifications.select("li.notification.unread a.notification-open").text())
        .contains("Ana Autrice vous a mentionné dans « Durée des études »");
    assertThat(ben.get(app.url("/groups")).html().select("#notification-badge .count").text()).isEqualTo("1");
    Thread.sleep(1_500); // a worker round or more: held, nothing sent
    assertThat(mailTo("ben@example.org")).isEmpty();
    CLOCK.advance(Duration.ofSeconds(61));
    until("the mention is mailed", () -> mailTo("ben@example.org").size() == 1);
    MimeMessage mention = mailTo("ben@example.org").get(0);
    assertThat(mention.getSubject()).isEqualTo("[Évaluation HTA] Ana Autrice vous a mentionné dans « Durée des études »");
    assertThat(mention.getHeader("References")[0]).isEqualTo("<thread-" + threadId + "@localhost>");
    assertThat(mention.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
    Map<String, String> mentionParts = parts(mention);
    assertThat(mentionParts).containsKeys("text/plain", "text/html");
    long firstMention = newest(benId, "mention");
    assertThat(mentionParts.get("text/plain")).contains("/notifications/" + firstMention + "/open");

    // 2. a second mention read in the page within the hold is not mailed
    reply(ana, threadId, "Et encore, @" + benHandle + ".");
    until("the second mention is queued", () -> outboxRows(benId) == 2);
    long secondMention = newest(benId, "mention");
    Response open = ben.get(app.url("/notifications/" + secondMention + "/open"));
    assertThat(open.status()).isEqualTo(303);
    CLOCK.advance(Duration.ofSeconds(61));
    until("the read mention's e-mail is cancelled", () -> FreshDatabase.count(db,
        "SELECT count(*) FROM mail_outbox WHERE reference = ? AND state = 'cancelled'", secondMention) == 1);
    Thread.sleep(1_500);
    assertThat(mailTo("ben@example.org")).as("exactly one e-mail for the two mentions").hasSize(1);

    // 3. the e-mail's one-click unsubscribe stops mentions by e-mail (they stay on the page)
    Matcher link = Pattern.compile("<(http[^>]+)>").matcher(mention.getHeader("List-Unsubscribe")[0]);
    assertThat(link.find()).isTrue();
    Response stopped = new Browser().request("POST", link.group(1), "application/x-www-form-urlencoded",
        "List-Unsubscribe=One-Click");
    assertThat(stopped.status()).isEqualTo(200);
    reply(ana, threadId, "Une dernière fois, @" + benHandle + ".");
    until("the third mention is on the page", () -> FreshDatabase.count(db,
        "SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'mention'", benId) == 3);
    assertThat(FreshDatabase.text(db, "SELECT delivery FROM notifications WHERE id = ?", newest(benId, "mention")))
        .isEqualTo("page");
    assertThat(outboxRows(benId)).as("no e-mail queued for it").isEqualTo(2);

    // 4. a commenter receives the disposition of her comment, with its reason
    long documentId = DocumentStoryTest.create(app, ana, "hta", "Guide d’évaluation", DocumentStoryTest.DRAFT);
    assertEquals(303, DocumentStoryTest.move(app, ana, documentId, "draft", "open", "Commentez").status());
    int key = DocumentStoryTest.sectionKey(ana.get(app.url("/documents/" + documentId)).body(), "Budget impact");
    Response comment = DocumentStoryTest.comment(app, ben, documentId, key, "Cinq ans seraient plus justes.");
    long commentId = DocumentStoryTest.idFrom(comment.location(), "#comment-(\\d+)");
    assertEquals(303, ana.post(app.url("/documents/" + documentId + "/comments/" + commentId + "/resolve"),
        Map.of("_csrf", app.csrf(ana), "disposition", "declined", "reason", "Trois ans est la norme HTA")).status());
    until("the disposition is queued", () -> FreshDatabase.count(db,
        "SELECT count(*) FROM mail_outbox WHERE member_id = ? AND kind = 'comment_disposition'", benId) == 1);
    CLOCK.advance(Duration.ofSeconds(61));
    until("the disposition is mailed", () -> mailTo("ben@example.org").size() == 2);
    MimeMessage disposition = mailTo("ben@example.org").get(1);
    assertThat(disposition.getSubject()).startsWith("[Évaluation HTA]").contains("Guide d’évaluation");
    assertThat(parts(disposition).get("text/plain")).contains("Trois ans est la norme HTA");

    // 5. a post in the watched thread goes to the daily digest, sent the next morning in Ben's language
    long watched = reply(ana, threadId, "Les payeurs préfèrent trois ans.");
    until("the watched post is told", () -> newest(benId, "watched_thread") > 0);
    assertThat(app.agora().services().notificationMail().sendDigests().toCompletionStage().toCompletableFuture().get())
        .as("before 08:00 where Ben lives: not yet").isZero();
    CLOCK.advance(Duration.between(CLOCK.instant(),
        CLOCK.instant().atZone(EARLY).toLocalDate().plusDays(1).atTime(8, 5).atZone(EARLY).toInstant()));
    app.agora().services().notificationMail().sendDigests().toCompletionStage().toCompletableFuture().get();
    app.agora().services().notificationMail().sendDigests().toCompletionStage().toCompletableFuture().get();
    until("the digest is mailed", () -> mailTo("ben@example.org").size() == 3);
    Thread.sleep(1_500);
    assertThat(mailTo("ben@example.org")).as("one digest, however many rounds").hasSize(3);
    MimeMessage digest = mailTo("ben@example.org").get(2);
    assertThat(digest.getSubject()).isEqualTo("Votre résumé quotidien d’Agora : 1 notification");
    String text = parts(digest).get("text/plain");
    assertThat(text).contains("Évaluation HTA").contains("Ana Autrice a écrit dans « Durée des études »")
        .contains("/notifications/" + newest(benId, "watched_thread") + "/open");
    assertThat(watched).isPositive();
  }
}
