package eu.mhealthhub.agora.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A group's list of threads has as many pages as it has threads, like a thread has as many as its posts. */
class GroupPagingTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("a page past a group's last answers 404, in HTML and in the API, as a page past a thread's last does")
  void pastTheLastPage() {
    String slug = Fixtures.unique("paging");
    long groupId = Fixtures.group(slug, false, true);
    long author = TestDatabase.count("SELECT id FROM members WHERE subject = 'demo-maria'");
    long threadId = TestDatabase.count("""
        INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Only thread', ?, 0) RETURNING id""",
        groupId, author);
    Browser reader = new Browser();

    Response first = reader.get(app.url("/groups/" + slug));
    assertEquals(200, first.status());
    assertEquals(1, Jsoup.parse(first.body()).select("a[href=/threads/" + threadId + "]").size(), "page 1 lists the thread");
    assertEquals(404, reader.get(app.url("/groups/" + slug + "?page=2")).status());
    assertEquals(404, reader.get(app.url("/groups/" + slug + "?page=999")).status());
    assertEquals(404, reader.get(app.url("/api/v1/groups/" + slug + "/threads?page=999"), "Accept", "application/json").status());
    assertEquals(404, reader.get(app.url("/threads/" + threadId + "?page=999")).status(), "as a thread's pages do");
  }

  @Test
  @DisplayName("a group without threads has one page, which says so")
  void emptyGroup() {
    String slug = Fixtures.unique("paging");
    Fixtures.group(slug, false, true);
    Response page = new Browser().get(app.url("/groups/" + slug));
    assertEquals(200, page.status());
    assertEquals(1, Jsoup.parse(page.body()).select("main p:containsOwn(No threads yet.)").size());
    assertEquals(200, new Browser().get(app.url("/groups/" + slug + "?page=1")).status());
    assertEquals(404, new Browser().get(app.url("/groups/" + slug + "?page=2")).status());
  }
}
