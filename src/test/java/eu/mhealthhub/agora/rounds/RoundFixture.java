package eu.mhealthhub.agora.rounds;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A group with a moderator, five panellists and one member who is not on the panel, and a document
 * with two statements, made through the pages; rounds are made and driven over HTTP.
 */
public final class RoundFixture {

  public final TestApp app;
  public final String slug;
  public final long groupId;
  public final Browser moderator = new Browser();
  public final List<Browser> panel = new ArrayList<>();
  public final List<Long> panelIds = new ArrayList<>();
  final List<String> handles = new ArrayList<>();
  public final Browser outsider = new Browser();
  public final long documentId;
  final int alphaKey;
  final int betaKey;

  /** Stakeholder types and countries of the five panellists, for the balance breakdown. */
  static final String[][] PROFILES = {{"clinician", "BE"}, {"clinician", "FR"}, {"payer", "DE"}, {"patient", "BE"},
      {"industry", null}};

  public RoundFixture(TestApp app, boolean closedGroup) {
    this.app = app;
    slug = Fixtures.unique("rounds");
    groupId = Fixtures.group(slug, closedGroup, false);
    long modId = app.signInNew(moderator, "Round Moderator", Fixtures.unique("rmod") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    for (int i = 0; i < 5; i++) {
      Browser b = new Browser();
      long id = app.signInNew(b, "Panellist " + (i + 1), Fixtures.unique("panel") + "@example.org");
      Fixtures.member(groupId, id, "member");
      TestDatabase.update("UPDATE members SET stakeholder_type = ?, country = ? WHERE id = ?", PROFILES[i][0],
          PROFILES[i][1], id);
      panel.add(b);
      panelIds.add(id);
      handles.add(Fixtures.handle(id));
    }
    long outsiderId = app.signInNew(outsider, "Not On Panel", Fixtures.unique("out") + "@example.org");
    Fixtures.member(groupId, outsiderId, "member");
    documentId = DocumentStoryTest.create(app, moderator, slug, Fixtures.unique("Statements"),
        "# Reimbursement\n\nAlpha: apps with evidence are reimbursed.\n\nBeta: every app is reimbursed.");
    String page = moderator.get(app.url("/documents/" + documentId)).body();
    alphaKey = DocumentStoryTest.sectionKey(page, "Alpha");
    betaKey = DocumentStoryTest.sectionKey(page, "Beta");
  }

  static String inDays(int days) {
    return LocalDateTime.now().plusDays(days).withSecond(0).withNano(0).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
  }

  /** Posts a form with repeated fields, as a browser sends checkboxes of one name. */
  static Response postForm(Browser b, String url, List<String[]> fields) {
    String body = fields.stream().map(f -> URLEncoder.encode(f[0], StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(f[1], StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    return b.request("POST", url, "application/x-www-form-urlencoded", body);
  }

  /** The fields of a new round on both sections, the panel named by handle, with the defaults; {@code extra} adds or overrides. */
  List<String[]> roundFields(Map<String, String> extra) {
    Response form = moderator.get(app.url("/documents/" + documentId + "/rounds/new"));
    assertEquals(200, form.status(), form.body());
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {"_csrf", form.inputValue("_csrf")});
    f.add(new String[] {"revision", form.inputValue("revision")});
    f.add(new String[] {"section", Integer.toString(alphaKey)});
    f.add(new String[] {"section", Integer.toString(betaKey)});
    Map<String, String> defaults = new java.util.LinkedHashMap<>(Map.of("title", "Round on reimbursement",
        "handles", String.join(", ", handles), "scale", "nine", "forShare", "75", "forFrom", "7", "forMedian", "7",
        "againstShare", "75", "againstTo", "3", "deadline", inDays(2), "balanceThreshold", "25"));
    defaults.putAll(Map.of("panel", "named", "showRaters", "1", "hideInterim", "1"));
    defaults.putAll(extra);
    // an unticked checkbox is not sent at all
    java.util.Set<String> checkboxes = java.util.Set.of("showRaters", "hideInterim", "reasonsRequired");
    defaults.forEach((k, v) -> {
      if (!(checkboxes.contains(k) && v.isEmpty())) {
        f.add(new String[] {k, v});
      }
    });
    return f;
  }

  public Response createRound(Map<String, String> extra) {
    return postForm(moderator, app.url("/documents/" + documentId + "/rounds"), roundFields(extra));
  }

  public static long idFrom(String location) {
    Matcher m = Pattern.compile("/rounds/(\\d+)").matcher(location);
    if (!m.find()) {
      throw new AssertionError("no round in " + location);
    }
    return Long.parseLong(m.group(1));
  }

  /** A round made and opened; returns its id. */
  public long openRound(Map<String, String> extra) {
    Response made = createRound(extra);
    assertEquals(303, made.status(), made.body());
    long id = idFrom(made.location());
    Response opened = moderator.post(app.url("/rounds/" + id + "/open"), Map.of("_csrf", app.csrf(moderator)));
    assertEquals(303, opened.status(), opened.body());
    return id;
  }

  public long statementId(long roundId, int position) {
    return TestDatabase.count("SELECT id FROM round_statements WHERE round_id = ? AND position = ?", roundId, position);
  }

  Response rate(Browser b, long roundId, long statementId, String rating, String reason) {
    return b.post(app.url("/rounds/" + roundId + "/statements/" + statementId), Map.of("_csrf", app.csrf(b),
        "rating", rating, "reason", reason));
  }

  Response recuse(Browser b, long roundId, long statementId) {
    return b.post(app.url("/rounds/" + roundId + "/statements/" + statementId), Map.of("_csrf", app.csrf(b),
        "recuse", "1", "reason", ""));
  }

  public static long ratings(long roundId) {
    return TestDatabase.count("SELECT count(*) FROM round_ratings WHERE round_id = ?", roundId);
  }

  static String ratingState(long roundId) {
    return TestDatabase.text("""
        SELECT coalesce(string_agg(statement_id || ':' || member_id || ':' || coalesce(rating::text, 'r') || ':' || reason,
               ',' ORDER BY statement_id, member_id), '') FROM round_ratings WHERE round_id = ?""", roundId);
  }
}
