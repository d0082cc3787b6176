package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.HtmlChecker;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One page of every kind, as a visitor, a member, a moderator (and an admin for the admin forms)
 * see it, through the test client that passes every HTML answer to the Nu HTML Checker: each case
 * fails on any HTML error, and checks that the page was indeed checked, so this list cannot
 * silently check nothing. Every other HTTP and browser test checks the pages it meets as well.
 */
@DisplayName("Every kind of page is valid HTML")
class ValidHtmlTest {

  enum Who { VISITOR, MEMBER, MODERATOR, ADMIN }

  private static final TestApp app = TestApp.shared();
  private static final Map<Who, Browser> browsers = new EnumMap<>(Who.class);
  /** Placeholders in the paths below, resolved once the fixtures exist. */
  private static final Map<String, String> ids = new HashMap<>();

  /** A page, the status it answers with, and who asks for it. */
  private record Page(String path, int status, Set<Who> who) {}

  private static final Set<Who> EVERYONE = Set.of(Who.VISITOR, Who.MEMBER, Who.MODERATOR);
  private static final Set<Who> SIGNED_IN = Set.of(Who.MEMBER, Who.MODERATOR);

  private static final List<Page> PAGES = List.of(
      new Page("/", 200, EVERYONE),
      new Page("/groups", 200, EVERYONE),
      new Page("/groups/reimbursement", 200, EVERYONE),
      new Page("/groups/reimbursement/members", 200, EVERYONE),
      new Page("/threads/{thread}", 200, EVERYONE),
      new Page("/threads/{thread}/reply", 200, SIGNED_IN),
      new Page("/threads/{thread}/reply?to={reply}&quote={reply}", 200, SIGNED_IN),
      new Page("/groups/reimbursement/threads/new", 200, SIGNED_IN),
      new Page("/posts/{post}/edit", 200, Set.of(Who.MEMBER)),
      new Page("/posts/{post}/history", 200, EVERYONE),
      new Page("/posts/{post}/reactions", 200, EVERYONE),
      new Page("/posts/{post}/fragment", 200, EVERYONE),
      new Page("/talks", 200, EVERYONE),
      new Page("/talks/mhealth-solution-success", 200, EVERYONE),
      new Page("/talks/{talk}", 200, EVERYONE),
      new Page("/talks/{talk}?sort=newest", 200, EVERYONE),
      new Page("/talks/{talk}/room/questions", 200, EVERYONE),
      new Page("/talks/{talk}/room/messages", 200, EVERYONE),
      new Page("/talks/{talk}/presenter", 200, EVERYONE),
      new Page("/talks/{talk}/presenter/questions", 200, EVERYONE),
      new Page("/talks/{talk}/questions/{question}/merge", 200, Set.of(Who.MODERATOR)),
      new Page("/talks/{talk}/questions/{question}/merge?q=no+such+words", 200, Set.of(Who.MODERATOR)),
      new Page("/talks/{talk}/edit", 200, Set.of(Who.MODERATOR)),
      new Page("/talks/{talk}/close", 200, Set.of(Who.MODERATOR)),
      new Page("/talks/new", 200, Set.of(Who.MODERATOR)),
      new Page("/groups/reimbursement/documents", 200, EVERYONE),
      new Page("/groups/reimbursement/documents/new", 200, Set.of(Who.MODERATOR)),
      new Page("/documents/{document}", 200, EVERYONE),
      new Page("/documents/{document}?revision=1", 200, EVERYONE),
      new Page("/documents/{document}/revisions", 200, EVERYONE),
      new Page("/documents/{document}/revisions/1", 200, EVERYONE),
      new Page("/results", 200, EVERYONE),
      new Page("/results?kind=talks&year=2026&language=en", 200, EVERYONE),
      new Page("/results?year=99", 400, EVERYONE),
      new Page("/documents/{document}/compare?from=1&to={revision}", 200, EVERYONE),
      new Page("/documents/{document}/compare?from=1&to={revision}&view=side", 200, EVERYONE),
      new Page("/documents/{document}/proposals/{proposal}", 200, EVERYONE),
      new Page("/documents/{document}/sections/{section}", 200, EVERYONE),
      new Page("/documents/{document}/sections/{headingSection}", 200, EVERYONE),
      new Page("/documents/{document}/dispositions", 200, EVERYONE),
      new Page("/documents/{document}/export.html", 200, EVERYONE),
      new Page("/documents/{document}/propose", 200, SIGNED_IN),
      new Page("/documents/{document}/edit", 200, Set.of(Who.MODERATOR)),
      new Page("/members/{handle}", 200, EVERYONE),
      new Page("/me", 200, SIGNED_IN),
      new Page("/search?q=FHIR", 200, EVERYONE),
      new Page("/search", 200, EVERYONE),
      new Page("/notifications", 200, SIGNED_IN),
      new Page("/notifications/preferences", 200, SIGNED_IN),
      new Page("/me/export", 200, SIGNED_IN),
      new Page("/admin", 200, Set.of(Who.ADMIN)),
      new Page("/admin/mail", 200, Set.of(Who.ADMIN)),
      new Page("/dev/mail", 200, Set.of(Who.ADMIN)),
      new Page("/privacy", 200, EVERYONE),
      new Page("/accessibility", 200, EVERYONE),
      new Page("/groups/new", 200, Set.of(Who.ADMIN)),
      new Page("/groups/reimbursement/edit", 200, Set.of(Who.ADMIN)),
      new Page("/network/join", 200, EVERYONE),
      new Page("/network/joined", 200, EVERYONE),
      new Page("/announcements", 200, EVERYONE),
      new Page("/admin/announcements", 200, Set.of(Who.ADMIN)),
      new Page("/admin/network", 200, Set.of(Who.ADMIN)),
      new Page("/admin/network/import", 200, Set.of(Who.ADMIN)),
      new Page("/network/confirm?token=forged.forged", 400, EVERYONE),
      new Page("/test/fail/400", 400, EVERYONE),
      new Page("/groups/reimbursement/documents/new", 403, Set.of(Who.MEMBER)),
      new Page("/no-such-page", 404, EVERYONE),
      new Page("/test/fail/409", 409, EVERYONE),
      new Page("/test/fail/429", 429, EVERYONE),
      new Page("/test/fail/500", 500, EVERYONE));

  static Stream<Arguments> pages() {
    List<Arguments> cases = new ArrayList<>();
    for (Page p : PAGES) {
      for (Who who : Who.values()) {
        if (p.who().contains(who)) {
          cases.add(Arguments.of(who, p.path(), p.status()));
        }
      }
    }
    return cases.stream();
  }

  @BeforeAll
  static void fixtures() {
    browsers.put(Who.VISITOR, new Browser());
    browsers.put(Who.MEMBER, signedIn("demo-jonas"));
    browsers.put(Who.MODERATOR, signedIn("demo-amelie"));
    browsers.put(Who.ADMIN, signedIn("demo-maria"));
    Browser member = browsers.get(Who.MEMBER);
    Browser moderator = browsers.get(Who.MODERATOR);

    // a thread with rich Markdown, an edited post (history with a diff) and a reply
    Response form = member.get(app.url("/groups/reimbursement/threads/new"));
    Response created = member.postMultipart(app.url("/groups/reimbursement/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Valid pages " + Fixtures.unique("t"), "action", "post",
        "body", """
            # A heading

            ### A level skipped in the source

            A **shared template**, see [the scheme](https://example.org/scheme) and @sofia.

            | Country | Scheme |
            |---|---|
            | DE | DiGA |

            > quoted words

            ```
            code & <tags>
            ```
            """), List.of());
    assertEquals(303, created.status(), created.body());
    String thread = first(created.location(), "/threads/(\\d+)");
    String post = first(member.get(app.url("/threads/" + thread)).body(), "id=\"post-(\\d+)\"");
    Response edit = member.get(app.url("/posts/" + post + "/edit"));
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(edit.body(), "/posts/" + post + "/edit"));
    fields.put("body", "A **common template**, see [the scheme](https://example.org/scheme).");
    fields.put("action", "save");
    assertEquals(303, member.post(app.url("/posts/" + post + "/edit"), fields).status());
    Response replyForm = moderator.get(app.url("/threads/" + thread + "/reply"));
    Response replied = moderator.postMultipart(app.url("/threads/" + thread + "/posts"), Map.of("_csrf",
        replyForm.inputValue("_csrf"), "clientToken", replyForm.inputValue("clientToken"), "action", "post",
        "body", "Agreed."), List.of());
    assertEquals(303, replied.status(), replied.body());
    ids.put("thread", thread);
    ids.put("post", post);
    ids.put("reply", first(replied.location(), "#post-(\\d+)"));

    // an open room of the group's Talk with a question in each state, and a chat message
    String talk = Fixtures.unique("valid-talk");
    long talkId = Fixtures.talk(talk, TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'reimbursement'"));
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE id = ?", talkId);
    long jonas = Fixtures.demoMember("demo-jonas");
    long visible = question(talkId, jonas, "Visible & <open>?", "visible", false);
    question(talkId, jonas, "Pending", "pending", false);
    question(talkId, jonas, "Hidden", "hidden", false);
    question(talkId, jonas, "Asked anonymously", "visible", true);
    long answered = question(talkId, jonas, "Answered", "visible", false);
    TestDatabase.update("UPDATE talk_questions SET answered_at = now(), answer = 'Yes.' WHERE id = ?", answered);
    long pinned = question(talkId, jonas, "Pinned", "visible", false);
    TestDatabase.update("UPDATE talks SET pinned_question_id = ? WHERE id = ?", pinned, talkId);
    TestDatabase.update("""
        INSERT INTO talk_messages (talk_id, author_id, body_markdown, body_html) VALUES (?, ?, 'Hello *all*', '<p>Hello <em>all</em></p>')""",
        talkId, jonas);
    ids.put("talk", talk);
    ids.put("question", String.valueOf(visible));

    long document = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE g.slug = 'reimbursement' AND d.status = 'open' ORDER BY d.id LIMIT 1""");
    ids.put("document", String.valueOf(document));
    ids.put("revision", String.valueOf(TestDatabase.count("SELECT current_revision FROM documents WHERE id = ?", document)));
    ids.put("proposal", String.valueOf(TestDatabase.count(
        "SELECT id FROM document_proposals WHERE document_id = ? ORDER BY id LIMIT 1", document)));
    ids.put("section", String.valueOf(TestDatabase.count(
        "SELECT section_key FROM document_comments WHERE document_id = ? ORDER BY id LIMIT 1", document)));
    ids.put("headingSection", String.valueOf(TestDatabase.count("""
        SELECT section_key FROM document_sections WHERE document_id = ? AND revision = ? AND heading
         ORDER BY position LIMIT 1""", document, Long.parseLong(ids.get("revision")))));
    ids.put("handle", Fixtures.handle(jonas));
  }

  private static Browser signedIn(String subject) {
    Browser b = new Browser();
    app.signIn(b, subject);
    return b;
  }

  private static long question(long talkId, long author, String body, String status, boolean anonymous) {
    return TestDatabase.count("""
        INSERT INTO talk_questions (talk_id, author_id, body, status, anonymous, votes) VALUES (?, ?, ?, ?, ?, 1) RETURNING id""",
        talkId, author, body, status, anonymous);
  }

  private static String first(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    assertTrue(m.find(), pattern + " in " + text);
    return m.group(1);
  }

  private static String resolve(String path) {
    String resolved = path;
    for (Map.Entry<String, String> e : ids.entrySet()) {
      resolved = resolved.replace("{" + e.getKey() + "}", e.getValue());
    }
    return resolved;
  }

  @ParameterizedTest(name = "{1} as a {0}")
  @MethodSource("pages")
  @DisplayName("a page the Nu HTML Checker finds no error in")
  void valid(Who who, String path, int status) {
    String url = app.url(resolve(path));
    String kind = HtmlChecker.kind(url);
    long before = HtmlChecker.pagesByKind().getOrDefault(kind, 0L);
    Response r = browsers.get(who).get(url);
    assertEquals(status, r.status(), url);
    assertTrue(r.header("content-type").startsWith("text/html"), url + ": " + r.header("content-type"));
    assertEquals(before + 1, HtmlChecker.pagesByKind().getOrDefault(kind, 0L), "the checker saw " + url);
  }

  @Test
  @DisplayName("an answer too large to read (413) is a valid page too")
  void tooLarge() {
    Browser member = browsers.get(Who.MEMBER);
    String token = app.csrf(member);
    long before = HtmlChecker.pagesByKind().getOrDefault("/me", 0L);
    Response r = member.post(app.url("/me"), Map.of("_csrf", token, "displayName", "x".repeat(300 * 1024)));
    assertEquals(413, r.status());
    assertTrue(r.header("content-type").startsWith("text/html"), r.header("content-type"));
    assertEquals(before + 1, HtmlChecker.pagesByKind().getOrDefault("/me", 0L), "the checker saw the 413 page");
  }
}
