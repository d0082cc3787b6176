package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.document.DocumentStoryTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.document.DocumentForms.CommentForm;
import eu.mhealthhub.agora.document.DocumentForms.NewDocumentForm;
import eu.mhealthhub.agora.document.DocumentForms.ProposalForm;
import eu.mhealthhub.agora.document.DocumentForms.RevisionForm;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The document forms' problems, and the form pages they bring back: previews and refusals that save nothing. */
class DocumentFormsTest {

  private final TestApp app = TestApp.shared();

  private Browser as(String subject) {
    Browser b = new Browser();
    app.signIn(b, subject);
    return b;
  }

  @Test
  @DisplayName("each document form names the field at fault with its message key")
  void problems() {
    assertEquals(Map.of("title", "document.error.title.required", "body", "document.error.body.required"),
        new NewDocumentForm("", " ", "", "t", "en").problems());
    assertEquals(Map.of("summary", "document.error.summary.required"), new RevisionForm(1, "# A\n\nText.", " ", "fr").problems());
    assertEquals(Map.of("language", "overview.language.error"), new RevisionForm(1, "# A\n\nText.", "Why", "xx").problems());
    assertEquals(Map.of("rationale", "document.error.rationale.long"),
        new ProposalForm(1, "Text.", "x".repeat(Proposal.MAX_RATIONALE + 1), "").problems());
    assertEquals(Map.of("body", "document.error.comment.long"),
        new CommentForm("x".repeat(SectionComment.MAX_BODY + 1), "").problems());
    assertTrue(new ProposalForm(1, "Text.", "Because.", "").problems().isEmpty());
  }

  @Test
  @DisplayName("previewing a new document shows its sections as the page will, keeps the text and saves nothing")
  void previewNew() {
    Browser pieter = as("demo-pieter");
    String title = Fixtures.unique("Preview");
    Response form = pieter.get(app.url("/groups/assessment/documents/new"));
    Response preview = pieter.post(app.url("/groups/assessment/documents"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", "# Scope\n\nWhat it covers.",
        "summary", "", "action", "preview"));
    assertEquals(200, preview.status());
    Document page = Jsoup.parse(preview.body());
    assertEquals(List.of("Scope"), page.select("section.preview .document-body :is(h1,h2,h3)").eachText());
    assertEquals(title, page.select("input#title").val());
    assertEquals(form.inputValue("clientToken"), page.select("input[name=clientToken]").val());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM documents WHERE title = ?", title));
  }

  @Test
  @DisplayName("a new document without a title comes back with 400, the problem at the title field and the text kept")
  void newWithoutTitle() {
    Browser pieter = as("demo-pieter");
    Response form = pieter.get(app.url("/groups/assessment/documents/new"));
    Response refused = pieter.post(app.url("/groups/assessment/documents"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", " ", "body", "# Kept\n\nMy text.", "action", "save"));
    assertEquals(400, refused.status());
    Document page = Jsoup.parse(refused.body());
    assertEquals(1, page.select("#title-error").size());
    assertEquals("true", page.select("input#title").attr("aria-invalid"));
    assertEquals("# Kept\n\nMy text.", page.select("textarea#body").val());
    assertTrue(page.select("section.preview").isEmpty(), "no preview of a refused form");
  }

  @Test
  @DisplayName("previewing an edit keeps the base revision and the summary, and makes no revision")
  void previewEdit() {
    Browser pieter = as("demo-pieter");
    long id = create(app, pieter, "assessment", Fixtures.unique("Preview edit"), "# One\n\nFirst text.");
    Response preview = pieter.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", app.csrf(pieter), "base", "1",
        "body", "# One\n\nSecond text.", "summary", "Reworded", "action", "preview"));
    assertEquals(200, preview.status());
    Document page = Jsoup.parse(preview.body());
    assertEquals("1", page.select("input[name=base]").val());
    assertEquals("Reworded", page.select("input#summary").val());
    assertEquals("Second text.", page.select("section.preview .document-body p").text());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_revisions WHERE document_id = ?", id));
  }
}
