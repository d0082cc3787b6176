package eu.mhealthhub.agora.talk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A room's pages grow with its questions, and no faster: a moderator's view of a room with a
 * thousand questions stays under a megabyte. (It once listed every other question in a "merge
 * into" menu on every question: 113 MB for 1,038 questions.) Sizes, not timings, so the test is
 * as steady on a busy machine as on a quiet one.
 */
@DisplayName("A Talk room's size as its questions grow")
class TalkPageSizeTest {

  /** Bytes of markup a moderator's view may add per question, on top of the question's own text. */
  static final int BUDGET_PER_QUESTION = 900;
  /** A typical question: about as long as the demo room's. */
  static final String BODY = "How long did the provisional listing take from application to decision, question %d?";

  private static final TestApp app = TestApp.shared();
  private static final Browser moderator = new Browser();
  private static String slug;
  private static long talkId;
  private static long authorId;

  @BeforeAll
  static void room() {
    slug = Fixtures.unique("big-room");
    long groupId = Fixtures.group(Fixtures.unique("wg"), false, true);
    talkId = Fixtures.talk(slug, groupId);
    long moderatorId = app.signInNew(moderator, "Moderator " + slug, slug + "-mod@example.org");
    Fixtures.member(groupId, moderatorId, "moderator");
    authorId = app.signInNew(new Browser(), "Asker " + slug, slug + "-asker@example.org");
    TestDatabase.update("UPDATE talks SET room_state = 'open' WHERE id = ?", talkId);
  }

  /** Adds questions until the room has {@code total}, in one statement. */
  private static void growTo(int total) {
    long now = TestDatabase.count("SELECT count(*) FROM talk_questions WHERE talk_id = ?", talkId);
    TestDatabase.update("""
        INSERT INTO talk_questions (talk_id, author_id, body, anonymous, status, votes)
        SELECT ?, ?, format(?, g), g % 7 = 0, CASE WHEN g % 11 = 0 THEN 'pending' ELSE 'visible' END, g % 5
          FROM generate_series(?, ?) AS g""", talkId, authorId, BODY.replace("%d", "%s"), (int) now + 1, total);
    assertEquals(total, TestDatabase.count("SELECT count(*) FROM talk_questions WHERE talk_id = ?", talkId));
  }

  private static int bytes(String path) {
    Response r = moderator.get(app.url("/talks/" + slug + path));
    assertEquals(200, r.status(), path);
    return r.body().getBytes(StandardCharsets.UTF_8).length;
  }

  private static int textBytes(int from, int to) {
    int n = 0;
    for (int i = from; i <= to; i++) {
      n += BODY.formatted(i).getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  @Test
  @DisplayName("a moderator's room page and its live question list grow by at most a small budget per question, so 1,000 questions stay under 1 MB")
  void linear() {
    growTo(50);
    int page50 = bytes("");
    int list50 = bytes("/room/questions");
    Document doc = Jsoup.parse(moderator.get(app.url("/talks/" + slug)).body());
    assertEquals(50, doc.select("#questions > li.question").size(), "every question is listed");
    assertEquals(0, doc.select("#questions select").size(), "no menu of other questions on a question");
    assertEquals(50, doc.select("#questions a[href$=/merge]").size(), "each question links to its merge step");

    growTo(500);
    int page500 = bytes("");
    int list500 = bytes("/room/questions");
    int text = textBytes(51, 500);
    double perQuestion = (page500 - page50 - text) / 450.0;
    double perQuestionList = (list500 - list50 - text) / 450.0;
    System.out.printf("moderator room page: %,d B with 50 questions, %,d B with 500: %.0f B of markup per question%n",
        page50, page500, perQuestion);
    System.out.printf("moderator question list: %,d B with 50 questions, %,d B with 500: %.0f B of markup per question%n",
        list50, list500, perQuestionList);
    assertTrue(perQuestion <= BUDGET_PER_QUESTION, "page: " + perQuestion + " B per question");
    assertTrue(perQuestionList <= BUDGET_PER_QUESTION, "list: " + perQuestionList + " B per question");

    growTo(1000);
    int page1000 = bytes("");
    assertTrue(page1000 < 1_000_000, "a moderator's room of 1,000 questions is " + page1000 + " B");
    long[] millis = new long[5];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      moderator.withoutHtmlCheck().get(app.url("/talks/" + slug));
      millis[i] = (System.nanoTime() - start) / 1_000_000;
    }
    java.util.Arrays.sort(millis);
    // for the record only: a timing would make the test depend on how busy the machine is
    System.out.printf("moderator room page with 1,000 questions: %,d B, median %d ms to receive it (on this machine, as busy as it was)%n",
        page1000, millis[2]);
  }
}
