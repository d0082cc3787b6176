package eu.mhealthhub.agora.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import eu.mhealthhub.agora.results.ResultsFixtures;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The Atom feeds, the sitemap and robots.txt, read back by Rome and by a namespace-aware XML parser. */
class FeedTest {

  static final String ATOM_NS = "http://www.w3.org/2005/Atom";
  static final String SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";

  private static final TestApp app = TestApp.shared();
  private static String group;
  private static String word;
  private static long document;
  private static String talk;
  private static long thread;

  @BeforeAll
  static void publicResults() {
    Browser pieter = new Browser();
    app.signIn(pieter, "demo-pieter");
    group = ResultsFixtures.moderatedGroup(false);
    word = ResultsFixtures.word("feed");
    document = ResultsFixtures.adoptedDocument(app, pieter, group, "Feed paper " + word, "# Scope\n\nText.\n");
    talk = ResultsFixtures.closedTalk(group, "Feed Talk " + word, "Summary " + word, "Feed follow-up " + word);
    thread = TestDatabase.count("SELECT thread_id FROM talk_followups f JOIN talks t ON t.id = f.talk_id WHERE t.slug = ?",
        talk);
  }

  static SyndFeed rome(Response r) throws Exception {
    assertEquals(200, r.status(), r.body());
    assertThat(r.header("Content-Type")).startsWith("application/atom+xml");
    return new SyndFeedInput().build(new StringReader(r.body()));
  }

  static org.w3c.dom.Document xml(String body) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Checks the RFC 4287 musts the feed and each entry carry, in the Atom namespace. */
  static void checkAtom(String body, String selfUrl) throws Exception {
    org.w3c.dom.Document d = xml(body);
    Element feed = d.getDocumentElement();
    assertThat(feed.getNamespaceURI()).isEqualTo(ATOM_NS);
    assertThat(feed.getLocalName()).isEqualTo("feed");
    assertThat(d.getElementsByTagNameNS(ATOM_NS, "id").item(0).getTextContent()).isEqualTo(selfUrl);
    boolean self = false;
    NodeList links = feed.getElementsByTagNameNS(ATOM_NS, "link");
    for (int i = 0; i < links.getLength(); i++) {
      Element l = (Element) links.item(i);
      self |= "self".equals(l.getAttribute("rel")) && selfUrl.equals(l.getAttribute("href"));
    }
    assertThat(self).as("a rel=self link to the feed").isTrue();
    NodeList entries = feed.getElementsByTagNameNS(ATOM_NS, "entry");
    for (int i = 0; i < entries.getLength(); i++) {
      Element e = (Element) entries.item(i);
      for (String must : List.of("id", "title", "updated")) {
        assertThat(e.getElementsByTagNameNS(ATOM_NS, must).getLength()).as("entry has " + must).isEqualTo(1);
      }
    }
    assertThat(feed.getElementsByTagNameNS(ATOM_NS, "updated").getLength()).isGreaterThan(0);
  }

  private static SyndEntry entry(SyndFeed feed, String uri) {
    return feed.getEntries().stream().filter(e -> uri.equals(e.getUri())).findFirst()
        .orElseThrow(() -> new AssertionError(uri + " not among " + feed.getEntries().stream().map(SyndEntry::getUri).toList()));
  }

  @Test
  @DisplayName("the results feed is valid Atom with the adopted revision's permanent URL as a stable id and an updated date")
  void resultsFeed() throws Exception {
    Response r = new Browser().get(app.url("/results.atom"));
    SyndFeed feed = rome(r);
    assertThat(feed.getFeedType()).isEqualTo("atom_1.0");
    checkAtom(r.body(), app.url("/results.atom"));
    SyndEntry e = entry(feed, app.url("/documents/" + document + "/revisions/1"));
    assertThat(e.getTitle()).contains("Feed paper " + word).contains("Group " + group);
    assertThat(e.getUpdatedDate()).isNotNull();
    assertThat(entry(feed, app.url("/talks/" + talk)).getDescription().getValue()).isEqualTo("Summary " + word);
    SyndFeed again = rome(new Browser().get(app.url("/results.atom")));
    assertThat(entry(again, app.url("/documents/" + document + "/revisions/1")).getUpdatedDate())
        .as("ids and dates are stable across reads").isEqualTo(e.getUpdatedDate());
  }

  @Test
  @DisplayName("a public group's feed lists its new threads; the Talks feed lists the programme")
  void groupAndTalksFeeds() throws Exception {
    Response r = new Browser().get(app.url("/groups/" + group + "/threads.atom"));
    SyndFeed feed = rome(r);
    checkAtom(r.body(), app.url("/groups/" + group + "/threads.atom"));
    assertThat(entry(feed, app.url("/threads/" + thread)).getTitle()).isEqualTo("Feed follow-up " + word);
    Response t = new Browser().get(app.url("/talks.atom"));
    checkAtom(t.body(), app.url("/talks.atom"));
    assertThat(entry(rome(t), app.url("/talks/" + talk)).getTitle()).isEqualTo("Feed Talk " + word);
    assertThat(new Browser().get(app.url("/groups/" + group)).html()
        .select("head link[rel=alternate][type=application/atom+xml]").attr("href"))
        .isEqualTo("/groups/" + group + "/threads.atom");
  }

  @Test
  @DisplayName("the sitemap lists the library, public groups, their threads, adopted revisions and Talks, all absolute")
  void sitemap() throws Exception {
    Response r = new Browser().get(app.url("/sitemap.xml"));
    assertEquals(200, r.status());
    assertThat(r.header("Content-Type")).startsWith("application/xml");
    org.w3c.dom.Document d = xml(r.body());
    assertThat(d.getDocumentElement().getNamespaceURI()).isEqualTo(SITEMAP_NS);
    NodeList locs = d.getElementsByTagNameNS(SITEMAP_NS, "loc");
    List<String> urls = new ArrayList<>();
    for (int i = 0; i < locs.getLength(); i++) {
      urls.add(locs.item(i).getTextContent());
    }
    assertThat(urls).allSatisfy(u -> assertThat(u).startsWith(app.url("/")));
    assertThat(urls).contains(app.url("/results"), app.url("/groups/" + group), app.url("/threads/" + thread),
        app.url("/documents/" + document + "/revisions/1"), app.url("/talks/" + talk));
  }

  @Test
  @DisplayName("robots.txt keeps crawlers out of members', sign-in, admin, API and search pages and names the sitemap")
  void robots() {
    Response r = new Browser().get(app.url("/robots.txt"));
    assertEquals(200, r.status());
    assertThat(r.header("Content-Type")).startsWith("text/plain");
    assertThat(r.body().lines().toList()).contains("User-agent: *", "Disallow: /admin", "Disallow: /me",
        "Disallow: /auth", "Disallow: /api", "Disallow: /search", "Sitemap: " + app.url("/sitemap.xml"));
  }

  @Test
  @DisplayName("a closed or missing group's feed is the same 404")
  void closedGroupFeed() {
    String closed = ResultsFixtures.moderatedGroup(true);
    assertEquals(404, new Browser().get(app.url("/groups/" + closed + "/threads.atom")).status());
    assertEquals(404, new Browser().get(app.url("/groups/" + Fixtures.unique("none") + "/threads.atom")).status());
  }
}
