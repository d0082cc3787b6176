package eu.mhealthhub.agora.document;

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
 * The document page is rendered once for every viewer who sees the same thing (issue 18: its
 * Handlebars render was most of its CPU); what is only the viewer's is filled in per view, and what
 * differs between viewers (their watch) is a different page.
 */
class DocumentSharedPageTest {

  private final TestApp app = TestApp.shared();

  private static Set<String> tokens(Response r) {
    return r.html().select("input[name=_csrf]").stream().map(e -> e.attr("value")).collect(Collectors.toSet());
  }

  @Test
  @DisplayName("two members reading the same document page each get their own name, token and watch button")
  void ownPartsPerViewer() {
    long id = TestDatabase.count("""
        SELECT min(d.id) FROM documents d JOIN working_groups g ON g.id = d.group_id WHERE g.slug = 'reimbursement'""");
    String path = "/documents/" + id;
    // two new people, so that no other test's watch on the demo document is theirs
    String unique = Fixtures.unique("shell");
    Browser jonas = new Browser();
    app.signInNew(jonas, "Joan Shell", unique + "-joan@example.org");
    Browser elena = new Browser();
    app.signInNew(elena, "Elin Shell", unique + "-elin@example.org");

    Response forJonas = jonas.get(app.url(path));
    Response forElena = elena.get(app.url(path));
    assertEquals(200, forJonas.status());
    assertEquals(200, forElena.status());
    assertThat(forJonas.html().select(".member-name").text()).isEqualTo("Joan Shell");
    assertThat(forElena.html().select(".member-name").text()).isEqualTo("Elin Shell");
    assertThat(tokens(forJonas)).hasSize(1).doesNotContainAnyElementsOf(tokens(forElena));
    assertThat(tokens(forElena)).hasSize(1);
    assertThat(forJonas.html().select("form.watch-form input[name=next]").attr("value")).isEqualTo(path);

    // Joan watches the document: her page says so, Elin's does not
    Response watched = jonas.post(app.url("/notifications/watch"), Map.of("_csrf", tokens(forJonas).iterator().next(),
        "subject", "document", "id", Long.toString(id), "watch", "true", "next", path));
    assertThat(watched.status()).isBetween(200, 303);
    assertThat(jonas.get(app.url(path)).html().select("form.watch-form button[name=watch]").attr("value"))
        .isEqualTo("false");
    assertThat(elena.get(app.url(path)).html().select("form.watch-form button[name=watch]").attr("value"))
        .isEqualTo("true");
  }
}
