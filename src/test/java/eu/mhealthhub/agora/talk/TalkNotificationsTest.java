package eu.mhealthhub.agora.talk;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Notifications about Talks: a followed Talk's room opening, one's question answered or merged. */
class TalkNotificationsTest {

  private final TestApp app = TestApp.shared();

  private Response post(Browser b, String path, Map<String, String> fields) {
    Map<String, String> form = new java.util.HashMap<>(fields);
    form.put("_csrf", app.csrf(b));
    return b.post(app.url(path), form);
  }

  private static long id(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  @Test
  @DisplayName("a follower hears that the room opened; an asker that their question was answered, or merged")
  void talkStory() {
    String slug = Fixtures.unique("tn");
    long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    Fixtures.talk(slug, groupId);
    long talkId = eu.mhealthhub.agora.support.TestDatabase.count("SELECT id FROM talks WHERE slug = ?", slug);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Talk Mod " + slug, slug + "-m@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser fan = new Browser();
    long fanId = app.signInNew(fan, "Fan " + slug, slug + "-f@example.org");

    assertThat(fan.get(app.url("/talks/" + slug)).html().select("form.watch-form button[value=true]").text())
        .isEqualTo("Follow this Talk");
    assertEquals(303, post(fan, "/notifications/watch", Map.of("subject", "talk", "id", Long.toString(talkId), "watch", "true",
        "next", "/talks/" + slug)).status());
    assertThat(fan.get(app.url("/talks/" + slug)).html().select("form.watch-form button").eachText())
        .as("a follower is offered to stop, and only that").containsExactly("Stop following");
    assertEquals(303, post(mod, "/talks/" + slug + "/room", Map.of("setting", "open")).status());
    exactly(fanId, "talk_room_opened", 1);
    exactly(modId, "talk_room_opened", 0);

    Response asked = post(fan, "/talks/" + slug + "/questions", Map.of("body", "What about rural areas?", "clientToken",
        Fixtures.unique("q")));
    long question = id(asked.location(), "#question-(\\d+)");
    Response dup = post(fan, "/talks/" + slug + "/questions", Map.of("body", "And villages?", "clientToken", Fixtures.unique("q")));
    long duplicate = id(dup.location(), "#question-(\\d+)");
    assertEquals(303, post(mod, "/talks/" + slug + "/questions/" + duplicate + "/moderate",
        Map.of("action", "merge", "into", Long.toString(question))).status());
    exactly(fanId, "question_merged", 1);
    assertEquals(303, post(mod, "/talks/" + slug + "/questions/" + question + "/moderate",
        Map.of("action", "answer", "answer", "Telehealth hubs.")).status());
    exactly(fanId, "question_answered", 1);
    org.jsoup.nodes.Document page = fan.get(app.url("/notifications")).html();
    assertThat(page.select("a.notification-open").text()).contains("was answered");
    assertThat(page.select("p.notification-reason").text()).contains("Telehealth hubs.");
  }
}
