package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiContractTest.expect;
import static eu.mhealthhub.agora.api.ApiContractTest.get;
import static eu.mhealthhub.agora.api.ApiContractTest.json;
import static eu.mhealthhub.agora.api.ApiContractTest.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.rounds.RoundFixture;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JSON API of consensus rounds (issue 17 point 8), every answer validated against the contract
 * by {@link ApiContractTest#expect}: the same rules as the pages, through the same service.
 */
class RoundApiTest {

  static final Map<String, String> ROUTES = new LinkedHashMap<>();

  static {
    ROUTES.put("getRound", "GET /api/v1/rounds/{roundId}");
    ROUTES.put("getRoundResults", "GET /api/v1/rounds/{roundId}/results");
    ROUTES.put("rateStatement", "PUT /api/v1/rounds/{roundId}/statements/{statementId}/rating");
    ROUTES.put("openRound", "POST /api/v1/rounds/{roundId}/open");
    ROUTES.put("closeRound", "POST /api/v1/rounds/{roundId}/close");
  }

  private final TestApp app = TestApp.shared();

  @BeforeAll
  static void start() {
    ApiContractTest.start();
  }

  @AfterAll
  static void stop() throws Exception {
    ApiContractTest.stop();
  }

  private RoundFixture fixture(boolean closed) {
    RoundFixture f = new RoundFixture(app, closed);
    ApiContractTest.useCsrf(f.moderator, app.csrf(f.moderator));
    ApiContractTest.useCsrf(f.outsider, app.csrf(f.outsider));
    for (Browser b : f.panel) {
      ApiContractTest.useCsrf(b, app.csrf(b));
    }
    return f;
  }

  private static String rating(long round, long statement) {
    return "/api/v1/rounds/" + round + "/statements/" + statement + "/rating";
  }

  private static JsonObject statement(JsonObject round, long id) {
    JsonArray all = round.getJsonArray("statements");
    for (int i = 0; i < all.size(); i++) {
      if (all.getJsonObject(i).getLong("id") == id) {
        return all.getJsonObject(i);
      }
    }
    throw new AssertionError("no statement " + id + " in " + round.encode());
  }

  @Test
  @DisplayName("a panellist reads the round with their own answers only, rates, changes and recuses; bad ratings are 400 "
      + "and store nothing; nobody sees figures of a round that hides them, and results wait for the close")
  void rateAndRead() {
    RoundFixture f = fixture(false);
    long round = f.openRound(Map.of());
    long alpha = f.statementId(round, 1);
    long beta = f.statementId(round, 2);
    Browser ana = f.panel.get(0);
    JsonObject read = json(expect("getRound", 200, get(ana, "/api/v1/rounds/" + round)));
    assertEquals("open", read.getString("status"));
    assertTrue(read.getBoolean("canRate"));
    assertEquals(7, read.getJsonObject("rule").getInteger("forFrom"));
    assertNull(statement(read, alpha).getValue("mine"));

    JsonObject rated = json(expect("rateStatement", 200, send(ana, "PUT", rating(round, alpha),
        "{\"rating\": 8, \"reason\": \"Evidence is strong\"}", true)));
    assertEquals(8, rated.getJsonObject("mine").getInteger("rating"));
    assertEquals("Evidence is strong", rated.getJsonObject("mine").getString("reason"));
    assertNull(rated.getValue("interim"), "the round hides interim figures");
    expect("rateStatement", 200, send(ana, "PUT", rating(round, alpha), "{\"rating\": 7, \"reason\": \"On reflection\"}",
        true));
    JsonObject recused = json(expect("rateStatement", 200, send(ana, "PUT", rating(round, beta), "{\"recuse\": true}", true)));
    assertTrue(recused.getJsonObject("mine").getBoolean("recused"));
    assertEquals(2, RoundFixture.ratings(round), "one answer per statement, the change replaced");
    assertEquals("7", TestDatabase.text("SELECT rating::text FROM round_ratings WHERE statement_id = ? AND member_id = ?",
        alpha, f.panelIds.get(0)));

    for (String bad : List.of("{\"rating\": 10}", "{\"rating\": 0}", "{\"rating\": 7.5}", "{\"rating\": \"8\"}", "{}",
        "{\"recuse\": \"yes\"}", "[1]", "{\"rating\": 5, \"reason\": \"" + "x".repeat(2001) + "\"}")) {
      expect("rateStatement", 400, send(f.panel.get(1), "PUT", rating(round, alpha), bad, true));
    }
    expect("rateStatement", 403, send(f.panel.get(1), "PUT", rating(round, alpha), "{\"rating\": 8}", false));
    expect("rateStatement", 403, send(f.outsider, "PUT", rating(round, alpha), "{\"rating\": 8}", true));
    expect("rateStatement", 404, send(f.panel.get(1), "PUT", rating(round, 999_999_999L), "{\"rating\": 8}", true));
    assertEquals(2, RoundFixture.ratings(round), "nothing stored by refused requests");

    // another panellist and the moderator see nothing of what ana rated
    JsonObject other = json(expect("getRound", 200, get(f.panel.get(1), "/api/v1/rounds/" + round)));
    assertNull(statement(other, alpha).getValue("mine"));
    assertNull(statement(other, alpha).getValue("interim"));
    Browser moderator = f.moderator;
    JsonObject progress = json(expect("getRound", 200, get(moderator, "/api/v1/rounds/" + round)));
    assertEquals(5, progress.getJsonObject("participation").getInteger("panelSize"));
    assertEquals(1, progress.getJsonObject("participation").getInteger("finished"));
    assertThat(progress.encode()).doesNotContain("Evidence is strong").doesNotContain("On reflection");
    assertNull(statement(progress, alpha).getValue("interim"));
    expect("getRoundResults", 409, get(ana, "/api/v1/rounds/" + round + "/results"));
    expect("getRoundResults", 409, get(moderator, "/api/v1/rounds/" + round + "/results"));
    expect("getRound", 403, get(f.outsider, "/api/v1/rounds/" + round));
    expect("getRound", 404, get(ana, "/api/v1/rounds/999999999"));

    // the close: only moderators; then the results, and no more rating
    expect("closeRound", 403, send(ana, "POST", "/api/v1/rounds/" + round + "/close", null, true));
    JsonObject closed = json(expect("closeRound", 200, send(moderator, "POST", "/api/v1/rounds/" + round + "/close", null,
        true)));
    assertEquals("closed", closed.getString("status"));
    expect("closeRound", 409, send(moderator, "POST", "/api/v1/rounds/" + round + "/close", null, true));
    JsonObject results = json(expect("getRoundResults", 200, get(f.panel.get(2), "/api/v1/rounds/" + round + "/results")));
    JsonObject a = results.getJsonArray("statements").getJsonObject(0);
    assertEquals(alpha, a.getLong("id"));
    assertEquals(1, a.getInteger("count"));
    assertEquals("7", a.getString("median"));
    assertThat(a.getJsonArray("reasons").getList()).containsExactly("On reflection");
    assertEquals(1, results.getJsonArray("statements").getJsonObject(1).getInteger("recusals"));
    String before = TestDatabase.text("SELECT string_agg(coalesce(rating::text, 'r'), ',' ORDER BY statement_id, member_id) FROM round_ratings "
        + "WHERE round_id = ?", round);
    expect("rateStatement", 409, send(ana, "PUT", rating(round, alpha), "{\"rating\": 2}", true));
    assertEquals(before, TestDatabase.text("SELECT string_agg(coalesce(rating::text, 'r'), ',' ORDER BY statement_id, member_id) FROM round_ratings "
        + "WHERE round_id = ?", round));
  }

  @Test
  @DisplayName("only the group's moderators open a draft, which nobody else can see; opening twice is 409")
  void open() {
    RoundFixture f = fixture(false);
    long draft = RoundFixture.idFrom(f.createRound(Map.of()).location());
    Browser member = f.panel.get(0);
    expect("getRound", 404, get(member, "/api/v1/rounds/" + draft));
    expect("openRound", 404, send(member, "POST", "/api/v1/rounds/" + draft + "/open", null, true));
    expect("rateStatement", 404, send(member, "PUT", rating(draft, f.statementId(draft, 1)), "{\"rating\": 8}", true));
    JsonObject read = json(expect("getRound", 200, get(f.moderator, "/api/v1/rounds/" + draft)));
    assertEquals("draft", read.getString("status"));
    expect("openRound", 403, send(f.moderator, "POST", "/api/v1/rounds/" + draft + "/open", null, false));
    assertEquals("draft", TestDatabase.text("SELECT status FROM consensus_rounds WHERE id = ?", draft));
    JsonObject opened = json(expect("openRound", 200, send(f.moderator, "POST", "/api/v1/rounds/" + draft + "/open", null,
        true)));
    assertEquals("open", opened.getString("status"));
    expect("openRound", 409, send(f.moderator, "POST", "/api/v1/rounds/" + draft + "/open", null, true));
    expect("closeRound", 403, send(member, "POST", "/api/v1/rounds/" + draft + "/close", null, true));
    assertEquals("open", TestDatabase.text("SELECT status FROM consensus_rounds WHERE id = ?", draft));
    assertEquals(0, RoundFixture.ratings(draft));
  }

  @Test
  @DisplayName("someone outside a closed group gets the same 404 as for a missing round, for reading, results and rating")
  void closedGroup() {
    RoundFixture f = fixture(true);
    long round = f.openRound(Map.of());
    Browser stranger = new Browser();
    app.signInNew(stranger, "Stranger", Fixtures.unique("stranger") + "@example.org");
    ApiContractTest.useCsrf(stranger, app.csrf(stranger));
    ApiContractTest.assertSame404("getRound", get(stranger, "/api/v1/rounds/" + round),
        get(stranger, "/api/v1/rounds/999999999"));
    ApiContractTest.assertSame404("getRoundResults", get(stranger, "/api/v1/rounds/" + round + "/results"),
        get(stranger, "/api/v1/rounds/999999999/results"));
    expect("rateStatement", 404, send(stranger, "PUT", rating(round, f.statementId(round, 1)), "{\"rating\": 8}", true));
    expect("closeRound", 404, send(stranger, "POST", "/api/v1/rounds/" + round + "/close", null, true));
    expect("getRound", 404, get(new Browser(), "/api/v1/rounds/" + round));
    assertEquals(0, RoundFixture.ratings(round));
  }

  @Test
  @DisplayName("two simultaneous PUTs of one panellist for one statement store exactly one rating")
  void racing() {
    RoundFixture f = fixture(false);
    long round = f.openRound(Map.of());
    long statement = f.statementId(round, 1);
    Browser b = f.panel.get(0);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String body = "{\"rating\": " + (6 + i) + "}";
      all.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return send(b, "PUT", rating(round, statement), body, true).status();
      }));
    }
    go.countDown();
    assertThat(all.stream().map(CompletableFuture::join).toList()).containsOnly(200);
    assertEquals(1, RoundFixture.ratings(round));
  }
}
