package eu.mhealthhub.agora.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Issue 17 over HTTP: a round on two sections with a panel of five, its results, and a next round. */
class RoundStoryTest {

  private final TestApp app = TestApp.shared();

  private static String text(Element page, String selector) {
    Element e = page.selectFirst(selector);
    if (e == null) {
      throw new AssertionError("nothing matches " + selector);
    }
    return e.text();
  }

  @Test
  @DisplayName("a panel of five rates two sections (one recuses, one changes a rating); the moderator sees who, never what; "
      + "at close the figures are exact, and a next round shows each panellist the distribution and their own rating")
  void story() {
    RoundFixture f = new RoundFixture(app, false);
    long round = f.openRound(Map.of());
    long alpha = f.statementId(round, 1);
    long beta = f.statementId(round, 2);
    assertEquals(5, TestDatabase.count("SELECT count(*) FROM round_panellists WHERE round_id = ?", round));
    assertThat(TestDatabase.text("SELECT body FROM round_statements WHERE id = ?", alpha))
        .as("the section's text is frozen into the round").isEqualTo("Alpha: apps with evidence are reimbursed.");

    // a panellist sees each statement with its section context and a radio group on the 1-9 scale
    Document form = f.panel.get(0).get(app.url("/rounds/" + round)).html();
    Element first = form.selectFirst("#statement-" + alpha);
    assertThat(first.select(".statement-context a").attr("href")).endsWith("#s" + f.alphaKey);
    assertThat(first.select(".statement-context").text()).contains("Reimbursement");
    assertThat(first.select("fieldset.rating-scale input[type=radio][name=rating]")).hasSize(9);
    assertThat(form.select("table.distribution")).as("interim figures are hidden").isEmpty();

    // alpha: 8, 9, 7, 2 changed to 7, and a recusal; beta: 2 (with a reason), 8, 5, 7, 3
    String[][] alphaRatings = {{"8", ""}, {"9", ""}, {"7", ""}, {"2", ""}};
    for (int i = 0; i < 4; i++) {
      Response r = f.rate(f.panel.get(i), round, alpha, alphaRatings[i][0], alphaRatings[i][1]);
      assertEquals(303, r.status(), r.body());
    }
    assertEquals(303, f.recuse(f.panel.get(4), round, alpha).status());
    assertEquals(303, f.rate(f.panel.get(3), round, alpha, "7", "On reflection").status());
    String[] betaRatings = {"2", "8", "5", "7", "3"};
    for (int i = 0; i < 5; i++) {
      Response r = f.rate(f.panel.get(i), round, beta, betaRatings[i], i == 0 ? "Too costly for payers" : "");
      assertEquals(303, r.status(), r.body());
    }
    assertEquals(10, RoundFixture.ratings(round), "one answer per panellist and statement, the change replaced");
    assertEquals("7", TestDatabase.text("SELECT rating::text FROM round_ratings WHERE statement_id = ? AND member_id = ?",
        alpha, f.panelIds.get(3)));
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM round_ratings WHERE statement_id = ? AND member_id = ? AND recused AND rating IS NULL""",
        alpha, f.panelIds.get(4)));

    // the panellist's own page shows their answer checked
    Document mine = f.panel.get(3).get(app.url("/rounds/" + round)).html();
    assertThat(mine.select("#statement-" + alpha + " input[name=rating][checked]").attr("value")).isEqualTo("7");

    // the moderator sees who has rated, never what
    Document progress = f.moderator.get(app.url("/rounds/" + round)).html();
    assertThat(progress.select("table.round-raters tr.rater")).hasSize(5);
    assertThat(progress.select("table.round-raters tr.rater td:eq(1)").eachText()).containsOnly("2");
    assertThat(text(progress, "#round-progress")).contains("5 of 5");
    assertThat(progress.select("input[name=rating]")).as("no rating form for a moderator off the panel").isEmpty();
    assertThat(progress.select("table.distribution, .answered, .reasons")).as("nothing of what was rated").isEmpty();
    assertThat(progress.text()).doesNotContain("Too costly");
    assertEquals(409, f.moderator.get(app.url("/rounds/" + round + "/results")).status(), "results wait for the close");

    // close: the figures are exactly right
    Response closed = f.moderator.post(app.url("/rounds/" + round + "/close"), Map.of("_csrf", app.csrf(f.moderator)));
    assertEquals(303, closed.status(), closed.body());
    Document results = f.panel.get(0).get(app.url("/rounds/" + round + "/results")).html();
    Element a = results.selectFirst("#result-" + alpha);
    assertEquals("4", text(a, ".fig-count"));
    assertEquals("1", text(a, ".fig-recusals"));
    assertEquals("7.5", text(a, ".fig-median"));
    assertEquals("1.25 (7–8.25)", text(a, ".fig-iqr"));
    assertEquals("0 (0%)", text(a, ".fig-lower"));
    assertEquals("0 (0%)", text(a, ".fig-middle"));
    assertEquals("4 (100%)", text(a, ".fig-upper"));
    assertEquals("Consensus in favour", text(a, ".outcome"));
    Element b = results.selectFirst("#result-" + beta);
    assertEquals("5", text(b, ".fig-count"));
    assertEquals("5", text(b, ".fig-median"));
    assertEquals("4 (3–7)", text(b, ".fig-iqr"));
    assertEquals("2 (40%)", text(b, ".fig-lower"));
    assertEquals("1 (20%)", text(b, ".fig-middle"));
    assertEquals("2 (40%)", text(b, ".fig-upper"));
    assertEquals("No consensus", text(b, ".outcome"));
    assertThat(b.select("table.distribution tbody tr")).hasSize(9);
    assertThat(b.select("table.distribution tbody tr:eq(1) td").eachText()).containsExactly("1", "20%");
    assertThat(b.select(".reasons li").eachText()).containsExactly("Too costly for payers");
    assertThat(b.select(".reasons").text()).as("reasons are anonymous").doesNotContain("Panellist");
    Element svg = b.selectFirst("figure svg[role=img]");
    assertThat(svg.select("title").text()).isEqualTo("Distribution of ratings");
    assertThat(svg.select("desc").text()).contains("5 ratings", "rating 2: 1", "rating 8: 1");
    assertThat(svg.select("rect")).hasSize(9);
    assertThat(text(results, "#response-rate")).isEqualTo("5 of 5 panellists responded (100%).");
    assertThat(text(results, "#recusals")).isEqualTo("Recusals: 1");
    assertThat(results.select("#balance-type tbody tr").eachText())
        .anySatisfy(row -> assertThat(row).startsWith("Clinician").contains("2", "40%"));
    assertThat(results.select("#balance-type tr.under")).as("types under 25% of the panel are flagged").hasSize(3);
    assertThat(results.select("#balance-warning")).hasSize(1);
    assertThat(results.select("#balance-country tbody tr").eachText()).anySatisfy(row -> assertThat(row).startsWith("BE 2"));
    assertThat(results.select(".round-next")).as("only moderators continue").isEmpty();

    // the document page links the round and gives each section's latest outcome
    Document doc = f.panel.get(1).get(app.url("/documents/" + f.documentId)).html();
    assertThat(doc.select("#rounds .round-list a").attr("href")).isEqualTo("/rounds/" + round + "/results");
    assertThat(doc.select("#rounds .section-outcome").eachText()).containsExactly(
        "§" + f.alphaKey + ": Consensus in favour (round 1, median 7.5, 100% in the upper band)",
        "§" + f.betaKey + ": No consensus (round 1, median 5, 40% in the upper band)");
    assertThat(doc.select(".round-start")).as("only moderators start rounds").isEmpty();
    assertThat(f.moderator.get(app.url("/documents/" + f.documentId)).html().select(".round-start a").attr("href"))
        .isEqualTo("/documents/" + f.documentId + "/rounds/new");

    // the HTML and PDF exports carry the round: its rule, participation, recusals and each statement's figures
    Document export = f.panel.get(1).get(app.url("/documents/" + f.documentId + "/export.html")).html();
    Element exported = export.selectFirst("#round-" + round);
    assertThat(exported.text()).contains("at least 75% rate 7–9 and the median is at least 7",
        "5 of 5 panellists responded (100%).", "Recusals: 1");
    assertThat(exported.select("tbody tr").eachText()).containsExactly(
        "§" + f.alphaKey + " 4 1 7.5 1.25 0 (0%) 0 (0%) 4 (100%) 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 2, 8: 1, 9: 1 Consensus in favour",
        "§" + f.betaKey + " 5 0 5 4 2 (40%) 1 (20%) 2 (40%) 1: 0, 2: 1, 3: 1, 4: 0, 5: 1, 6: 0, 7: 1, 8: 1, 9: 0 No consensus");
    assertThat(exported.select("thead th").eachText()).contains("Rated 1–3", "Rated 4–6", "Rated 7–9");
    eu.mhealthhub.agora.support.Browser.Download pdf = f.panel.get(1).download(app.url("/documents/" + f.documentId
        + "/export.pdf"));
    assertEquals(200, pdf.status());
    assertThat(new String(pdf.bytes(), 0, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("%PDF-");

    // rating after the close: 409, nothing stored
    String before = RoundFixture.ratingState(round);
    Response late = f.rate(f.panel.get(0), round, beta, "9", "");
    assertEquals(409, late.status());
    assertThat(late.mainText()).contains("This round has closed");
    assertEquals(before, RoundFixture.ratingState(round));

    // a next round on the statement without consensus, reworded
    Document modResults = f.moderator.get(app.url("/rounds/" + round + "/results")).html();
    assertThat(modResults.select(".round-next textarea")).hasSize(1);
    Response next = f.moderator.post(app.url("/rounds/" + round + "/next"), Map.of("_csrf", app.csrf(f.moderator),
        "carry." + beta, "1", "text." + beta, "Beta: every app with a CE mark is reimbursed.",
        "deadline", RoundFixture.inDays(3)));
    assertEquals(303, next.status(), next.body());
    long round2 = RoundFixture.idFrom(next.location());
    assertEquals(303, f.moderator.post(app.url("/rounds/" + round2 + "/open"), Map.of("_csrf", app.csrf(f.moderator)))
        .status());
    long beta2 = f.statementId(round2, 1);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM round_statements WHERE round_id = ?", round2));
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM round_statements WHERE id = ? AND previous_id = ? AND reworded AND section_key = ?""",
        beta2, beta, f.betaKey), "the rewording is tracked and linked to the statement and its section");
    assertEquals(2, TestDatabase.count("SELECT number FROM consensus_rounds WHERE id = ?", round2));

    for (int i = 0; i < 5; i++) {
      Document page = f.panel.get(i).get(app.url("/rounds/" + round2)).html();
      Element previous = page.selectFirst("#statement-" + beta2 + " .statement-previous");
      assertThat(previous.select("table.previous-distribution tbody tr").eachText())
          .contains("2 1 20%", "3 1 20%", "5 1 20%", "7 1 20%", "8 1 20%", "1 0 0%");
      assertThat(text(previous, ".my-previous")).isEqualTo("Your rating then: " + betaRatings[i]);
      assertThat(previous.select(".previous-text").text()).contains("Beta: every app is reimbursed.");
      assertThat(page.select("#statement-" + beta2 + " .statement-text").text()).contains("CE mark");
    }
    // the audit log has every moderator action
    assertThat(TestDatabase.text("""
        SELECT string_agg(action, ',' ORDER BY id) FROM moderation_log WHERE target_type = 'round' AND target_id IN (?, ?)""",
        round, round2)).isEqualTo("round.create,round.open,round.close,round.next,round.open");
  }
}
