package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiContractTest.expect;
import static eu.mhealthhub.agora.api.ApiContractTest.get;
import static eu.mhealthhub.agora.api.ApiContractTest.json;
import static eu.mhealthhub.agora.api.ApiContractTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Registration for Talks in the JSON API, against the published contract (every answer is
 * validated by {@link ApiContractTest#expect}): the same one-click registration, capacity, waiting
 * list and refusals as the pages ({@code TalkRegistrationTest}), and the moderators' list. Talks
 * concern the {@code assessment} group, so Pieter (its moderator) moderates them; the registering
 * members are new ones, each with an address of their own.
 */
class TalkRegistrationApiTest {

  private static Browser anonymous;
  private static Browser pieter;

  @BeforeAll
  static void start() {
    ApiContractTest.start();
    anonymous = ApiContractTest.anonymous;
    pieter = ApiContractTest.pieter;
  }

  @AfterAll
  static void stop() throws Exception {
    ApiContractTest.stop();
  }

  /** A Talk of the assessment group starting in the given number of hours (negative: started). */
  private static String talk(int startsInHours) {
    String slug = Fixtures.unique("api-reg");
    long id = Fixtures.talk(slug, TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'assessment'"));
    TestDatabase.update("""
        UPDATE talks SET starts_at = now() + make_interval(hours => ?), ends_at = now() + make_interval(hours => ?) + interval '1 hour'
        WHERE id = ?""", startsInHours, startsInHours, id);
    return slug;
  }

  private static String path(String slug) {
    return "/api/v1/talks/" + slug + "/registration";
  }

  private static long rows(String slug) {
    return TestDatabase.count("""
        SELECT count(*) FROM talk_registrations r JOIN talks t ON t.id = r.talk_id WHERE t.slug = ?""", slug);
  }

  private static long mails(String slug) {
    return TestDatabase.count("""
        SELECT count(*) FROM mail_outbox o JOIN talk_registrations r ON o.recipient = r.email
        JOIN talks t ON t.id = r.talk_id WHERE t.slug = ?""", slug);
  }

  private static JsonObject register(Browser b, String slug) {
    return json(expect("registerForTalk", 200, send(b, "PUT", path(slug), null, true)));
  }

  private static JsonObject mine(Browser b, String slug) {
    return json(expect("getMyRegistration", 200, get(b, path(slug))));
  }

  @Test
  @DisplayName("A member registers in one click, a second PUT changes nothing and mails nothing, and DELETE cancels")
  void registerTwiceAndCancel() {
    String slug = talk(48);
    Browser ana = ApiContractTest.signedInNew("Ana Registrant");
    JsonObject none = mine(ana, slug);
    assertEquals("none", none.getString("status"));
    assertTrue(none.getBoolean("open"));
    assertNull(none.getValue("position"));

    JsonObject first = register(ana, slug);
    assertEquals("registered", first.getString("status"));
    assertEquals(slug, first.getString("talk"));
    long mailed = mails(slug);
    assertTrue(mailed >= 1, "the confirmation is in the outbox");
    assertEquals(1, rows(slug));

    JsonObject again = register(ana, slug);
    assertEquals(first, again, "the second PUT answers the same");
    assertEquals(1, rows(slug), "one registration");
    assertEquals(mailed, mails(slug), "nothing is mailed again");
    assertEquals("registered", mine(ana, slug).getString("status"));

    JsonObject cancelled = json(expect("cancelRegistration", 200, send(ana, "DELETE", path(slug), null, true)));
    assertEquals("cancelled", cancelled.getString("status"));
    assertEquals("cancelled", mine(ana, slug).getString("status"));
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM talk_registrations r JOIN talks t ON t.id = r.talk_id
        WHERE t.slug = ? AND r.status = 'cancelled'""", slug));
    // cancelling again changes nothing; registering again renews the same row
    expect("cancelRegistration", 200, send(ana, "DELETE", path(slug), null, true));
    assertEquals("registered", register(ana, slug).getString("status"));
    assertEquals(1, rows(slug));
  }

  @Test
  @DisplayName("Past the capacity members join the waiting list with their place, and a cancellation promotes the first")
  void capacityAndWaitingList() {
    String slug = talk(48);
    TestDatabase.update("UPDATE talks SET capacity = 1 WHERE slug = ?", slug);
    Browser one = ApiContractTest.signedInNew("First Comer");
    Browser two = ApiContractTest.signedInNew("Second Comer");
    Browser three = ApiContractTest.signedInNew("Third Comer");
    assertEquals("registered", register(one, slug).getString("status"));
    JsonObject second = register(two, slug);
    assertEquals("waiting", second.getString("status"));
    assertEquals(1, second.getInteger("position"));
    JsonObject third = register(three, slug);
    assertEquals("waiting", third.getString("status"));
    assertEquals(2, third.getInteger("position"));
    assertEquals(2, register(three, slug).getInteger("position"), "a second PUT keeps the place");

    JsonObject list = json(expect("listRegistrations", 200, get(pieter, "/api/v1/talks/" + slug + "/registrations")));
    assertEquals(1, list.getInteger("capacity"));
    assertEquals(1, list.getLong("registered"));
    assertEquals(2, list.getLong("waiting"));
    JsonArray regs = list.getJsonArray("registrations");
    assertEquals(List.of("First Comer", "Second Comer", "Third Comer"),
        regs.stream().map(r -> ((JsonObject) r).getString("name")).toList());
    assertEquals(java.util.Arrays.asList(null, 1, 2),
        regs.stream().map(r -> ((JsonObject) r).getInteger("position")).toList());
    assertTrue(regs.getJsonObject(0).getBoolean("member"));

    expect("cancelRegistration", 200, send(one, "DELETE", path(slug), null, true));
    JsonObject promoted = mine(two, slug);
    assertEquals("registered", promoted.getString("status"), "the first on the list gets the place");
    assertNull(promoted.getValue("position"));
    assertEquals(1, mine(three, slug).getInteger("position"), "the next moves up");
  }

  @Test
  @DisplayName("Registering for a started Talk is a 409 and stores nothing; an unknown Talk is a 404 for every operation")
  void startedAndUnknown() {
    String started = talk(-1);
    Browser bo = ApiContractTest.signedInNew("Late Comer");
    Response refused = expect("registerForTalk", 409, send(bo, "PUT", path(started), null, true));
    assertFalse(json(refused).getJsonObject("error").getString("message").isBlank());
    assertEquals(0, rows(started));
    assertFalse(mine(bo, started).getBoolean("open"));

    String missing = "no-such-talk-" + System.nanoTime();
    expect("getMyRegistration", 404, get(bo, path(missing)));
    expect("registerForTalk", 404, send(bo, "PUT", path(missing), null, true));
    expect("cancelRegistration", 404, send(bo, "DELETE", path(missing), null, true));
    expect("listRegistrations", 404, get(pieter, "/api/v1/talks/" + missing + "/registrations"));
  }

  @Test
  @DisplayName("Anonymous callers get 403 for every registration operation, writes need the CSRF header, and only the Talk's moderators list registrations")
  void permissions() {
    String slug = talk(48);
    expect("getMyRegistration", 403, get(anonymous, path(slug)));
    expect("registerForTalk", 403, send(anonymous, "PUT", path(slug), null, true));
    expect("cancelRegistration", 403, send(anonymous, "DELETE", path(slug), null, true));
    expect("listRegistrations", 403, get(anonymous, "/api/v1/talks/" + slug + "/registrations"));

    Browser member = ApiContractTest.signedInNew("Curious Member");
    expect("registerForTalk", 403, send(member, "PUT", path(slug), null, false));
    assertEquals(0, rows(slug), "nothing stored without the CSRF token");
    register(member, slug);
    expect("cancelRegistration", 403, send(member, "DELETE", path(slug), null, false));
    assertEquals("registered", mine(member, slug).getString("status"), "not cancelled without the CSRF token");
    expect("listRegistrations", 403, get(member, "/api/v1/talks/" + slug + "/registrations"));
    expect("listRegistrations", 403, get(ApiContractTest.elena, "/api/v1/talks/" + slug + "/registrations"));

    JsonObject list = json(expect("listRegistrations", 200, get(pieter, "/api/v1/talks/" + slug + "/registrations")));
    assertEquals(1, list.getJsonArray("registrations").size());
    assertEquals("Curious Member", list.getJsonArray("registrations").getJsonObject(0).getString("name"));
  }
}
