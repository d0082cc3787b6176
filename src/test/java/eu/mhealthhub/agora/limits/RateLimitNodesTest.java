package eu.mhealthhub.agora.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two Agora instances on one PostgreSQL, not clustered (the harder case: nothing but the database
 * is shared; a clustered pair keeps its buckets in the same table). A burst of replies sent to both
 * at once is limited to the configured total, not to the limit per node.
 */
@SlowTest
class RateLimitNodesTest {

  private static final int LIMIT = 3;
  private static final int BURST = 12;

  private static TestApp node1;
  private static TestApp node2;

  @BeforeAll
  static void start() {
    TestApp.shared(); // migrations and demo content on the shared database
    Map<String, String> env = Map.of("AGORA_RATE_LIMITS", "post=" + LIMIT + "/1h,signin=off,callback=off");
    node1 = TestApp.start(env, Clock.systemUTC(), r -> { });
    node2 = TestApp.start(env, Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() {
    node2.close();
    node1.close();
  }

  @Test
  @DisplayName("a burst of replies spread over two nodes is limited to the configured number in total; the rest are 429 and store nothing")
  void burstOnTwoNodes() throws Exception {
    String slug = Fixtures.unique("rl-nodes");
    long groupId = Fixtures.group(slug, false, true);
    Browser author = new Browser();
    long authorId = node1.signInNew(author, "Opening " + slug, slug + "-a@example.org");
    Fixtures.member(groupId, authorId, "member");
    Response form = author.get(node1.url("/groups/" + slug + "/threads/new"));
    Response created = author.postMultipart(node1.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "A burst", "body", "Opening.", "action", "post"), List.of());
    assertEquals(303, created.status(), created.body());
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(created.location());
    assertThat(m.find()).isTrue();
    long threadId = Long.parseLong(m.group(1));

    Browser burster = new Browser();
    long bursterId = node1.signInNew(burster, "Burst " + slug, slug + "-b@example.org");
    Fixtures.member(groupId, bursterId, "member");
    String csrf = node1.csrf(burster);
    // the session lives in PostgreSQL: the same cookie and token work on node 2
    assertEquals(200, burster.get(node2.url("/me")).status());

    ExecutorService pool = Executors.newFixedThreadPool(BURST);
    List<Future<Integer>> answers = new ArrayList<>();
    try {
      for (int i = 0; i < BURST; i++) {
        TestApp node = i % 2 == 0 ? node1 : node2;
        String body = "Burst reply " + i;
        Callable<Integer> send = () -> burster.postMultipart(node.url("/threads/" + threadId + "/posts"), Map.of("_csrf", csrf,
            "clientToken", Fixtures.unique("burst"), "action", "post", "body", body), List.of()).status();
        answers.add(pool.submit(send));
      }
      List<Integer> statuses = new ArrayList<>();
      for (Future<Integer> answer : answers) {
        statuses.add(answer.get());
      }
      assertThat(statuses).filteredOn(s -> s == 303).as("accepted, %s", statuses).hasSize(LIMIT);
      assertThat(statuses).filteredOn(s -> s == 429).as("refused, %s", statuses).hasSize(BURST - LIMIT);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(LIMIT, TestDatabase.count("SELECT count(*) FROM posts WHERE thread_id = ? AND author_id = ?", threadId, bursterId));
  }
}
