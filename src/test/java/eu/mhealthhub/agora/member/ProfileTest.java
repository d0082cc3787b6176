package eu.mhealthhub.agora.member;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14, point 1 and 8: a member fills the profile form; what is wrong in it is refused with a
 * 400 page naming the field and nothing is stored; the public page shows the profile and only the
 * posts the reader may read; member lists and mention suggestions show affiliation and stakeholder type.
 */
class ProfileTest {

  private final TestApp app = TestApp.shared();

  /** A fresh member, signed in, with the profile form's fields as the member would send them. */
  private final class Someone {
    final String tag = Fixtures.unique("prof");
    final Browser browser = new Browser();
    final String email = tag + "@example.org";
    final long id = app.signInNew(browser, "Profile " + tag, email);
    final String handle = Fixtures.handle(id);

    Map<String, String> form() {
      Map<String, String> f = new HashMap<>();
      f.put("_csrf", app.csrf(browser));
      f.put("displayName", "Profile " + tag);
      f.put("email", email);
      f.put("locale", "en");
      f.put("timeZone", "Europe/Brussels");
      f.put("affiliation", "Ordre des pharmaciens");
      f.put("country", "BE");
      f.put("stakeholderType", "clinician");
      f.put("languages", "fr, NL en");
      f.put("bio", "Hospital **pharmacist**. <script>alert(1)</script>");
      f.put("links", "https://example.org/me\r\nhttps://orcid.org/0000-0002-1825-0097");
      return f;
    }

    Response save(Map<String, String> form) {
      return browser.post(app.url("/me"), form);
    }
  }

  @Test
  @DisplayName("a member fills affiliation, country, stakeholder type, languages, bio and links; the form and the public page show them, the bio sanitised")
  void fillsProfile() {
    Someone s = new Someone();
    Response saved = s.save(s.form());
    assertEquals(303, saved.status(), saved.body());
    assertEquals("Ordre des pharmaciens", TestDatabase.text("SELECT affiliation FROM members WHERE id = ?", s.id));
    assertEquals("BE", TestDatabase.text("SELECT country FROM members WHERE id = ?", s.id));
    assertEquals("clinician", TestDatabase.text("SELECT stakeholder_type FROM members WHERE id = ?", s.id));
    assertEquals("fr,nl,en", TestDatabase.text("SELECT array_to_string(languages, ',') FROM members WHERE id = ?", s.id));
    assertEquals(2, TestDatabase.count("SELECT cardinality(links) FROM members WHERE id = ?", s.id));

    Document form = s.browser.get(app.url("/me")).html();
    assertEquals("Ordre des pharmaciens", form.selectFirst("#affiliation").val());
    assertEquals("BE", form.selectFirst("#country option[selected]").val());
    assertEquals("clinician", form.selectFirst("#stakeholderType option[selected]").val());
    assertEquals("fr, nl, en", form.selectFirst("#languages").val());
    assertEquals("https://example.org/me\nhttps://orcid.org/0000-0002-1825-0097", form.selectFirst("#links").text()
        .replace(' ', '\n'));

    Document page = new Browser().get(app.url("/members/" + s.handle)).html();
    assertEquals("Ordre des pharmaciens", page.selectFirst(".member-affiliation").text());
    assertEquals("Clinician or health professional", page.selectFirst(".member-stakeholder").text());
    assertEquals("Belgium", page.selectFirst(".member-country").text());
    assertEquals("French, Dutch, English", page.selectFirst(".member-languages").text());
    Element bio = page.selectFirst(".member-bio");
    assertEquals("pharmacist", bio.selectFirst("strong").text());
    assertTrue(bio.select("script").isEmpty(), bio.html());
    assertEquals(List.of("https://example.org/me", "https://orcid.org/0000-0002-1825-0097"),
        page.select(".member-links a").eachAttr("href"));

    Document german = new Browser().acceptLanguage("de").get(app.url("/members/" + s.handle)).html();
    assertEquals("Belgien", german.selectFirst(".member-country").text());
    assertEquals("Ärztin, Arzt oder Gesundheitsfachperson", german.selectFirst(".member-stakeholder").text());
  }

  /** One bad field each, with the field the error page must name. */
  static List<Object[]> badInput() {
    return List.of(
        new Object[] {"country", "XX", "country"},
        new Object[] {"country", "Belgium", "country"},
        new Object[] {"stakeholderType", "lobbyist", "stakeholderType"},
        new Object[] {"affiliation", "a".repeat(121), "affiliation"},
        new Object[] {"displayName", "n".repeat(81), "displayName"},
        new Object[] {"languages", "en, klingon", "languages"},
        new Object[] {"languages", "en fr de nl it es pt pl cs sk hu", "languages"},
        new Object[] {"bio", "b".repeat(2001), "bio"},
        new Object[] {"links", "http://example.org/plain", "links"},
        new Object[] {"links", "javascript:alert(1)", "links"},
        new Object[] {"links", "https://", "links"},
        new Object[] {"links", "https://example.org/" + "x".repeat(300), "links"},
        new Object[] {"links", "https://a.org\nhttps://b.org\nhttps://c.org\nhttps://d.org\nhttps://e.org\nhttps://f.org",
            "links"});
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badInput")
  @DisplayName("a wrong country, an unknown stakeholder type, overlong fields, unknown or too many languages, http: or too many links: a 400 page naming the field, nothing stored")
  void refusesBadInput(String field, String value, String named) {
    Someone s = new Someone();
    Map<String, String> form = s.form();
    form.put(field, value);
    Response refused = s.save(form);
    assertEquals(400, refused.status(), refused.body());
    Document page = refused.html();
    assertNotNull(page.selectFirst(".error-summary a[href=#" + named + "]"), page.select(".error-summary").outerHtml());
    assertEquals("true", page.selectFirst("#" + named).attr("aria-invalid"));
    assertNotNull(page.selectFirst("#" + named + "-error"));
    // nothing of the form is stored: not the bad field, nor the good ones beside it
    assertNull(TestDatabase.text("SELECT affiliation FROM members WHERE id = ?", s.id));
    assertNull(TestDatabase.text("SELECT country FROM members WHERE id = ?", s.id));
    assertEquals("", TestDatabase.text("SELECT bio FROM members WHERE id = ?", s.id));
    assertEquals(0, TestDatabase.count("SELECT cardinality(links) FROM members WHERE id = ?", s.id));
    assertEquals("Profile " + s.tag, TestDatabase.text("SELECT display_name FROM members WHERE id = ?", s.id));
  }

  @Test
  @DisplayName("the public page lists a member's posts only from groups the reader may read: a closed group's post is hidden from outsiders and shown to its members")
  void publicPageHidesClosedGroups() {
    Someone s = new Someone();
    String open = Fixtures.unique("prof-open");
    String closed = Fixtures.unique("prof-closed");
    long openId = Fixtures.group(open, false, true);
    long closedId = Fixtures.group(closed, true, false);
    Fixtures.member(openId, s.id, "member");
    Fixtures.member(closedId, s.id, "member");
    String openTitle = "Open thoughts " + s.tag;
    String closedTitle = "Closed thoughts " + s.tag;
    assertEquals(303, thread(s, open, openTitle).status());
    assertEquals(303, thread(s, closed, closedTitle).status());

    Document outsider = new Browser().get(app.url("/members/" + s.handle)).html();
    assertEquals(List.of(openTitle), outsider.select(".member-posts > li > a").eachText());
    assertFalse(outsider.select(".member-posts").text().contains("Closed"), outsider.select(".member-posts").text());

    Browser insider = new Browser();
    long insiderId = app.signInNew(insider, "Insider " + s.tag, "in-" + s.tag + "@example.org");
    Fixtures.member(closedId, insiderId, "member");
    Document member = insider.get(app.url("/members/" + s.handle)).html();
    assertEquals(List.of(closedTitle, openTitle), member.select(".member-posts > li > a").eachText());
  }

  /** A thread by {@code author} in the group with {@code posts} posts, the newest {@code minutesAgo} minutes old. */
  private static long postsIn(long groupId, long author, String title, int posts, int minutesAgo, String html) {
    long thread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, ?, ?, ?) RETURNING id",
        groupId, title, author, posts);
    for (int i = 1; i <= posts; i++) {
      TestDatabase.update("""
          INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, created_at)
          VALUES (?, ?, ?, 'x', ?, now() - make_interval(mins => ?) - make_interval(secs => ?))""",
          thread, i, author, html, minutesAgo, posts - i);
    }
    return thread;
  }

  @Test
  @DisplayName("a member page's latest posts: the newest readable ones past any number of unreadable ones, a closed group's to its members and admins, never an archived group's, a deleted or a held post; excerpts from the stored text")
  void latestPostsFollowTheReadRule() {
    Someone s = new Someone();
    long open = Fixtures.group(Fixtures.unique("prof-open"), false, true);
    long closed = Fixtures.group(Fixtures.unique("prof-closed"), true, false);
    long archived = Fixtures.group(Fixtures.unique("prof-archived"), false, true);
    postsIn(open, s.id, "Open " + s.tag, 1, 600, "<p>Fish &amp; chips, <strong>daily</strong>:</p>\n<p>\"best\" &#64;noon</p>");
    // 25 newer posts in the closed group: more than the page lists
    postsIn(closed, s.id, "Closed " + s.tag, 25, 60, "<p>Behind closed doors</p>");
    postsIn(archived, s.id, "Archived " + s.tag, 1, 1, "<p>Old news</p>");
    TestDatabase.update("UPDATE working_groups SET archived_at = now() WHERE id = ?", archived);
    long hidden = postsIn(open, s.id, "Hidden " + s.tag, 2, 2, "<p>Not to be seen</p>");
    TestDatabase.update("UPDATE posts SET deleted_at = now() WHERE thread_id = ? AND position = 1", hidden);
    TestDatabase.update("UPDATE posts SET held_at = now(), held_reason = 'moderator' WHERE thread_id = ? AND position = 2", hidden);

    Browser outsider = new Browser();
    app.signInNew(outsider, "Outsider " + s.tag, "out-" + s.tag + "@example.org");
    for (Browser b : List.of(new Browser(), outsider)) {
      Document page = b.get(app.url("/members/" + s.handle)).html();
      assertEquals(List.of("Open " + s.tag), page.select(".member-posts > li > a").eachText());
      assertEquals("Fish & chips, daily: \"best\" @noon", page.select(".member-posts .excerpt").text());
      assertThat(page.text()).doesNotContain("Closed " + s.tag).doesNotContain("Behind closed doors")
          .doesNotContain("Archived " + s.tag).doesNotContain("Not to be seen");
    }

    Browser insider = new Browser();
    long insiderId = app.signInNew(insider, "Insider " + s.tag, "in2-" + s.tag + "@example.org");
    Fixtures.member(closed, insiderId, "member");
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    for (Browser b : List.of(insider, admin)) {
      Document page = b.get(app.url("/members/" + s.handle)).html();
      List<String> titles = page.select(".member-posts > li > a").eachText();
      assertEquals(MemberRoutes.RECENT_POSTS, titles.size(), titles.toString());
      assertThat(titles).containsOnly("Closed " + s.tag);
      assertThat(page.text()).doesNotContain("Archived " + s.tag).doesNotContain("Not to be seen");
    }
  }

  private Response thread(Someone s, String slug, String title) {
    return s.browser.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", app.csrf(s.browser),
        "clientToken", Fixtures.unique("c"), "title", title, "body", "Body of " + title), List.of());
  }

  @Test
  @DisplayName("a group's member list and the @mention suggestions show the member's affiliation and stakeholder type")
  void listsAndMentions() {
    Someone s = new Someone();
    assertEquals(303, s.save(s.form()).status());
    String slug = Fixtures.unique("prof-list");
    long groupId = Fixtures.group(slug, false, true);
    Fixtures.member(groupId, s.id, "member");

    Document members = s.browser.get(app.url("/groups/" + slug + "/members")).html();
    Element row = members.selectFirst("table.members tr:has(a[href=/members/" + s.handle + "])");
    assertNotNull(row, members.select("table.members").outerHtml());
    assertEquals("Ordre des pharmaciens", row.selectFirst(".member-affiliation").text());
    assertEquals("Clinician or health professional", row.selectFirst(".member-stakeholder").text());

    Response answer = s.browser.get(app.url("/api/v1/groups/" + slug + "/mentions?q=" + s.handle), "Accept", "application/json");
    assertEquals(200, answer.status(), answer.body());
    JsonArray found = new JsonObject(answer.body()).getJsonArray("members");
    JsonObject me = found.stream().map(JsonObject.class::cast).filter(o -> s.handle.equals(o.getString("handle")))
        .findFirst().orElseThrow(() -> new AssertionError(answer.body()));
    assertEquals("Ordre des pharmaciens", me.getString("affiliation"));
    assertEquals("clinician", me.getString("stakeholderType"));
    assertEquals("Clinician or health professional", me.getString("stakeholder"));
  }
}
