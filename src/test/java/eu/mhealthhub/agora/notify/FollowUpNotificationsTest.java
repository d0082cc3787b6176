package eu.mhealthhub.agora.notify;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A Talk's follow-up thread is a new thread like any other: its group's watchers hear of it, and those it mentions. */
class FollowUpNotificationsTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("closing a room with a follow-up thread tells the group's watchers once and the members its summary mentions")
  void followUpThreadNotifies() {
    String slug = Fixtures.unique("follow-up");
    long groupId = Fixtures.group(slug, false, true);
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Mod " + slug, slug + "-mod@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    Browser cy = new Browser();
    long cyId = app.signInNew(cy, "Cy " + slug, slug + "-cy@example.org");
    Fixtures.member(groupId, cyId, "member");
    long deeId = app.signInNew(new Browser(), "Dee " + slug, slug + "-dee@example.org");
    Fixtures.member(groupId, deeId, "member");
    long eveId = app.signInNew(new Browser(), "Eve " + slug, slug + "-eve@example.org");
    Fixtures.member(groupId, eveId, "member");
    assertEquals(303, cy.post(app.url("/groups/" + slug + "/subscription"), Map.of("_csrf", app.csrf(cy), "level", "watching"))
        .status());
    Fixtures.talk(slug, groupId);
    String room = "/talks/" + slug;
    assertEquals(303, moderator.post(app.url(room + "/room"), Map.of("_csrf", app.csrf(moderator), "setting", "open")).status());
    assertEquals(303, moderator.post(app.url(room + "/close"), Map.of("_csrf", app.csrf(moderator),
        "summary", "Thanks all, and @" + Fixtures.handle(deeId) + " will follow up.", "group", String.valueOf(groupId)))
        .status());
    long thread = TestDatabase.count("SELECT f.thread_id FROM talk_followups f JOIN talks t ON t.id = f.talk_id WHERE t.slug = ?",
        slug);
    exactly(cyId, "watched_group", 1);
    exactly(deeId, "mention", 1);
    exactly(eveId, "watched_group", 0);
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM notifications n JOIN posts p ON n.link = '/posts/' || p.id
         WHERE n.recipient_id = ? AND n.kind = 'watched_group' AND p.thread_id = ?""", cyId, thread));
  }
}
