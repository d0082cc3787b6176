package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Notifications about consensus documents: watching, status, proposals, revisions, dispositions and decisions. */
class DocumentNotificationsTest {

  private final TestApp app = TestApp.shared();

  private Document notifications(Browser b) {
    Response r = b.get(app.url("/notifications"));
    assertEquals(200, r.status(), r.body());
    return r.html();
  }

  @Test
  @DisplayName("a watcher hears of status moves, proposals and revisions; commenter and proposer hear the decisions with reasons")
  void documentStory() {
    String slug = Fixtures.unique("docs");
    long groupId = Fixtures.group(slug, false, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Doc Mod " + slug, slug + "-mod@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser watcher = new Browser();
    long watcherId = app.signInNew(watcher, "Wat Cher " + slug, slug + "-w@example.org");
    Fixtures.member(groupId, watcherId, "member");
    Browser author = new Browser();
    long authorId = app.signInNew(author, "Com Menter " + slug, slug + "-c@example.org");
    Fixtures.member(groupId, authorId, "member");

    String title = "Checklist " + slug;
    long id = DocumentStoryTest.create(app, mod, slug, title, DocumentStoryTest.DRAFT);
    Document page = watcher.get(app.url("/documents/" + id)).html();
    assertThat(page.select("form.watch-form button[value=true]").text()).isEqualTo("Watch this document");
    assertEquals(303, watcher.post(app.url("/notifications/watch"), Map.of("_csrf", app.csrf(watcher), "subject", "document",
        "id", Long.toString(id), "watch", "true", "next", "/documents/" + id)).status());
    assertThat(watcher.get(app.url("/documents/" + id)).html().select("form.watch-form button").eachText())
        .as("a watcher is offered to stop, and only that").containsExactly("Stop watching");

    assertEquals(303, DocumentStoryTest.move(app, mod, id, "draft", "open", "Comments welcome").status());
    exactly(watcherId, "document_status", 1);
    assertThat(notifications(watcher).select("a.notification-open").text()).contains("“" + title + "” is now: Open for comment");

    String text = mod.get(app.url("/documents/" + id)).body();
    int key = DocumentStoryTest.sectionKey(text, "Budget impact");
    Response c = DocumentStoryTest.comment(app, author, id, key, "Five years would be fairer.");
    long commentId = DocumentStoryTest.idFrom(c.location(), "#comment-(\\d+)");
    Response proposed = DocumentStoryTest.propose(app, author, id, body -> body.replace("three years", "five years"), "Fairer.");
    assertEquals(303, proposed.status(), proposed.body());
    long proposalId = DocumentStoryTest.idFrom(proposed.location(), "/proposals/(\\d+)");
    exactly(watcherId, "document_proposal", 1);

    String token = app.csrf(mod);
    assertEquals(303, mod.post(app.url("/documents/" + id + "/comments/" + commentId + "/resolve"),
        Map.of("_csrf", token, "disposition", "declined", "reason", "Three years is the HTA norm")).status());
    exactly(authorId, "comment_disposition", 1);
    Document mine = notifications(author);
    assertThat(mine.select("a.notification-open").text()).contains("resolved your comment on “" + title + "”: declined");
    assertThat(mine.select("p.notification-reason").text()).contains("Three years is the HTA norm");

    assertEquals(303, mod.post(app.url("/documents/" + id + "/proposals/" + proposalId + "/decline"),
        Map.of("_csrf", token, "reason", "Not now")).status());
    exactly(authorId, "proposal_decision", 1);
    assertThat(notifications(author).select("a.notification-open").text()).contains("Your proposal for “" + title + "” was declined");

    Response again = DocumentStoryTest.propose(app, author, id, body -> body.replace("three years", "four years"), "Compromise.");
    long second = DocumentStoryTest.idFrom(again.location(), "/proposals/(\\d+)");
    assertEquals(303, mod.post(app.url("/documents/" + id + "/proposals/" + second + "/accept"), Map.of("_csrf", token)).status());
    exactly(authorId, "proposal_decision", 2);
    exactly(watcherId, "document_revision", 1);
    exactly(modId, "document_revision", 0);
  }
}
