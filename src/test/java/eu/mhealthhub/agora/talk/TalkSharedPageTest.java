package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Talk page is rendered once for every viewer who sees the same thing (issue 18, as the thread,
 * group and document pages): what is only the viewer's (name, CSRF token, the forms' client token)
 * is filled in per view, and what differs between viewers (their follow, their registration) is a
 * different page.
 */
class TalkSharedPageTest {

  private final TestApp app = TestApp.shared();

  private static Set<String> tokens(Response r) {
    return r.html().select("input[name=_csrf]").stream().map(e -> e.attr("value")).collect(Collectors.toSet());
  }

  private static Set<String> clientTokens(Response r) {
    return r.html().select("input[name=clientToken]").stream().map(e -> e.attr("value")).collect(Collectors.toSet());
  }

  @Test
  @DisplayName("two members reading the same Talk page each get their own name, tokens, follow button and registration")
  void ownPartsPerViewer() {
    String slug = TestDatabase.text("SELECT slug FROM talks WHERE starts_at > now() + interval '1 day' ORDER BY id LIMIT 1");
    String path = "/talks/" + slug;
    // two new people, so that no other test's follow or registration is theirs
    String unique = Fixtures.unique("talkshell");
    Browser joan = new Browser();
    app.signInNew(joan, "Joan Talkshell", unique + "-joan@example.org");
    Browser elin = new Browser();
    app.signInNew(elin, "Elin Talkshell", unique + "-elin@example.org");

    Response forJoan = joan.get(app.url(path));
    Response forElin = elin.get(app.url(path));
    Response again = joan.get(app.url(path));
    assertEquals(200, forJoan.status());
    assertEquals(200, forElin.status());
    assertThat(forJoan.html().select(".member-name").text()).isEqualTo("Joan Talkshell");
    assertThat(forElin.html().select(".member-name").text()).isEqualTo("Elin Talkshell");
    assertThat(tokens(forJoan)).hasSize(1).doesNotContainAnyElementsOf(tokens(forElin));
    assertThat(tokens(forElin)).hasSize(1);
    assertThat(forJoan.html().select("form.watch-form input[name=next]").attr("value")).isEqualTo(path);
    assertThat(again.html().select(".member-name").text()).isEqualTo("Joan Talkshell");
    String csrf = tokens(forJoan).iterator().next();

    // Joan follows the Talk: her page says so, Elin's does not
    Response followed = joan.post(app.url("/notifications/watch"), Map.of("_csrf", csrf, "subject", "talk",
        "id", TestDatabase.text("SELECT id::text FROM talks WHERE slug = '" + slug + "'"), "watch", "true", "next", path));
    assertThat(followed.status()).isBetween(200, 303);
    assertThat(joan.get(app.url(path)).html().select("form.watch-form button[name=watch]").attr("value"))
        .isEqualTo("false");
    assertThat(elin.get(app.url(path)).html().select("form.watch-form button[name=watch]").attr("value"))
        .isEqualTo("true");

    // Joan registers: her page offers to cancel, Elin's still offers to register
    assertThat(forElin.html().select("#registration #register")).hasSize(1);
    Response registered = joan.post(app.url(path + "/register"), Map.of("_csrf", csrf));
    assertThat(registered.status()).isBetween(200, 303);
    assertThat(joan.get(app.url(path)).html().select("#registration #cancel-registration")).hasSize(1);
    Response elinAfter = elin.get(app.url(path));
    assertThat(elinAfter.html().select("#registration #register")).hasSize(1);
    assertThat(elinAfter.html().select("#registration #cancel-registration")).isEmpty();

    // a visitor gets neither member's name nor any token of theirs
    Response visitor = new Browser().get(app.url(path));
    assertEquals(200, visitor.status());
    assertThat(visitor.html().select(".member-name")).isEmpty();
    assertThat(tokens(visitor)).doesNotContainAnyElementsOf(tokens(forJoan)).doesNotContainAnyElementsOf(tokens(forElin));
  }

  @Test
  @DisplayName("in an open room each view gets its own client token, a moderator's page is not a member's, and a new question shows at once to others")
  void openRoom() {
    String slug = Fixtures.unique("talkshell");
    long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    Fixtures.talk(slug, groupId);
    String path = "/talks/" + slug;
    Browser moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Mona Talkshell", slug + "-mod@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    Response opened = moderator.post(app.url(path + "/room"), Map.of("_csrf", app.csrf(moderator), "setting", "open"));
    assertThat(opened.status()).isBetween(200, 303);
    Browser joan = new Browser();
    app.signInNew(joan, "Joan Roomshell", slug + "-joan@example.org");
    Browser elin = new Browser();
    app.signInNew(elin, "Elin Roomshell", slug + "-elin@example.org");

    Response first = joan.get(app.url(path));
    Response second = joan.get(app.url(path));
    Response forElin = elin.get(app.url(path));
    assertThat(clientTokens(first)).hasSize(1);
    assertThat(clientTokens(second)).hasSize(1).doesNotContainAnyElementsOf(clientTokens(first));
    assertThat(clientTokens(forElin)).hasSize(1).doesNotContainAnyElementsOf(clientTokens(first))
        .doesNotContainAnyElementsOf(clientTokens(second));
    assertThat(first.html().select("#room-admin-heading")).isEmpty();
    assertThat(moderator.get(app.url(path)).html().select("#room-admin-heading")).hasSize(1);
    assertThat(joan.get(app.url(path)).html().select("#room-admin-heading")).isEmpty();

    // Joan asks: Elin's next view of the page has the question (a changed model is a different page)
    Response asked = joan.post(app.url(path + "/questions"), Map.of("_csrf", app.csrf(joan), "body",
        "Does the shared page show this at once?", "clientToken", clientTokens(second).iterator().next()));
    assertEquals(303, asked.status(), asked.body());
    assertThat(elin.get(app.url(path)).html().select("#questions .question-body").eachText())
        .contains("Does the shared page show this at once?");
    assertThat(forElin.html().select("#questions .question-body").eachText())
        .doesNotContain("Does the shared page show this at once?");
  }
}
