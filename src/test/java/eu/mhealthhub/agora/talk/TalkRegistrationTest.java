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
  private static Browser member;
  private static Browser bystander;

  @BeforeAll
  static void start() {
    db = FreshDatabase.create("talkreg");
    smtp = TestSmtp.start();
    app = TestApp.start(Map.of("AGORA_DATABASE_URL", FreshDatabase.url(db), "AGORA_SMTP_URL", smtp.url(),
        "AGORA_DEMO_CONTENT", "false", "AGORA_ADMIN_EMAILS", ADMIN,
        // the admin signs in while the test clock is the real time (the provider's tokens are checked
        // against it), and their session outlives the days the clock then crosses
        "AGORA_SESSION_IDLE_MINUTES", "20000", "AGORA_SESSION_MAX_HOURS", "1000",
        // every visitor here comes from 127.0.0.1; the per-address limit of e-mail addresses is kept low to be tested
        "AGORA_RATE_LIMITS", "talk.register=1000/1h,talk.register.email=3/1d"), CLOCK, r -> { });
    groupId = FreshDatabase.count(db, """
        INSERT INTO working_groups (slug, name, purpose, visibility, join_policy)
        VALUES ('reimbursement', 'Reimbursement', 'Paying for apps.', 'public', 'open') RETURNING id""");
    admin = new Browser();
    app.signUp(admin, "Talk Admin", ADMIN);
    member = new Browser();
    app.signUp(member, "Mona Member", "mona@example.org");
    bystander = new Browser();
    app.signUp(bystander, "Ben Bystander", "ben@example.org");
  }

  @AfterAll
  static void stop() {
    app.close();
    smtp.close();
  }

  /** A Talk of the public group starting {@code in} from the test clock's now, an hour long. */
  private static long talk(String slug, Duration in) {
    Instant starts = CLOCK.instant().plus(in).truncatedTo(ChronoUnit.MINUTES);
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

  private static Response get(Browser b, String path) {
    return b.get(app.url(path));
  }

  private static String status(String email) {
    return FreshDatabase.text(db, "SELECT status FROM talk_registrations WHERE email = ?", email);
  }

  @Test
  @DisplayName("past the capacity registrations wait; a cancel link frees the place for the first waiting, who is mailed; a forged or other Talk's link is refused and changes nothing; the moderators' list shows it all")
  void capacityAndWaitingList() throws Exception {
    String slug = "full-talk";
    long talkId = talk(slug, Duration.ofDays(2));
    Response refused = post(admin, "/talks/" + slug + "/capacity", Map.of("capacity", "0"));
    assertEquals(400, refused.status());
    assertThat(refused.html().select("#capacity-error").text()).startsWith("The capacity is a whole number");
    assertEquals(303, post(admin, "/talks/" + slug + "/capacity", Map.of("capacity", "1")).status());

    register(new Browser(), slug, "Anna First", "anna@example.org");
    register(new Browser(), slug, "Bert Second", "bert@example.org");
    register(new Browser(), slug, "Cleo Third", "cleo@example.org");
    until("three messages", () -> mailTo("anna@example.org").size() == 1 && mailTo("bert@example.org").size() == 1
        && mailTo("cleo@example.org").size() == 1);
    assertThat(subjects("bert@example.org")).containsExactly("Waiting list: Paying for apps full-talk");
    assertThat(status("anna@example.org")).isEqualTo("registered");
    assertThat(status("bert@example.org")).isEqualTo("waiting");
    assertThat(held("bert@example.org")).as("no reminders while waiting").isZero();
    assertThat(held("anna@example.org")).isEqualTo(2);

    String link = cancelLink(mailTo("anna@example.org").get(0));
    String token = link.substring(link.indexOf("t=") + 2);
    String forgedToken = token.substring(0, token.length() - 1) + (token.endsWith("a") ? "b" : "a");
    Response forged = get(new Browser(), "/talks/" + slug + "/registration/cancel?t=" + forgedToken);
    assertEquals(400, forged.status());
    assertThat(forged.html().select("main").text()).contains("This cancel link is not valid.");
    assertEquals(400, new Browser().post(app.url("/talks/" + slug + "/registration/cancel"), Map.of("t", forgedToken)).status());
    talk("other-talk", Duration.ofDays(2));
    assertEquals(400, get(new Browser(), "/talks/other-talk/registration/cancel?t=" + token).status());
    assertEquals(400, new Browser().post(app.url("/talks/other-talk/registration/cancel"), Map.of("t", token)).status());
    assertThat(status("anna@example.org")).isEqualTo("registered");

    Browser anna = new Browser();
    Document confirm = get(anna, link).html();
    assertThat(confirm.select("form input[name=t]").attr("value")).isEqualTo(token);
    Response cancelled = anna.post(app.url("/talks/" + slug + "/registration/cancel"), Map.of("t", token));
    assertEquals(303, cancelled.status(), cancelled.body());
    assertThat(get(anna, link).html().select("#cancel-done").text()).contains("is cancelled");
    assertThat(status("anna@example.org")).isEqualTo("cancelled");
    assertThat(held("anna@example.org")).as("her reminders are cancelled").isZero();
    until("Bert is told he has a place", () -> mailTo("bert@example.org").size() == 2);
    assertThat(subjects("bert@example.org").get(1)).isEqualTo("A place for you: Paying for apps full-talk");
    assertThat(status("bert@example.org")).isEqualTo("registered");
    assertThat(status("cleo@example.org")).isEqualTo("waiting");
    assertThat(held("bert@example.org")).isEqualTo(2);
    // a second click changes nothing and mails nobody
    assertEquals(303, anna.post(app.url("/talks/" + slug + "/registration/cancel"), Map.of("t", token)).status());
    Thread.sleep(1_500);
    assertThat(mailTo("cleo@example.org")).hasSize(1);

    Document list = get(admin, "/talks/" + slug + "/registrations").html();
    assertThat(list.select("#count-registered").text()).isEqualTo("1");
    assertThat(list.select("#count-waiting").text()).isEqualTo("1");
    assertThat(list.select("#count-cancelled").text()).isEqualTo("1");
    assertThat(list.select("#count-questions").text()).isEqualTo("0");
    assertThat(list.select("#registrations tbody tr").eachText()).hasSize(3);
    assertThat(list.select("#registrations tbody tr td:eq(1)").eachText())
        .containsExactly("bert@example.org", "cleo@example.org", "anna@example.org");
    assertThat(list.select("#registrations tbody tr td:eq(3)").eachText()).containsExactly("registered", "waiting", "cancelled");
    assertThat(list.select("#capacity").attr("value")).isEqualTo("1");
    // a larger capacity promotes the waiting list at once
    assertEquals(303, post(admin, "/talks/" + slug + "/capacity", Map.of("capacity", "5")).status());
    until("Cleo is told she has a place", () -> mailTo("cleo@example.org").size() == 2);
    assertThat(status("cleo@example.org")).isEqualTo("registered");

    assertEquals(403, get(bystander, "/talks/" + slug + "/registrations").status());
    assertEquals(403, get(bystander, "/talks/" + slug + "/registrations.csv").status());
    assertEquals(403, post(bystander, "/talks/" + slug + "/capacity", Map.of("capacity", "")).status());
    assertThat(get(new Browser(), "/talks/" + slug + "/registrations").status()).isIn(302, 303, 403);
    assertThat(talkId).isPositive();
  }

  @Test
  @DisplayName("the CSV export of registrations neutralises formulas: names starting with = + - @ get a leading apostrophe")
  void csvInjection() {
    String slug = "csv-talk";
    talk(slug, Duration.ofDays(2));
    register(new Browser(), slug, "=HYPERLINK(\"http://evil.example/\",\"click\")", "eve@example.org");
    register(new Browser(), slug, "+1+cmd|' /C calc'!A0", "plus@example.org");
    register(new Browser(), slug, "@SUM(1+1)", "at@example.org");
    register(new Browser(), slug, "-2+3", "minus@example.org");
    register(new Browser(), slug, "Plain O'Name", "plain@example.org");
    Browser.Download csv = admin.download(app.url("/talks/" + slug + "/registrations.csv"));
    assertEquals(200, csv.status());
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    List<String> lines = new String(csv.bytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertThat(lines.get(0)).isEqualTo("\"name\",\"email\",\"member\",\"status\",\"registered_at\",\"status_since\",\"attended\"");
    assertThat(lines.subList(1, lines.size())).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("\""));
    assertThat(lines.get(1)).startsWith("\"'=HYPERLINK(\"\"http://evil.example/\"\",\"\"click\"\")\",\"eve@example.org\",\"no\",\"registered\",");
    assertThat(lines.get(2)).startsWith("\"'+1+cmd|' /C calc'!A0\",");
    assertThat(lines.get(3)).startsWith("\"'@SUM(1+1)\",");
    assertThat(lines.get(4)).startsWith("\"'-2+3\",");
    assertThat(lines.get(5)).startsWith("\"Plain O'Name\",");
  }

  @Test
  @DisplayName("a member registers in one click and cancels from the Talk's page; moving the Talk re-times the reminders")
  void memberOneClickAndMovedTalk() throws Exception {
    String slug = "member-talk";
    long talkId = talk(slug, Duration.ofDays(4));
    Document page = get(member, "/talks/" + slug).html();
    assertThat(page.select("#registration button#register").text()).isEqualTo("Register");
    Response r = post(member, "/talks/" + slug + "/register", Map.of());
    assertEquals(303, r.status(), r.body());
    assertThat(get(member, "/talks/" + slug).html().select("#registration p.notice").text()).startsWith("You are registered.");
    until("the member's confirmation", () -> mailTo("mona@example.org").size() == 1);
    assertThat(FreshDatabase.count(db, "SELECT count(*) FROM talk_registrations WHERE talk_id = ? AND member_id IS NOT NULL",
        talkId)).isEqualTo(1);
    assertThat(held("mona@example.org")).isEqualTo(2);

    // the Talk moves a day later: the reminders follow it
    Document edit = get(admin, "/talks/" + slug + "/edit").html();
    Map<String, String> fields = new HashMap<>();
    for (org.jsoup.nodes.Element e : edit.select("form[action$=/edit] input[name], form[action$=/edit] textarea[name]")) {
      if (!e.attr("type").equals("checkbox") || e.hasAttr("checked")) {
        fields.put(e.attr("name"), e.is("textarea") ? e.wholeText() : e.attr("value"));
      }
    }
    java.time.ZoneId zone = java.time.ZoneId.of("Europe/Brussels");
    Instant moved = startsAt(talkId).plus(Duration.ofDays(1));
    java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm").withZone(zone);
    fields.put("startsAt", local.format(moved));
    fields.put("endsAt", local.format(moved.plus(Duration.ofHours(1))));
    fields.put("group", Long.toString(groupId));
    Response saved = admin.post(app.url("/talks/" + slug + "/edit"), fields);
    assertEquals(303, saved.status(), saved.body());
    assertThat(startsAt(talkId)).isEqualTo(moved);
    assertThat(held("mona@example.org")).isEqualTo(2);
    assertThat(FreshDatabase.text(db, """
        SELECT string_agg(to_char(o.hold_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), ',' ORDER BY o.hold_until)
        FROM mail_outbox o WHERE o.recipient = 'mona@example.org' AND o.state = 'queued'""")).isEqualTo(
            moved.minus(Duration.ofDays(1)) + "," + moved.minus(Duration.ofMinutes(15)));
    assertThat(FreshDatabase.count(db, "SELECT count(*) FROM mail_outbox WHERE recipient = 'mona@example.org' AND state = 'cancelled'"))
        .as("the old reminders are cancelled").isEqualTo(2);

    Response cancel = post(member, "/talks/" + slug + "/registration/cancel", Map.of());
    assertEquals(303, cancel.status());
    assertThat(status("mona@example.org")).isEqualTo("cancelled");
    assertThat(held("mona@example.org")).isZero();
    assertThat(get(member, "/talks/" + slug).html().select("#registration button#register").text()).isEqualTo("Register");
  }

  @Test
  @DisplayName("a Talk's page carries OpenGraph and a schema.org Event in JSON-LD; the programme lists upcoming Talks by day and pages past ones with their recording")
  void metadataAndProgramme() {
    String slug = "meta-talk";
    long talkId = talk(slug, Duration.ofDays(5));
    Document page = get(new Browser(), "/talks/" + slug).html();
    assertThat(page.select("head meta[property=og:title]").attr("content")).isEqualTo("Paying for apps meta-talk");
    assertThat(page.select("head meta[property=og:url]").attr("content")).isEqualTo(app.url("/talks/" + slug));
    assertThat(page.select("head meta[property=og:description]").attr("content")).isEqualTo("Who pays for <apps> & how.");
    String json = page.select("head script[type=application/ld+json]").first().data();
    assertThat(json).doesNotContain("<").doesNotContain(">");
    io.vertx.core.json.JsonObject event = new io.vertx.core.json.JsonObject(json);
    assertThat(event.getString("@type")).isEqualTo("Event");
    assertThat(event.getString("name")).isEqualTo("Paying for apps meta-talk");
    assertThat(event.getString("description")).isEqualTo("Who pays for <apps> & how.");
    assertThat(Instant.parse(event.getString("startDate"))).isEqualTo(startsAt(talkId));
    assertThat(Instant.parse(event.getString("endDate"))).isEqualTo(startsAt(talkId).plus(Duration.ofHours(1)));
    assertThat(event.getString("eventAttendanceMode")).isEqualTo("https://schema.org/OnlineEventAttendanceMode");
    assertThat(event.getJsonObject("location").getString("@type")).isEqualTo("VirtualLocation");
    assertThat(event.getJsonObject("location").getString("url")).isEqualTo(app.url("/talks/" + slug));
    assertThat(event.getJsonObject("organizer").getString("name")).isEqualTo("European mHealth Hub");
    assertThat(event.getJsonArray("performer").getJsonObject(0).getString("name")).isEqualTo("Dr Ada Payer");

    for (int i = 0; i < 12; i++) {
      long id = talk("past-" + i, Duration.ofDays(-30 - i));
      FreshDatabase.update(db, "UPDATE talks SET room_state = 'closed', summary = ? WHERE id = ?", "Summary " + i, id);
    }
    Document programme = get(new Browser(), "/talks").html();
    assertThat(programme.select("#upcoming-heading ~ ul.programme a").eachText()).contains("Paying for apps meta-talk");
    assertThat(programme.select("h3.programme-day")).isNotEmpty();
    assertThat(programme.select("ul.past > li")).hasSize(10);
    assertThat(programme.select("ul.past > li").first().select("a").first().text()).isEqualTo("Paying for apps past-0");
    assertThat(programme.select("ul.past > li").first().select("a[href=https://video.example.org/r]")).hasSize(1);
    assertThat(programme.select("ul.past > li").first().select("p.talk-summary").text()).isEqualTo("Summary 0");
    assertThat(programme.select("a[rel=next]").attr("href")).isEqualTo("/talks?page=2");
    Document second = get(new Browser(), "/talks?page=2").html();
    assertThat(second.select("ul.past > li a:eq(0)").eachText()).contains("Paying for apps past-11");
    assertEquals(404, get(new Browser(), "/talks?page=9").status());
  }

  @Test
  @DisplayName("one e-mail address cannot be registered more than the limit allows (429, nothing stored), whoever submits it")
  void registeringOthersIsLimited() {
    for (int i = 0; i < 3; i++) {
      talk("limited-" + i, Duration.ofDays(2));
    }
    talk("limited-3", Duration.ofDays(2));
    for (int i = 0; i < 3; i++) {
      assertEquals(303, register(new Browser(), "limited-" + i, "Victim", "victim@example.org").status());
    }
    Response refused = register(new Browser(), "limited-3", "Victim", "victim@example.org");
    assertEquals(429, refused.status());
    assertThat(refused.header("Retry-After")).isNotBlank();
    assertThat(FreshDatabase.count(db, "SELECT count(*) FROM talk_registrations WHERE email = 'victim@example.org'")).isEqualTo(3);
  }
}
