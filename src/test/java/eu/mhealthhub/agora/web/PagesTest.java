package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pages of the foundation as members and visitors see them. */
class PagesTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("home lists the most active working groups (all on /groups) and the upcoming and recent Talks, with the development notice")
  void home() {
    Response r = new Browser().get(app.url("/"));
    assertEquals(200, r.status());
    assertEquals("text/html; charset=utf-8", r.header("content-type"));
    Document page = r.html();
    // the home page lists at most ten groups, the most active first (home/HomeGroupsTest); all are on /groups
    assertThat(page.select("#active-groups h3 a")).hasSizeBetween(1, 10);
    assertThat(page.select("a#all-groups").attr("href")).isEqualTo("/groups");
    assertThat(new Browser().get(app.url("/groups")).html().select("main a").eachText()).contains("Reimbursement and incentivisation schemes",
        "Clinical value and socio-economic assessment methods", "Integration into health systems, clinical pathways and EHRs");
    String main = page.select("main").text();
    assertThat(main).contains("You have an mHealth solution, how did you succeed?", "Who needs secondary use of health app data?");
    assertThat(main).as("an upcoming Talk").contains("Putting mHealth into clinical pathways");
    assertThat(main).as("the first Hub Talk's date, in the reader's locale").contains("April 12, 2023");
    assertThat(page.select(".dev-notice").text()).as("the development notice is on every page").contains("Development sign-in");
    assertThat(page.select("a.skip-link[href=#main]")).hasSize(1);
    assertThat(page.select("main#main")).hasSize(1);
    assertThat(page.select("[role=search]")).isNotEmpty();
    assertThat(page.select("a[href=/privacy]")).isNotEmpty();
    assertThat(page.select("a[href=/accessibility]")).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/groups/convenors", "/groups/convenors/threads/1", "/groups/no-such-group"})
  @DisplayName("a closed group answers non-members exactly as a group that does not exist")
  void closedGroupLooksAbsent(String path) {
    Browser outsider = new Browser();
    app.signIn(outsider, "demo-jonas");
    Response missing = outsider.get(app.url("/groups/no-such-group"));
    Response r = outsider.get(app.url(path));
    assertEquals(404, r.status());
    assertEquals(visible(missing.body()), visible(r.body()), "same title, same page");
    Response anonymous = new Browser().get(app.url(path));
    assertEquals(404, anonymous.status());
    assertThat(anonymous.body()).doesNotContain("Convenors");
  }

  /** The title and the main content: what differs between two 404s besides the address they were asked at. */
  private static String visible(String html) {
    return html.substring(html.indexOf("<title>"), html.indexOf("</title>"))
        + html.substring(html.indexOf("<main"), html.indexOf("</main>"));
  }

  @Test
  @DisplayName("a closed group's name and threads appear nowhere for non-members, and everywhere for members")
  void closedGroupLeaksNowhere() {
    Browser outsider = new Browser();
    app.signIn(outsider, "demo-jonas");
    for (String path : List.of("/", "/groups", "/search?q=agenda", "/search?q=plenary")) {
      assertThat(outsider.get(app.url(path)).body()).as(path).doesNotContain("Convenors").doesNotContain("spring plenary");
    }
    Browser member = new Browser();
    app.signIn(member, "demo-pieter");
    assertThat(member.get(app.url("/groups")).html().select("main a").eachText()).contains("Convenors' room");
    Response group = member.get(app.url("/groups/convenors"));
    assertEquals(200, group.status());
    assertThat(group.html().select("main a").eachText()).contains("Agenda for the spring plenary");
    assertThat(member.get(app.url("/search?q=plenary")).html().select("main a").eachText()).contains("Agenda for the spring plenary");
  }

  @Test
  @DisplayName("search finds thread titles in readable groups and keeps the query in the box")
  void search() {
    Response r = new Browser().get(app.url("/search?q=FHIR"));
    assertEquals(200, r.status());
    assertThat(r.html().select("main a").eachText()).contains("FHIR profiles for app-generated observations");
    assertThat(r.html().select("input[name=q]").eachAttr("value")).as("the query stays in the box").contains("FHIR");
    Response odd = new Browser().get(app.url("/search?q=%25_%5C%27%3Cscript%3E"));
    assertEquals(200, odd.status());
    assertThat(odd.body()).as("the query is escaped").doesNotContain("<script>");
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 403, 404, 409, 429, 500})
  @DisplayName("error pages render in the layout with a readable message and never a stack trace")
  void errorPages(int status) {
    String path = status == 404 ? "/no/such/page" : "/test/fail/" + status;
    Response r = new Browser().get(app.url(path));
    assertEquals(status, r.status());
    assertTrue(r.header("content-type").startsWith("text/html"));
    assertThat(r.html().select("main#main")).as("in the layout").hasSize(1);
    assertThat(r.html().select("main h1").text()).as("a readable heading").isNotBlank();
    assertThat(r.body()).doesNotContain("secret internal detail").doesNotContain("Exception").doesNotContain("at eu.mhealthhub");
    if (status == 500) {
      assertThat(r.mainText()).as("a 500 carries an id to quote").contains("Reference for the Hub team");
    }
  }

  @Test
  @DisplayName("JSON clients get JSON errors with the same status")
  void jsonErrors() {
    for (int status : new int[] {404, 429, 500}) {
      String path = status == 404 ? "/api/v1/nothing" : "/test/fail/" + status;
      Response r = new Browser().get(app.url(path), "Accept", "application/json");
      assertEquals(status, r.status());
      assertTrue(r.header("content-type").startsWith("application/json"));
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertEquals(status, error.getInteger("status"));
      assertFalse(error.getString("message").isBlank());
      assertFalse(r.body().contains("secret internal detail"));
    }
  }

  @Test
  @DisplayName("a request with an unsupported method gets 405 and a page, not a stack trace")
  void methodNotAllowed() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-jonas");
    Response r = browser.post(app.url("/privacy"), Map.of("_csrf", app.csrf(browser)));
    assertTrue(r.status() == 405 || r.status() == 404, "status " + r.status());
    assertThat(r.html().select("main#main")).as("an error page in the layout").hasSize(1);
  }

  @Test
  @DisplayName("the language follows Accept-Language, then the visitor's choice, then the member's profile")
  void languages() {
    Browser french = new Browser().acceptLanguage("fr-BE,fr;q=0.9,en;q=0.5");
    Response fr = french.get(app.url("/"));
    assertThat(fr.html().select("html").attr("lang")).isEqualTo("fr");
    assertThat(fr.html().text()).contains("Groupes de travail");
    assertThat(fr.mainText()).as("dates in the reader's locale").contains("12 avril 2023");

    Response choose = french.get(app.url("/language?lang=de&next=/talks"));
    assertEquals(303, choose.status());
    assertEquals(app.url("/talks"), choose.location());
    assertThat(french.get(app.url("/talks")).html().select("html").attr("lang")).as("the cookie choice wins over the header")
        .isEqualTo("de");
    assertEquals(app.url("/"), french.get(app.url("/language?lang=de&next=//evil.example")).location());

    Browser member = new Browser().acceptLanguage("de");
    app.signIn(member, "demo-sofia");
    String token = app.csrf(member);
    member.post(app.url("/me/language"), Map.of("_csrf", token, "lang", "fr", "next", "/"));
    assertThat(member.get(app.url("/")).html().select("html").attr("lang")).as("the profile wins over the browser")
        .isEqualTo("fr");
    member.post(app.url("/me/language"), Map.of("_csrf", token, "lang", "", "next", "/"));
    assertThat(member.get(app.url("/")).html().select("html").attr("lang")).as("back to following the browser")
        .isEqualTo("de");
    assertEquals(null, TestDatabase.text("SELECT locale FROM members WHERE subject = 'demo-sofia'"));
  }

  @Test
  @DisplayName("times show in the member's time zone")
  void timeZones() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-lukas");
    String token = app.csrf(browser);
    assertThat(browser.get(app.url("/talks/mhealth-solution-success")).mainText()).as("Brussels time by default")
        .contains("2:00 PM CEST");
    Response saved = browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", "Lukas Weber",
        "email", "lukas.weber@agora.example", "locale", "", "timeZone", "America/New_York"));
    assertEquals(303, saved.status());
    assertThat(browser.get(app.url("/talks/mhealth-solution-success")).mainText()).contains("8:00 AM EDT");
    browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", "Lukas Weber",
        "email", "lukas.weber@agora.example", "locale", "", "timeZone", ""));
  }

  @Test
  @DisplayName("the member edits the name and asks for another e-mail address; bad input re-renders the form with the input and changes nothing")
  void profile() {
    Browser browser = new Browser();
    app.signIn(browser, "demo-elena");
    String token = app.csrf(browser);
    String before = TestDatabase.text("SELECT display_name || '|' || email FROM members WHERE subject = 'demo-elena'");

    Response bad = browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", "  ",
        "email", "not-an-address", "locale", "xx", "timeZone", "Mars/Olympus"));
    assertEquals(400, bad.status());
    Document badPage = bad.html();
    assertThat(badPage.select(".field-error").eachText()).contains("Enter the name other members will see.",
        "Enter an e-mail address like name@example.org.");
    assertThat(badPage.select("input#email").attr("value")).as("the input is kept").isEqualTo("not-an-address");
    assertThat(badPage.select("[aria-invalid=true]")).isNotEmpty();
    assertEquals(before, TestDatabase.text("SELECT display_name || '|' || email FROM members WHERE subject = 'demo-elena'"));

    Response tooLong = browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", "E".repeat(81)));
    assertEquals(400, tooLong.status());
    assertThat(tooLong.html().select("#displayName-error").text()).contains("at most 80 characters");

    Response ok = browser.post(app.url("/me"), Map.of("_csrf", token, "displayName", "Elena Rossi-Bianchi",
        "email", "elena@patients.example", "locale", "", "timeZone", ""));
    assertEquals(303, ok.status());
    assertThat(browser.follow(ok).html().select(".notice[role=status]").text()).contains("Your profile was saved.");
    assertThat(browser.get(app.url("/")).html().text()).contains("Elena Rossi-Bianchi");

    app.signIn(new Browser(), "demo-elena");
    assertEquals("Elena Rossi-Bianchi|elena.rossi@agora.example",
        TestDatabase.text("SELECT display_name || '|' || email FROM members WHERE subject = 'demo-elena'"),
        "signing in again keeps what the member chose; the new e-mail address waits for its confirmation (SettingsTest)");
    TestDatabase.update("UPDATE members SET display_name = 'Elena Rossi', email = 'elena.rossi@agora.example', "
        + "email_edited = false WHERE subject = 'demo-elena'");
  }

  @Test
  @DisplayName("the profile page asks an anonymous visitor to sign in first")
  void profileNeedsSignIn() {
    Response r = new Browser().get(app.url("/me"));
    assertEquals(302, r.status());
    assertTrue(r.location().endsWith("/auth/login?next=/me"));
  }
}
