package eu.mhealthhub.agora.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A consensus paper from first draft to adoption, over HTTP with cookies and CSRF tokens. */
public class DocumentStoryTest {

  private final TestApp app = TestApp.shared();

  public static final String DRAFT = """
      # Scope

      This checklist covers apps that support a clinical decision or replace a consultation.

      # Evidence

      Assessors ask for a randomised trial before any reimbursement.

      Real-world data may complement the trial after launch.

      # Costs

      Budget impact is estimated over three years.
      """;

  public static long idFrom(String text, String pattern) {
    Matcher m = Pattern.compile(pattern).matcher(text);
    if (!m.find()) {
      throw new AssertionError(pattern + " not in " + text);
    }
    return Long.parseLong(m.group(1));
  }

  static String textarea(String html, String id) {
    Matcher m = Pattern.compile("<textarea id=\"" + id + "\"[^>]*>(.*?)</textarea>", Pattern.DOTALL).matcher(html);
    return m.find() ? Response.unescape(m.group(1)) : null;
  }

  /** A moderator's new document; its id. */
  public static long create(TestApp app, Browser b, String slug, String title, String body) {
    Response form = b.get(app.url("/groups/" + slug + "/documents/new"));
    assertEquals(200, form.status(), form.body());
    Response created = b.post(app.url("/groups/" + slug + "/documents"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "summary", "First draft",
        "action", "save"));
    assertEquals(303, created.status(), created.body());
    return idFrom(created.location(), "/documents/(\\d+)");
  }

  public static Response move(TestApp app, Browser b, long id, String from, String to, String note) {
    return b.post(app.url("/documents/" + id + "/status"), Map.of("_csrf", app.csrf(b), "from", from, "to", to,
        "note", note));
  }

  /** The key of the section whose text contains {@code text}, from the document page. */
  public static int sectionKey(String page, String text) {
    Matcher m = Pattern.compile("id=\"s(\\d+)\">.*?<div class=\"section-text\">(.*?)</div>", Pattern.DOTALL).matcher(page);
    while (m.find()) {
      if (m.group(2).contains(text)) {
        return Integer.parseInt(m.group(1));
      }
    }
    throw new AssertionError("no section with " + text);
  }

  public static Response comment(TestApp app, Browser b, long id, int key, String body) {
    Response section = b.get(app.url("/documents/" + id + "/sections/" + key));
    assertEquals(200, section.status(), section.body());
    return b.post(app.url("/documents/" + id + "/sections/" + key + "/comments"), Map.of("_csrf",
        section.inputValue("_csrf"), "clientToken", section.inputValue("clientToken"), "body", body));
  }

  static Response propose(TestApp app, Browser b, long id, java.util.function.UnaryOperator<String> change, String why) {
    Response form = b.get(app.url("/documents/" + id + "/propose"));
    assertEquals(200, form.status(), form.body());
    return b.post(app.url("/documents/" + id + "/proposals"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "base", form.inputValue("base"),
        "body", change.apply(textarea(form.body(), "body")), "rationale", why, "action", "save"));
  }

  @Test
  @DisplayName("a moderator drafts, members comment and propose, the moderator decides, adopts and exports")
  void story() throws Exception {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    String title = Fixtures.unique("Assessment checklist ");
    long id = create(app, pieter, "assessment", title, DRAFT);
    assertEquals(303, move(app, pieter, id, "draft", "open", "Comments welcome until June").status());

    String page = pieter.get(app.url("/documents/" + id)).body();
    int evidence = sectionKey(page, "randomised trial");
    int costs = sectionKey(page, "Budget impact");
    assertThat(Jsoup.parse(page).select("a.section-label[href=#s" + evidence + "]").text())
        .as("sections carry their labels in the margin").isEqualTo("§" + evidence);

    Browser jonas = new Browser();
    app.signIn(jonas, "demo-jonas");
    long threadId = TestDatabase.count("SELECT min(t.id) FROM threads t JOIN working_groups g ON g.id = t.group_id WHERE g.slug = 'assessment'");
    long postId = TestDatabase.count("SELECT min(id) FROM posts WHERE thread_id = ?", threadId);
    Response c1 = comment(app, jonas, id, evidence, "An RCT is too slow for apps; see the debate at /posts/" + postId + ".");
    assertEquals(303, c1.status(), c1.body());
    long jonasComment = idFrom(c1.location(), "#comment-(\\d+)");
    Browser elena = new Browser();
    app.signIn(elena, "demo-elena");
    Response c2 = comment(app, elena, id, costs, "Five years would be fairer.");
    assertEquals(303, c2.status(), c2.body());
    long elenaComment = idFrom(c2.location(), "#comment-(\\d+)");

    Browser sofia = new Browser();
    app.signIn(sofia, "demo-sofia");
    Response proposed = propose(app, sofia, id, body -> body.replace("Assessors ask for a randomised trial before any reimbursement.",
        "Assessors accept a randomised trial or a well-designed observational study."), "Matches the DiGA practice.");
    assertEquals(303, proposed.status(), proposed.body());
    long proposalId = idFrom(proposed.location(), "/proposals/(\\d+)");
    Document proposal = jonas.get(app.url("/documents/" + id + "/proposals/" + proposalId)).html();
    assertThat(proposal.select(".diff del")).as("the proposal shows its diff to everyone: deletions").isNotEmpty();
    assertThat(proposal.select(".diff ins")).as("the proposal shows its diff to everyone: insertions").isNotEmpty();

    String token = app.csrf(pieter);
    assertEquals(303, pieter.post(app.url("/documents/" + id + "/comments/" + jonasComment + "/resolve"),
        Map.of("_csrf", token, "disposition", "accepted", "reason", "Observational studies now accepted")).status());
    assertEquals(303, pieter.post(app.url("/documents/" + id + "/comments/" + elenaComment + "/resolve"),
        Map.of("_csrf", token, "disposition", "declined", "reason", "Three years is the HTA norm")).status());
    Response accepted = pieter.post(app.url("/documents/" + id + "/proposals/" + proposalId + "/accept"), Map.of("_csrf", token));
    assertEquals(303, accepted.status(), accepted.body());

    String after = jonas.get(app.url("/documents/" + id)).body();
    assertThat(Jsoup.parse(after).select(".section-text").text()).as("the proposal became the current text")
        .contains("well-designed observational study");
    assertEquals(evidence, sectionKey(after, "observational study"), "the edited section kept its key");
    assertEquals(costs, sectionKey(after, "Budget impact"), "untouched sections keep theirs");
    assertEquals(TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-sofia'"),
        TestDatabase.count("SELECT author_id FROM document_revisions WHERE document_id = ? AND number = 2", id),
        "the revision is credited to its proposer");

    assertEquals(303, move(app, pieter, id, "open", "consensus", "").status());
    assertEquals(303, move(app, pieter, id, "consensus", "adopted", "Adopted at the June meeting").status());
    assertEquals(2, TestDatabase.count("SELECT adopted_revision FROM documents WHERE id = ?", id));
    Document adopted = jonas.get(app.url("/documents/" + id)).html();
    assertThat(adopted.select(".status-history").text()).as("the status history shows the note")
        .contains("Adopted at the June meeting");
    assertThat(adopted.select("p.notice.adopted").text()).contains("This is the adopted revision.");
    assertEquals(6, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE target_type = 'document' AND target_id = ?", id),
        "every moderator action is in the audit log: three moves, two dispositions, one accepted proposal");

    Document thread = jonas.get(app.url("/threads/" + threadId)).html();
    assertThat(thread.select(".cited-in a[href=/documents/" + id + "/sections/" + evidence + "]"))
        .as("the cited thread shows where it is cited").extracting(Element::text).anyMatch(t -> t.contains(title));

    Response html = jonas.get(app.url("/documents/" + id + "/export.html"));
    assertEquals(200, html.status());
    assertTrue(html.header("Content-Disposition").startsWith("attachment"));
    String exported = html.body();
    for (String expected : new String[] {"well-designed observational study", "Matches the DiGA practice.",
        "Three years is the HTA norm", "Five years would be fairer.", "Adopted at the June meeting", "Disposition of comments"}) {
      assertThat(Jsoup.parse(exported).text()).as("the HTML export holds " + expected).contains(expected);
    }
    assertThat(exported).as("the export is standalone and inert").doesNotContain("<script");
    assertThat(Jsoup.parse(exported).select("script")).as("the export is standalone and inert").isEmpty();

    Browser.Download pdf = jonas.download(app.url("/documents/" + id + "/export.pdf"));
    assertEquals(200, pdf.status());
    assertEquals("application/pdf", pdf.header("Content-Type"));
    try (PDDocument doc = Loader.loadPDF(pdf.bytes())) {
      String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
      for (String expected : new String[] {"well-designed observational study", "Matches the DiGA practice.",
          "Three years is the HTA norm", "Revision log", "Disposition of comments"}) {
        assertTrue(text.contains(expected), "the PDF holds " + expected + ": " + text);
      }
      assertEquals(title, doc.getDocumentInformation().getTitle().split(" · ")[0]);
    }
  }
}
