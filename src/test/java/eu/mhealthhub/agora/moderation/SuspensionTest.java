package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Suspensions over HTTP: a group's moderator suspends a member of their group, whose sessions end
 * at once, whose API requests are refused, who cannot sign in (a page says until when, why, and how
 * to appeal), who gets no notification and no e-mail, and who can read public pages signed out;
 * lifting restores sign-in and sends the mail that waited. Every refusal stores nothing.
 */
class SuspensionTest {

  private static TestApp app;
  private static String slug;
  private static long groupId;
  private static long threadId;
  private static Browser moderator;
  private static long moderatorId;
  private static Browser otherModerator;
  private static long fellowModeratorId;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
    slug = Fixtures.unique("suspend");
    groupId = Fixtures.group(slug, false, true);
    moderator = new Browser();
    moderatorId = app.signInNew(moderator, "Mona Moderator", Fixtures.unique("mona") + "@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    Browser fellow = new Browser();
    fellowModeratorId = app.signInNew(fellow, "Fred Fellow", Fixtures.unique("fred") + "@example.org");
    Fixtures.member(groupId, fellowModeratorId, "moderator");
    long elsewhere = Fixtures.group(Fixtures.unique("elsewhere"), false, true);
    otherModerator = new Browser();
    long otherId = app.signInNew(otherModerator, "Otto Other", Fixtures.unique("otto") + "@example.org");
    Fixtures.member(elsewhere, otherId, "moderator");
    threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, 'Suspension thread', ?) RETURNING id",
        groupId, moderatorId);
  }

  /** A person who signed up and belongs to the group. */
  private record Person(Browser browser, long id, String name, String email) {
    String handle() {
      return Fixtures.handle(id);
    }
  }

  private static Person member(String name) {
    Browser b = new Browser();
    String email = Fixtures.unique("member") + "@example.org";
    long id = app.signInNew(b, name, email);
    Fixtures.member(groupId, id, "member");
    return new Person(b, id, name, email);
  }

  /** Signs in again as the person through the provider; the answer to the callback (302 in, 403 suspended). */
  private static Response signInAgain(Browser b, Person p) {
    Response start = b.get(app.url("/auth/login?next=/"));
    Response page = b.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("name", p.name());
    fields.put("email", p.email());
    URI provider = URI.create(start.location());
    Response back = b.get(b.post(provider.resolve("/authorize").toString(), fields).location());
    // a suspended member's sign-in goes on to the page that says so (403)
    return back.status() == 302 && back.location().endsWith("/auth/suspended") ? b.get(back.location()) : back;
  }

  private static Response suspend(Browser by, String handle, String period, String reason) {
    Response page = by.get(app.url("/members/" + handle + "/suspension"));
    String csrf = page.status() == 200 ? page.inputValue("_csrf") : app.csrf(by);
    return by.post(app.url("/members/" + handle + "/suspension"), Map.of("_csrf", csrf, "period", period, "reason", reason));
  }

  private static Response lift(Browser by, String handle, long suspensionId, String reason) {
    return by.post(app.url("/members/" + handle + "/suspension/lift"),
        Map.of("_csrf", app.csrf(by), "suspension", Long.toString(suspensionId), "reason", reason));
  }

  private static long suspensions(long memberId) {
    return TestDatabase.count("SELECT count(*) FROM member_suspensions WHERE member_id = ?", memberId);
  }

  private static long logEntries(long memberId) {
    return TestDatabase.count("SELECT count(*) FROM moderation_log WHERE target_type = 'member' AND target_id = ?", memberId);
  }

  private static long queueMail(Person to, String subject) {
    return TestDatabase.count("""
        INSERT INTO mail_outbox (recipient, member_id, kind, subject, message_id, text_body, html_body, next_attempt_at, created_at)
        VALUES (?, ?, 'test', ?, ?, 'Hello', '<p>Hello</p>', now(), now()) RETURNING id""",
        to.email(), to.id(), subject, "<" + Fixtures.unique("msg") + "@agora.test>");
  }

  private static String mailState(long id) {
    return TestDatabase.text("SELECT state FROM mail_outbox WHERE id = ?", id);
  }

  private static void until(String what, BooleanSupplier done) throws InterruptedException {
    Instant end = Instant.now().plus(Duration.ofSeconds(30));
    while (!done.getAsBoolean()) {
      assertThat(Instant.now()).as(what).isBefore(end);
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName("a moderator suspends a member of their group: sessions end, the API answers 403 suspended, sign-in shows the page, no notification or mail reaches them; lifting restores sign-in and sends the mail that waited")
  void suspendAndLift() throws Exception {
    Person author = member("Sam Suspended");
    Browser apiSession = new Browser();
    signInAgain(apiSession, author);
    assertThat(author.browser().get(app.url("/me")).status()).isEqualTo(200);
    assertThat(apiSession.get(app.url("/me")).status()).isEqualTo(200);
    long signInsBefore = TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", author.id());

    Document form = moderator.get(app.url("/members/" + author.handle() + "/suspension")).html();
    assertThat(form.select("form.suspend-form input[name=period]")).hasSize(5);
    assertThat(form.select("p.active-state")).hasSize(1);
    Response suspended = suspend(moderator, author.handle(), "1d", "Posted the same advert in every thread");
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(303);
    assertThat(TestDatabase.count("""
        SELECT count(*) FROM member_suspensions WHERE member_id = ? AND group_id = ? AND lifted_at IS NULL
           AND ends_at BETWEEN now() + interval '23 hours' AND now() + interval '25 hours'""", author.id(), groupId)).isEqualTo(1);
    assertThat(TestDatabase.text("SELECT reason FROM moderation_log WHERE action = 'member.suspend' AND target_id = ?", author.id()))
        .isEqualTo("Posted the same advert in every thread");

    Response api = apiSession.get(app.url("/api/v1/groups"), "Accept", "application/json");
    assertThat(api.status()).isEqualTo(403);
    assertThat(new JsonObject(api.body()).getJsonObject("error").getString("code")).isEqualTo("suspended");
    Response me = author.browser().get(app.url("/me"));
    assertThat(me.status()).as("signed out: sent to sign in").isEqualTo(302);
    assertThat(URI.create(me.location()).getPath()).isEqualTo("/auth/login");
    Response publicPage = author.browser().get(app.url("/groups/" + slug));
    assertThat(publicPage.status()).as("public content stays readable").isEqualTo(200);

    Response refused = signInAgain(new Browser(), author);
    assertThat(refused.status()).isEqualTo(403);
    Document page = refused.html();
    assertThat(page.select("p.suspended-until time")).hasSize(1);
    assertThat(page.select(".suspension-reason").text()).isEqualTo("Posted the same advert in every thread");
    assertThat(page.select("p.appeal")).hasSize(1);
    assertThat(refused.setCookies()).noneMatch(c -> c.startsWith("agora_session="));
    assertThat(TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ?", author.id())).isEqualTo(signInsBefore);

    // a mention of both: the moderator is told, the suspended member is not
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Response posted = admin.request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
        new JsonObject().put("body", "Thanks @" + Fixtures.handle(moderatorId) + " and @" + author.handle()).encode(),
        "X-CSRF-Token", app.csrf(admin));
    assertThat(posted.status()).as(posted.body()).isEqualTo(201);
    until("the moderator's mention notification", () -> TestDatabase.count(
        "SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'mention'", moderatorId) > 0);
    assertThat(TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind <> 'moderation_decision'",
        author.id())).isZero();
    // except the statement of reasons about the suspension itself (DSA Art. 17), which reaches them
    assertThat(TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'moderation_decision'",
        author.id())).isEqualTo(1);

    // mail: the moderator's is sent through the loopback SMTP server; the suspended member's waits
    Person bystander = member("Bea Bystander");
    long waiting = queueMail(author, "For the suspended member");
    long other = queueMail(bystander, "For a member in good standing");
    until("the other member's mail is sent", () -> "sent".equals(mailState(other)));
    Thread.sleep(500);
    assertThat(mailState(waiting)).isEqualTo("queued");

    // lifting: sign-in works again, and the mail that waited goes out
    long suspensionId = TestDatabase.count("SELECT id FROM member_suspensions WHERE member_id = ?", author.id());
    Response lifted = lift(moderator, author.handle(), suspensionId, "Apologised and removed the adverts");
    assertThat(lifted.status()).as(lifted.body()).isEqualTo(303);
    assertThat(TestDatabase.text("SELECT reason FROM moderation_log WHERE action = 'member.lift' AND target_id = ?", author.id()))
        .isEqualTo("Apologised and removed the adverts");
    Browser again = new Browser();
    Response back = signInAgain(again, author);
    assertThat(back.status()).as(back.body()).isEqualTo(302);
    assertThat(again.get(app.url("/me")).status()).isEqualTo(200);
    until("the mail that waited is sent", () -> "sent".equals(mailState(waiting)));
  }

  @Test
  @DisplayName("a moderator sees \"suspended until\" on a suspended member's page; other visitors do not")
  void memberPageShowsSuspensionToModerators() {
    Person author = member("Paula Page");
    assertThat(suspend(moderator, author.handle(), "lifted", "Harassment of another member").status()).isEqualTo(303);
    Document seen = moderator.get(app.url("/members/" + author.handle())).html();
    assertThat(seen.select("p.member-suspended")).hasSize(1);
    assertThat(seen.select("p.member-suspended a[href=/members/" + author.handle() + "/suspension]")).hasSize(1);
    Person other = member("Nina Neighbour");
    assertThat(other.browser().get(app.url("/members/" + author.handle())).html().select("p.member-suspended")).isEmpty();
    assertThat(new Browser().get(app.url("/members/" + author.handle())).html().select("p.member-suspended")).isEmpty();
  }

  @Test
  @DisplayName("refused suspensions store nothing: a moderator of another group, of an admin, of a fellow moderator, of themself, without a reason, or twice")
  void refusals() {
    Person author = member("Rita Refused");
    long logBefore = logEntries(author.id());

    assertThat(suspend(otherModerator, author.handle(), "1d", "Not my group").status()).isEqualTo(403);
    long admin = Fixtures.demoMember("demo-maria");
    assertThat(suspend(moderator, Fixtures.handle(admin), "1d", "An admin").status()).isEqualTo(403);
    assertThat(suspend(moderator, Fixtures.handle(fellowModeratorId), "1d", "A fellow moderator").status()).isEqualTo(403);
    assertThat(suspend(moderator, Fixtures.handle(moderatorId), "1d", "Myself").status()).isEqualTo(403);
    assertThat(suspend(author.browser(), Fixtures.handle(fellowModeratorId), "1d", "A member").status()).isEqualTo(403);
    assertThat(suspensions(admin) + suspensions(fellowModeratorId) + suspensions(moderatorId)).isZero();

    Response empty = suspend(moderator, author.handle(), "1d", "   ");
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.html().select("#problems")).hasSize(1);
    Response noPeriod = suspend(moderator, author.handle(), "forever", "A reason");
    assertThat(noPeriod.status()).isEqualTo(400);
    assertThat(suspensions(author.id())).isZero();
    assertThat(logEntries(author.id())).isEqualTo(logBefore);

    assertThat(suspend(moderator, author.handle(), "3d", "First").status()).isEqualTo(303);
    Response twice = suspend(moderator, author.handle(), "7d", "Second");
    assertThat(twice.status()).isEqualTo(409);
    assertThat(suspensions(author.id())).isEqualTo(1);
    assertThat(logEntries(author.id())).isEqualTo(logBefore + 1);
  }

  @Test
  @DisplayName("lifting needs a reason and a suspension in force: an empty reason or a lifted suspension is refused and stores nothing")
  void liftRefusals() {
    Person author = member("Leo Lifted");
    assertThat(suspend(moderator, author.handle(), "30d", "Spam").status()).isEqualTo(303);
    long id = TestDatabase.count("SELECT id FROM member_suspensions WHERE member_id = ?", author.id());
    assertThat(lift(otherModerator, author.handle(), id, "Not mine").status()).isEqualTo(403);
    assertThat(lift(moderator, author.handle(), id, " ").status()).isEqualTo(400);
    assertThat(TestDatabase.count("SELECT count(*) FROM member_suspensions WHERE id = ? AND lifted_at IS NULL", id)).isEqualTo(1);
    assertThat(lift(moderator, author.handle(), id, "Done").status()).isEqualTo(303);
    long log = logEntries(author.id());
    Response again = lift(moderator, author.handle(), id, "Again");
    assertThat(again.status()).isEqualTo(409);
    assertThat(logEntries(author.id())).isEqualTo(log);
    assertThat(TestDatabase.text("SELECT lift_reason FROM member_suspensions WHERE id = ?", id)).isEqualTo("Done");
  }

  @Test
  @DisplayName("a suspension no node heard of (written by another process) signs the member out within the periodic reload, and one that expires ends by itself")
  void reloadAndExpiry() throws Exception {
    Person author = member("Eve Expiring");
    assertThat(author.browser().get(app.url("/me")).status()).isEqualTo(200);
    TestDatabase.update("""
        INSERT INTO member_suspensions (member_id, suspended_by, group_id, reason, ends_at)
        VALUES (?, ?, ?, 'Written behind the app''s back', now() + interval '9 seconds')""", author.id(), moderatorId, groupId);
    Instant written = Instant.now();
    // it lasts longer than a reload period and a slow machine's delays, so the reload surely sees it in force
    until("the reload signs the member out", () -> author.browser().get(app.url("/me")).status() == 302);
    assertThat(Duration.between(written, Instant.now())).isLessThan(SuspendedMembers.RELOAD.plusSeconds(2));
    assertThat(signInAgain(new Browser(), author).status()).isEqualTo(403);
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), written.plusSeconds(10)).toMillis()));
    Browser after = new Browser();
    assertThat(signInAgain(after, author).status()).as("the suspension ended by itself").isEqualTo(302);
    until("the reload forgets the ended suspension", () -> after.get(app.url("/me")).status() == 200);
  }
}
