package eu.mhealthhub.agora.notify;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static eu.mhealthhub.agora.notify.Notified.settled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Notifications about threads and groups, the page, the badge, the preferences, over HTTP with real sign-ins. */
class NotificationsTest {

  private final TestApp app = TestApp.shared();

  /** A fresh group with members signed in through the development provider. */
  private final class Scene {
    final String slug = Fixtures.unique("nt");
    final long groupId;
    final Map<String, Browser> browsers = new HashMap<>();
    final Map<String, Long> ids = new HashMap<>();

    Scene(boolean closed, String... names) {
      groupId = Fixtures.group(slug, closed, true);
      for (String name : names) {
        Browser b = new Browser();
        long id = app.signInNew(b, name + " " + slug, name.toLowerCase() + "-" + slug + "@example.org");
        Fixtures.member(groupId, id, "member");
        browsers.put(name, b);
        ids.put(name, id);
      }
    }

    Browser b(String name) {
      return browsers.get(name);
    }

    long id(String name) {
      return ids.get(name);
    }

    String handle(String name) {
      return Fixtures.handle(id(name));
    }

    long thread(String by, String title, String body) {
      Browser b = b(by);
      Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
      assertEquals(200, form.status(), form.body());
      Response r = b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
          "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"), List.of());
      assertEquals(303, r.status(), r.body());
      return idIn(r.location(), "/threads/(\\d+)");
    }

    long reply(String by, long threadId, String body, Long to) {
      Browser b = b(by);
      Map<String, String> fields = new HashMap<>(Map.of("_csrf", app.csrf(b), "clientToken", Fixtures.unique("c"),
          "action", "post", "body", body));
      if (to != null) {
        fields.put("to", Long.toString(to));
      }
      Response r = b.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, List.of());
      assertEquals(303, r.status(), r.body());
      return idIn(r.location(), "#post-(\\d+)");
    }

    long firstPost(long threadId) {
      return TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
    }

    void subscribe(String who, String path, String level) {
      assertEquals(303, b(who).post(app.url(path + "/subscription"), Map.of("_csrf", app.csrf(b(who)), "level", level)).status());
    }
  }

  static long idIn(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  private Document page(Browser b, String query) {
    Response r = b.get(app.url("/notifications" + query));
    assertEquals(200, r.status(), r.body());
    return r.html();
  }

  private String badge(Browser b) {
    return b.get(app.url("/groups")).html().select("#notification-badge .count").text();
  }

  @Test
  @DisplayName("a mention in a reply notifies the mentioned member once, as a mention, and nobody notifies themselves")
  void mention() {
    Scene s = new Scene(false, "Ana", "Ben", "Cy");
    long thread = s.thread("Ana", "Mentions " + s.slug, "Opening words.");
    s.subscribe("Ben", "/threads/" + thread, "watching");
    long post = s.reply("Cy", thread, "What do you think, @" + s.handle("Ben") + "?", s.firstPost(thread));
    exactly(s.id("Ben"), "mention", 1);
    assertEquals(1, Notified.all(s.id("Ben")), "one notification although a mention and a watched thread both apply");
    assertEquals(1, Notified.count(s.id("Ana"), "reply"), "the author of the post replied to");
    assertEquals(0, Notified.all(s.id("Cy")), "not the actor");

    Document list = page(s.b("Ben"), "");
    assertThat(list.select("li.notification.unread a.notification-open").text())
        .contains("Cy " + s.slug + " mentioned you in “Mentions " + s.slug + "”");
    assertThat(list.select("section.notification-group h2").text()).contains("Mentions " + s.slug);
    assertEquals("1", badge(s.b("Ben")));

    long id = TestDatabase.count("SELECT id FROM notifications WHERE recipient_id = ?", s.id("Ben"));
    Response open = s.b("Ben").get(app.url("/notifications/" + id + "/open"));
    assertEquals(303, open.status());
    assertThat(open.location()).as("following it leads to the post's permalink").endsWith("/posts/" + post);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM notifications WHERE id = ? AND read_at IS NOT NULL", id));
    assertEquals("0", badge(s.b("Ben")));
    assertThat(page(s.b("Ben"), "").select("li.notification.unread")).isEmpty();
    assertEquals(404, s.b("Ana").get(app.url("/notifications/" + id + "/open")).status(), "another member's notification");
  }

  @Test
  @DisplayName("a mention added by editing a post notifies its member once; an edit that keeps it does not notify again")
  void mentionByEdit() {
    Scene s = new Scene(false, "Ana", "Ben");
    long thread = s.thread("Ana", "Edited " + s.slug, "Opening words.");
    long post = s.reply("Ana", thread, "A first thought.", null);
    edit(s.b("Ana"), post, "A first thought, @" + s.handle("Ben") + ".");
    exactly(s.id("Ben"), "mention", 1);
    edit(s.b("Ana"), post, "A first thought, @" + s.handle("Ben") + ", said again.");
    settled();
    assertEquals(1, Notified.count(s.id("Ben"), "mention"), "the mention was already told");
    assertEquals(0, Notified.all(s.id("Ana")), "not the editor");
  }

  private void edit(Browser b, long post, String body) {
    Response form = b.get(app.url("/posts/" + post + "/edit"));
    assertEquals(200, form.status(), form.body());
    Response saved = b.post(app.url("/posts/" + post + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
        "revision", form.inputValue("revision"), "body", body, "action", "save"));
    assertEquals(303, saved.status(), saved.body());
  }

  @Test
  @DisplayName("a quote of my post notifies me as a reply")
  void quote() {
    Scene s = new Scene(false, "Ana", "Ben");
    long thread = s.thread("Ana", "Quotes " + s.slug, "Quotable words.");
    long first = s.firstPost(thread);
    s.reply("Ben", thread, "> [Ana](/posts/" + first + "):\n> Quotable words.\n\nIndeed.", null);
    exactly(s.id("Ana"), "reply", 1);
  }

  @Test
  @DisplayName("reactions are batched: one unread notification per post counts who reacted")
  void reactions() {
    Scene s = new Scene(false, "Ana", "Ben", "Cy", "Dee");
    long thread = s.thread("Ana", "Reactions " + s.slug, "React to this.");
    long post = s.firstPost(thread);
    for (String who : List.of("Ben", "Cy", "Dee")) {
      assertEquals(303, s.b(who).post(app.url("/posts/" + post + "/reactions"),
          Map.of("_csrf", app.csrf(s.b(who)), "kind", "like")).status());
      Notified.settled();
    }
    exactly(s.id("Ana"), "reaction", 1);
    assertEquals(3, TestDatabase.count("SELECT cardinality(actor_ids) FROM notifications WHERE recipient_id = ?", s.id("Ana")));
    assertThat(page(s.b("Ana"), "").select("li.notification a.notification-open").text())
        .contains("and 2 others reacted to your post");
  }

  @Test
  @DisplayName("watching: a thread's watchers hear of new posts, a group's watchers of new threads and posts, a mute silences")
  void watching() {
    Scene s = new Scene(false, "Ana", "Ben", "Cy", "Dee");
    long thread = s.thread("Ana", "Watched " + s.slug, "Start.");
    settled(); // watchers are those of the moment of the fan-out: let the thread's own pass first
    s.subscribe("Ben", "/threads/" + thread, "watching");
    s.subscribe("Cy", "/groups/" + s.slug, "watching");
    s.subscribe("Dee", "/groups/" + s.slug, "watching");
    s.subscribe("Dee", "/threads/" + thread, "muted");
    s.reply("Ana", thread, "More.", null);
    exactly(s.id("Ben"), "watched_thread", 1);
    exactly(s.id("Cy"), "watched_thread", 1);
    exactly(s.id("Dee"), "watched_thread", 0);

    s.thread("Ben", "Second " + s.slug, "New topic.");
    exactly(s.id("Cy"), "watched_group", 1);
    exactly(s.id("Dee"), "watched_group", 1);
    exactly(s.id("Ben"), "watched_group", 0);
  }

  @Test
  @DisplayName("a join request notifies the group's moderators; the decision, with its reason, the requester")
  void joinRequests() {
    String slug = Fixtures.unique("ask");
    long groupId = Fixtures.group(slug, false, false);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Mod " + slug, slug + "-mod@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser asker = new Browser();
    long askerId = app.signInNew(asker, "Asker " + slug, slug + "-ask@example.org");
    assertEquals(303, asker.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", app.csrf(asker), "message", "Hi")).status());
    exactly(modId, "join_request", 1);
    assertThat(page(mod, "").select("a.notification-open").text()).contains("Asker " + slug + " asks to join Group " + slug);

    long request = TestDatabase.count("SELECT id FROM group_join_requests WHERE group_id = ? AND member_id = ?", groupId, askerId);
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/requests/" + request),
        Map.of("_csrf", app.csrf(mod), "decision", "decline", "reason", "Declare your interests first.")).status());
    exactly(askerId, "join_decision", 1);
    Document list = page(asker, "");
    assertThat(list.select("a.notification-open").text()).contains("Your request to join Group " + slug + " was declined");
    assertThat(list.select("p.notification-reason").text()).isEqualTo("Declare your interests first.");
  }

  @Test
  @DisplayName("a member who leaves the group no longer sees its notifications, on the page or in the count")
  void leaving() {
    Scene s = new Scene(true, "Ana", "Ben");
    long thread = s.thread("Ana", "Closed talk " + s.slug, "Hello @" + s.handle("Ben"));
    exactly(s.id("Ben"), "mention", 1);
    assertEquals("1", badge(s.b("Ben")));
    assertThat(page(s.b("Ben"), "").select("li.notification")).hasSize(1);
    assertEquals(303, s.b("Ben").post(app.url("/groups/" + s.slug + "/leave"), Map.of("_csrf", app.csrf(s.b("Ben")))).status());
    assertThat(page(s.b("Ben"), "").select("li.notification")).isEmpty();
    assertThat(page(s.b("Ben"), "").text()).doesNotContain("Closed talk " + s.slug);
    assertEquals("0", badge(s.b("Ben")));
    long id = TestDatabase.count("SELECT id FROM notifications WHERE recipient_id = ?", s.id("Ben"));
    assertEquals(404, s.b("Ben").get(app.url("/notifications/" + id + "/open")).status());
  }

  @Test
  @DisplayName("a notification about a post disappears when the post is deleted")
  void deletedPost() {
    Scene s = new Scene(false, "Ana", "Ben");
    long thread = s.thread("Ana", "Hidden " + s.slug, "Start.");
    long post = s.reply("Ana", thread, "Look @" + s.handle("Ben"), null);
    exactly(s.id("Ben"), "mention", 1);
    assertEquals(303, s.b("Ana").post(app.url("/posts/" + post + "/delete"), Map.of("_csrf", app.csrf(s.b("Ana")), "reason", "oops"))
        .status());
    assertThat(page(s.b("Ben"), "").select("li.notification")).isEmpty();
    assertEquals("0", badge(s.b("Ben")));
  }

  @Test
  @DisplayName("a watcher who is not a member is never notified about a thread moved into a closed group")
  void movedToClosedGroup() {
    Scene s = new Scene(false, "Ana", "Ben");
    String closed = Fixtures.unique("closed");
    long closedId = Fixtures.group(closed, true, false);
    Fixtures.member(closedId, s.id("Ana"), "moderator");
    TestDatabase.update("UPDATE group_memberships SET role = 'moderator' WHERE group_id = ? AND member_id = ?", s.groupId, s.id("Ana"));
    long thread = s.thread("Ana", "Moving " + s.slug, "Start.");
    s.subscribe("Ben", "/threads/" + thread, "watching");
    assertEquals(303, s.b("Ana").post(app.url("/threads/" + thread + "/move"), Map.of("_csrf", app.csrf(s.b("Ana")), "group", closed))
        .status());
    s.reply("Ana", thread, "Secret follow-up @" + s.handle("Ben"), null);
    settled();
    assertEquals(0, Notified.all(s.id("Ben")), "neither as a watcher nor as a mention");
  }

  @Test
  @DisplayName("preferences: the form saves a choice per kind; an unknown value answers 400 and saves nothing; never means none")
  void preferences() {
    Scene s = new Scene(false, "Ana", "Ben");
    Browser ben = s.b("Ben");
    Document form = ben.get(app.url("/notifications/preferences")).html();
    assertThat(form.select("input[name=mention][value=immediately]").attr("checked")).isNotNull();
    assertThat(form.select("input[name=mention][value=immediately][checked]")).hasSize(1);
    assertThat(form.select("input[name=watched_thread][value=daily][checked]")).hasSize(1);
    assertThat(form.select("input[name=reaction][value=page][checked]")).hasSize(1);
    assertThat(form.select("fieldset")).hasSize(NotificationKind.values().length);

    Map<String, String> choices = new HashMap<>();
    for (NotificationKind k : NotificationKind.values()) {
      choices.put(k.value(), k.defaultDelivery().value());
    }
    choices.put("mention", "never");
    choices.put("reaction", "sometimes");
    choices.put("_csrf", app.csrf(ben));
    Response bad = ben.post(app.url("/notifications/preferences"), choices);
    assertEquals(400, bad.status());
    assertThat(bad.html().select("#pref-reaction-error").text()).isEqualTo("Choose one of the offered deliveries.");
    assertThat(bad.html().select("input[name=mention][value=never][checked]")).as("the input is kept").hasSize(1);
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM notification_preferences WHERE member_id = ?", s.id("Ben")));

    choices.put("reaction", "weekly");
    assertEquals(303, ben.post(app.url("/notifications/preferences"), choices).status());
    assertEquals("never", TestDatabase.text("SELECT delivery FROM notification_preferences WHERE member_id = ? AND kind = 'mention'",
        s.id("Ben")));
    assertThat(ben.get(app.url("/notifications/preferences?saved=1")).html().select("input[name=reaction][value=weekly][checked]"))
        .hasSize(1);

    long thread = s.thread("Ana", "Never " + s.slug, "Hi @" + s.handle("Ben"));
    settled();
    assertEquals(0, Notified.all(s.id("Ben")), "mentions set to never");
    long post = s.firstPost(thread);
    assertEquals(303, ben.post(app.url("/posts/" + post + "/reactions"), Map.of("_csrf", app.csrf(ben), "kind", "like")).status());
    exactly(s.id("Ana"), "reaction", 1);
    assertEquals("page", TestDatabase.text("SELECT delivery FROM notifications WHERE recipient_id = ?", s.id("Ana")));
    assertEquals(400, ben.get(app.url("/notifications?kind=nonsense")).status(), "an unknown filter is refused");
  }

  @Test
  @DisplayName("the page shows 30 notifications at a time, filters by kind, and marks one or all read")
  void pagingFiltersAndMarking() {
    Scene s = new Scene(false, "Ana", "Ben");
    long thread = s.thread("Ana", "Many " + s.slug, "Start.");
    s.subscribe("Ben", "/threads/" + thread, "watching");
    for (int i = 0; i < 33; i++) {
      s.reply("Ana", thread, "Post " + i, null);
    }
    s.reply("Ana", thread, "And @" + s.handle("Ben"), null);
    exactly(s.id("Ben"), "watched_thread", 33);
    exactly(s.id("Ben"), "mention", 1);

    Document first = page(s.b("Ben"), "");
    assertThat(first.select("li.notification")).hasSize(30);
    assertThat(first.select("nav.pager a[href=/notifications?page=2]")).hasSize(1);
    assertThat(first.select("li.notification").first().text()).as("newest first").contains("mentioned you");
    assertThat(page(s.b("Ben"), "?page=2").select("li.notification")).hasSize(4);
    assertEquals(404, s.b("Ben").get(app.url("/notifications?page=3")).status());
    assertThat(page(s.b("Ben"), "?kind=mention").select("li.notification")).hasSize(1);
    assertEquals("34", badge(s.b("Ben")));

    long one = TestDatabase.count("SELECT max(id) FROM notifications WHERE recipient_id = ? AND kind = 'watched_thread'", s.id("Ben"));
    Map<String, String> csrf = Map.of("_csrf", app.csrf(s.b("Ben")));
    assertEquals(303, s.b("Ben").post(app.url("/notifications/" + one + "/read"), csrf).status());
    assertEquals("33", badge(s.b("Ben")));
    assertEquals(403, new Browser().post(app.url("/notifications/" + one + "/read"), Map.of()).status());
    assertEquals(303, s.b("Ben").post(app.url("/notifications/read-all"), csrf).status());
    assertEquals("0", badge(s.b("Ben")));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM notifications WHERE recipient_id = ? AND read_at IS NULL", s.id("Ben")));
  }
}
