package eu.mhealthhub.agora.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.app.Services;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one-command start's demo shows the whole consensus-document feature at once. */
@DisplayName("Demo consensus documents")
class DemoDocumentsTest {

  private final TestApp app = TestApp.shared();

  private static long demoDocument(String slug) {
    return TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE g.slug = ? AND d.client_token = ?""", slug, "demo-document-" + slug);
  }

  @Test
  @DisplayName("each working group has a demo document with at least three revisions, one of them an accepted proposal credited to its proposer")
  void revisions() {
    for (String slug : new String[] {"reimbursement", "assessment", "integration"}) {
      long id = demoDocument(slug);
      assertTrue(id > 0, slug + " has a demo document");
      assertTrue(TestDatabase.count("SELECT count(*) FROM document_revisions WHERE document_id = ?", id) >= 3, slug);
      assertEquals(1, TestDatabase.count("""
          SELECT count(*) FROM document_revisions r JOIN document_proposals p ON p.id = r.proposal_id
           WHERE r.document_id = ? AND p.status = 'accepted' AND p.accepted_revision = r.number
             AND r.author_id = p.author_id AND r.committed_by <> p.author_id""", id), slug + ": credited to the proposer");
      assertTrue(TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", id) >= 3, slug);
      assertTrue(TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", id) >= 2, slug);
      assertTrue(TestDatabase.count("SELECT count(*) FROM document_citations WHERE document_id = ?", id) >= 1, slug);
    }
  }

  @Test
  @DisplayName("the demo documents stand at three points of the workflow: open for comment, consensus, adopted")
  void workflow() {
    assertEquals("open", TestDatabase.text("SELECT status FROM documents WHERE id = ?", demoDocument("reimbursement")));
    assertEquals("consensus", TestDatabase.text("SELECT status FROM documents WHERE id = ?", demoDocument("integration")));
    long adopted = demoDocument("assessment");
    assertEquals("adopted", TestDatabase.text("SELECT status FROM documents WHERE id = ?", adopted));
    assertEquals(TestDatabase.count("SELECT current_revision FROM documents WHERE id = ?", adopted),
        TestDatabase.count("SELECT adopted_revision FROM documents WHERE id = ?", adopted));
    assertEquals(4, TestDatabase.count("SELECT count(*) FROM document_status_changes WHERE document_id = ?", adopted),
        "created, opened, consensus, adopted");
  }

  @Test
  @DisplayName("comments carry every disposition with its reason, and some are still open; one proposal is pending")
  void commentsAndProposals() {
    String demo = "SELECT id FROM documents WHERE client_token LIKE 'demo-document-%'";
    for (String disposition : new String[] {"accepted", "partial", "declined"}) {
      assertTrue(TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id IN (" + demo
          + ") AND disposition = ? AND disposition_reason <> ''", disposition) >= 1, disposition);
    }
    assertTrue(TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id IN (" + demo
        + ") AND disposition IS NULL") >= 1, "an open comment");
    assertTrue(TestDatabase.count("SELECT count(*) FROM document_proposals WHERE document_id IN (" + demo
        + ") AND status = 'pending'") >= 1, "a pending proposal");
    assertTrue(TestDatabase.count("""
        SELECT count(*) FROM document_endorsements e JOIN documents d ON d.id = e.document_id
         WHERE d.client_token LIKE 'demo-document-%' AND e.revision < d.current_revision""") >= 1,
        "an endorsement of an earlier revision");
  }

  @Test
  @DisplayName("a demo thread shows the document that cites it, and the document page flags the earlier endorsement")
  void pages() {
    long threadId = TestDatabase.count("""
        SELECT t.id FROM threads t JOIN working_groups g ON g.id = t.group_id
         WHERE g.slug = 'reimbursement' AND t.title = 'Which reimbursement routes exist for mHealth apps in your country?'
         ORDER BY t.id LIMIT 1""");
    Browser visitor = new Browser();
    Response thread = visitor.get(app.url("/threads/" + threadId));
    assertEquals(200, thread.status());
    assertThat(thread.html().select(".cited-in a").eachText()).as("the thread shows where it is cited")
        .anyMatch(link -> link.contains("Reimbursement routes for mHealth apps in Europe"));
    Response page = visitor.get(app.url("/documents/" + demoDocument("reimbursement")));
    assertEquals(200, page.status());
    assertThat(page.html().select(".outdated")).as("an endorsement of an earlier revision is flagged").isNotEmpty();
    assertThat(page.mainText()).contains("Open for comment");
  }

  @Test
  @DisplayName("seeding again, as a restart or a second node does, writes nothing")
  void once() throws Exception {
    long documents = TestDatabase.count("SELECT count(*) FROM documents");
    long revisions = TestDatabase.count("SELECT count(*) FROM document_revisions");
    Services s = app.agora().services();
    boolean wrote = new DemoDocuments(s.database().pool(), s.members(), s.groups(), s.documents()).seedOnce()
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertFalse(wrote);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM seeds WHERE name = ?", DemoDocuments.SEED_NAME));
    assertEquals(documents, TestDatabase.count("SELECT count(*) FROM documents"));
    assertEquals(revisions, TestDatabase.count("SELECT count(*) FROM document_revisions"));
  }
}
