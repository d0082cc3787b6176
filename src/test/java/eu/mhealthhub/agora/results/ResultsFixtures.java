package eu.mhealthhub.agora.results;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.security.SecureRandom;
import java.util.Map;

/** Adopted documents, closed Talks and their follow-ups for the results library's tests, made over HTTP where a member would. */
public final class ResultsFixtures {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ResultsFixtures() {}

  /** A word of letters no other test or demo text contains, so full-text search finds exactly what holds it. */
  public static String word(String prefix) {
    StringBuilder b = new StringBuilder(prefix);
    for (int i = 0; i < 10; i++) {
      b.append((char) ('a' + RANDOM.nextInt(26)));
    }
    return b.toString();
  }

  /** A group (public or closed) moderated by demo-pieter; its slug. */
  public static String moderatedGroup(boolean closed) {
    String slug = Fixtures.unique(closed ? "closed-results" : "open-results");
    long g = Fixtures.group(slug, closed, true);
    Fixtures.member(g, Fixtures.demoMember("demo-pieter"), "moderator");
    return slug;
  }

  /** A moderator's new revision of the document; the edit's answer. */
  public static Response edit(TestApp app, Browser b, long id, String body, String summary) {
    Response form = b.get(app.url("/documents/" + id + "/edit"));
    assertEquals(200, form.status(), form.body());
    return b.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "base", form.inputValue("base"), "body", body,
        "summary", summary, "action", "save"));
  }

  /** Moves a document from draft through open and consensus to adopted. */
  public static void adopt(TestApp app, Browser moderator, long id) {
    assertEquals(303, DocumentStoryTest.move(app, moderator, id, "draft", "open", "").status());
    assertEquals(303, DocumentStoryTest.move(app, moderator, id, "open", "consensus", "").status());
    assertEquals(303, DocumentStoryTest.move(app, moderator, id, "consensus", "adopted", "Adopted by the group").status());
  }

  /** A document written and adopted in the group, by demo-pieter; its id. */
  public static long adoptedDocument(TestApp app, Browser pieter, String slug, String title, String body) {
    long id = DocumentStoryTest.create(app, pieter, slug, title, body);
    adopt(app, pieter, id);
    return id;
  }

  /**
   * A Talk whose room has closed with a summary, concerning the group, with a follow-up thread
   * there titled {@code followupTitle}; the Talk's slug.
   */
  public static String closedTalk(String groupSlug, String title, String summary, String followupTitle) {
    long group = TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", groupSlug);
    String slug = Fixtures.unique("results-talk");
    long talk = Fixtures.talk(slug, group);
    TestDatabase.update("""
        UPDATE talks SET title = ?, summary = ?, room_state = 'closed', closed_at = now(),
               slides_url = 'https://example.org/slides.pdf', recording_url = 'https://example.org/recording'
         WHERE id = ?""", title, summary, talk);
    long author = Fixtures.demoMember("demo-pieter");
    long thread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id) VALUES (?, ?, ?) RETURNING id",
        group, followupTitle, author);
    TestDatabase.update("INSERT INTO talk_followups (talk_id, group_id, thread_id, position) VALUES (?, ?, ?, 0)", talk,
        group, thread);
    return slug;
  }
}
