package eu.mhealthhub.agora.moderation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The audit log over HTTP: what it records, who may read it, its filters, its CSV and its yearly summary. */
class AuditLogTest {

  private final TestApp app = TestApp.shared();

  /** A group with a moderator (signed in in {@code mod}) and a member the moderator then removes with {@code reason}. */
  private record Scene(String slug, long groupId, Browser mod, long modId, String modHandle, long removedId) {}

  private Scene sceneWithRemoval(boolean closed, String reason) {
    String slug = Fixtures.unique("audited");
    long groupId = Fixtures.group(slug, closed, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Audrey Moderator", Fixtures.unique("audrey") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Rem Oved", Fixtures.unique("rem") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/members/" + memberId + "/remove"),
        Map.of("_csrf", app.csrf(mod), "reason", reason)).status());
    return new Scene(slug, groupId, mod, modId, Fixtures.handle(modId), memberId);
  }

  @Test
  @DisplayName("the database refuses to change, delete or truncate audit entries")
  void appendOnly() {
    Scene s = sceneWithRemoval(false, "Off-topic advertising");
    long id = TestDatabase.count("SELECT max(id) FROM moderation_log WHERE group_id = ?", s.groupId());
    IllegalStateException update = assertThrows(IllegalStateException.class,
        () -> TestDatabase.update("UPDATE moderation_log SET reason = 'nothing happened' WHERE id = ?", id));
    assertThat(update.getCause().getMessage()).contains("append-only");
    assertThrows(IllegalStateException.class, () -> TestDatabase.update("DELETE FROM moderation_log WHERE id = ?", id));
    assertThrows(IllegalStateException.class, () -> TestDatabase.update("TRUNCATE moderation_log"));
    assertEquals("Off-topic advertising", TestDatabase.text("SELECT reason FROM moderation_log WHERE id = ?", id),
        "the entry is unchanged");
  }

  @Test
  @DisplayName("a group's moderator reads who removed whom, when and why, newest first")
  void groupLogShowsTheAction() {
    Scene s = sceneWithRemoval(true, "Repeated self-promotion");
    Response page = s.mod().get(app.url("/groups/" + s.slug() + "/audit"));
    assertEquals(200, page.status());
    Document html = page.html();
    var removal = html.select("table.audit-log tr[data-action=member.remove]");
    assertThat(removal).hasSize(1);
    assertThat(removal.select("td.audit-reason").text()).isEqualTo("Repeated self-promotion");
    assertThat(removal.text()).contains("@" + s.modHandle()).contains("member " + s.removedId());
    assertThat(html.select("#audit-csv").attr("href")).isEqualTo("/groups/" + s.slug() + "/audit?format=csv");
  }

  @Test
  @DisplayName("filters narrow the log by kind of action, actor and date range; a bad filter is a 400")
  void filters() {
    Scene s = sceneWithRemoval(false, "Spam links");
    // an admin acts in the same group: a second actor and a second kind
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertEquals(303, admin.post(app.url("/groups/" + s.slug() + "/archive"),
        Map.of("_csrf", app.csrf(admin), "archived", "true")).status());
    String base = "/groups/" + s.slug() + "/audit";
    String adminHandle = Fixtures.handle(Fixtures.demoMember("demo-maria"));
    assertThat(s.mod().get(app.url(base)).html().select("table.audit-log tbody tr")).hasSize(2);
    assertThat(s.mod().get(app.url(base + "?kind=member")).html().select("table.audit-log tbody tr").eachAttr("data-action"))
        .containsExactly("member.remove");
    assertThat(s.mod().get(app.url(base + "?actor=@" + adminHandle)).html().select("table.audit-log tbody tr").eachAttr("data-action"))
        .containsExactly("group.archive");
    assertThat(s.mod().get(app.url(base + "?actor=" + s.modHandle())).html().select("table.audit-log tbody tr").eachAttr("data-action"))
        .containsExactly("member.remove");
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    assertThat(s.mod().get(app.url(base + "?from=" + today.minusDays(1) + "&to=" + today.plusDays(1)))
        .html().select("table.audit-log tbody tr")).hasSize(2);
    Document future = s.mod().get(app.url(base + "?from=" + today.plusDays(2))).html();
    assertThat(future.select("table.audit-log")).isEmpty();
    assertThat(future.select("p.empty").text()).isEqualTo("No entries match.");

    assertEquals(400, s.mod().get(app.url(base + "?kind=everything")).status());
    assertEquals(400, s.mod().get(app.url(base + "?from=yesterday")).status());
    assertEquals(400, s.mod().get(app.url(base + "?from=" + today + "&to=" + today.minusDays(3))).status());
    assertEquals(400, s.mod().get(app.url(base + "?actor=" + "%3Cscript%3E")).status());
  }

  @Test
  @DisplayName("a moderator of one group reads none of another group's log, members and visitors none, and only admins the site-wide log")
  void scope() {
    Scene a = sceneWithRemoval(false, "Reason in A");
    Scene publicB = sceneWithRemoval(false, "Reason in public B");
    Scene closedB = sceneWithRemoval(true, "Reason in closed B");
    assertEquals(403, a.mod().get(app.url("/groups/" + publicB.slug() + "/audit")).status());
    assertEquals(403, a.mod().get(app.url("/groups/" + publicB.slug() + "/audit?format=csv")).status());
    assertEquals(404, a.mod().get(app.url("/groups/" + closedB.slug() + "/audit")).status(), "a closed group stays invisible");
    assertEquals(404, a.mod().get(app.url("/groups/" + closedB.slug() + "/audit?format=csv")).status());
    assertEquals(404, a.mod().get(app.url("/groups/no-such-group-" + Fixtures.unique("x") + "/audit")).status());
    assertEquals(403, a.mod().get(app.url("/admin/audit")).status());
    assertEquals(403, a.mod().get(app.url("/admin/audit?format=csv")).status());
    assertEquals(403, a.mod().get(app.url("/admin/audit/summary")).status());

    Browser member = new Browser();
    long memberId = app.signInNew(member, "Plain Member", Fixtures.unique("plain") + "@example.org");
    Fixtures.member(a.groupId(), memberId, "member");
    assertEquals(403, member.get(app.url("/groups/" + a.slug() + "/audit")).status());

    Browser visitor = new Browser();
    Response anonymous = visitor.get(app.url("/groups/" + a.slug() + "/audit"));
    assertEquals(302, anonymous.status());
    assertThat(anonymous.header("Location")).startsWith("/auth/login");
    assertEquals(302, visitor.get(app.url("/admin/audit")).status());

    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertThat(admin.get(app.url("/groups/" + closedB.slug() + "/audit")).html().select("td.audit-reason").eachText())
        .containsExactly("Reason in closed B");
    Document site = admin.get(app.url("/admin/audit?actor=" + a.modHandle())).html();
    assertThat(site.select("td.audit-reason").eachText()).containsExactly("Reason in A");
  }

  @Test
  @DisplayName("the CSV export holds the filtered entries, quoted per RFC 4180, with formulas defused")
  void csvExport() {
    String reason = "=HYPERLINK(\"http://evil.example\",\"click\"), then more";
    Scene s = sceneWithRemoval(false, reason);
    Response r = s.mod().get(app.url("/groups/" + s.slug() + "/audit?format=csv&kind=member"));
    assertEquals(200, r.status());
    assertThat(r.header("Content-Type")).startsWith("text/csv");
    assertThat(r.header("Content-Disposition")).isEqualTo("attachment; filename=\"audit-" + s.slug() + ".csv\"");
    String[] lines = r.body().split("\r\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).startsWith("\"id\",\"time\",\"actor_handle\"");
    assertThat(lines[1]).contains("\"member.remove\"")
        .contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\"), then more\"")
        .contains("\"" + s.modHandle() + "\"");
    assertEquals("", lines[2], "every record ends in CRLF");
  }

  @Test
  @DisplayName("the yearly summary counts actions by kind and ground and the median time to decide a join request")
  void summary() {
    String slug = Fixtures.unique("summed");
    long groupId = Fixtures.group(slug, false, false);
    Browser asker = new Browser();
    long askerId = app.signInNew(asker, "Ask Er", Fixtures.unique("ask") + "@example.org");
    assertEquals(303, asker.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", app.csrf(asker), "message", "Hi")).status());
    long requestId = TestDatabase.count("SELECT id FROM group_join_requests WHERE group_id = ? AND member_id = ?", groupId, askerId);
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    int year = LocalDate.now(ZoneOffset.UTC).getYear();
    Document before = admin.get(app.url("/admin/audit/summary?year=" + year)).html();
    long approvals = count(before, "join.approve");
    long decided = Long.parseLong(before.select("#summary-join-count").text());

    assertEquals(303, admin.post(app.url("/groups/" + slug + "/requests/" + requestId),
        Map.of("_csrf", app.csrf(admin), "decision", "approve", "reason", "Welcome")).status());
    Document after = admin.get(app.url("/admin/audit/summary?year=" + year)).html();
    assertEquals(approvals + 1, count(after, "join.approve"));
    assertEquals(decided + 1, Long.parseLong(after.select("#summary-join-count").text()));
    assertThat(after.select("#summary-join-median").text()).endsWith("hours");
    assertThat(after.select("h1").text()).isEqualTo("Transparency summary " + year);

    Document empty = admin.get(app.url("/admin/audit/summary?year=2001")).html();
    assertThat(empty.select("#summary-join-median").text()).isEqualTo("No decisions this year");
    assertEquals(400, admin.get(app.url("/admin/audit/summary?year=soon")).status());
  }

  private static long count(Document summary, String action) {
    return summary.select("table.audit-summary tr[data-action=" + action + "] td.count").eachText().stream()
        .mapToLong(Long::parseLong).sum();
  }
}
