package eu.mhealthhub.agora.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The home page's Talks (issue 18, stop 15): read from now on by start, and by span for those under way,
 * instead of a walk past every ended Talk; what the lists show must not change with that.
 */
class HomeTalksTest {

  private static final TestApp app = TestApp.shared();

  private static String talk(String title, String startsIn, String endsIn) {
    String slug = Fixtures.unique("home-talk");
    TestDatabase.update("INSERT INTO talks (slug, title, starts_at, ends_at) VALUES (?, ?, now() + ?::interval, now() + ?::interval)",
        slug, title, startsIn, endsIn);
    return "/talks/" + slug;
  }

  private static List<String> listed(Document page, String heading) {
    return page.select("section[aria-labelledby=" + heading + "] .talk-list a").eachAttr("href");
  }

  @Test
  @DisplayName("the home page lists a Talk under way among the upcoming ones, before those still to start, and an ended one among the recent ones, never in both")
  void underWayUpcomingEndedRecent() {
    // under way since long before any other Talk still listed: the first upcoming one, whatever else is there
    String underWay = talk("Marathon under way", "-3000 days", "1 day");
    String ended = talk("Just ended", "-2 seconds", "-1 second");
    String later = talk("Far in the future", "4000 days", "4001 days");

    Document page = new Browser().get(app.url("/")).html();
    List<String> upcoming = listed(page, "upcoming-heading");
    List<String> recent = listed(page, "recent-heading");
    assertEquals(underWay, upcoming.get(0), "a Talk under way leads the upcoming ones: " + upcoming);
    assertThat(upcoming).hasSizeBetween(1, 5).doesNotContain(ended);
    assertThat(recent).doesNotContain(later);
    assertThat(recent).hasSizeBetween(1, 5).contains(ended).doesNotContain(underWay);
    assertEquals("Marathon under way", page.select("a[href=" + underWay + "]").text());

    // once it has ended, it is among the recent ones and no longer upcoming
    TestDatabase.update("UPDATE talks SET ends_at = now() - interval '1 second' WHERE slug = ?", underWay.substring(7));
    Document after = new Browser().get(app.url("/")).html();
    assertThat(listed(after, "upcoming-heading")).doesNotContain(underWay);
  }
}
