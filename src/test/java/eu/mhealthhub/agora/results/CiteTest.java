package eu.mhealthhub.agora.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Permanent revision addresses and the "Cite this" box of adopted revisions. */
class CiteTest {

  private static final TestApp app = TestApp.shared();
  private static String group;
  private static String first;
  private static String second;
  private static long id;
  /** The permanent link revision 1's page offered while it was the current revision. */
  private static String citedBefore;

  /** Revision 1 says one thing, revision 2 another; revision 2 is adopted. */
  @BeforeAll
  static void twoRevisionsTheSecondAdopted() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    group = ResultsFixtures.moderatedGroup(false);
    first = ResultsFixtures.word("first");
    second = ResultsFixtures.word("second");
    id = DocumentStoryTest.create(app, pieter, group, "Interoperability & {EHR} guide", "# Scope\n\nThe " + first
        + " wording.\n");
    citedBefore = new Browser().get(app.url("/documents/" + id)).html().select("a.permanent-link").attr("href");
    assertEquals(303, ResultsFixtures.edit(app, pieter, id, "# Scope\n\nThe " + second + " wording.\n", "Reworded")
        .status());
    ResultsFixtures.adopt(app, pieter, id);
  }

  @Test
  @DisplayName("a cited revision's permanent URL still shows that revision's text after a newer revision is adopted")
  void permanentUrlKeepsItsText() {
    assertThat(citedBefore).isEqualTo("/documents/" + id + "/revisions/1");
    Response one = new Browser().get(app.url(citedBefore));
    assertEquals(200, one.status(), one.body());
    assertThat(one.html().select("#document-text .section-text").text()).contains(first).doesNotContain(second);
    assertThat(one.html().select("nav.revision-nav a[rel=next]").attr("href"))
        .isEqualTo("/documents/" + id + "/revisions/2");
    assertThat(one.html().select("#cite")).as("revision 1 is not the adopted one").isEmpty();
    Response two = new Browser().get(app.url("/documents/" + id + "/revisions/2"));
    assertThat(two.html().select("#document-text .section-text").text()).contains(second).doesNotContain(first);
    assertThat(two.html().select("nav.revision-nav a[rel=prev]").attr("href"))
        .isEqualTo("/documents/" + id + "/revisions/1");
    assertThat(two.html().select("p.notice.adopted")).hasSize(1);
    assertEquals(404, new Browser().get(app.url("/documents/" + id + "/revisions/3")).status());
    assertEquals(404, new Browser().get(app.url("/documents/" + id + "/revisions/x")).status());
  }

  @Test
  @DisplayName("the adopted revision's page has a Cite this box with plain text, BibTeX and CSL-JSON naming the Hub, group, revision, date and permanent URL")
  void citeBox() {
    Document page = new Browser().get(app.url("/documents/" + id)).html();
    String permanent = app.url("/documents/" + id + "/revisions/2");
    String today = LocalDate.now(ZoneOffset.UTC).toString();
    String plain = page.select("#cite-text").val();
    assertThat(plain).contains("European mHealth Hub", "Group " + group, "Interoperability & {EHR} guide",
        "Revision 2", permanent, "accessed " + today);
    assertThat(page.select("#cite label[for=cite-bibtex]")).hasSize(1);
    assertThat(page.select("#cite textarea[readonly]")).hasSize(3);
    assertThat(page.select("#cite a[download]").eachAttr("href")).containsExactly(
        "/documents/" + id + "/revisions/2/cite.txt", "/documents/" + id + "/revisions/2/cite.bib",
        "/documents/" + id + "/revisions/2/cite.json");
    assertThat(page.select("#cite-bibtex").val().strip()).isEqualTo(download("cite.bib").body().strip());
  }

  private Response download(String file) {
    return new Browser().get(app.url("/documents/" + id + "/revisions/2/" + file));
  }

  @Test
  @DisplayName("the BibTeX download is application/x-bibtex and parses into one entry, by key, with the fields a citation needs")
  void bibtex() {
    Response r = download("cite.bib");
    assertEquals(200, r.status());
    assertThat(r.header("Content-Type")).startsWith("application/x-bibtex");
    assertThat(r.header("Content-Disposition")).contains("attachment").contains(".bib");
    Map<String, Map<String, String>> entries = parseBibtex(r.body());
    assertThat(entries).containsOnlyKeys("mhealthhub-doc" + id + "-rev2");
    Map<String, String> e = entries.get("mhealthhub-doc" + id + "-rev2");
    assertThat(e.get("@type")).isEqualTo("techreport");
    assertThat(e.get("author")).isEqualTo("{European mHealth Hub}");
    assertThat(e.get("institution")).isEqualTo("European mHealth Hub");
    assertThat(e.get("title")).as("LaTeX specials escaped, braces neutralised").isEqualTo("Interoperability \\& EHR guide");
    assertThat(e.get("number")).isEqualTo("Revision 2");
    assertThat(e.get("type")).contains("Group " + group);
    assertThat(e.get("url")).isEqualTo(app.url("/documents/" + id + "/revisions/2"));
    assertThat(e.get("year")).matches("\\d{4}");
    assertThat(e.get("urldate")).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
  }

  @Test
  @DisplayName("the CSL-JSON download is valid JSON with type, title, issued, URL, the Hub as author and the revision")
  void cslJson() {
    Response r = download("cite.json");
    assertEquals(200, r.status());
    assertThat(r.header("Content-Type")).isEqualTo("application/vnd.citationstyles.csl+json");
    JsonArray items = new JsonArray(r.body());
    assertThat(items.size()).isEqualTo(1);
    JsonObject item = items.getJsonObject(0);
    assertThat(item.getString("type")).isEqualTo("report");
    assertThat(item.getString("title")).isEqualTo("Interoperability & {EHR} guide");
    assertThat(item.getString("URL")).isEqualTo(app.url("/documents/" + id + "/revisions/2"));
    assertThat(item.getString("publisher")).isEqualTo("European mHealth Hub");
    assertThat(item.getJsonArray("author").getJsonObject(0).getString("literal")).isEqualTo("European mHealth Hub");
    assertThat(item.getString("collection-title")).isEqualTo("Group " + group);
    assertThat(item.getString("version")).isEqualTo("2");
    JsonArray issued = item.getJsonObject("issued").getJsonArray("date-parts").getJsonArray(0);
    assertThat(issued.size()).isEqualTo(3);
    assertThat(item.getJsonObject("accessed").getJsonArray("date-parts").getJsonArray(0).getInteger(0))
        .isEqualTo(LocalDate.now(ZoneOffset.UTC).getYear());
    Response text = download("cite.txt");
    assertThat(text.header("Content-Type")).startsWith("text/plain");
    assertThat(text.body()).contains("Revision 2");
  }

  @Test
  @DisplayName("the adopted revision of a public group carries schema.org Report JSON-LD and OpenGraph meta")
  void structuredData() {
    Document page = new Browser().get(app.url("/documents/" + id + "/revisions/2")).html();
    JsonObject ld = new JsonObject(page.select("head script[type=application/ld+json]").first().data());
    assertThat(ld.getString("@type")).isEqualTo("Report");
    assertThat(ld.getString("@context")).isEqualTo("https://schema.org");
    assertThat(ld.getString("name")).isEqualTo("Interoperability & {EHR} guide");
    assertThat(ld.getString("url")).isEqualTo(app.url("/documents/" + id + "/revisions/2"));
    assertThat(ld.getJsonObject("publisher").getString("name")).isEqualTo("European mHealth Hub");
    assertThat(page.select("head meta[property=og:title]").attr("content")).isEqualTo("Interoperability & {EHR} guide");
    assertThat(page.select("head meta[property=og:url]").attr("content"))
        .isEqualTo(app.url("/documents/" + id + "/revisions/2"));
    assertThat(page.select("head meta[property=og:type]").attr("content")).isEqualTo("article");
    Document older = new Browser().get(app.url("/documents/" + id + "/revisions/1")).html();
    assertThat(older.select("head script[type=application/ld+json]")).as("only the adopted revision").isEmpty();
  }

  @Test
  @DisplayName("JSON-LD cannot be broken out of: a title with </script> is written with JSON escapes")
  void jsonLdEscapes() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    long hostile = ResultsFixtures.adoptedDocument(app, pieter, group, "</script><script>alert(1)</script>",
        "# Scope\n\nText.\n");
    Response r = new Browser().get(app.url("/documents/" + hostile));
    Document page = r.html();
    assertThat(page.select("head script")).allSatisfy(s -> assertThat(s.attr("type")).isIn("application/ld+json",
        "module", ""));
    assertThat(page.select("head script[type=application/ld+json]").first().data()).doesNotContain("<")
        .contains("\\u003c/script\\u003e");
    assertThat(new JsonObject(page.select("head script[type=application/ld+json]").first().data()).getString("name"))
        .isEqualTo("</script><script>alert(1)</script>");
  }

  /** A small BibTeX reader: entries by key, each field's value between its outer braces. */
  static Map<String, Map<String, String>> parseBibtex(String text) {
    Map<String, Map<String, String>> entries = new LinkedHashMap<>();
    Matcher entry = Pattern.compile("@(\\w+)\\{([^,\\s]+),").matcher(text);
    while (entry.find()) {
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("@type", entry.group(1));
      int i = entry.end();
      while (i < text.length()) {
        Matcher field = Pattern.compile("\\s*(\\w+)\\s*=\\s*\\{").matcher(text).region(i, text.length());
        if (!field.lookingAt()) {
          break;
        }
        int depth = 1;
        int j = field.end();
        while (depth > 0) {
          char c = text.charAt(j++);
          if (c == '\\') {
            j++;
          } else if (c == '{') {
            depth++;
          } else if (c == '}') {
            depth--;
          }
        }
        fields.put(field.group(1), text.substring(field.end(), j - 1));
        i = j;
        while (i < text.length() && (text.charAt(i) == ',' || Character.isWhitespace(text.charAt(i)))) {
          i++;
        }
      }
      assertThat(text.charAt(i)).as("the entry closes").isEqualTo('}');
      entries.put(entry.group(2), fields);
    }
    return entries;
  }
}
