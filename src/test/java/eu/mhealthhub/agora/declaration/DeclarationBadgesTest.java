package eu.mhealthhub.agora.declaration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The badge of the declaration in force beside proposals, endorsements and Talk questions (issue 14 point 2). */
class DeclarationBadgesTest {

  private final TestApp app = TestApp.shared();

  private Response post(Browser b, String path, Map<String, String> fields) {
    Map<String, String> form = new HashMap<>(fields);
    form.put("_csrf", app.csrf(b));
    return b.post(app.url(path), form);
  }

  private static long id(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  /** An open document with one revision in the group, made straight in the database. */
  static long openDocument(long groupId, long authorId) {
    long document = TestDatabase.count("""
        INSERT INTO documents (group_id, title, created_by, next_section, status) VALUES (?, 'Badge paper', ?, 2, 'open')
        RETURNING id""", groupId, authorId);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, '', '', 'Badge text')""", document, authorId, authorId);
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, false, 'Badge text', '<p>Badge text</p>')""", document);
    TestDatabase.update("UPDATE documents SET current_revision = 1 WHERE id = ?", document);
    return document;
  }

  private static void assertBadge(Element badge, String handle, int version) {
    assertThat(badge).as("a badge").isNotNull();
    assertThat(badge.attr("href")).isEqualTo("/members/" + handle + "/declarations/" + version);
    assertThat(badge.text()).as("its accessible name says what it is and which version")
        .isEqualTo("declared interests (version " + version + ", in force when this was written)");
  }

  @Test
  @DisplayName("a member with a declaration proposes, endorses and asks a question: each shows the badge of the version in force then, and a later change of declaration does not move them")
  void story() {
    String slug = Fixtures.unique("badge");
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long me = app.signInNew(b, "Bianca Badge", Fixtures.unique("bianca") + "@example.org");
    Fixtures.member(groupId, me, "member");
    String handle = Fixtures.handle(me);
    assertEquals(303, post(b, "/me/declaration", Map.of("kind.0", "consultancy", "organisation.0", "Pharma One",
        "start.0", "2022-01", "current.0", "1")).status());

    long document = openDocument(groupId, me);
    Response form = b.get(app.url("/documents/" + document + "/propose"));
    assertEquals(200, form.status(), form.body());
    Response proposed = b.post(app.url("/documents/" + document + "/proposals"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "base", form.inputValue("base"), "body", "Badge text, better.",
        "rationale", "Clearer.", "action", "save"));
    assertEquals(303, proposed.status(), proposed.body());
    long proposal = id(proposed.location(), "/proposals/(\\d+)");
    assertEquals(303, post(b, "/documents/" + document + "/endorsement", Map.of("revision", "1")).status());

    String talk = Fixtures.unique("badge-talk");
    Fixtures.talk(talk, groupId);
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE slug = ?", talk);
    Response asked = post(b, "/talks/" + talk + "/questions", Map.of("body", "Who funds this?",
        "clientToken", Fixtures.unique("q")));
    assertEquals(303, asked.status(), asked.body());
    long question = id(asked.location(), "#question-(\\d+)");

    // she changes her declaration: everything she wrote before keeps pointing at version 1
    assertEquals(303, post(b, "/me/declaration", Map.of("nothingToDeclare", "1")).status());

    Browser reader = new Browser();
    Response page = reader.get(app.url("/documents/" + document));
    assertEquals(200, page.status());
    assertBadge(page.html().selectFirst("#document-side a[href$=/proposals/" + proposal + "] + a.declaration-badge"),
        handle, 1);
    assertBadge(page.html().selectFirst("ul.endorsements li a.declaration-badge"), handle, 1);
    assertBadge(reader.get(app.url("/documents/" + document + "/proposals/" + proposal)).html()
        .selectFirst("p.meta a.declaration-badge"), handle, 1);
    assertBadge(reader.get(app.url("/talks/" + talk)).html().selectFirst("#question-" + question + " a.declaration-badge"),
        handle, 1);
    assertThat(reader.get(app.url("/documents/" + document + "/export.html")).html()
        .select("td.endorsement-declaration a[href=#interests]").eachText()).containsExactly("version 1, see the annex");

    // what she writes now carries version 2
    assertEquals(303, post(b, "/documents/" + document + "/endorsement", Map.of("revision", "1")).status());
    assertBadge(reader.get(app.url("/documents/" + document)).html().selectFirst("ul.endorsements li a.declaration-badge"),
        handle, 2);
  }

  @Test
  @DisplayName("an anonymous question shows no badge to those who may not see its author, but does to its author")
  void anonymousQuestion() {
    String slug = Fixtures.unique("anon");
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long me = app.signInNew(b, "Anna Nonym", Fixtures.unique("anna") + "@example.org");
    Fixtures.member(groupId, me, "member");
    assertEquals(303, post(b, "/me/declaration", Map.of("nothingToDeclare", "1")).status());
    String talk = Fixtures.unique("anon-talk");
    Fixtures.talk(talk, groupId);
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE slug = ?", talk);
    Response asked = post(b, "/talks/" + talk + "/questions", Map.of("body", "Quietly: who pays?", "anonymous", "on",
        "clientToken", Fixtures.unique("q")));
    assertEquals(303, asked.status(), asked.body());
    long question = id(asked.location(), "#question-(\\d+)");

    Browser other = new Browser();
    app.signInNew(other, "Otto Other", Fixtures.unique("otto") + "@example.org");
    for (Browser reader : List.of(other, new Browser())) {
      Element item = reader.get(app.url("/talks/" + talk)).html().selectFirst("#question-" + question);
      assertThat(item).isNotNull();
      assertThat(item.select("a.declaration-badge")).as("no badge names the anonymous asker").isEmpty();
    }
    assertThat(b.get(app.url("/talks/" + talk)).html().select("#question-" + question + " a.declaration-badge"))
        .hasSize(1);
  }
}
