package eu.mhealthhub.agora.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.time.Year;
import java.util.List;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The results library at /results, as a visitor who is not signed in reads it. */
class ResultsLibraryTest {

  private static final TestApp app = TestApp.shared();
  private static String group;
  private static String word;
  private static long document;
  private static String talk;

  @BeforeAll
  static void adoptOneAndCloseOne() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    group = ResultsFixtures.moderatedGroup(false);
    word = ResultsFixtures.word("libra");
    document = ResultsFixtures.adoptedDocument(app, pieter, group, "Reimbursement pathway " + word,
        "# Scope\n\nApps that replace a consultation are assessed like " + word + " devices.\n");
    talk = ResultsFixtures.closedTalk(group, "Talk on " + word, "We agreed that " + word + " evidence matters.",
        "Follow-up on " + word);
  }

  private static Element item(Document page, String kind, String id) {
    return page.selectFirst("li.result-" + kind + ":has(h3#result-" + kind + "-" + id + ")");
  }

  @Test
  @DisplayName("a visitor sees an adopted document with its group, adopted revision, counts and HTML and PDF downloads")
  void adoptedDocumentListed() {
    Response r = new Browser().get(app.url("/results?group=" + group));
    assertEquals(200, r.status(), r.body());
    Element doc = item(r.html(), "document", Long.toString(document));
    assertThat(doc).as("the adopted document is listed").isNotNull();
    assertThat(doc.select("h3 a").attr("href")).isEqualTo("/documents/" + document + "/revisions/1");
    assertThat(doc.select("p.meta a[href=/groups/" + group + "]").text()).isEqualTo("Group " + group);
    assertThat(doc.select("p.meta").text()).contains("revision 1 adopted").contains("1 contributor")
        .contains("no endorsements");
    assertThat(doc.select("ul.downloads a").eachAttr("href")).contains(
        "/documents/" + document + "/export.html?revision=1", "/documents/" + document + "/export.pdf?revision=1");
    assertThat(doc.select("p.summary").text()).contains(word + " devices");
  }

  @Test
  @DisplayName("a closed Talk shows its summary, slides, recording and its follow-up thread in a public group")
  void talkSummaryListed() {
    Document page = new Browser().get(app.url("/results?kind=talks&group=" + group)).html();
    long talkId = eu.mhealthhub.agora.support.TestDatabase.count("SELECT id FROM talks WHERE slug = ?", talk);
    Element t = item(page, "talk", Long.toString(talkId));
    assertThat(t).isNotNull();
    assertThat(t.select("p.summary").text()).isEqualTo("We agreed that " + word + " evidence matters.");
    assertThat(t.select("ul.downloads a").eachAttr("href")).containsExactly("https://example.org/slides.pdf",
        "https://example.org/recording");
    assertThat(t.select("ul.followups a").eachText()).containsExactly("Follow-up on " + word);
    assertThat(page.select("li.result-document")).as("kind=talks lists Talks only").isEmpty();
  }

  @Test
  @DisplayName("the words box finds the adopted document and the Talk through search, and nothing else")
  void fullTextSearch() {
    Document page = new Browser().get(app.url("/results?q=" + word)).html();
    assertThat(page.select("li.result h3 a").eachText()).containsExactlyInAnyOrder("Reimbursement pathway " + word,
        "Talk on " + word);
    Document none = new Browser().get(app.url("/results?q=" + ResultsFixtures.word("nothing"))).html();
    assertThat(none.select("li.result")).isEmpty();
  }

  @Test
  @DisplayName("the year and language filters narrow the list, and the form keeps what was chosen")
  void yearAndLanguage() {
    int year = Year.now(java.time.ZoneOffset.UTC).getValue();
    Document thisYear = new Browser().get(app.url("/results?group=" + group + "&year=" + year + "&language=en")).html();
    assertThat(thisYear.select("li.result")).hasSize(2);
    assertThat(thisYear.select("#results-year option[selected]").attr("value")).isEqualTo(Integer.toString(year));
    assertThat(thisYear.select("#results-language option[selected]").attr("value")).isEqualTo("en");
    assertThat(new Browser().get(app.url("/results?group=" + group + "&year=2001")).html().select("li.result")).isEmpty();
    assertThat(new Browser().get(app.url("/results?group=" + group + "&language=fr")).html().select("li.result"))
        .isEmpty();
  }

  @Test
  @DisplayName("the page offers its Atom feed in the head and the Talks calendar as a webcal: link")
  void feedsOffered() {
    Document page = new Browser().get(app.url("/results")).html();
    assertThat(page.select("head link[rel=alternate][type=application/atom+xml]").eachAttr("href"))
        .contains("/results.atom");
    assertThat(page.select("a[href^=webcal:]").attr("href")).isEqualTo(
        app.url("/talks.ics").replaceFirst("^http://", "webcal://"));
    Document talks = new Browser().get(app.url("/talks")).html();
    assertThat(talks.select("a[href^=webcal:]").attr("href")).endsWith("/talks.ics");
    assertThat(talks.select("head link[rel=alternate][type=application/atom+xml]").eachAttr("href"))
        .contains("/talks.atom");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"kind=posts", "year=99", "year=1999", "language=xx", "page=0", "page=abc", "group=Not%20A%20Slug",
      "sort=new", "kind=documents&kind=talks"})
  @DisplayName("a bad filter answers 400 with a message saying what is wrong")
  void badFilters(String query) {
    Response r = new Browser().get(app.url("/results?" + query));
    assertEquals(400, r.status(), r.body());
    assertThat(r.html().select("main").text()).isNotBlank();
    assertThat(r.html().select("main").text()).containsAnyOf("filter", "kind", "year", "language", "page",
        "public working group");
  }

  @Test
  @DisplayName("results are paged with links that keep the filters; a page past the end is empty")
  void paging() {
    Response first = new Browser().get(app.url("/results?group=" + group));
    assertThat(first.html().select("nav.pager a[rel=next]")).as("two results fit on one page").isEmpty();
    assertThat(first.html().select("nav.pager li").text()).contains("Page 1 of 1");
    Response second = new Browser().get(app.url("/results?group=" + group + "&kind=talks&page=2"));
    assertEquals(200, second.status());
    assertThat(second.html().select("li.result")).isEmpty();
    assertThat(second.html().select("nav.pager a[rel=prev]").attr("href"))
        .isEqualTo("/results?group=" + group + "&kind=talks&page=1");
  }
}
