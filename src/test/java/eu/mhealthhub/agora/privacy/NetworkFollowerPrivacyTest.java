package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Following the Hub's announcements is personal data: exported with the member, erased with them. */
class NetworkFollowerPrivacyTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("a member's announcement topics are in their export (valid against its schema) and gone when they are erased")
  void exportedAndErased() throws Exception {
    String email = Fixtures.unique("privfollow") + "@example.org";
    Browser b = new Browser();
    long id = app.signInNew(b, "Paula Follower", email);
    Response followed = b.post(app.url("/network/follow"), Map.of("_csrf", app.csrf(b), "topic", "results"));
    assertThat(followed.status()).as(followed.body()).isEqualTo(303);

    String json = ExportStoryTest.validSection(ExportStoryTest.exportOf(app, b, id), "network_follower.json");
    JsonArray rows = new JsonArray(json);
    assertThat(rows).hasSize(1);
    assertThat(rows.getJsonObject(0).getString("email")).isEqualTo(email);
    assertThat(rows.getJsonObject(0).getString("status")).isEqualTo("confirmed");
    assertThat(rows.getJsonObject(0).getJsonArray("topics").getList()).containsExactly("results");

    Response form = b.get(app.url("/me/erase"));
    Response erased = b.post(app.url("/me/erase"), Map.of("_csrf", form.inputValue("_csrf"),
        "confirmation", Fixtures.handle(id)));
    assertThat(erased.status()).as(erased.body()).isIn(302, 303);
    assertThat(TestDatabase.count("SELECT count(*) FROM network_followers WHERE email = ? OR member_id = ?", email, id))
        .isZero();
  }
}
