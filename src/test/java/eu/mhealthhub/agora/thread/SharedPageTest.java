package eu.mhealthhub.agora.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A thread page is rendered once for every viewer who sees the same thing and reused; what is
 * only theirs (name, CSRF token, client token, address) is filled in per view.
 */
class SharedPageTest {

  private final TestApp app = TestApp.shared();

  private long startThread(String title) {
    Browser sofia = new Browser();
    app.signIn(sofia, "demo-sofia");
    Response form = sofia.get(app.url("/groups/reimbursement/threads/new"));
    Response created = sofia.postMultipart(app.url("/groups/reimbursement/threads"), Map.of("_csrf",
        form.inputValue("_csrf"), "clientToken", form.inputValue("clientToken"), "title", title,
        "body", "Opening post of " + title, "action", "post"), List.of());
    assertEquals(303, created.status(), created.body());
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
    assertTrue(m.find());
    return Long.parseLong(m.group(1));
  }

  private static Set<String> values(String html, String name) {
    Set<String> found = new HashSet<>();
    Matcher m = Pattern.compile("name=\"" + Pattern.quote(name) + "\" value=\"([^\"]*)\"").matcher(html);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }

  private static String memberName(String html) {
    Matcher m = Pattern.compile("<span class=\"member-name\">([^<]*)</span>").matcher(html);
    return m.find() ? m.group(1) : null;
  }

  @Test
  @DisplayName("two members reading the same thread page each get their own name and CSRF token, and only theirs works")
  void ownNameAndToken() {
    long id = startThread("Shared page, own parts");
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");

    Response forJonas = jonas.get(app.url("/threads/" + id));
    Response forElena = elena.get(app.url("/threads/" + id));
    assertEquals(200, forJonas.status());
    assertEquals(200, forElena.status());
    assertEquals("Dr Jonas Becker", memberName(forJonas.body()));
    assertEquals("Elena Rossi", memberName(forElena.body()));
    Set<String> jonasTokens = values(forJonas.body(), "_csrf");
    Set<String> elenaTokens = values(forElena.body(), "_csrf");
    assertEquals(1, jonasTokens.size(), "one token on the whole page, in the shell and in every post");
    assertEquals(1, elenaTokens.size());
    assertNotEquals(jonasTokens, elenaTokens);
    // the whole answer, not only what a selector reaches: another viewer's token must be nowhere in it
    assertThat(forJonas.body()).doesNotContain(elenaTokens.iterator().next());
    assertEquals(0, forJonas.body().chars().filter(c -> c == 0).count(), "no placeholder is left");

    String jonasToken = jonasTokens.iterator().next();
    String elenaToken = elenaTokens.iterator().next();
    assertEquals(403, jonas.post(app.url("/threads/" + id + "/subscription"),
        Map.of("_csrf", elenaToken, "level", "watching")).status(), "another viewer's token is refused");
    assertEquals(303, jonas.post(app.url("/threads/" + id + "/subscription"),
        Map.of("_csrf", jonasToken, "level", "normal")).status(), "the viewer's own token works");
  }

  @Test
  @DisplayName("each view of a thread page gets a new client token, and a name with accents and markup characters arrives intact")
  void perViewValues() {
    long id = startThread("Shared page, per view");
    Browser amelie = new Browser();
    app.signIn(amelie, "demo-amelie");
    Response first = amelie.get(app.url("/threads/" + id));
    Response second = amelie.get(app.url("/threads/" + id));
    assertEquals("Amélie Laurent", memberName(second.body()));
    String a = first.inputValue("clientToken");
    String b = second.inputValue("clientToken");
    assertNotNull(a);
    assertNotEquals(a, b, "a double submission is told apart by its token, so every form gets a fresh one");
  }

  @Test
  @DisplayName("the sign-in and language links of a shared page go back to the address it was asked at")
  void address() {
    long id = startThread("Shared page, address");
    Response plain = new Browser().get(app.url("/threads/" + id));
    Response paged = new Browser().get(app.url("/threads/" + id + "?page=1"));
    assertThat(plain.html().select("a[href^=/auth/login]").eachAttr("href")).contains("/auth/login?next=%2Fthreads%2F" + id);
    assertThat(paged.html().select("a[href^=/auth/login]").eachAttr("href"))
        .contains("/auth/login?next=%2Fthreads%2F" + id + "%3Fpage%3D1");
    assertEquals(Set.of("/threads/" + id + "?page=1"),
        values(paged.body(), "next").stream().map(Response::unescape).collect(java.util.stream.Collectors.toSet()));
    assertTrue(Set.of("").containsAll(values(paged.body(), "_csrf")), "no token for a reader without a session");
  }

  @Test
  @DisplayName("a reply made after a page was shown appears on its next view, for a viewer who sees the same page")
  void notStale() {
    long id = startThread("Shared page, fresh");
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    assertThat(jonas.get(app.url("/threads/" + id)).html().text()).doesNotContain("A later reply");
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    Response form = elena.get(app.url("/threads/" + id + "/reply"));
    Response replied = elena.postMultipart(app.url("/threads/" + id + "/posts"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "body", "A later reply", "action", "post"), List.of());
    assertEquals(303, replied.status(), replied.body());
    Document again = jonas.get(app.url("/threads/" + id)).html();
    assertThat(again.select("article.post .body").eachText()).contains("A later reply");
    assertThat(again.select("main > p.meta").text()).as("the thread's count in the shell is the new one").contains("2 posts");
  }
}
