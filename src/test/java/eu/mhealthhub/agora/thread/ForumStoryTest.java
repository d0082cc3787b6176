package eu.mhealthhub.agora.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The forum as its members use it, over HTTP with cookies and CSRF tokens. */
class ForumStoryTest {

  private final TestApp app = TestApp.shared();

  private static long idFrom(String location, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(location);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + location);
    }
    return Long.parseLong(m.group(1));
  }

  private Response startThread(Browser b, String slug, String title, String body) {
    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    assertEquals(200, form.status(), form.body());
    return b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"), List.of());
  }

  private Response reply(Browser b, long threadId, Map<String, String> extra) {
    Response form = b.get(app.url("/threads/" + threadId + "/reply" + (extra.containsKey("query") ? extra.get("query") : "")));
    java.util.HashMap<String, String> fields = new java.util.HashMap<>(Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "action", "post"));
    if (form.inputValue("to") != null) {
      fields.put("to", form.inputValue("to"));
    }
    String prefilled = Response.unescape(textarea(form.body()));
    fields.put("body", prefilled + extra.getOrDefault("body", ""));
    return b.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, List.of());
  }

  static String textarea(String html) {
    Matcher m = Pattern.compile("<textarea id=\"body\"[^>]*>(.*?)</textarea>", Pattern.DOTALL).matcher(html);
    return m.find() ? m.group(1) : "";
  }

  @Test
  @DisplayName("a member starts a thread, another replies with a quote and a mention, she edits, a moderator locks it")
  void story() {
    Browser sofia = new Browser();
    app.signIn(sofia, "demo-sofia");
    Response created = startThread(sofia, "reimbursement", "Evidence templates for the provisional year",
        "We need a **shared template** for the evidence asked in the provisional year.\n\n| Country | Scheme |\n|---|---|\n| DE | DiGA |");
    assertEquals(303, created.status(), created.body());
    long threadId = idFrom(created.location(), "/threads/(\\d+)");

    Response page = sofia.get(app.url("/threads/" + threadId));
    assertEquals(200, page.status());
    long firstPost = idFrom(page.body(), "id=\"post-(\\d+)\"");
    Document first = page.html();
    assertThat(first.select("#post-" + firstPost + " .body strong")).as("Markdown rendered")
        .extracting(Element::text).contains("shared template");
    assertThat(first.select("#post-" + firstPost + " .body table")).as("tables rendered").isNotEmpty();

    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    Response replied = reply(jonas, threadId, Map.of("query", "?to=" + firstPost + "&quote=" + firstPost,
        "body", "Agreed, @sofia. Cardiology needs the billing code too."));
    assertEquals(303, replied.status(), replied.body());
    long replyId = idFrom(replied.location(), "#post-(\\d+)");

    Document thread = jonas.get(app.url("/threads/" + threadId)).html();
    String inReply = "#post-" + replyId;
    assertThat(thread.select(inReply + " .body blockquote")).as("the quote is rendered").isNotEmpty();
    assertThat(thread.select(inReply + " a[href=/posts/" + firstPost + "]"))
        .as("the quote and the reply link to the source post").isNotEmpty();
    assertThat(thread.select(inReply + " header .meta").text()).contains("in reply to");
    assertThat(thread.select(inReply + " .body a.mention[href=/members/sofia]")).as("the mention links to her page")
        .extracting(Element::text).contains("@sofia");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM post_mentions WHERE post_id = ? AND member_id = ?",
        replyId, Fixtures.demoMember("demo-sofia")));
    Response permalink = sofia.get(app.url("/posts/" + replyId));
    assertEquals(302, permalink.status());
    assertEquals(app.url("/threads/" + threadId + "#post-" + replyId), permalink.location());

    Response editForm = sofia.get(app.url("/posts/" + firstPost + "/edit"));
    assertEquals(200, editForm.status());
    Response edited = sofia.post(app.url("/posts/" + firstPost + "/edit"), Map.of("_csrf", editForm.inputValue("_csrf"),
        "revision", editForm.inputValue("revision"), "action", "save",
        "body", "We need a **shared evidence template** for the provisional year."));
    assertEquals(303, edited.status(), edited.body());
    Document afterEdit = jonas.get(app.url("/threads/" + threadId)).html();
    assertThat(afterEdit.select("#post-" + firstPost + " .body").text()).contains("shared evidence template");
    assertThat(afterEdit.select("#post-" + firstPost + " header a[href=/posts/" + firstPost + "/history]"))
        .as("an edited marker opens the history").isNotEmpty();
    Document history = jonas.get(app.url("/posts/" + firstPost + "/history")).html();
    assertThat(history.select(".diff ins")).as("a readable diff: insertions").isNotEmpty();
    assertThat(history.select(".diff del")).as("a readable diff: deletions").isNotEmpty();
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM post_revisions WHERE post_id = ?", firstPost));

    assertEquals(403, jonas.get(app.url("/posts/" + firstPost + "/edit")).status(), "nobody edits another's words");

    Browser amelie = new Browser();
    app.signIn(amelie, "demo-amelie");
    String token = app.csrf(amelie);
    assertEquals(303, amelie.post(app.url("/threads/" + threadId + "/lock"), Map.of("_csrf", token, "on", "true")).status());
    assertThat(jonas.get(app.url("/threads/" + threadId)).html().select("p.notice").text()).contains("This thread is locked");
    long before = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);
    Response refused = jonas.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(jonas),
        "clientToken", "late-" + threadId, "body", "One more thing"), List.of());
    assertEquals(409, refused.status());
    assertThat(refused.mainText()).contains("This thread is locked");
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId), "nothing stored");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'thread.lock' AND target_id = ?", threadId));
  }

  @Test
  @DisplayName("nothing of a closed group's thread reaches a non-member: pages, posts, history, files, mentions")
  void closedGroupLeaksNothing() {
    String slug = Fixtures.unique("closed");
    long groupId = Fixtures.group(slug, true, false);
    Browser insider = new Browser();
    long insiderId = app.signInNew(insider, "Ina Insider", Fixtures.unique("ina") + "@example.org");
    Fixtures.member(groupId, insiderId, "member");
    Response created = startThread(insider, slug, "Unpublished position on tariffs", "Draft: tariffs stay confidential.");
    assertEquals(303, created.status(), created.body());
    long threadId = idFrom(created.location(), "/threads/(\\d+)");
    Response page = insider.get(app.url("/threads/" + threadId));
    long postId = idFrom(page.body(), "id=\"post-(\\d+)\"");
    String csrf = page.inputValue("_csrf");
    Response withFile = insider.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", csrf,
        "clientToken", "f-" + threadId, "body", "See the attached note."),
        List.of(new Browser.FilePart("files", "note.pdf", "application/pdf", "%PDF-1.4\nsecret".getBytes(StandardCharsets.US_ASCII))));
    assertEquals(303, withFile.status(), withFile.body());
    long fileId = TestDatabase.count("SELECT a.id FROM attachments a JOIN posts p ON p.id = a.post_id WHERE p.thread_id = ?", threadId);

    Browser outsider = new Browser();
    long outsiderId = app.signInNew(outsider, "Otto Outsider", Fixtures.unique("otto") + "@example.org");
    assertTrue(outsiderId > 0);
    for (Browser b : List.of(outsider, new Browser())) {
      for (String path : List.of("/groups/" + slug, "/groups/" + slug + "/members", "/threads/" + threadId,
          "/threads/" + threadId + "/reply", "/posts/" + postId, "/posts/" + postId + "/history",
          "/posts/" + postId + "/reactions", "/attachments/" + fileId + "/note.pdf", "/groups/" + slug + "/threads/new")) {
        Response r = b.get(app.url(path));
        assertTrue(r.status() == 404 || r.status() == 302 && r.location().contains("/auth/login"), path + " -> " + r.status());
        assertThat(r.body()).as(path).doesNotContain("tariffs").doesNotContain("Group " + slug);
      }
      for (String path : List.of("/", "/groups", "/search?q=tariffs", "/members/" + Fixtures.handle(insiderId))) {
        Response r = b.get(app.url(path));
        assertThat(r.body()).as(path).doesNotContain("Unpublished position").doesNotContain(slug);
      }
    }
    String token = app.csrf(outsider);
    long posts = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);
    assertEquals(404, outsider.postMultipart(app.url("/threads/" + threadId + "/posts"),
        Map.of("_csrf", token, "clientToken", "x", "body", "let me in"), List.of()).status());
    assertEquals(404, outsider.post(app.url("/posts/" + postId + "/reactions"), Map.of("_csrf", token, "kind", "like")).status());
    assertEquals(404, outsider.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", token)).status());
    assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM reactions WHERE post_id = ?", postId));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM group_join_requests WHERE group_id = ?", groupId));
  }

  @Test
  @DisplayName("a double-submitted reply is stored once")
  void doubleSubmit() {
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Patient-reported outcomes worth measuring'");
    Response form = elena.get(app.url("/threads/" + threadId + "/reply"));
    Map<String, String> fields = Map.of("_csrf", form.inputValue("_csrf"), "clientToken", form.inputValue("clientToken"),
        "body", "Time to diagnosis should be in the core set.", "action", "post");
    long before = TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId);
    Response first = elena.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, List.of());
    Response second = elena.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, List.of());
    assertEquals(303, first.status());
    assertEquals(first.location(), second.location(), "the second submission lands on the same post");
    assertEquals(before + 1, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ?", threadId));
  }

  @Test
  @DisplayName("bad input re-renders the form with the input kept, the right status, and nothing stored")
  void badInput() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    long threadsBefore = TestDatabase.count("SELECT count(*) FROM threads");
    long postsBefore = TestDatabase.count("SELECT count(*) FROM posts");
    Response form = pieter.get(app.url("/groups/assessment/threads/new"));
    String csrf = form.inputValue("_csrf");

    Response empty = pieter.postMultipart(app.url("/groups/assessment/threads"), Map.of("_csrf", csrf,
        "clientToken", "t1", "title", " ", "body", "Some body text"), List.of());
    assertEquals(400, empty.status());
    Document emptyForm = empty.html();
    assertThat(emptyForm.select("#problems li").text()).contains("Enter a title.");
    assertThat(emptyForm.select("#title-error").text()).isEqualTo("Enter a title.");
    assertThat(emptyForm.select("textarea#body").text()).as("the body is kept").isEqualTo("Some body text");

    Response longTitle = pieter.postMultipart(app.url("/groups/assessment/threads"), Map.of("_csrf", csrf,
        "clientToken", "t2", "title", "T".repeat(201), "body", "x"), List.of());
    assertEquals(400, longTitle.status());
    assertThat(longTitle.html().select("#title-error").text()).contains("at most 200 characters");

    Response refusedFile = pieter.postMultipart(app.url("/groups/assessment/threads"), Map.of("_csrf", csrf,
        "clientToken", "t3", "title", "With a script", "body", "See file"),
        List.of(new Browser.FilePart("files", "evil.pdf", "application/pdf",
            "<html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8))));
    assertEquals(400, refusedFile.status());
    assertThat(refusedFile.mainText()).contains("judging by its content");
    assertThat(refusedFile.html().select("input#title").val()).as("the title is kept").isEqualTo("With a script");

    byte[] big = new byte[11 * 1024 * 1024];
    System.arraycopy("%PDF-1.4".getBytes(StandardCharsets.US_ASCII), 0, big, 0, 8);
    Response tooBig = pieter.postMultipart(app.url("/groups/assessment/threads"), Map.of("_csrf", csrf,
        "clientToken", "t4", "title", "Large file", "body", "See file"),
        List.of(new Browser.FilePart("files", "big.pdf", "application/pdf", big)));
    assertEquals(413, tooBig.status());
    assertThat(tooBig.mainText()).contains("larger than 10 MB");

    assertEquals(404, pieter.get(app.url("/groups/no-such-group/threads/new")).status());
    assertEquals(404, pieter.postMultipart(app.url("/groups/no-such-group/threads"), Map.of("_csrf", csrf,
        "clientToken", "t5", "title", "x", "body", "y"), List.of()).status());
    assertEquals(403, pieter.postMultipart(app.url("/groups/reimbursement/threads"), Map.of("_csrf", csrf,
        "clientToken", "t6", "title", "Not my group", "body", "y"), List.of()).status(), "not a member of that group");

    assertEquals(threadsBefore, TestDatabase.count("SELECT count(*) FROM threads"));
    assertEquals(postsBefore, TestDatabase.count("SELECT count(*) FROM posts"));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM attachments WHERE file_name IN ('evil.pdf', 'big.pdf')"));
  }

  @Test
  @DisplayName("attachments are served with their detected type, a download disposition, nosniff and a checksum")
  void attachments() {
    Browser tomasz = new Browser();
    app.signIn(tomasz, "demo-tomasz");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'FHIR profiles for app-generated observations'");
    Response form = tomasz.get(app.url("/threads/" + threadId + "/reply"));
    byte[] png = java.util.Base64.getDecoder().decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    Response r = tomasz.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "body", "Mapping table and a diagram."),
        List.of(new Browser.FilePart("files", "mapping.csv", "text/html", "code,display\n8867-4,Heart rate\n".getBytes(StandardCharsets.UTF_8)),
            new Browser.FilePart("files", "diagram.png", "application/octet-stream", png)));
    assertEquals(303, r.status(), r.body());
    long postId = idFrom(r.location(), "#post-(\\d+)");
    long csvId = TestDatabase.count("SELECT id FROM attachments WHERE post_id = ? AND file_name = 'mapping.csv'", postId);
    long pngId = TestDatabase.count("SELECT id FROM attachments WHERE post_id = ? AND file_name = 'diagram.png'", postId);

    Response csv = new Browser().get(app.url("/attachments/" + csvId + "/mapping.csv"));
    assertEquals(200, csv.status());
    assertEquals("text/csv", csv.header("content-type"), "the type detected, not the one claimed");
    assertTrue(csv.header("content-disposition").startsWith("attachment;"));
    assertEquals("nosniff", csv.header("x-content-type-options"));
    assertTrue(csv.header("content-security-policy").contains("sandbox"));
    assertNotNull(csv.header("etag"));
    assertEquals(64, TestDatabase.text("SELECT sha256 FROM attachments WHERE id = ?", csvId).length());

    Response image = new Browser().get(app.url("/attachments/" + pngId + "/diagram.png"));
    assertEquals("image/png", image.header("content-type"));
    assertTrue(image.header("content-disposition").startsWith("inline;"));
    assertThat(tomasz.get(app.url("/threads/" + threadId)).html()
        .select("#post-" + postId + " .attachments img[src=/attachments/" + pngId + "/diagram.png]"))
        .as("images show inline").hasSize(1);
  }

  @Test
  @DisplayName("in a closed group a mention of someone who cannot read it links nothing and records nothing")
  void mentionsRespectClosedGroups() {
    String slug = Fixtures.unique("quiet");
    long groupId = Fixtures.group(slug, true, false);
    Browser insider = new Browser();
    long insiderId = app.signInNew(insider, "Quinn Quiet", Fixtures.unique("quinn") + "@example.org");
    Fixtures.member(groupId, insiderId, "member");
    Fixtures.member(groupId, Fixtures.demoMember("demo-tomasz"), "member");
    Response created = startThread(insider, slug, "Who should we invite?", "Ask @tomasz, not @lukas, about it.");
    long threadId = idFrom(created.location(), "/threads/(\\d+)");
    String page = insider.get(app.url("/threads/" + threadId)).body();
    long postId = idFrom(page, "id=\"post-(\\d+)\"");
    Document html = Jsoup.parse(page);
    assertThat(html.select("#post-" + postId + " .body a[href=/members/tomasz]")).as("a member of the group is linked").isNotEmpty();
    assertThat(html.select("a[href=/members/lukas]")).as("an outsider is not").isEmpty();
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM post_mentions WHERE post_id = ? AND member_id = ?",
        postId, Fixtures.demoMember("demo-lukas")));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM post_mentions WHERE post_id = ? AND member_id = ?",
        postId, Fixtures.demoMember("demo-tomasz")));
  }

  @Test
  @DisplayName("a deleted post keeps its place; moderators still read it and can restore it")
  void deleteAndRestore() {
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Outcome-based payment: who carries the risk?'");
    Response replied = reply(jonas, threadId, Map.of("body", "A post I will regret: tariffs leak."));
    long postId = idFrom(replied.location(), "#post-(\\d+)");
    String csrf = app.csrf(jonas);
    assertEquals(303, jonas.post(app.url("/posts/" + postId + "/delete"), Map.of("_csrf", csrf, "reason", "Posted too soon")).status());
    assertEquals(409, jonas.post(app.url("/posts/" + postId + "/delete"), Map.of("_csrf", csrf)).status());

    Response forMembers = new Browser().get(app.url("/threads/" + threadId));
    assertThat(forMembers.html().select("article#post-" + postId)).as("the place stays").hasSize(1);
    assertThat(forMembers.html().select("#post-" + postId + " p.notice").text()).contains("Posted too soon");
    assertThat(forMembers.body()).as("readers no longer see the text").doesNotContain("tariffs leak");
    assertEquals(403, jonas.post(app.url("/posts/" + postId + "/restore"), Map.of("_csrf", csrf)).status(), "authors do not restore");

    Browser amelie = new Browser();
    app.signIn(amelie, "demo-amelie");
    assertThat(amelie.get(app.url("/threads/" + threadId)).html().select("#post-" + postId + " .body").text())
        .as("moderators still read it").contains("tariffs leak");
    assertEquals(303, amelie.post(app.url("/posts/" + postId + "/restore"), Map.of("_csrf", app.csrf(amelie))).status());
    assertThat(new Browser().get(app.url("/threads/" + threadId)).html().select("#post-" + postId + " .body").text())
        .contains("tariffs leak");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action = 'post.restore' AND target_id = ?", postId));
  }

  @Test
  @DisplayName("quoting a passage quotes just that passage, with its author and a link to the post")
  void quotePassage() {
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE title = 'Is a randomised trial always needed for a low-risk app?'");
    long postId = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", threadId);
    Response form = elena.get(app.url("/threads/" + threadId + "/reply?to=" + postId + "&quote=" + postId
        + "&passage=" + java.net.URLEncoder.encode("tiers the evidence by function", StandardCharsets.UTF_8)));
    String prefilled = Response.unescape(textarea(form.body()));
    assertEquals("> [Pieter de Vries](/posts/" + postId + "):\n> tiers the evidence by function\n\n", prefilled);
  }
}
