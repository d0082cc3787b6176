package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.notify.Notified;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The review queue over HTTP (issue 13 point 3): a flagged post reaches the group's queue with its
 * flags, one moderator claims it and a second one's claim is refused naming the first, the post is
 * hidden with a required reason, the author is told with a statement of reasons and appeals once,
 * the moderator who decided may not settle the appeal, an admin reverses it and the post is
 * visible again, and the audit log holds every step with its reason. Then the refusals: other
 * groups, non-moderators, empty reasons, items decided already, second appeals.
 */
class ReviewQueueTest {

  private static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.shared();
  }

  /** A group with an author, two moderators and a thread. */
  private record Scene(String slug, long groupId, long threadId, Browser author, long authorId, Browser mod1, long mod1Id,
      Browser mod2, long mod2Id) {}

  private static Scene scene(boolean closed) {
    String slug = Fixtures.unique("review");
    long groupId = Fixtures.group(slug, closed, true);
    Browser author = new Browser();
    long authorId = app.signInNew(author, "Rita Author", Fixtures.unique("rita") + "@example.org");
    Fixtures.member(groupId, authorId, "member");
    Browser mod1 = new Browser();
    long mod1Id = app.signInNew(mod1, "Moritz First", Fixtures.unique("moritz") + "@example.org");
    Fixtures.member(groupId, mod1Id, "moderator");
    Browser mod2 = new Browser();
    long mod2Id = app.signInNew(mod2, "Mona Second", Fixtures.unique("mona") + "@example.org");
    Fixtures.member(groupId, mod2Id, "moderator");
    long threadId = TestDatabase.count(
        "INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Review thread', ?, 0) RETURNING id", groupId, authorId);
    return new Scene(slug, groupId, threadId, author, authorId, mod1, mod1Id, mod2, mod2Id);
  }

  private static long post(long thread, long by, String text) {
    int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", thread);
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, ?, ?, ?, ?) RETURNING id""", thread, position, by, text, "<p>" + text + "</p>");
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, ?, ?)",
        id, by, text, "<p>" + text + "</p>");
    return id;
  }

  /** A member of the group who took part in it, flagging the post through its form. */
  private static void flagBy(Scene s, String name, long postId, String reason, String detail) {
    Browser b = new Browser();
    long id = app.signInNew(b, name, Fixtures.unique("flagger") + "@example.org");
    Fixtures.member(s.groupId(), id, "member");
    post(s.threadId(), id, "A contribution by " + name);
    Response page = b.get(app.url("/flags/post/" + postId));
    Map<String, String> form = new HashMap<>(Map.of("_csrf", page.inputValue("_csrf"), "reason", reason, "detail", detail));
    assertThat(b.post(app.url("/flags/post/" + postId), form).status()).isEqualTo(303);
  }

  private static Response act(Browser b, String type, long id, String action, String reason) {
    Map<String, String> form = new HashMap<>(Map.of("_csrf", app.csrf(b), "reason", reason));
    if (action != null) {
      form.put("action", action);
    }
    return b.post(app.url("/review/" + type + "/" + id + "/act"), form);
  }

  private static Response claim(Browser b, String type, long id) {
    return b.post(app.url("/review/" + type + "/" + id + "/claim"), Map.of("_csrf", app.csrf(b)));
  }

  private static long count(String sql, Object... args) {
    return TestDatabase.count(sql, args);
  }

  @Test
  @DisplayName("flagged post → queue with its flags → claim → second claim 409 → hide with a reason → author told, decision page → appeal → deciding moderator refused → admin reverses → visible again, every step audited")
  void story() {
    Scene s = scene(false);
    long postId = post(s.threadId(), s.authorId(), "Cheap watches, follow my link");
    flagBy(s, "Fay One", postId, "spam", "");
    flagBy(s, "Fay Two", postId, "other", "Advertising again");
    flagBy(s, "Fay Three", postId, "spam", "");
    assertThat(count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NOT NULL", postId)).isEqualTo(1);
    // hiding by flags is an automated decision, and the author is told of it
    assertThat(TestDatabase.text("SELECT ground || ' / ' || automated FROM moderation_decisions WHERE item_type = 'post' AND item_id = ?",
        postId)).isEqualTo("flags: other, spam / true");
    Notified.await("the author told of the automated decision", () -> Notified.count(s.authorId(), "moderation_decision") == 1);

    // the queue shows the item with its three flags, and the item page lists them with their reasons
    Document queue = s.mod1().get(app.url("/groups/" + s.slug() + "/review")).html();
    assertThat(queue.select("#review-post-" + postId + " td.review-flags").text()).isEqualTo("3");
    assertThat(queue.select("#review-post-" + postId + " a").attr("href")).isEqualTo("/review/post/" + postId);
    Document item = s.mod1().get(app.url("/review/post/" + postId)).html();
    assertThat(item.select(".review-flag-list li")).hasSize(3);
    assertThat(item.select(".review-flag-list li").eachText()).anyMatch(t -> t.contains("Advertising again"));
    assertThat(item.select("blockquote.review-text").text()).isEqualTo("Cheap watches, follow my link");
    assertThat(item.select(".review-history li").first().text()).startsWith("Member since");
    assertThat(item.select(".review-content a").attr("href")).isEqualTo("/posts/" + postId);

    // claims: the first holds it, the second is refused with the holder's name and stores nothing
    assertThat(claim(s.mod1(), "post", postId).status()).isEqualTo(303);
    Response second = claim(s.mod2(), "post", postId);
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.html().select("main").text()).contains("Moritz First");
    assertThat(count("SELECT count(*) FROM review_claims WHERE item_type = 'post' AND item_id = ?", postId)).isEqualTo(1);
    assertThat(count("SELECT member_id FROM review_claims WHERE item_type = 'post' AND item_id = ?", postId)).isEqualTo(s.mod1Id());
    assertThat(s.mod2().get(app.url("/groups/" + s.slug() + "/review")).html()
        .select("#review-post-" + postId + " td.review-claim").text()).isEqualTo("Claimed by Moritz First");
    assertThat(act(s.mod2(), "post", postId, "hide", "Me too").status()).isEqualTo(409);

    // an empty reason is refused and stores nothing
    assertThat(act(s.mod1(), "post", postId, "hide", "   ").status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM moderation_decisions WHERE item_type = 'post' AND item_id = ? AND NOT automated", postId))
        .isZero();

    Response hidden = act(s.mod1(), "post", postId, "hide", "Advertising is against the group's guidelines");
    assertThat(hidden.status()).isEqualTo(303);
    assertThat(count("SELECT deleted_by FROM posts WHERE id = ?", postId)).isEqualTo(s.mod1Id());
    assertThat(count("SELECT count(*) FROM flags WHERE item_type = 'post' AND item_id = ? AND resolved_at IS NULL", postId)).isZero();
    assertThat(s.mod1().get(app.url("/groups/" + s.slug() + "/review")).html().select("#review-post-" + postId)).isEmpty();
    // acting on it again: decided already
    assertThat(act(s.mod1(), "post", postId, "warn", "Once more").status()).isEqualTo(409);

    long decisionId = count("SELECT id FROM moderation_decisions WHERE item_type = 'post' AND item_id = ? AND NOT automated", postId);
    assertThat(TestDatabase.text("SELECT ground FROM moderation_decisions WHERE id = ?", decisionId)).isEqualTo("flags: spam, other");
    Notified.await("the author told of the decision", () -> Notified.count(s.authorId(), "moderation_decision") == 2);
    Document decision = s.author().get(app.url("/moderation/decisions/" + decisionId)).html();
    assertThat(decision.select("#decision-reason").text()).isEqualTo("Advertising is against the group's guidelines");
    assertThat(decision.select("#decision-ground").text()).isEqualTo("flags: spam, other");
    assertThat(decision.select("form.appeal-form")).hasSize(1);
    // nobody else reads it: another member gets 404, the group's moderators read it
    Browser stranger = new Browser();
    app.signInNew(stranger, "Stan Stranger", Fixtures.unique("stan") + "@example.org");
    assertThat(stranger.get(app.url("/moderation/decisions/" + decisionId)).status()).isEqualTo(404);
    assertThat(s.mod2().get(app.url("/moderation/decisions/" + decisionId)).status()).isEqualTo(200);

    // the appeal: empty refused, one accepted, a second refused
    Map<String, String> empty = Map.of("_csrf", app.csrf(s.author()), "text", " ");
    assertThat(s.author().post(app.url("/moderation/decisions/" + decisionId + "/appeal"), empty).status()).isEqualTo(400);
    Map<String, String> appealForm = Map.of("_csrf", app.csrf(s.author()), "text", "It was a genuine recommendation.");
    assertThat(s.author().post(app.url("/moderation/decisions/" + decisionId + "/appeal"), appealForm).status()).isEqualTo(303);
    assertThat(s.author().post(app.url("/moderation/decisions/" + decisionId + "/appeal"), appealForm).status()).isEqualTo(409);
    long appealId = count("SELECT id FROM moderation_appeals WHERE decision_id = ?", decisionId);
    assertThat(count("SELECT count(*) FROM moderation_appeals WHERE decision_id = ?", decisionId)).isEqualTo(1);

    // the appeal is in the queue; the moderator who decided may not settle it
    assertThat(s.mod1().get(app.url("/groups/" + s.slug() + "/review?kind=appeal")).html().select("#review-appeal-" + appealId))
        .hasSize(1);
    Response own = act(s.mod1(), "appeal", appealId, "reverse", "I changed my mind");
    assertThat(own.status()).isEqualTo(403);
    assertThat(own.html().select("main").text()).contains("another moderator of the group or an admin decides the appeal");

    // an admin reverses it: the post is visible again and the author is told
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertThat(admin.get(app.url("/admin/review?kind=appeal")).html().select("#review-appeal-" + appealId)).hasSize(1);
    assertThat(act(admin, "appeal", appealId, "reverse", "A recommendation by a member is fine here").status()).isEqualTo(303);
    assertThat(count("SELECT count(*) FROM posts WHERE id = ? AND deleted_at IS NULL", postId)).isEqualTo(1);
    assertThat(new Browser().get(app.url("/threads/" + s.threadId())).html().select("#post-" + postId + " .body").text())
        .isEqualTo("Cheap watches, follow my link");
    Notified.await("the author told of the appeal's outcome", () -> Notified.count(s.authorId(), "moderation_decision") == 3);
    assertThat(s.author().get(app.url("/moderation/decisions/" + decisionId)).html().select("#appeal-state").text())
        .contains("reversed");

    // the audit log holds every step with its reason
    String steps = TestDatabase.text("""
        SELECT string_agg(action || ': ' || reason, ' | ' ORDER BY id) FROM moderation_log
         WHERE (target_type = 'post' AND target_id = ?) OR (target_type = 'appeal' AND target_id = ?)""",
        postId, appealId);
    assertThat(List.of(steps.split(" \\| "))).containsExactly(
        "post.delete: Advertising is against the group's guidelines",
        "post.restore: A recommendation by a member is fine here",
        "appeal.reverse: A recommendation by a member is fine here");
  }

  @Test
  @DisplayName("a moderator of another group, a member and a visitor are refused the queue, the item and its actions; only admins read the site-wide queue")
  void scope() {
    Scene s = scene(false);
    Scene closed = scene(true);
    Scene other = scene(false);
    long postId = post(s.threadId(), s.authorId(), "Flag me");
    flagBy(s, "Flo Flagger", postId, "off_topic", "");
    long closedPost = post(closed.threadId(), closed.authorId(), "Closed flag");
    flagBy(closed, "Cleo Flagger", closedPost, "spam", "");

    assertThat(other.mod1().get(app.url("/groups/" + s.slug() + "/review")).status()).isEqualTo(403);
    assertThat(other.mod1().get(app.url("/groups/" + closed.slug() + "/review")).status()).isEqualTo(404);
    assertThat(other.mod1().get(app.url("/review/post/" + postId)).status()).isEqualTo(403);
    assertThat(other.mod1().get(app.url("/review/post/" + closedPost)).status()).isEqualTo(404);
    assertThat(claim(other.mod1(), "post", postId).status()).isEqualTo(403);
    assertThat(act(other.mod1(), "post", postId, "hide", "Not mine to hide").status()).isEqualTo(403);
    assertThat(act(s.author(), "post", postId, "approve", "My own").status()).isEqualTo(403);
    assertThat(s.author().get(app.url("/groups/" + s.slug() + "/review")).status()).isEqualTo(403);
    assertThat(s.mod1().get(app.url("/admin/review")).status()).isEqualTo(403);
    assertThat(new Browser().get(app.url("/groups/" + s.slug() + "/review")).status()).isEqualTo(302);
    assertThat(count("SELECT count(*) FROM review_claims WHERE item_type = 'post' AND item_id = ?", postId)).isZero();
    assertThat(count("SELECT count(*) FROM moderation_decisions WHERE item_type = 'post' AND item_id = ?", postId)).isZero();
    assertThat(count("SELECT count(*) FROM flags WHERE item_type = 'post' AND item_id = ? AND resolved_at IS NULL", postId)).isEqualTo(1);
    // an unknown action and an unknown kind of item
    assertThat(act(s.mod1(), "post", postId, "explode", "Why not").status()).isEqualTo(400);
    assertThat(s.mod1().get(app.url("/review/thing/" + postId)).status()).isEqualTo(404);
    assertThat(s.mod1().get(app.url("/groups/" + s.slug() + "/review?kind=nonsense")).status()).isEqualTo(400);

    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Document site = admin.get(app.url("/admin/review?kind=flagged")).html();
    assertThat(site.select("#review-post-" + postId)).hasSize(1);
    assertThat(site.select("#review-post-" + closedPost)).hasSize(1);
  }

  @Test
  @DisplayName("a post held for approval is in the queue for its group only, and approving it with a reason shows it and tells the author")
  void heldPost() {
    Scene s = scene(false);
    long postId = post(s.threadId(), s.authorId(), "My first post, held");
    TestDatabase.update("UPDATE posts SET held_at = now(), held_reason = 'first_posts' WHERE id = ?", postId);
    Document held = s.mod2().get(app.url("/groups/" + s.slug() + "/review?kind=held")).html();
    assertThat(held.select("#review-post-" + postId)).hasSize(1);
    assertThat(s.mod2().get(app.url("/groups/" + s.slug() + "/review?kind=appeal")).html().select("#review-post-" + postId)).isEmpty();

    assertThat(act(s.mod2(), "post", postId, "approve", "").status()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM posts WHERE id = ? AND held_at IS NOT NULL", postId)).isEqualTo(1);
    assertThat(act(s.mod2(), "post", postId, "approve", "Welcome, fine first post").status()).isEqualTo(303);
    assertThat(count("SELECT count(*) FROM posts WHERE id = ? AND held_at IS NULL", postId)).isEqualTo(1);
    assertThat(act(s.mod1(), "post", postId, "approve", "Again").status()).isEqualTo(409);
    assertThat(TestDatabase.text("SELECT reason FROM moderation_log WHERE action = 'post.approve' AND target_id = ?", postId))
        .isEqualTo("Welcome, fine first post");
    Notified.await("the author told of the approval", () -> Notified.count(s.authorId(), "moderation_decision") == 1);
  }

  @Test
  @DisplayName("the items of a member suspended now leave the queue while the suspension lasts, and return when it is lifted")
  void suspendedAuthorsLeave() {
    Scene s = scene(false);
    long postId = post(s.threadId(), s.authorId(), "Flagged, then suspended");
    flagBy(s, "Sue Flagger", postId, "inappropriate", "");
    String queue = "/groups/" + s.slug() + "/review";
    assertThat(s.mod1().get(app.url(queue)).html().select("#review-post-" + postId)).hasSize(1);
    long suspension = TestDatabase.count("""
        INSERT INTO member_suspensions (member_id, suspended_by, group_id, reason) VALUES (?, ?, ?, 'Abuse') RETURNING id""",
        s.authorId(), s.mod1Id(), s.groupId());
    assertThat(s.mod1().get(app.url(queue)).html().select("#review-post-" + postId)).isEmpty();
    TestDatabase.update("UPDATE member_suspensions SET lifted_at = now() WHERE id = ?", suspension);
    assertThat(s.mod1().get(app.url(queue)).html().select("#review-post-" + postId)).hasSize(1);
  }

  @Test
  @DisplayName("an admin decides a notice from the queue: the post its address names is hidden, the notifier gets the decision by e-mail and the receipt shows it")
  void noticeDecision() {
    Scene s = scene(false);
    long postId = post(s.threadId(), s.authorId(), "Something unlawful");
    String reference = "N-TEST-" + Long.toString(System.nanoTime(), 36).toUpperCase();
    long noticeId = TestDatabase.count("""
        INSERT INTO notices (reference, url, category, explanation, legal_ground, notifier_name, notifier_email, locale,
                             ip_hash, good_faith)
        VALUES (?, ?, 'hate', 'Incites hatred', 'Art. 130 StGB', 'Nina Notifier', 'nina@example.org', 'de', 'x', true)
        RETURNING id""", reference, "http://localhost/posts/" + postId);
    assertThat(s.mod1().get(app.url("/review/notice/" + noticeId)).status()).isEqualTo(403);
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertThat(admin.get(app.url("/admin/review?kind=notice")).html().select("#review-notice-" + noticeId)).hasSize(1);
    assertThat(act(admin, "notice", noticeId, "hide", "").status()).isEqualTo(400);
    assertThat(act(admin, "notice", noticeId, "hide", "Unlawful under the ground given").status()).isEqualTo(303);
    assertThat(count("SELECT deleted_by FROM posts WHERE id = ?", postId)).isEqualTo(Fixtures.demoMember("demo-maria"));
    assertThat(TestDatabase.text("SELECT status FROM notices WHERE id = ?", noticeId)).isEqualTo("decided");
    assertThat(TestDatabase.text("SELECT subject FROM mail_outbox WHERE recipient = 'nina@example.org' AND kind = 'notice.decision'"))
        .isEqualTo("Entscheidung über Ihre Meldung " + reference);
    assertThat(TestDatabase.text("SELECT ground FROM moderation_decisions WHERE item_type = 'post' AND item_id = ?", postId))
        .isEqualTo("notice: hate (Art. 130 StGB)");
    assertThat(new Browser().get(app.url("/notices/" + reference)).html().select("dd.decision").text())
        .isEqualTo("Unlawful under the ground given");
    assertThat(act(admin, "notice", noticeId, "none", "Again").status()).isEqualTo(409);
  }
}
