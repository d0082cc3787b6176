package eu.mhealthhub.agora.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 17's "Not done until": a two-round panel of ten over five statements, with the figures the
 * document page and its exports show, a racing double submission, and hidden interim results.
 */
class TwoRoundPanelTest {

  private final TestApp app = TestApp.shared();

  private static final String SECRET = "Interim reason nobody may read";

  // round 1, panellists 1..10
  private static final int[] A = {8, 8, 8, 9, 9, 7, 7, 8, 9, 8}; // median 8, 100% upper: for
  private static final int[] B = {1, 2, 1, 3, 2, 2, 1, 3, 2, 5}; // median 2, 90% lower: against
  private static final int[] C = {7, 8, 9, 7, 8, 9, 7, 8, 9, 4}; // median 8, 90% upper: for
  private static final int[] D = {5, 6, 7, 8, 3, 4, 5, 6, 7, 2}; // median 5.5: none
  private static final int[] E = {1, 9, 1, 9, 1, 9, 5, 5, 5, 5}; // median 5: none
  // round 2, panellists 1..9 (the tenth does not answer); D reworded, E carried as it was
  private static final int[] D2 = {7, 8, 8, 9, 7, 8, 8, 9, 7}; // median 8, 100% upper: for
  private static final int[] E2 = {2, 8, 3, 7, 5, 5, 6, 4, 9}; // median 5: none

  private static String distribution(int[] ratings) {
    return IntStream.rangeClosed(1, 9).mapToObj(v -> v + ": " + IntStream.of(ratings).filter(r -> r == v).count())
        .collect(Collectors.joining(", "));
  }

  private static String text(Element page, String selector) {
    Element e = page.selectFirst(selector);
    if (e == null) {
      throw new AssertionError("nothing matches " + selector);
    }
    return e.text();
  }

  @Test
  @DisplayName("ten panellists, five statements, two rounds: three reach consensus in round 1, one more in round 2 after "
      + "rewording, one never; the document page and its HTML and PDF exports show exactly that; a racing double submission "
      + "stores one rating; hidden interim results show through no path before the close")
  void twoRounds() throws Exception {
    String slug = Fixtures.unique("panel10");
    long groupId = Fixtures.group(slug, true, false);
    Browser moderator = new Browser();
    long modId = app.signInNew(moderator, "Panel Moderator", Fixtures.unique("pmod") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    List<Browser> panel = new ArrayList<>();
    List<String> handles = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Browser b = new Browser();
      long id = app.signInNew(b, "Panellist " + (i + 1), Fixtures.unique("p10") + "@example.org");
      Fixtures.member(groupId, id, "member");
      panel.add(b);
      handles.add(Fixtures.handle(id));
    }
    long documentId = DocumentStoryTest.create(app, moderator, slug, Fixtures.unique("Five statements"), """
        # Digital health apps

        Alpha: apps with evidence are reimbursed.

        Bravo: apps need no evidence at all.

        Charlie: patients see the evidence.

        Delta: payers decide within a year.

        Echo: every app is reimbursed.""");
    String body = moderator.get(app.url("/documents/" + documentId)).body();
    String[] names = {"Alpha", "Bravo", "Charlie", "Delta", "Echo"};
    int[] keys = new int[5];
    for (int i = 0; i < 5; i++) {
      keys[i] = DocumentStoryTest.sectionKey(body, names[i]);
    }

    // round 1 on the five sections, interim results hidden
    Response form = moderator.get(app.url("/documents/" + documentId + "/rounds/new"));
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"_csrf", form.inputValue("_csrf")});
    fields.add(new String[] {"revision", form.inputValue("revision")});
    for (int key : keys) {
      fields.add(new String[] {"section", Integer.toString(key)});
    }
    Map<String, String> settings = new HashMap<>(Map.of("title", "Panel on apps", "handles", String.join(", ", handles),
        "scale", "nine", "forShare", "75", "forFrom", "7", "forMedian", "7", "againstShare", "75", "againstTo", "3",
        "deadline", RoundFixture.inDays(2)));
    settings.putAll(Map.of("balanceThreshold", "10", "panel", "named", "showRaters", "1", "hideInterim", "1"));
    settings.forEach((k, v) -> fields.add(new String[] {k, v}));
    Response made = RoundFixture.postForm(moderator, app.url("/documents/" + documentId + "/rounds"), fields);
    assertEquals(303, made.status(), made.body());
    long round1 = RoundFixture.idFrom(made.location());
    assertEquals(303, moderator.post(app.url("/rounds/" + round1 + "/open"), Map.of("_csrf", app.csrf(moderator))).status());
    long[] s1 = new long[5];
    for (int i = 0; i < 5; i++) {
      s1[i] = TestDatabase.count("SELECT id FROM round_statements WHERE round_id = ? AND position = ?", round1, i + 1);
    }
    int[][] round1Ratings = {A, B, C, D, E};
    for (int p = 0; p < 10; p++) {
      for (int s = 0; s < 5; s++) {
        String reason = p == 0 && s == 3 ? SECRET : "";
        Response r = rate(panel.get(p), round1, s1[s], round1Ratings[s][p], reason);
        assertEquals(303, r.status(), r.body());
      }
    }
    assertEquals(50, RoundFixture.ratings(round1));

    // while open, nothing of what was rated shows: round page, results, document page, exports, live events
    Document open = panel.get(1).get(app.url("/rounds/" + round1)).html();
    assertThat(open.select("table.distribution, table.interim, .reasons")).isEmpty();
    assertThat(open.text()).doesNotContain(SECRET);
    Document modOpen = moderator.get(app.url("/rounds/" + round1)).html();
    assertThat(modOpen.select("table.distribution, table.interim, .reasons")).isEmpty();
    assertThat(modOpen.text()).doesNotContain(SECRET);
    assertEquals(409, panel.get(1).get(app.url("/rounds/" + round1 + "/results")).status());
    assertEquals(409, moderator.get(app.url("/rounds/" + round1 + "/results")).status());
    Document docOpen = panel.get(1).get(app.url("/documents/" + documentId)).html();
    assertThat(docOpen.select(".section-outcome, .section-consensus")).isEmpty();
    assertThat(docOpen.text()).doesNotContain(SECRET).doesNotContain("Consensus in favour");
    Document exportOpen = panel.get(1).get(app.url("/documents/" + documentId + "/export.html")).html();
    assertThat(exportOpen.select("#round-" + round1)).isEmpty();
    assertThat(exportOpen.text()).doesNotContain(SECRET).doesNotContain("Consensus in favour");
    assertThat(pdfText(panel.get(1), documentId)).doesNotContain(SECRET).doesNotContain("Consensus in favour");
    for (Browser viewer : List.of(moderator, panel.get(1))) {
      Response events = viewer.get(app.url("/live/events?address=round." + round1 + "&after=0"));
      assertEquals(200, events.status());
      assertThat(events.body()).doesNotContain(SECRET).doesNotContain("median").doesNotContain("rating\"");
    }
    for (Browser viewer : List.of(moderator, panel.get(1), panel.get(0))) {
      Response api = viewer.get(app.url("/api/v1/rounds/" + round1), "Accept", "application/json");
      assertEquals(200, api.status(), api.body());
      io.vertx.core.json.JsonArray statements = new io.vertx.core.json.JsonObject(api.body()).getJsonArray("statements");
      assertEquals(5, statements.size());
      for (int i = 0; i < 5; i++) {
        assertThat(statements.getJsonObject(i).getValue("interim")).as("no interim figures in the JSON API").isNull();
      }
      assertThat(api.body()).as("only the author's own answer carries the reason").matches(
          b -> viewer == panel.get(0) || !b.contains(SECRET));
      assertEquals(409, viewer.get(app.url("/api/v1/rounds/" + round1 + "/results"), "Accept", "application/json").status());
    }
    assertThat(TestDatabase.text("SELECT coalesce(string_agg(l::text, ' '), '') FROM live_events l WHERE address IN (?, ?)",
        "round." + round1, "document." + documentId)).doesNotContain(SECRET);

    assertEquals(303, moderator.post(app.url("/rounds/" + round1 + "/close"), Map.of("_csrf", app.csrf(moderator))).status());
    Document results1 = panel.get(2).get(app.url("/rounds/" + round1 + "/results")).html();
    String[] outcomes1 = {"Consensus in favour", "Consensus against", "Consensus in favour", "No consensus", "No consensus"};
    String[] medians1 = {"8", "2", "8", "5.5", "5"};
    for (int i = 0; i < 5; i++) {
      Element r = results1.selectFirst("#result-" + s1[i]);
      assertEquals(outcomes1[i], text(r, ".outcome"), names[i]);
      assertEquals(medians1[i], text(r, ".fig-median"), names[i]);
      assertEquals("10", text(r, ".fig-count"), names[i]);
    }
    assertThat(text(results1, "#response-rate")).isEqualTo("10 of 10 panellists responded (100%).");
    assertThat(results1.select(".reasons li").eachText()).containsExactly(SECRET);

    // round 2: Delta reworded, Echo as it was
    Response next = moderator.post(app.url("/rounds/" + round1 + "/next"), Map.of("_csrf", app.csrf(moderator),
        "carry." + s1[3], "1", "text." + s1[3], "Delta: payers decide within six months of a complete file.",
        "carry." + s1[4], "1", "text." + s1[4], "", "deadline", RoundFixture.inDays(3)));
    assertEquals(303, next.status(), next.body());
    long round2 = RoundFixture.idFrom(next.location());
    assertEquals(303, moderator.post(app.url("/rounds/" + round2 + "/open"), Map.of("_csrf", app.csrf(moderator))).status());
    long d2 = TestDatabase.count("SELECT id FROM round_statements WHERE round_id = ? AND position = 1", round2);
    long e2 = TestDatabase.count("SELECT id FROM round_statements WHERE round_id = ? AND position = 2", round2);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM round_statements WHERE id = ? AND reworded AND section_key = ?",
        d2, keys[3]));
    assertEquals(1, TestDatabase.count(
        "SELECT count(*) FROM round_statements WHERE id = ? AND NOT reworded AND section_key = ?", e2, keys[4]));

    // a racing double submission of the first panellist on Delta stores one rating
    Browser racer = panel.get(0);
    String token = app.csrf(racer);
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Integer>> racing = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      racing.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return racer.post(app.url("/rounds/" + round2 + "/statements/" + d2), Map.of("_csrf", token,
            "rating", Integer.toString(D2[0]), "reason", "")).status();
      }));
    }
    go.countDown();
    assertThat(racing.stream().map(CompletableFuture::join).toList()).containsOnly(303);
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM round_ratings WHERE statement_id = ?", d2));

    for (int p = 0; p < 9; p++) {
      if (p > 0) {
        assertEquals(303, rate(panel.get(p), round2, d2, D2[p], "").status());
      }
      assertEquals(303, rate(panel.get(p), round2, e2, E2[p], "").status());
    }
    assertEquals(18, RoundFixture.ratings(round2));
    assertEquals(409, panel.get(3).get(app.url("/rounds/" + round2 + "/results")).status());
    assertEquals(303, moderator.post(app.url("/rounds/" + round2 + "/close"), Map.of("_csrf", app.csrf(moderator))).status());
    Document results2 = panel.get(3).get(app.url("/rounds/" + round2 + "/results")).html();
    assertEquals("Consensus in favour", text(results2.selectFirst("#result-" + d2), ".outcome"));
    assertEquals("8", text(results2.selectFirst("#result-" + d2), ".fig-median"));
    assertEquals("No consensus", text(results2.selectFirst("#result-" + e2), ".outcome"));
    assertEquals("5", text(results2.selectFirst("#result-" + e2), ".fig-median"));
    assertThat(text(results2, "#response-rate")).isEqualTo("9 of 10 panellists responded (90%).");

    // the document page: each section's latest outcome, four with consensus, one without
    Document doc = panel.get(5).get(app.url("/documents/" + documentId)).html();
    assertThat(doc.select("#rounds .round-list a").eachAttr("href"))
        .containsExactlyInAnyOrder("/rounds/" + round1 + "/results", "/rounds/" + round2 + "/results");
    assertThat(doc.select("#rounds .section-outcome").eachText()).containsExactlyInAnyOrder(
        "§" + keys[0] + ": Consensus in favour (round 1, median 8, 100% in the upper band)",
        "§" + keys[1] + ": Consensus against (round 1, median 2, 0% in the upper band)",
        "§" + keys[2] + ": Consensus in favour (round 1, median 8, 90% in the upper band)",
        "§" + keys[3] + ": Consensus in favour (round 2, median 8, 100% in the upper band)",
        "§" + keys[4] + ": No consensus (round 2, median 5, 33.3% in the upper band)");
    assertThat(doc.select("#rounds .section-outcome.outcome-none")).hasSize(1);
    // and beside each section that reached consensus, in the text itself, a mark linking the round's results
    String[] marks = {"Consensus in favour, round 1: median 8, 100% in 7–9", "Consensus against, round 1: median 2, 90% in 1–3",
        "Consensus in favour, round 1: median 8, 90% in 7–9", "Consensus in favour, round 2: median 8, 100% in 7–9"};
    long[] markRounds = {round1, round1, round1, round2};
    for (int i = 0; i < 4; i++) {
      Element mark = doc.selectFirst("#document-text #s" + keys[i] + " .section-consensus a");
      assertThat(mark).as(names[i]).isNotNull();
      assertEquals(marks[i], mark.text(), names[i]);
      assertEquals("/rounds/" + markRounds[i] + "/results", mark.attr("href"));
    }
    assertThat(doc.select("#document-text #s" + keys[4] + " .section-consensus")).as("Echo never reached consensus").isEmpty();
    assertThat(doc.select("#document-text .section-consensus")).hasSize(4);
    assertThat(doc.text()).doesNotContain(SECRET);

    // the HTML export: both rounds, with participation, medians, IQRs, bands, distributions and outcomes
    Document export = panel.get(5).get(app.url("/documents/" + documentId + "/export.html")).html();
    Element e1 = export.selectFirst("#round-" + round1);
    assertThat(e1.text()).contains("at least 75% rate 7–9 and the median is at least 7",
        "10 of 10 panellists responded (100%).", "Recusals: 0");
    assertThat(e1.select("tbody tr").eachText()).containsExactly(
        "§" + keys[0] + " 10 0 8 0.75 0 (0%) 0 (0%) 10 (100%) " + distribution(A) + " Consensus in favour",
        "§" + keys[1] + " 10 0 2 1.5 9 (90%) 1 (10%) 0 (0%) " + distribution(B) + " Consensus against",
        "§" + keys[2] + " 10 0 8 1.75 0 (0%) 1 (10%) 9 (90%) " + distribution(C) + " Consensus in favour",
        "§" + keys[3] + " 10 0 5.5 2.5 2 (20%) 5 (50%) 3 (30%) " + distribution(D) + " No consensus",
        "§" + keys[4] + " 10 0 5 6 3 (30%) 4 (40%) 3 (30%) " + distribution(E) + " No consensus");
    Element e2Export = export.selectFirst("#round-" + round2);
    assertThat(e2Export.text()).contains("9 of 10 panellists responded (90%).");
    assertThat(e2Export.select("tbody tr").eachText()).containsExactly(
        "§" + keys[3] + " 9 0 8 1 0 (0%) 0 (0%) 9 (100%) " + distribution(D2) + " Consensus in favour",
        "§" + keys[4] + " 9 0 5 3 2 (22.2%) 4 (44.4%) 3 (33.3%) " + distribution(E2) + " No consensus");

    // the export marks the sections that reached consensus beside their text too, linking the round's table
    for (int i = 0; i < 4; i++) {
      assertThat(export.select("#s" + keys[i] + " .section-consensus a").eachText()).as(names[i]).containsExactly(marks[i]);
      assertEquals("#round-" + markRounds[i], export.selectFirst("#s" + keys[i] + " .section-consensus a").attr("href"));
    }
    assertThat(export.select("#s" + keys[4] + " .section-consensus")).isEmpty();

    // the PDF has the same rounds
    String pdf = pdfText(panel.get(5), documentId);
    assertThat(pdf).contains("10 of 10 panellists responded (100%).", "9 of 10 panellists responded (90%).",
        "Consensus against", marks[1]);
  }

  private Response rate(Browser b, long round, long statement, int rating, String reason) {
    return b.post(app.url("/rounds/" + round + "/statements/" + statement), Map.of("_csrf", app.csrf(b),
        "rating", Integer.toString(rating), "reason", reason));
  }

  private String pdfText(Browser b, long documentId) throws Exception {
    Browser.Download pdf = b.download(app.url("/documents/" + documentId + "/export.pdf"));
    assertEquals(200, pdf.status());
    try (PDDocument doc = Loader.loadPDF(pdf.bytes())) {
      return new PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
    }
  }
}
