package eu.mhealthhub.agora.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The home page's groups (issue 18): the viewer's own groups first, then a bounded list of the most
 * recently active others they may read, with a link to all of them; a closed group never shows to
 * anyone who may not read it, however active it is.
 */
class HomeGroupsTest {

  private static final TestApp app = TestApp.shared();

  /** A thread in the group, active just now, written straight to the database (the counters follow). */
  private static void activeThread(long groupId, long authorId, String title) {
    long thread = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, last_activity_at, post_count) "
        + "VALUES (?, ?, ?, now() + interval '1 hour', 1) RETURNING id", groupId, title, authorId);
    TestDatabase.update("INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) VALUES (?, 1, ?, 'x', '<p>x</p>')",
        thread, authorId);
  }

  private static List<String> links(Document page, String list) {
    return page.select(list + " h3 a").eachAttr("href");
  }

  @Test
  @DisplayName("the home page lists the viewer's own groups first, then at most ten of the others, the most recently active first, and links to all")
  void ownGroupsThenTheMostActive() {
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Home Reader", Fixtures.unique("homereader") + "@example.org");
    String mine = Fixtures.unique("home-mine");
    long mineId = Fixtures.group(mine, false, true);
    Fixtures.member(mineId, memberId, "member");
    String busy = Fixtures.unique("home-busy");
    activeThread(Fixtures.group(busy, false, true), memberId, "Busiest debate");

    Document page = member.get(app.url("/")).html();
    assertThat(links(page, "#my-groups")).containsExactly("/groups/" + mine);
    List<String> others = links(page, "#active-groups");
    assertThat(others).hasSizeBetween(1, 10).doesNotContain("/groups/" + mine);
    assertEquals("/groups/" + busy, others.get(0), "the most recently active group leads the others");
    assertThat(page.select("a#all-groups").attr("href")).isEqualTo("/groups");
    assertThat(page.select("#home-groups").attr("data-live-refresh")).contains("group." + mineId);

    Document anonymous = new Browser().get(app.url("/")).html();
    assertThat(anonymous.select("#my-groups")).isEmpty();
    assertThat(links(anonymous, "#active-groups")).hasSizeBetween(1, 10).first().isEqualTo("/groups/" + busy);
  }

  @Test
  @DisplayName("a closed group, however active, is on the home page of its members and admins only, name and counts included")
  void closedGroupOnlyToItsReaders() {
    Browser insider = new Browser();
    long insiderId = app.signInNew(insider, "Closed Insider", Fixtures.unique("insider") + "@example.org");
    Browser outsider = new Browser();
    app.signInNew(outsider, "Closed Outsider", Fixtures.unique("outsider") + "@example.org");
    String slug = Fixtures.unique("home-closed");
    long closed = Fixtures.group(slug, true, false);
    Fixtures.member(closed, insiderId, "member");
    activeThread(closed, insiderId, "Secret plenary");

    for (Browser b : List.of(outsider, new Browser())) {
      Response r = b.get(app.url("/"));
      assertEquals(200, r.status());
      assertThat(r.html().select("#home-groups a").eachAttr("href")).doesNotContain("/groups/" + slug);
      assertThat(r.body()).doesNotContain(slug).doesNotContain("group." + closed + " ");
    }
    Document inside = insider.get(app.url("/")).html();
    assertThat(links(inside, "#my-groups")).contains("/groups/" + slug);
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertThat(links(admin.get(app.url("/")).html(), "#active-groups")).as("an admin reads every group")
        .contains("/groups/" + slug);
  }

  @Test
  @DisplayName("two members who see the same home page each get their own name in it (one shared rendering)")
  void sharedPageKeepsEachViewer() {
    Browser one = new Browser();
    app.signInNew(one, "Shared Homeone", Fixtures.unique("homeone") + "@example.org");
    Browser two = new Browser();
    app.signInNew(two, "Shared Hometwo", Fixtures.unique("hometwo") + "@example.org");
    Document first = one.get(app.url("/")).html();
    Document second = two.get(app.url("/")).html();
    assertThat(first.select("header").text()).contains("Shared Homeone").doesNotContain("Shared Hometwo");
    assertThat(second.select("header").text()).contains("Shared Hometwo").doesNotContain("Shared Homeone");
    assertThat(second.select("main").html()).isEqualTo(first.select("main").html());
  }
}
