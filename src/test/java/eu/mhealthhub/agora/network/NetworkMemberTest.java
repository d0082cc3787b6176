package eu.mhealthhub.agora.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.mail.DevMailServer;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Members choose the Hub's announcements from their account: no sign-up form, no confirmation link. */
@DisplayName("Members follow the Hub's announcements")
class NetworkMemberTest {

  private final TestApp app = TestApp.shared();

  private static String state(long memberId) {
    return TestDatabase.text("SELECT status || ' ' || array_to_string(topics, ',') FROM network_followers WHERE member_id = ?",
        memberId);
  }

  private Response announce(String topic, String title) {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Response sent = admin.post(app.url("/admin/announcements"), Map.of("_csrf", app.csrf(admin), "topic", topic,
        "titleEn", title, "bodyEn", "News for " + topic + ".", "action", "send"));
    assertEquals(303, sent.status(), sent.body());
    return sent;
  }

  @Test
  @DisplayName("a member ticks a topic, gets its announcements and not another's, stops, and gets nothing more")
  void followAndStop() {
    String email = Fixtures.unique("follow") + "@example.org";
    Browser member = new Browser();
    long id = app.signInNew(member, "Follower Member", email);

    Document page = member.get(app.url("/network/join")).html();
    assertThat(page.select("main h1").text()).isEqualTo("Hub announcements");
    assertThat(page.select("form.network-join")).as("no sign-up form for a member").isEmpty();
    assertThat(page.select("main p").text()).contains(email);
    assertThat(page.select("form.network-follow input[name=topic]").eachAttr("value")).contains("talks", "results");

    Response saved = member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "talks"));
    assertEquals(303, saved.status(), saved.body());
    assertThat(saved.location()).endsWith("/network/join?saved=1");
    assertEquals("confirmed talks", state(id));
    Document after = member.get(app.url("/network/join?saved=1")).html();
    assertThat(after.select("#saved").text()).startsWith("Saved");
    assertThat(after.select("input[name=topic][checked]").eachAttr("value")).containsExactly("talks");

    String onTalks = "Talk news " + Fixtures.unique("t");
    String onResults = "Results news " + Fixtures.unique("r");
    announce("results", onResults);
    announce("talks", onTalks);
    DevMailServer.Received mail = NetworkJoinTest.awaitMail(app, email, 1);
    assertThat(mail.subject()).isEqualTo(onTalks);
    NetworkJoinTest.drain(app);
    assertThat(NetworkJoinTest.mailsTo(app, email)).extracting(DevMailServer.Received::subject).containsExactly(onTalks);

    Response stopped = member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "stop", "1",
        "topic", "talks"));
    assertEquals(303, stopped.status());
    assertThat(stopped.location()).endsWith("/network/join?stopped=1");
    assertThat(state(id)).startsWith("unsubscribed");
    announce("talks", "After stopping " + Fixtures.unique("s"));
    NetworkJoinTest.drain(app);
    assertThat(NetworkJoinTest.mailsTo(app, email)).hasSize(1);

    // following again needs no confirmation either
    assertEquals(303, member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "results"))
        .status());
    assertEquals("confirmed results", state(id));

  }

  @Test
  @DisplayName("an unknown topic is a 400 with the form again and changes nothing; no token is a 403; a visitor is sent to sign in")
  void badInput() {
    String email = Fixtures.unique("badfollow") + "@example.org";
    Browser member = new Browser();
    long id = app.signInNew(member, "Bad Follower", email);
    assertEquals(303, member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "talks")).status());

    Response unknown = member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "group:999999999"));
    assertEquals(400, unknown.status());
    assertThat(unknown.html().select("#topics-error").text()).isNotBlank();
    assertEquals("confirmed talks", state(id));

    assertEquals(403, member.post(app.url("/network/follow"), Map.of("topic", "results")).status());
    assertEquals("confirmed talks", state(id));

    Response visitor = new Browser().post(app.url("/network/follow"), Map.of("topic", "results"));
    assertThat(visitor.status()).isIn(302, 403);
    assertEquals("confirmed talks", state(id));
  }

  @Test
  @DisplayName("a member whose address bounced is told so and cannot follow until it changes; a follower they were becomes theirs")
  void bouncedAndFormerFollower() {
    String email = Fixtures.unique("former") + "@example.org";
    // a follower row under the member's address, left by a sign-up before they had an account
    TestDatabase.update("""
        INSERT INTO network_followers (email, name, locale, topics, consent, source, status, created_at, confirmed_at)
        VALUES (?, 'Before', 'en', '{results}', true, 'signup', 'confirmed', now(), now())""", email);
    Browser member = new Browser();
    long id = app.signInNew(member, "Former Follower", email);
    assertThat(member.get(app.url("/network/join")).html().select("input[name=topic][checked]").eachAttr("value"))
        .containsExactly("results");
    assertEquals(303, member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "talks")).status());
    assertEquals("confirmed talks", state(id));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ?", email));

    TestDatabase.update("UPDATE network_followers SET status = 'bounced' WHERE member_id = ?", id);
    Document page = member.get(app.url("/network/join")).html();
    assertThat(page.select("#bounced").text()).contains("could not be delivered");
    assertThat(page.select("form.network-follow")).isEmpty();
    Response refused = member.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(member), "topic", "results"));
    assertEquals(400, refused.status());
    assertThat(state(id)).isEqualTo("bounced talks");
  }
}
