package eu.mhealthhub.agora.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Every change is recorded with its commit-ordered number, and a page that missed some gets each once, in order. */
class LiveReplayTest {

  private final TestApp app = TestApp.shared();

  private JsonObject events(Browser b, String address, long after) {
    Response r = b.get(app.url("/live/events?address=" + address + "&after=" + after), "Accept", "application/json");
    assertEquals(200, r.status(), r.body());
    return new JsonObject(r.body());
  }

  @Test
  @DisplayName("a page that last saw number n gets the 20 changes made since, each once and in order")
  void replayAfterDrop() {
    Browser b = new Browser();
    app.signIn(b, "demo-elena");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Patient-reported outcomes worth measuring'");
    String address = "thread." + threadId;
    long seen = events(b, address, 0).getLong("latest");

    List<Long> made = new ArrayList<>();
    String csrf = app.csrf(b);
    for (int i = 0; i < 20; i++) {
      Response r = b.request("POST", app.url("/api/v1/threads/" + threadId + "/posts"), "application/json",
          new JsonObject().put("body", "Change " + i).encode(), "X-CSRF-Token", csrf, "Accept", "application/json");
      assertEquals(201, r.status(), r.body());
      made.add(new JsonObject(r.body()).getLong("id"));
    }
    JsonObject missed = events(b, address, seen);
    assertFalse(missed.getBoolean("reload"));
    JsonArray list = missed.getJsonArray("events");
    assertEquals(20, list.size());
    for (int i = 0; i < 20; i++) {
      JsonObject e = list.getJsonObject(i);
      assertEquals(seen + i + 1, e.getLong("seq"), "consecutive numbers");
      assertEquals("post.created", e.getString("type"));
      assertEquals(made.get(i), e.getLong("id"), "in the order they were made");
    }
    assertEquals(0, events(b, address, seen + 20).getJsonArray("events").size(), "nothing twice");
  }

  @Test
  @DisplayName("changes of every kind are recorded on their addresses after commit, refused ones are not")
  void everyChangeRecorded() {
    Browser amelie = new Browser();
    app.signIn(amelie, "demo-amelie");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Which reimbursement routes exist for mHealth apps in your country?'");
    long groupId = TestDatabase.count("SELECT group_id FROM threads WHERE id = ?", threadId);
    String thread = "thread." + threadId;
    long before = events(amelie, thread, 0).getLong("latest");
    long groupBefore = events(amelie, "group." + groupId, 0).getLong("latest");
    String csrf = app.csrf(amelie);
    long postId = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
    amelie.post(app.url("/posts/" + postId + "/reactions"), Map.of("_csrf", csrf, "kind", "insightful"));
    amelie.post(app.url("/threads/" + threadId + "/pin"), Map.of("_csrf", csrf, "on", "true"));
    amelie.post(app.url("/threads/" + threadId + "/pin"), Map.of("_csrf", csrf, "on", "false"));
    amelie.post(app.url("/posts/" + postId + "/reactions"), Map.of("_csrf", csrf, "kind", "insightful"));
    Browser outsider = new Browser();
    app.signIn(outsider, "demo-lukas");
    assertEquals(403, outsider.post(app.url("/threads/" + threadId + "/pin"), Map.of("_csrf", app.csrf(outsider), "on", "true")).status());

    List<String> types = new ArrayList<>();
    events(amelie, thread, before).getJsonArray("events").forEach(e -> types.add(((JsonObject) e).getString("type")));
    assertEquals(List.of("reaction.changed", "thread.changed", "thread.changed", "reaction.changed"), types);
    assertEquals(groupBefore + 2, events(amelie, "group." + groupId, 0).getLong("latest"), "pin and unpin show on the group too");
  }

  @Test
  @DisplayName("a closed group's and another member's addresses answer 404, like addresses that do not exist")
  void authorised() {
    String slug = Fixtures.unique("livesecret");
    long groupId = Fixtures.group(slug, true, false);
    Browser outsider = new Browser();
    long me = app.signInNew(outsider, "Liv Outsider", Fixtures.unique("liv") + "@example.org");
    for (String address : List.of("group." + groupId, "member." + (me + 100000), "member." + Fixtures.demoMember("demo-amelie"),
        "groups", "thread.999999999", "../etc", "")) {
      Response r = outsider.get(app.url("/live/events?address=" + address + "&after=0"), "Accept", "application/json");
      assertEquals(404, r.status(), address);
    }
    assertEquals(200, outsider.get(app.url("/live/events?address=member." + me + "&after=0"), "Accept", "application/json").status());
    assertEquals(400, outsider.get(app.url("/live/events?address=member." + me + "&after=-1"), "Accept", "application/json").status());
    assertTrue(new Browser().get(app.url("/live/events?address=member." + me)).status() == 404, "anonymous");
  }

  @Test
  @DisplayName("a page that was away longer than the kept backlog is told to reload rather than replay")
  void tooOldReloads() {
    Browser b = new Browser();
    long me = app.signInNew(b, "Olga Old", Fixtures.unique("olga") + "@example.org");
    String address = "member." + me;
    for (int i = 1; i <= 6; i++) {
      TestDatabase.update("INSERT INTO live_events (address, seq, type, entity_id, created_at) VALUES (?, ?, 't', 1, now() - interval '30 days')",
          address, (long) i);
    }
    TestDatabase.update("DELETE FROM live_events WHERE address = ? AND seq < 5", address); // as pruning does
    JsonObject r = events(b, address, 2);
    assertTrue(r.getBoolean("reload"), r.encode());
    assertEquals(0, r.getJsonArray("events").size());
    JsonObject recent = events(b, address, 4);
    assertFalse(recent.getBoolean("reload"));
    assertEquals(2, recent.getJsonArray("events").size());
  }

  @Test
  @DisplayName("presence: who reads a thread now and who writes a reply, for members who may read it only")
  void presence() {
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'FHIR profiles for app-generated observations'");
    Browser tomasz = new Browser();
    app.signIn(tomasz, "demo-tomasz");
    Browser sofia = new Browser();
    app.signIn(sofia, "demo-sofia");
    Response first = tomasz.post(app.url("/live/presence"), Map.of("_csrf", app.csrf(tomasz), "threadId", Long.toString(threadId),
        "typing", "true"));
    assertEquals(200, first.status(), first.body());
    JsonObject seen = new JsonObject(sofia.post(app.url("/live/presence"), Map.of("_csrf", app.csrf(sofia),
        "threadId", Long.toString(threadId), "typing", "false")).body());
    assertTrue(seen.getInteger("reading") >= 2, seen.encode());
    assertTrue(seen.getJsonArray("typing").contains("Tomasz Nowak"), seen.encode());
    assertFalse(seen.getJsonArray("typing").contains("Sofia Marques"));

    String slug = Fixtures.unique("presencesecret");
    long groupId = Fixtures.group(slug, true, false);
    long secret = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, 'Secret', ?) RETURNING id",
        groupId, Fixtures.demoMember("demo-maria"));
    assertEquals(404, sofia.post(app.url("/live/presence"), Map.of("_csrf", app.csrf(sofia), "threadId", Long.toString(secret))).status());
    assertEquals(403, new Browser().post(app.url("/live/presence"), Map.of("threadId", Long.toString(threadId))).status());
  }
}
