package eu.mhealthhub.agora.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The complete set of cookies Agora ever sets over a visit through every page type, signed out and
 * signed in (issue 14 point 6): the session cookie, the sign-in flow's own short-lived cookie, and
 * the language cookie only when a visitor chooses a language while signed out. README's privacy
 * section says which and why.
 */
class CookiesTest {

  private final TestApp app = TestApp.shared();

  /** Names of the cookies a response sets (a deletion is a setting too). */
  private static Set<String> names(Response r) {
    Set<String> names = new TreeSet<>();
    for (String header : r.setCookies()) {
      names.add(header.substring(0, header.indexOf('=')).strip());
    }
    return names;
  }

  private static List<String> pageTypes(long threadId, long documentId, String groupSlug, String talkSlug) {
    return List.of("/", "/groups", "/groups/" + groupSlug, "/threads/" + threadId, "/documents/" + documentId,
        "/groups/" + groupSlug + "/documents", "/talks", "/talks/" + talkSlug, "/search?q=health",
        "/privacy", "/accessibility", "/erased");
  }

  @Test
  @DisplayName("a visit through every page type sets only the session cookie, the sign-in flow's cookie and, when chosen signed out, the language cookie")
  void onlyEssentialCookies() {
    String groupSlug = TestDatabase.text("SELECT slug FROM working_groups WHERE visibility = 'public' ORDER BY id LIMIT 1");
    long groupId = TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", groupSlug);
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE group_id = ? ORDER BY id LIMIT 1", groupId);
    long documentId = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE g.visibility = 'public' AND d.status <> 'draft' ORDER BY d.id LIMIT 1""");
    String talkSlug = TestDatabase.text("SELECT slug FROM talks ORDER BY id LIMIT 1");
    Set<String> ever = new TreeSet<>();
    Browser b = new Browser();

    // signed out: no cookie at all
    for (String path : pageTypes(threadId, documentId, groupSlug, talkSlug)) {
      Response r = b.get(app.url(path));
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(names(r)).as(path).isEmpty();
    }

    // the sign-in flow, step by step, as a browser without JavaScript goes through it
    String email = Fixtures.unique("cookie") + "@example.org";
    Response start = b.get(app.url("/auth/login?next=/"));
    ever.addAll(names(start));
    assertThat(names(start)).containsExactly("agora_signin");
    Response providerPage = b.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(providerPage.body(), "/authorize"));
    fields.put("name", "Connie Cookie");
    fields.put("email", email);
    Response decision = b.post(URI.create(start.location()).resolve("/authorize").toString(), fields);
    Response callback = b.get(decision.location());
    assertThat(callback.status()).as(callback.body()).isEqualTo(302);
    ever.addAll(names(callback));

    // signed in: every page type, the member's own pages, and a reply
    long memberId = TestDatabase.count("SELECT id FROM members WHERE email = ?", email);
    Fixtures.member(groupId, memberId, "member");
    List<String> signedIn = new java.util.ArrayList<>(pageTypes(threadId, documentId, groupSlug, talkSlug));
    signedIn.addAll(List.of("/notifications", "/me", "/members/" + Fixtures.handle(memberId), "/me/erase"));
    for (String path : signedIn) {
      Response r = b.get(app.url(path));
      assertThat(r.status()).as(path).isEqualTo(200);
      ever.addAll(names(r));
    }
    Response reply = b.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(b),
        "clientToken", Fixtures.unique("c"), "action", "post", "body", "Cookies, counted."), List.of());
    assertThat(reply.status()).as(reply.body()).isEqualTo(303);
    ever.addAll(names(reply));
    Response signOutPage = b.get(app.url("/me"));
    Response signedOut = b.post(app.url("/auth/logout"), Map.of("_csrf", signOutPage.inputValue("_csrf")));
    ever.addAll(names(signedOut));

    // a visitor who chooses a language
    Browser visitor = new Browser();
    Response chosen = visitor.get(app.url("/language?lang=fr&next=/"));
    assertThat(names(chosen)).containsExactly("agora_lang");
    ever.addAll(names(chosen));

    assertThat(ever).containsExactlyInAnyOrder("agora_session", "agora_signin", "agora_lang");
  }
}
