package eu.mhealthhub.agora.search;

import static eu.mhealthhub.agora.search.SearchSupport.api;
import static eu.mhealthhub.agora.search.SearchSupport.enc;
import static eu.mhealthhub.agora.search.SearchSupport.json;
import static eu.mhealthhub.agora.search.SearchSupport.page;
import static eu.mhealthhub.agora.search.SearchSupport.reply;
import static eu.mhealthhub.agora.search.SearchSupport.startThread;
import static eu.mhealthhub.agora.search.SearchSupport.suggest;
import static eu.mhealthhub.agora.search.SearchSupport.word;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Full-text search through the results page, the suggestions and the API, as members use them. */
class SearchTest {

  private static final TestApp app = TestApp.shared();
  private static Browser author;
  private static Browser moderator;
  private static Browser reader;
  private static String slug;
  private static long authorId;

  @BeforeAll
  static void people() {
    author = new Browser();
    authorId = app.signInNew(author, "Search Author", Fixtures.unique("search-author") + "@example.org");
    moderator = new Browser();
    long moderatorId = app.signInNew(moderator, "Search Moderator", Fixtures.unique("search-mod") + "@example.org");
    reader = new Browser();
    app.signInNew(reader, "Search Reader", Fixtures.unique("search-reader") + "@example.org");
    slug = Fixtures.unique("searching");
    long group = Fixtures.group(slug, false, true);
    Fixtures.member(group, authorId, "member");
    Fixtures.member(group, moderatorId, "moderator");
  }

  private static List<String> resultLinks(Response r) {
    return r.html().select("ol.results li.result a").eachAttr("href");
  }

  @Test
  @DisplayName("a French post is found by a French reader with another inflection and without accents")
  void frenchStems() {
    String marker = word("fr");
    long thread = startThread(app, author, slug, "Applications " + marker,
        "Les applications économiques seront remboursées par l’assurance maladie. " + marker, "french");
    assertEquals("french", TestDatabase.text("SELECT language FROM posts WHERE thread_id = ? AND position = 1", thread));
    long post = TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", thread);
    Browser french = new Browser().acceptLanguage("fr");

    Response found = page(app, french, "q=" + enc("economique rembourse " + marker));
    assertEquals(200, found.status());
    assertThat(resultLinks(found)).contains("/posts/" + post);
    Element hit = found.html().selectFirst("li.result-post");
    assertThat(hit).isNotNull();
    assertThat(hit.select(".snippet mark").eachText()).contains("économiques", "remboursées");
    assertThat(found.html().select("html").attr("lang")).isEqualTo("fr");

    // an English reader still finds the words as written, accents aside
    assertThat(resultLinks(page(app, reader, "q=" + enc("economiques " + marker)))).contains("/posts/" + post);
  }

  @Test
  @DisplayName("a German post is found by a German reader through its stem, umlauts typed or not")
  void germanStems() {
    String marker = word("de");
    long thread = startThread(app, author, slug, "Erstattung " + marker, "Start.", "german");
    long post = reply(app, author, thread,
        "Die Erstattungsfähigkeit digitaler Gesundheitsanwendungen wird geprüft. " + marker, "german", List.of());
    assertEquals("german", TestDatabase.text("SELECT language FROM posts WHERE id = ?", post));
    Browser german = new Browser().acceptLanguage("de");
    assertThat(resultLinks(page(app, german, "q=" + enc("Gesundheitsanwendung erstattungsfahigkeit " + marker))))
        .contains("/posts/" + post);
    assertThat(resultLinks(page(app, german, "q=" + enc("digitale " + marker)))).contains("/posts/" + post);
  }

  @Test
  @DisplayName("the composer offers the post's language, preselected from the reader's, and refuses an unknown one")
  void composerLanguage() {
    Browser french = new Browser().acceptLanguage("fr");
    long id = app.signInNew(french, "Francophone", Fixtures.unique("fr") + "@example.org");
    Fixtures.member(TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", slug), id, "member");
    Document form = french.get(app.url("/groups/" + slug + "/threads/new")).html();
    assertThat(form.select("select[name=language] option[selected]").eachAttr("value")).containsExactly("french");
    assertThat(form.select("select[name=language] option").eachAttr("value"))
        .containsExactly("english", "french", "german", "spanish", "italian", "simple");

    long before = TestDatabase.count("SELECT count(*) FROM posts");
    Response refused = french.postMultipart(app.url("/groups/" + slug + "/threads"), java.util.Map.of("_csrf",
        form.select("input[name=_csrf]").val(), "clientToken", form.select("input[name=clientToken]").val(),
        "title", "Titre", "body", "Texte", "language", "klingon", "action", "post"), List.of());
    assertEquals(400, refused.status());
    assertThat(refused.html().select("#post-language-error").text()).isNotBlank();
    assertEquals(before, TestDatabase.count("SELECT count(*) FROM posts"));
  }

  @Test
  @DisplayName("a post written through the API carries its language; an unknown language is a 400")
  void apiLanguage() {
    String marker = word("api");
    long thread = startThread(app, author, slug, "API " + marker, "Opening.", "english");
    String csrf = app.csrf(author);
    Response made = author.request("POST", app.url("/api/v1/threads/" + thread + "/posts"), "application/json",
        new JsonObject().put("body", "Las aplicaciones sanitarias " + marker).put("language", "spanish").encode(),
        "X-CSRF-Token", csrf);
    assertEquals(201, made.status(), made.body());
    long post = json(made).getLong("id");
    assertEquals("spanish", TestDatabase.text("SELECT language FROM posts WHERE id = ?", post));
    Response bad = author.request("POST", app.url("/api/v1/threads/" + thread + "/posts"), "application/json",
        new JsonObject().put("body", "x").put("language", "klingon").encode(), "X-CSRF-Token", csrf);
    assertEquals(400, bad.status());
    // Spanish stems: "aplicación sanitaria" finds "aplicaciones sanitarias" for a reader of the simple half too
    assertThat(json(api(app, reader, "q=" + enc(marker))).getJsonArray("results").stream()
        .map(o -> ((JsonObject) o).getString("url")).toList()).contains("/posts/" + post);
  }

  @Test
  @DisplayName("a snippet never carries markup from the post: the text is escaped, then the hits are marked")
  void snippetsAreEscaped() {
    String marker = word("xss");
    long thread = startThread(app, author, slug, "Escaping " + marker, "Opening.", "english");
    long post = reply(app, author, thread,
        "Look: <script>alert('x')</script> <img src=x onerror=alert(1)> " + marker + " & more", "english", List.of());
    Response found = page(app, reader, "q=" + marker);
    Element hit = found.html().selectFirst("li.result-post:has(a[href=/posts/" + post + "])");
    assertThat(hit).isNotNull();
    assertThat(found.html().select("main script, main img")).isEmpty();
    // ts_headline drops what it parses as tags; what is left of them is text, escaped, never an element
    assertThat(hit.select(".snippet").text()).contains("<img src=x onerror=alert(1)>").contains("& more");
    assertThat(hit.select(".snippet *").eachAttr("onerror")).isEmpty();
    assertThat(hit.select(".snippet mark").eachText()).containsExactly(marker);

    JsonObject result = json(api(app, reader, "q=" + marker)).getJsonArray("results").stream()
        .map(o -> (JsonObject) o).filter(o -> o.getString("url").equals("/posts/" + post)).findFirst().orElseThrow();
    assertThat(result.getString("snippetHtml")).contains("&lt;img src=x").doesNotContain("<script").doesNotContain("<img")
        .contains("<mark>" + marker + "</mark>");
  }

  @Test
  @DisplayName("quotes find a phrase, a minus leaves a word out, or finds either word")
  void querySyntax() {
    String marker = word("syn");
    long thread = startThread(app, author, slug, "Syntax " + marker, "Opening.", "english");
    long ordered = reply(app, author, thread, "payer evidence " + marker, "english", List.of());
    long reversed = reply(app, author, thread, "evidence payer " + marker, "english", List.of());
    long other = reply(app, author, thread, "clinician pathways " + marker, "english", List.of());
    assertThat(resultLinks(page(app, reader, "q=" + enc("\"payer evidence\" " + marker))))
        .contains("/posts/" + ordered).doesNotContain("/posts/" + reversed, "/posts/" + other);
    assertThat(resultLinks(page(app, reader, "q=" + enc(marker + " -clinician"))))
        .contains("/posts/" + ordered, "/posts/" + reversed).doesNotContain("/posts/" + other);
    assertThat(resultLinks(page(app, reader, "q=" + enc(marker + " pathways or payer"))))
        .contains("/posts/" + ordered, "/posts/" + other);
  }

  @Test
  @DisplayName("filters narrow by kind, author, group, dates and watched threads")
  void filters() {
    String marker = word("flt");
    long thread = startThread(app, author, slug, "Filtered " + marker, "Opening " + marker, "english");
    long byModerator = reply(app, moderator, thread, "A moderator's word " + marker, "english", List.of());
    String authorHandle = Fixtures.handle(authorId);

    assertThat(resultLinks(page(app, reader, "q=" + marker + "&kind=threads"))).containsExactly("/threads/" + thread);
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&kind=posts")))
        .contains("/posts/" + byModerator).doesNotContain("/threads/" + thread);
    assertThat(resultLinks(page(app, reader, "q=" + enc(marker + " @" + authorHandle))))
        .doesNotContain("/posts/" + byModerator).contains("/threads/" + thread);
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&author=" + authorHandle)))
        .doesNotContain("/posts/" + byModerator);
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&group=" + slug))).contains("/posts/" + byModerator);
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&to=2001-01-01"))).isEmpty();
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&from=" + java.time.LocalDate.now().minusDays(1))))
        .contains("/posts/" + byModerator);

    assertThat(resultLinks(page(app, reader, "q=" + marker + "&watched=on"))).isEmpty();
    reader.post(app.url("/threads/" + thread + "/subscription"), java.util.Map.of("_csrf", app.csrf(reader),
        "level", "watching"));
    assertEquals("watching", TestDatabase.text("SELECT level FROM thread_subscriptions WHERE thread_id = ?", thread));
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&watched=on"))).contains("/posts/" + byModerator);
    // the filter form shows what was asked
    Document asked = page(app, reader, "q=" + marker + "&kind=posts&group=" + slug).html();
    assertThat(asked.select("#search-kind option[selected]").val()).isEqualTo("posts");
    assertThat(asked.select("#search-group option[selected]").val()).isEqualTo(slug);
    assertThat(asked.select("details.search-filters[open]")).hasSize(1);
  }

  @Test
  @DisplayName("deleted posts are found by the group's moderators only")
  void deletedPosts() {
    String marker = word("del");
    long thread = startThread(app, author, slug, "Deleting " + marker, "Opening.", "english");
    long post = reply(app, author, thread, "Soon gone " + marker, "english", List.of());
    Response deleted = author.post(app.url("/posts/" + post + "/delete"), java.util.Map.of("_csrf", app.csrf(author),
        "reason", "test"));
    assertThat(deleted.status()).isLessThan(400);
    assertThat(TestDatabase.text("SELECT deleted_at::text FROM posts WHERE id = ?", post)).isNotNull();
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&kind=posts"))).doesNotContain("/posts/" + post);
    assertThat(resultLinks(page(app, author, "q=" + marker + "&kind=posts"))).doesNotContain("/posts/" + post);
    assertThat(resultLinks(page(app, moderator, "q=" + marker + "&kind=posts"))).contains("/posts/" + post);
  }

  @Test
  @DisplayName("results come in pages of twenty, the pager keeps the query and filters")
  void paging() {
    String marker = word("pg");
    long thread = startThread(app, author, slug, "Paging " + marker, "Opening " + marker, "english");
    for (int i = 0; i < 22; i++) {
      reply(app, author, thread, "Reply " + i + " " + marker, "english", List.of());
    }
    Response first = page(app, reader, "q=" + marker + "&kind=posts");
    assertThat(first.html().select("ol.results li")).hasSize(20);
    assertThat(first.html().select("#results-heading").text()).contains("23");
    assertThat(first.html().select("nav.pager a").eachAttr("href"))
        .contains("/search?q=" + marker + "&kind=posts&page=2");
    assertThat(page(app, reader, "q=" + marker + "&kind=posts&page=2").html().select("ol.results li")).hasSize(3);
    JsonObject api = json(api(app, reader, "q=" + marker + "&kind=posts&page=2"));
    assertEquals(23, api.getLong("total"));
    assertEquals(2, api.getInteger("pages"));
  }

  @Test
  @DisplayName("a misspelt word gets a 'did you mean' with the word of a readable title")
  void didYouMean() {
    String marker = word("dym");
    startThread(app, author, slug, "Interoperability " + marker, "Opening.", "english");
    String misspelt = marker.substring(0, marker.length() - 1) + "x";
    Response r = page(app, reader, "q=" + misspelt);
    assertThat(r.html().select("ol.results li")).isEmpty();
    assertThat(r.html().select(".did-you-mean a").text()).isEqualTo(marker);
    assertThat(json(api(app, reader, "q=" + misspelt)).getString("didYouMean")).isEqualTo(marker);
  }

  @Test
  @DisplayName("suggestions offer readable titles containing what was typed, starts of titles first")
  void suggestions() {
    String marker = word("sug");
    long thread = startThread(app, author, slug, marker + " reimbursement", "Opening.", "english");
    JsonObject s = json(suggest(app, reader, marker.substring(0, 8)));
    assertThat(s.getInteger("count")).isPositive();
    JsonArray list = s.getJsonArray("suggestions");
    assertThat(list.getJsonObject(0).getString("url")).isEqualTo("/threads/" + thread);
    assertThat(list.getJsonObject(0).getString("group")).isEqualTo("Group " + slug);
    assertThat(json(suggest(app, reader, "x")).getInteger("count")).isZero();
    // accents and case aside
    assertThat(json(suggest(app, reader, marker.toUpperCase())).getJsonArray("suggestions").stream()
        .map(o -> ((JsonObject) o).getString("url")).toList()).contains("/threads/" + thread);
  }

  @Test
  @DisplayName("unknown filters and bad values are refused with a clear 400 on the page and in JSON")
  void refusedFilters() {
    record Case(String query, String phrase) {}
    for (Case c : List.of(new Case("q=a&sort=new", "sort"), new Case("q=a&kind=emails", "posts, threads"),
        new Case("q=a&from=yesterday", "year-month-day"), new Case("q=a&from=2026-02-01&to=2026-01-01", "end date"),
        new Case("q=a&author=" + enc("<b>"), "handle"), new Case("q=a&group=no-such-group-anywhere", "working group"),
        new Case("q=a&page=0", "page"), new Case("q=a&q=b", "more than once"), new Case("q=a&watched=maybe", "watched"))) {
      Response p = page(app, reader, c.query());
      assertEquals(400, p.status(), c.query());
      assertThat(p.html().select("#search-problem").text()).as(c.query()).contains(c.phrase());
      assertThat(p.html().select("form.search-form input[name=q]")).hasSize(1);
      Response j = api(app, reader, c.query());
      assertEquals(400, j.status(), c.query());
      assertThat(json(j).getJsonObject("error").getString("message")).as(c.query()).contains(c.phrase());
    }
    Response anonymous = page(app, new Browser(), "q=a&watched=on");
    assertEquals(400, anonymous.status());
    assertThat(anonymous.html().select("#search-problem").text()).contains("Sign in");
  }

  @TestFactory
  @DisplayName("odd, huge and non-Latin queries get a page or a JSON answer, never a 500")
  Stream<DynamicTest> badInput() {
    String huge = "a".repeat(501);
    return Stream.of("", " ", "\"", "\"\"", "'", "&|!", "!!!", "(", ")", ":*", "a & b | !c", "\"unclosed phrase",
            "-", "- -", "or", "or or", "<script>", "%", "_", "\\", "Ελληνικά κείμενα", "Кириллица поиск", "医疗应用 报销",
            "健康", "🙂", "🙂 🏥", "e\u0301conomie", huge.substring(1), huge)
        .map(q -> DynamicTest.dynamicTest("q=" + (q.length() > 30 ? q.substring(0, 30) + "…" : q), () -> {
          Response p = page(app, reader, "q=" + enc(q));
          assertThat(p.status()).as("page").isIn(200, 400);
          assertThat(p.html().select("form.search-form")).hasSize(1);
          Response j = api(app, reader, "q=" + enc(q));
          assertThat(j.status()).as("api").isIn(200, 400);
          assertThat(j.header("content-type")).startsWith("application/json");
          Response s = suggest(app, reader, q);
          assertEquals(200, s.status(), "suggest");
          assertThat(json(s).getJsonArray("suggestions")).isNotNull();
          if (q.length() > 500) {
            assertEquals(400, p.status());
            assertThat(p.html().select("#search-problem").text()).contains("500");
          } else {
            assertEquals(200, p.status());
          }
        }));
  }

  @Test
  @DisplayName("a post is findable as soon as the request that wrote it has answered")
  void findableAtOnce() {
    String marker = word("now");
    long thread = startThread(app, author, slug, "Now " + marker, "Opening " + marker, "english");
    long post = reply(app, author, thread, "Fresh " + marker, "english", List.of());
    assertThat(resultLinks(page(app, reader, "q=" + marker + "&kind=posts"))).containsExactly("/posts/" + post,
        "/posts/" + TestDatabase.count("SELECT id FROM posts WHERE thread_id = ? AND position = 1", thread))
        .hasSize(2);
  }
}
