package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's story over HTTP, on a two-node cluster (Hazelcast on loopback, one PostgreSQL, one
 * public address as a load balancer gives them), each step through whichever node a browser happens
 * to reach: a new member's link-heavy replies are held; a moderator approves one and hides the other
 * with a reason; the author edits and resubmits it; three members flag a post, which is then hidden
 * automatically; an anonymous visitor files a notice and gets a receipt; the moderator suspends the
 * author for a day and the author's open live socket on the other node closes; the author appeals
 * from the page that refuses their sign-in, the moderator may not decide it and an admin reverses
 * it; the audit log shows every step with its reason and exports it as CSV; a burst of posts on both
 * nodes is limited to the configured number in total.
 */
@SlowTest
class ModerationStoryTest {

  private static final int POST_LIMIT = 3;
  private static final Pattern POST_ID = Pattern.compile("(?:/posts/|#post-)(\\d+)");

  private static TestApp.Pair nodes;
  private static TestApp node1;
  private static TestApp node2;
  private static Vertx client;

  @BeforeAll
  static void start() {
    nodes = TestApp.clustered(Map.of("AGORA_RATE_LIMITS",
        "post=" + POST_LIMIT + "/1h,post.new=off,thread=off,thread.new=off,signin=off,callback=off,search=off,notice=off"));
    node1 = nodes.first();
    node2 = nodes.second();
    client = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  private record Person(Browser browser, long id, String name, String email) {
    String handle() {
      return Fixtures.handle(id);
    }
  }

  private static Person person(String name, long groupId, String role) {
    Browser b = new Browser();
    String email = Fixtures.unique("story") + "@example.org";
    long id = node1.signInNew(b, name, email);
    if (role.equals("new")) {
      Fixtures.newMember(groupId, id);
    } else if (!role.isEmpty()) {
      Fixtures.member(groupId, id, role);
    }
    return new Person(b, id, name, email);
  }

  /** A post written straight to the database (what the story does not look at closely). */
  private static long post(long threadId, long by, String text) {
    int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", threadId);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", threadId, position, by, text, "<p>" + text + "</p>");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, by, text, "<p>" + text + "</p>");
    return id;
  }

  private static Response reply(TestApp node, Person p, long threadId, String body) {
    return p.browser().postMultipart(node.url("/threads/" + threadId + "/posts"), Map.of("_csrf", node.csrf(p.browser()),
        "clientToken", Fixtures.unique("c"), "action", "post", "body", body), List.of());
  }

  private static long postIdOf(Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(303);
    Matcher m = POST_ID.matcher(r.location());
    assertThat(m.find()).as(r.location()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static Response act(TestApp node, Person p, String type, long id, String action, String reason) {
    Map<String, String> form = new HashMap<>(Map.of("_csrf", node.csrf(p.browser()), "action", action, "reason", reason));
    return p.browser().post(node.url("/review/" + type + "/" + id + "/act"), form);
  }

  private static Document queue(TestApp node, Person p, String slug, String kind) {
    Response r = p.browser().get(node.url("/groups/" + slug + "/review?kind=" + kind));
    assertThat(r.status()).as("%s %s", r.location(), r.body()).isEqualTo(200);
    return r.html();
  }

  /** Signs in again through the provider's form as the same person; Agora's answer to the callback. */
  private static Response signInAgain(TestApp node, Browser b, Person p) {
    Response start = b.get(node.url("/auth/login?next=/"));
    Response page = b.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("name", p.name());
    fields.put("email", p.email());
    URI provider = URI.create(start.location());
    Response back = b.get(b.post(provider.resolve("/authorize").toString(), fields).location());
    // a suspended member's sign-in goes on to the page that says so (403)
    return back.status() == 302 && back.location().endsWith("/auth/suspended") ? b.get(back.location()) : back;
  }

  private static void eventually(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(end);
      Thread.sleep(50);
    }
  }

  /** The transparency summary's counts this year, by element id (the first number of each). */
  private static Map<String, Long> transparency(Browser admin) {
    int year = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
    Document page = admin.get(node1.url("/admin/audit/summary?year=" + year)).html();
    Map<String, Long> counts = new HashMap<>();
    for (String id : List.of("summary-notices", "summary-appeals", "summary-suspensions", "summary-statements")) {
      Matcher m = Pattern.compile("\\d+").matcher(page.select("#" + id).text());
      assertThat(m.find()).as(id).isTrue();
      counts.put(id, Long.parseLong(m.group()));
    }
    return counts;
  }

  private static String linkHeavy(String about) {
    return "On " + about + ": https://example.org/a, https://example.org/b and https://example.org/c";
  }

  @Test
  @DisplayName("held, approved, hidden and resubmitted, flagged away, noticed, suspended across nodes, appealed and reversed, audited and exported, and a burst on two nodes limited in total")
  void story() throws Exception {
    String slug = Fixtures.unique("story");
    long groupId = Fixtures.group(slug, false, true);
    Person moderator = person("Mira Moderator", groupId, "moderator");
    Person author = person("Nils Newcomer", groupId, "new");
    Person reader = person("Rosa Reader", groupId, "member");
    Browser admin = new Browser();
    node1.signIn(admin, "demo-maria");
    Map<String, Long> before = transparency(admin);
    long threadId = TestDatabase.count(
        "INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Reimbursing apps', ?, 0) RETURNING id",
        groupId, moderator.id());
    post(threadId, moderator.id(), "Which evidence do payers ask for?");

    // (a permalink answers 302 to the post's place in its thread, or 404 to whom it does not exist)
    // 1. a new member's link-heavy replies are held: nobody but the author and the moderators sees them
    long approvedPost = postIdOf(reply(node2, author, threadId, linkHeavy("DiGA evidence")));
    long hiddenPost = postIdOf(reply(node1, author, threadId, linkHeavy("PECAN")));
    assertThat(TestDatabase.text("SELECT held_reason FROM posts WHERE id = ?", approvedPost)).isEqualTo("links");
    assertThat(reader.browser().get(node1.url("/posts/" + approvedPost)).status()).isEqualTo(404);
    assertThat(moderator.browser().get(node1.url("/groups/" + slug)).html().select("#group-review").attr("href"))
        .as("the group's page leads its moderators to the queue").isEqualTo("/groups/" + slug + "/review");
    assertThat(reader.browser().get(node1.url("/groups/" + slug)).html().select("#group-review")).isEmpty();
    Document held = queue(node2, moderator, slug, "held");
    assertThat(held.select("#review-post-" + approvedPost)).hasSize(1);
    assertThat(held.select("#review-post-" + hiddenPost)).hasSize(1);

    // 2. the moderator approves one and hides the other with a reason; both decisions are told to the author
    assertThat(act(node1, moderator, "post", approvedPost, "approve", "").status()).as("a reason is required").isEqualTo(400);
    assertThat(act(node1, moderator, "post", approvedPost, "approve", "The sources are relevant").status()).isEqualTo(303);
    assertThat(reader.browser().get(node2.url("/posts/" + approvedPost)).status()).isEqualTo(302);
    assertThat(act(node2, moderator, "post", hiddenPost, "hide", "Please summarise the links in your own words").status())
        .isEqualTo(303);
    assertThat(reader.browser().get(node2.url("/posts/" + hiddenPost)).status()).isEqualTo(404);
    long hideDecision = TestDatabase.count(
        "SELECT id FROM moderation_decisions WHERE item_type = 'post' AND item_id = ? AND action = 'hide'", hiddenPost);
    // notifications are fanned out by a worker, after the answer
    eventually("both statements notified", () -> TestDatabase.count(
        "SELECT count(*) FROM notifications WHERE recipient_id = ? AND kind = 'moderation_decision'", author.id()) == 2);
    Document hideStatement = author.browser().get(node1.url("/moderation/decisions/" + hideDecision)).html();
    assertThat(hideStatement.select("#decision-reason").text()).isEqualTo("Please summarise the links in your own words");

    // 3. the author sees why, edits and resubmits: held again, back in the queue
    Response form = author.browser().get(node2.url("/posts/" + hiddenPost + "/edit"));
    assertThat(form.status()).as(form.body()).isEqualTo(200);
    Response edited = author.browser().post(node2.url("/posts/" + hiddenPost + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
        "revision", form.inputValue("revision"), "body", "In short: both frameworks ask for a comparative study.",
        "action", "save"));
    assertThat(edited.status()).as(edited.body()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND held_at IS NOT NULL AND deleted_at IS NULL",
        hiddenPost)).as("resubmitted: held again").isEqualTo(1);
    assertThat(queue(node1, moderator, slug, "held").select("#review-post-" + hiddenPost)).hasSize(1);
    assertThat(act(node1, moderator, "post", hiddenPost, "approve", "Summarised as asked").status()).isEqualTo(303);
    assertThat(reader.browser().get(node1.url("/posts/" + hiddenPost)).status()).isEqualTo(302);

    // 4. three members who took part flag the approved post: it is hidden automatically, with a notice in its place
    for (int i = 1; i <= 3; i++) {
      Person flagger = person("Flora Flagger " + i, groupId, "member");
      post(threadId, flagger.id(), "A contribution by flagger " + i);
      TestApp node = i % 2 == 0 ? node2 : node1;
      Response page = flagger.browser().get(node.url("/flags/post/" + approvedPost));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      assertThat(flagger.browser().post(node.url("/flags/post/" + approvedPost), Map.of("_csrf", page.inputValue("_csrf"),
          "reason", "spam", "detail", "")).status()).isEqualTo(303);
    }
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NOT NULL AND deleted_by IS NULL",
        approvedPost)).isEqualTo(1);
    assertThat(TestDatabase.text("SELECT automated::text FROM moderation_decisions WHERE item_type = 'post' AND item_id = ?"
        + " AND action = 'hide'", approvedPost)).isEqualTo("true");
    assertThat(queue(node2, moderator, slug, "flagged").select("#review-post-" + approvedPost)).hasSize(1);

    // 5. an anonymous visitor files a notice of illegal content and gets a receipt
    Browser visitor = new Browser();
    Map<String, String> notice = new HashMap<>(Map.of("url", node1.url("/posts/" + hiddenPost), "category", "defamation",
        "explanation", "It names me and says I falsified trial data.", "legalGround", "§ 186 StGB",
        "name", "Vera Visitor", "email", Fixtures.unique("vera") + "@example.org", "goodFaith", "yes", "website", ""));
    Response filed = visitor.post(node2.url("/notices"), notice);
    assertThat(filed.status()).as(filed.body()).isEqualTo(303);
    String reference = filed.location().substring(filed.location().lastIndexOf('/') + 1);
    Response receipt = visitor.get(node1.url("/notices/" + reference));
    assertThat(receipt.status()).isEqualTo(200);
    assertThat(receipt.mainText()).contains(reference);

    // 6. the moderator suspends the author for a day: the author's open live socket on the other node closes
    String session = author.browser().cookie("localhost", "agora_session");
    WebSocket ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
            .setPort(node2.port()).setURI("/eventbus/websocket").addHeader("Origin", node1.url())
            .addHeader("Cookie", "agora_session=" + session))
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CompletableFuture<Void> closed = new CompletableFuture<>();
    ws.closeHandler(v -> closed.complete(null));
    ws.writeTextMessage(new JsonObject().put("type", "register").put("address", "thread." + threadId).encode());
    Thread.sleep(500);
    assertThat(closed).as("open before the suspension").isNotDone();
    Response suspensionPage = moderator.browser().get(node1.url("/members/" + author.handle() + "/suspension"));
    Response suspended = moderator.browser().post(node1.url("/members/" + author.handle() + "/suspension"),
        Map.of("_csrf", suspensionPage.inputValue("_csrf"), "period", "1d", "reason", "Repeated promotion after a warning"));
    assertThat(suspended.status()).as(suspended.body()).isEqualTo(303);
    closed.get(1, TimeUnit.SECONDS);
    assertThat(author.browser().get(node2.url("/me")).status()).as("signed out").isEqualTo(302);

    // 7. the author appeals from the page that refuses the sign-in; the moderator may not decide it, an admin reverses it
    Browser appealing = new Browser();
    Response refused = signInAgain(node1, appealing, author);
    assertThat(refused.status()).isEqualTo(403);
    String statement = refused.html().select("#suspension-appeal").attr("href");
    assertThat(statement).startsWith("/moderation/decisions/");
    Response statementPage = appealing.get(node1.url(statement));
    assertThat(statementPage.status()).as("%s %s %s", refused.setCookies(), statementPage.location(),
        appealing.cookie("localhost", "agora_session")).isEqualTo(200);
    assertThat(statementPage.html().select("#decision-reason").text()).isEqualTo("Repeated promotion after a warning");
    assertThat(appealing.get(node1.url("/moderation/decisions/" + hideDecision)).status())
        .as("the appeal window reads the member's own statements").isEqualTo(200);
    assertThat(appealing.get(node1.url("/me")).status()).as("and nothing else").isEqualTo(302);
    Response appealed = appealing.post(node1.url(statement + "/appeal"), Map.of("_csrf", statementPage.inputValue("_csrf"),
        "text", "I posted sources, not adverts; please look again."));
    assertThat(appealed.status()).as(appealed.body()).isEqualTo(303);
    // a suspended member may still export their own data from that browser
    assertThat(refused.html().select("#suspension-export").attr("href")).isEqualTo("/me/export");
    Response exportPage = appealing.get(node2.url("/me/export"));
    assertThat(exportPage.status()).as(exportPage.body()).isEqualTo(200);
    assertThat(appealing.post(node2.url("/me/export"), Map.of("_csrf", exportPage.inputValue("_csrf"))).status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM data_exports WHERE member_id = ?", author.id())).isEqualTo(1);
    long appealId = TestDatabase.count("SELECT a.id FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id"
        + " WHERE d.item_type = 'suspension' AND d.affected_id = ?", author.id());
    assertThat(queue(node2, moderator, slug, "appeal").select("#review-appeal-" + appealId)).as("a suspended member's appeal waits")
        .hasSize(1);
    Response own = act(node2, moderator, "appeal", appealId, "reverse", "I changed my mind");
    assertThat(own.status()).as(own.body()).isEqualTo(403);
    Response reversed = admin.post(node1.url("/review/appeal/" + appealId + "/act"), Map.of("_csrf", node1.csrf(admin),
        "action", "reverse", "reason", "A day is too harsh for a first offence"));
    assertThat(reversed.status()).as(reversed.body()).isEqualTo(303);
    Response back = signInAgain(node1, new Browser(), author);
    assertThat(back.status()).as("lifted on every node: the author signs in again").isEqualTo(302);

    // 8. the audit log shows every step with its reason, and exports it as CSV
    Document audit = moderator.browser().get(node1.url("/groups/" + slug + "/audit")).html();
    assertThat(audit.select("tr[data-action=post.approve] td.audit-reason").eachText())
        .contains("The sources are relevant", "Summarised as asked");
    assertThat(audit.select("tr[data-action=post.reject] td.audit-reason").eachText())
        .contains("Please summarise the links in your own words");
    assertThat(audit.select("tr[data-action=member.suspend] td.audit-reason").eachText())
        .contains("Repeated promotion after a warning");
    assertThat(audit.select("tr[data-action=member.lift] td.audit-reason").eachText())
        .contains("A day is too harsh for a first offence");
    Browser.Download csv = moderator.browser().download(node2.url("/groups/" + slug + "/audit?format=csv"));
    assertThat(csv.status()).isEqualTo(200);
    assertThat(csv.header("Content-Type")).startsWith("text/csv");
    String exported = new String(csv.bytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(exported).contains("Please summarise the links in your own words", "Repeated promotion after a warning",
        "A day is too harsh for a first offence");

    // and the yearly transparency summary counts the notice, the appeal and its outcome, and the suspension
    Map<String, Long> after = transparency(admin);
    assertThat(after.get("summary-notices") - before.get("summary-notices")).isEqualTo(1);
    assertThat(after.get("summary-appeals") - before.get("summary-appeals")).isEqualTo(1);
    assertThat(after.get("summary-suspensions") - before.get("summary-suspensions")).isEqualTo(1);
    assertThat(after.get("summary-statements") - before.get("summary-statements")).as("approve ×2, hide, flags, suspend, reverse")
        .isGreaterThanOrEqualTo(6);

    // 9. a burst of replies sent to both nodes at once is limited to the configured number in total
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Integer>> answers = new ArrayList<>();
    String csrf = node1.csrf(reader.browser());
    try {
      for (int i = 0; i < 8; i++) {
        TestApp node = i % 2 == 0 ? node1 : node2;
        String body = "Burst reply " + i;
        answers.add(pool.submit(() -> reader.browser().postMultipart(node.url("/threads/" + threadId + "/posts"),
            Map.of("_csrf", csrf, "clientToken", Fixtures.unique("burst"), "action", "post", "body", body), List.of()).status()));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get(60, TimeUnit.SECONDS));
      }
      assertThat(statuses).filteredOn(s -> s == 303).as("%s", statuses).hasSize(POST_LIMIT);
      assertThat(statuses).filteredOn(s -> s == 429).as("%s", statuses).hasSize(8 - POST_LIMIT);
    } finally {
      pool.shutdownNow();
    }
    assertThat(TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ? AND author_id = ?", threadId, reader.id()))
        .isEqualTo(POST_LIMIT);
  }
}
