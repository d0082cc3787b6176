package eu.mhealthhub.agora.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Content made through the app's own forms, words no other test uses, and the three ways to search. */
final class SearchSupport {

  private static final AtomicInteger SEQ = new AtomicInteger();
  private static final String RUN = letters(System.nanoTime() % 1_000_000);

  private SearchSupport() {}

  /** A word of letters only (the search parser splits at digits and dashes), unique to this run. */
  static String word(String prefix) {
    return prefix + "q" + RUN + "z" + letters(SEQ.incrementAndGet());
  }

  private static String letters(long n) {
    StringBuilder b = new StringBuilder();
    do {
      b.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return b.toString();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Starts a thread through the new-thread form; returns the thread id. */
  static long startThread(TestApp app, Browser b, String slug, String title, String body, String language) {
    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    assertEquals(200, form.status(), form.body());
    Map<String, String> fields = new HashMap<>(Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"));
    if (language != null) {
      fields.put("language", language);
    }
    Response made = b.postMultipart(app.url("/groups/" + slug + "/threads"), fields, List.of());
    assertEquals(303, made.status(), made.body());
    Matcher m = Pattern.compile("/threads/(\\d+)").matcher(made.location());
    if (!m.find()) {
      throw new AssertionError("no thread in " + made.location());
    }
    return Long.parseLong(m.group(1));
  }

  /** Replies through the reply form; returns the new post's id. */
  static long reply(TestApp app, Browser b, long threadId, String body, String language, List<Browser.FilePart> files) {
    Response form = b.get(app.url("/threads/" + threadId + "/reply"));
    Map<String, String> fields = new HashMap<>(Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "body", body, "action", "post"));
    if (language != null) {
      fields.put("language", language);
    }
    Response made = b.postMultipart(app.url("/threads/" + threadId + "/posts"), fields, files);
    assertEquals(303, made.status(), made.body());
    return TestDatabase.count("SELECT max(id) FROM posts WHERE thread_id = ?", threadId);
  }

  static Response page(TestApp app, Browser b, String query) {
    return b.get(app.url("/search?" + query));
  }

  static Response api(TestApp app, Browser b, String query) {
    return b.get(app.url("/api/v1/search?" + query), "Accept", "application/json");
  }

  static Response suggest(TestApp app, Browser b, String typed) {
    return b.get(app.url("/search/suggest?q=" + enc(typed)), "Accept", "application/json");
  }

  static JsonObject json(Response r) {
    return new JsonObject(r.body());
  }
}
