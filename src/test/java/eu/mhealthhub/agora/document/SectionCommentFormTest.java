package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.document.DocumentStoryTest.create;
import static eu.mhealthhub.agora.document.DocumentStoryTest.move;
import static eu.mhealthhub.agora.document.DocumentStoryTest.sectionKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A section comment that cannot be saved comes back in its form, on the section's page, with the reason. */
class SectionCommentFormTest {

  private final TestApp app = TestApp.shared();

  private record Open(Browser member, long documentId, int key) {
    String path() {
      return "/documents/" + documentId + "/sections/" + key;
    }
  }

  private Open openDocument() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    long id = create(app, pieter, "assessment", Fixtures.unique("Comments"), "# Scope\n\nWhat the paper covers.");
    assertEquals(303, move(app, pieter, id, "draft", "open", "").status());
    int key = sectionKey(pieter.get(app.url("/documents/" + id)).body(), "What the paper covers");
    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    return new Open(jonas, id, key);
  }

  private Response comment(Open open, String body) {
    Response section = open.member().get(app.url(open.path()));
    assertEquals(200, section.status());
    return open.member().post(app.url(open.path() + "/comments"), Map.of("_csrf", section.inputValue("_csrf"),
        "clientToken", section.inputValue("clientToken"), "body", body));
  }

  /** The page's comment form, after checking it is the section page with the problem summary and the field's message. */
  private static Element refusedForm(Response r, String message) {
    assertEquals(400, r.status(), r.body());
    Document page = Jsoup.parse(r.body());
    assertEquals(message, page.selectFirst("#problems li").text(), "the summary names the problem");
    Element form = page.selectFirst("form[action$=\"/comments\"]");
    assertNotNull(form, "the comment form is on the page");
    assertEquals("true", form.selectFirst("textarea#body").attr("aria-invalid"));
    assertEquals(message, form.selectFirst("#comment-error").text());
    assertNotNull(page.selectFirst("blockquote.section-text"), "the section itself is shown above the form");
    return form;
  }

  @Test
  @DisplayName("an empty section comment shows the section page again with 400 and 'Write a comment.', and stores nothing")
  void emptyComment() {
    Open open = openDocument();
    long before = TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", open.documentId());
    Element form = refusedForm(comment(open, "  \n\t "), "Write a comment.");
    assertEquals("comment-help comment-error", form.selectFirst("textarea#body").attr("aria-describedby"));
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", open.documentId()));
  }

  @Test
  @DisplayName("an over-long section comment comes back in the form with its text kept, and a second try with the same token stores it once")
  void overLongCommentKeepsText() {
    Open open = openDocument();
    String text = "A long remark. ".repeat(700);
    Response refused = comment(open, text);
    Element form = refusedForm(refused, "The comment is too long (at most 10,000 characters).");
    assertEquals(text, form.selectFirst("textarea#body").wholeText(), "the text is kept");
    String token = form.selectFirst("input[name=clientToken]").val();

    // the person shortens it and sends the same form again
    Map<String, String> again = Map.of("_csrf", form.selectFirst("input[name=_csrf]").val(), "clientToken", token,
        "body", text.substring(0, 200));
    assertEquals(303, open.member().post(app.url(open.path() + "/comments"), again).status());
    assertEquals(303, open.member().post(app.url(open.path() + "/comments"), again).status());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", open.documentId()));
  }
}
