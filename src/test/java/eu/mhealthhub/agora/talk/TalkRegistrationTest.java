package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.AppConfig.DatabaseSettings;
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
import java.time.temporal.ChronoUnit;
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
 * Registration for Talks, end to end over HTTP: an Agora of its own (its own database, a test
 * clock) mails a real SMTP server on loopback (GreenMail); the outbox's held reminders go when the
 * clock reaches their time.
 */
@SlowTest
class TalkRegistrationTest {

  private static final MutableClock CLOCK = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private static final String ADMIN = "talk-admin@example.org";
  private static DatabaseSettings db;
  private static TestSmtp smtp;
  private static TestApp app;
  private static long groupId;
  private static Browser admin;

  @BeforeAll
  static void start() {
    db = FreshDatabase.create("talkreg");
    smtp = TestSmtp.start();
    app = TestApp.start(Map.of("AGORA_DATABASE_URL", FreshDatabase.url(db), "AGORA_SMTP_URL", smtp.url(),
        "AGORA_DEMO_CONTENT", "false", "AGORA_ADMIN_EMAILS", ADMIN,
        // the admin signs in while the test clock is the real time (the provider's tokens are checked
        // against it), and their session outlives the days the clock then crosses
        "AGORA_SESSION_IDLE_MINUTES", "20000", "AGORA_SESSION_MAX_HOURS", "1000"), CLOCK, r -> { });
    groupId = FreshDatabase.count(db, """
        INSERT INTO working_groups (slug, name, purpose, visibility, join_policy)
        VALUES ('reimbursement', 'Reimbursement', 'Paying for apps.', 'public', 'open') RETURNING id""");
    admin = new Browser();
    app.signUp(admin, "Talk Admin", ADMIN);
  }

  @AfterAll
  static void stop() {
    app.close();
    smtp.close();
  }

  /** A Talk of the public group starting {@code in} from the test clock's now, an hour long. */
  private static long talk(String slug, Duration in) {
    Instant starts = CLOCK.instant().plus(in);
    long id = FreshDatabase.count(db, """
        INSERT INTO talks (slug, title, description, starts_at, ends_at, slides_url, recording_url)
        VALUES (?, ?, 'Who pays for <apps> & how.', ?::timestamptz, ?::timestamptz,
                'https://slides.example.org/s.pdf', 'https://video.example.org/r')
        RETURNING id""", slug, "Paying for apps " + slug, starts.toString(), starts.plus(Duration.ofHours(1)).toString());
    FreshDatabase.update(db, "INSERT INTO talk_speakers (talk_id, position, name, affiliation) VALUES (?, 0, 'Dr Ada Payer', 'HTA Body')", id);
    FreshDatabase.update(db, "INSERT INTO talk_groups (talk_id, group_id) VALUES (?, ?)", id, groupId);
    return id;
  }

  private static Instant startsAt(long talkId) {
    return Instant.parse(FreshDatabase.text(db,
        "SELECT to_char(starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM talks WHERE id = ?", talkId));
  }

  private static Response register(Browser visitor, String slug, String name, String email) {
    return visitor.post(app.url("/talks/" + slug + "/register"), Map.of("name", name, "email", email));
  }

  private static Response post(Browser b, String path, Map<String, String> fields) {
    Map<String, String> form = new HashMap<>(fields);
    form.put("_csrf", app.csrf(b));
    return b.post(app.url(path), form);
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

  private static String subject(MimeMessage m) {
    try {
      return m.getSubject();
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> subjects(String email) {
    return mailTo(email).stream().map(TalkRegistrationTest::subject).toList();
  }

  /** The plain-text part. */
  private static String text(Part part) throws Exception {
    Object content = part.getContent();
    if (content instanceof Multipart multi) {
      for (int i = 0; i < multi.getCount(); i++) {
        BodyPart p = multi.getBodyPart(i);
        String t = text(p);
        if (t != null) {
          return t;
        }
      }
      return null;
    }
    return part.getContentType().toLowerCase().startsWith("text/plain") ? content.toString() : null;
  }

  private static String cancelLink(MimeMessage m) throws Exception {
    Matcher found = Pattern.compile("(/talks/[a-z0-9-]+/registration/cancel\\?t=[0-9]+\\.[A-Za-z0-9]+)").matcher(text(m));
    assertThat(found.find()).as("a cancel link in " + text(m)).isTrue();
    return found.group(1);
  }

  private static long held(String email) {
    return FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE recipient = ? AND state = 'queued' AND hold_until IS NOT NULL", email);
  }

  @Test
  @DisplayName("a visitor registers, receives the confirmation with the calendar file, the day-before and the 15-minute reminders at their times, then the recording; registering again tells nothing and mails nothing; after the start registration is refused with 409")
  void visitorStory() throws Exception {
    String slug = "payers-talk";
    long talkId = talk(slug, Duration.ofDays(3));
    Instant starts = startsAt(talkId);
    Browser visitor = new Browser();
    String email = "vera.visitor@example.org";

    Document form = visitor.get(app.url("/talks/" + slug + "/register")).html();
    assertThat(form.select("form#register-form input[name=name]")).hasSize(1);
    Response bad = register(visitor, slug, "Vera", "not-an-address");
    assertEquals(400, bad.status());
    assertThat(bad.html().select("#reg-email-error").text()).isEqualTo("Give a valid e-mail address.");
    assertThat(FreshDatabase.count(db, "SELECT count(*) FROM talk_registrations")).isZero();

    Response done = register(visitor, slug, "Vera Visitor", email);
    assertEquals(303, done.status(), done.body());
    assertThat(done.location()).endsWith("/talks/" + slug + "/registration/sent");
    String sentText = visitor.get(app.url("/talks/" + slug + "/registration/sent")).html().select("#registration-sent").text();
    until("the confirmation arrives", () -> mailTo(email).size() == 1);
    MimeMessage confirmation = mailTo(email).get(0);
    assertThat(confirmation.getSubject()).isEqualTo("Registered: Paying for apps payers-talk");
    String body = text(confirmation);
    assertThat(body).contains("Hello Vera Visitor, you are registered")
        .contains(app.url("/talks/" + slug + "/calendar.ics"))
        .contains(app.url("/talks/" + slug));
    // the linked calendar file is the Talk's event
    String ics = visitor.get(app.url("/talks/" + slug + "/calendar.ics")).body();
    assertThat(ics).contains("BEGIN:VEVENT").contains("UID:talk-" + talkId + "@");
    assertThat(cancelLink(confirmation)).startsWith("/talks/" + slug + "/registration/cancel?t=");
    assertThat(held(email)).as("the two reminders wait in the outbox").isEqualTo(2);
    assertThat(FreshDatabase.text(db, """
        SELECT string_agg(to_char(o.hold_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ',' ORDER BY o.hold_until)
        FROM mail_outbox o JOIN talk_registration_mails m ON m.outbox_id = o.id""")).isEqualTo(
            starts.minus(Duration.ofDays(1)) + "," + starts.minus(Duration.ofMinutes(15)));

    // the same address again, in other letters' case: the same answer, nothing new stored or mailed
    Response again = register(new Browser(), slug, "Someone Else", "VERA.visitor@example.org");
    assertEquals(303, again.status());
    assertThat(again.location()).isEqualTo(done.location());
    assertThat(new Browser().get(app.url("/talks/" + slug + "/registration/sent")).html().select("#registration-sent").text())
        .isEqualTo(sentText);
    Thread.sleep(1_500);
    assertThat(mailTo(email)).hasSize(1);
    assertThat(FreshDatabase.text(db, "SELECT name FROM talk_registrations WHERE talk_id = ?", talkId)).isEqualTo("Vera Visitor");

    // a day before: the first reminder, and only it
    CLOCK.advance(Duration.between(CLOCK.instant(), starts.minus(Duration.ofDays(1))).plusSeconds(1));
    until("the day-before reminder arrives", () -> mailTo(email).size() == 2);
    assertThat(subjects(email).get(1)).isEqualTo("Tomorrow: Paying for apps payers-talk");
    assertThat(text(mailTo(email).get(1))).contains(app.url("/talks/" + slug + "#room"));
    Thread.sleep(1_500);
    assertThat(mailTo(email)).hasSize(2);

    // 15 minutes before: the second, with the room's link
    CLOCK.advance(Duration.between(CLOCK.instant(), starts.minus(Duration.ofMinutes(15))).plusSeconds(1));
    until("the 15-minute reminder arrives", () -> mailTo(email).size() == 3);
    MimeMessage soon = mailTo(email).get(2);
    assertThat(soon.getSubject()).isEqualTo("In 15 minutes: Paying for apps payers-talk");
    assertThat(text(soon)).contains("starts in 15 minutes").contains(app.url("/talks/" + slug + "#room"));

    // the Talk starts: registering is refused, clearly
    CLOCK.advance(Duration.ofMinutes(16));
    Response late = register(new Browser(), slug, "Late Comer", "late@example.org");
    assertEquals(409, late.status());
    assertThat(late.html().text()).contains("This Talk has already started: registration has closed.");
    assertThat(FreshDatabase.count(db, "SELECT count(*) FROM talk_registrations WHERE email = 'late@example.org'")).isZero();

    // the room is opened and closed with a summary: the recording message
    assertEquals(303, post(admin, "/talks/" + slug + "/room", Map.of("setting", "open")).status());
    Response closed = post(admin, "/talks/" + slug + "/close", Map.of("summary", "Payers want evidence.",
        "group", Long.toString(groupId)));
    assertEquals(303, closed.status(), closed.body());
    until("the recording message arrives", () -> mailTo(email).size() == 4);
    MimeMessage after = mailTo(email).get(3);
    assertThat(after.getSubject()).isEqualTo("Recording and summary: Paying for apps payers-talk");
    long threadId = FreshDatabase.count(db, "SELECT thread_id FROM talk_followups WHERE talk_id = ?", talkId);
    assertThat(text(after)).contains("> Payers want evidence.")
        .contains("https://video.example.org/r")
        .contains("https://slides.example.org/s.pdf")
        .contains("Follow-up thread in Reimbursement: " + app.url("/threads/" + threadId));
  }
}
