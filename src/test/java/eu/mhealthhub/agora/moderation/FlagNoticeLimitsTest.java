package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The flag limit per member and the notice limit per client address, on Agoras of their own with
 * small limits: one behind a trusted proxy (loopback, as AGORA_TRUSTED_PROXIES), whose clients are
 * told apart by X-Forwarded-For, and one trusting nobody, where the header changes nothing.
 */
class FlagNoticeLimitsTest {

  private static final String LIMITS = "post=off,thread=off,reaction=off,search=off,signin=off,callback=off,bridge=off,"
      + "flag=2/1d,notice=2/1h";
  private static TestApp proxied;
  private static TestApp direct;

  @BeforeAll
  static void start() {
    TestApp.shared();
    proxied = TestApp.start(Map.of("AGORA_RATE_LIMITS", LIMITS, "AGORA_TRUSTED_PROXIES", "127.0.0.1,::1"),
        Clock.systemUTC(), r -> { });
    direct = TestApp.start(Map.of("AGORA_RATE_LIMITS", LIMITS), Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() {
    proxied.close();
    direct.close();
    forget();
  }

  /** The notice buckets are keyed by addresses other tests share. */
  @BeforeEach
  void forgetBuckets() {
    forget();
  }

  private static void forget() {
    TestDatabase.update("DELETE FROM rate_buckets WHERE name = 'notice'");
  }

  private static Map<String, String> notice(String url) {
    return new HashMap<>(Map.of("url", url, "category", "fraud", "explanation", "A scam asking for bank details.",
        "legalGround", "Art. 313 Code pénal", "name", "Nils Notifier", "email", Fixtures.unique("nils") + "@example.org",
        "goodFaith", "yes", "website", ""));
  }

  private static long notices(String ipHash) {
    return TestDatabase.count("SELECT count(*) FROM notices WHERE ip_hash = ?", ipHash);
  }

  private static void assertRefused(Response r, String text) {
    assertThat(r.status()).as(r.body()).isEqualTo(429);
    assertThat(Integer.parseInt(r.header("Retry-After"))).isPositive();
    assertThat(r.html().select("main h1").text()).isEqualTo("Too many requests");
    assertThat(r.mainText()).contains(text);
  }

  @Test
  @DisplayName("a member's flags beyond the daily limit are refused with 429, Retry-After and a readable page; nothing stored, and a refused double flag spends nothing")
  void flagLimit() {
    String slug = Fixtures.unique("flaglimit");
    long groupId = Fixtures.group(slug, false, true);
    Browser author = new Browser();
    long authorId = proxied.signInNew(author, "Frieda Flagged", Fixtures.unique("frieda") + "@example.org");
    Fixtures.member(groupId, authorId, "member");
    long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Limits', ?, 0) RETURNING id",
        groupId, authorId);
    long[] posts = new long[3];
    for (int i = 0; i < posts.length; i++) {
      posts[i] = TestDatabase.count("""
          INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html) VALUES (?, ?, ?, 'Post', '<p>Post</p>')
          RETURNING id""", threadId, i + 1, authorId);
    }
    Browser flagger = new Browser();
    proxied.signInNew(flagger, "Fritz Flagger", Fixtures.unique("fritz") + "@example.org");
    String csrf = proxied.csrf(flagger);
    assertThat(flagger.post(proxied.url("/flags/post/" + posts[0]), Map.of("_csrf", csrf, "reason", "spam")).status()).isEqualTo(303);
    assertThat(flagger.post(proxied.url("/flags/post/" + posts[0]), Map.of("_csrf", csrf, "reason", "spam")).status())
        .as("twice: refused before the limit").isEqualTo(409);
    assertThat(flagger.post(proxied.url("/flags/post/" + posts[1]), Map.of("_csrf", csrf, "reason", "spam")).status()).isEqualTo(303);
    Response refused = flagger.post(proxied.url("/flags/post/" + posts[2]), Map.of("_csrf", csrf, "reason", "spam"));
    assertRefused(refused, "as many flags as Agora allows in a day");
    assertThat(TestDatabase.count("SELECT count(*) FROM flags WHERE item_type = 'post' AND item_id = ?", posts[2])).isZero();
  }

  @Test
  @DisplayName("behind a trusted proxy notices are limited per forwarded client address, and the stored hash is of that address")
  void noticeLimitPerForwardedAddress() {
    String client = "203.0.113.41";
    for (int i = 0; i < 2; i++) {
      // the entries left of the client's own are whatever the client wrote: they change nothing
      Response filed = new Browser().post(proxied.url("/notices"), notice("/posts/" + (300 + i)),
          "X-Forwarded-For", "198.51.100." + i + ", " + client);
      assertThat(filed.status()).as(filed.body()).isEqualTo(303);
    }
    assertThat(notices(NoticeService.addressHash(client))).isGreaterThanOrEqualTo(2);
    long before = TestDatabase.count("SELECT count(*) FROM notices");
    assertRefused(new Browser().post(proxied.url("/notices"), notice("/posts/302"), "X-Forwarded-For", "192.0.2.99, " + client),
        "Too many notices came from your network");
    assertThat(TestDatabase.count("SELECT count(*) FROM notices")).isEqualTo(before);

    String other = "203.0.113.42";
    assertThat(new Browser().post(proxied.url("/notices"), notice("/posts/303"), "X-Forwarded-For", other).status())
        .as("another client behind the same proxy has a bucket of its own").isEqualTo(303);
    assertThat(notices(NoticeService.addressHash(other))).isGreaterThanOrEqualTo(1);
  }

  @Test
  @DisplayName("without trusted proxies X-Forwarded-For is ignored: changing it does not escape the notice limit")
  void spoofedHeaderIgnored() {
    long loopbackBefore = notices(NoticeService.addressHash("127.0.0.1"));
    for (int i = 0; i < 2; i++) {
      assertThat(new Browser().post(direct.url("/notices"), notice("/posts/" + (400 + i)), "X-Forwarded-For", "203.0.113." + (60 + i))
          .status()).isEqualTo(303);
    }
    long before = TestDatabase.count("SELECT count(*) FROM notices");
    assertRefused(new Browser().post(direct.url("/notices"), notice("/posts/402"), "X-Forwarded-For", "203.0.113.99"),
        "Too many notices came from your network");
    assertThat(TestDatabase.count("SELECT count(*) FROM notices")).isEqualTo(before);
    assertThat(notices(NoticeService.addressHash("127.0.0.1")) - loopbackBefore).isEqualTo(2);
    assertThat(notices(NoticeService.addressHash("203.0.113.60"))).isZero();
  }
}
