package eu.mhealthhub.agora.group;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Joining, asking, deciding, appointing, and running groups, over HTTP. */
class GroupMembershipTest {

  private final TestApp app = TestApp.shared();

  private static long role(long groupId, long memberId) {
    return TestDatabase.count("SELECT count(*) FROM group_memberships WHERE group_id = ? AND member_id = ?", groupId, memberId);
  }

  @Test
  @DisplayName("a member joins an open group and leaves it again")
  void joinAndLeave() {
    String slug = Fixtures.unique("open");
    long groupId = Fixtures.group(slug, false, true);
    Browser b = new Browser();
    long me = app.signInNew(b, "Jo Joiner", Fixtures.unique("jo") + "@example.org");
    String csrf = app.csrf(b);
    assertThat(b.get(app.url("/groups/" + slug)).html().select("form[action=/groups/" + slug + "/join] button").eachText())
        .contains("Join group");
    assertEquals(303, b.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", csrf)).status());
    assertEquals(1, role(groupId, me));
    assertEquals(409, b.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", csrf)).status(), "already a member");
    assertThat(b.get(app.url("/groups/" + slug)).html().select("form[action=/groups/" + slug + "/leave] button").eachText())
        .contains("Leave group");
    assertEquals(303, b.post(app.url("/groups/" + slug + "/leave"), Map.of("_csrf", csrf)).status());
    assertEquals(0, role(groupId, me));
    assertEquals(409, b.post(app.url("/groups/" + slug + "/leave"), Map.of("_csrf", csrf)).status());
  }

  @Test
  @DisplayName("joining by request: the moderator declines with a reason the requester sees, then approves")
  void requestDeclineApprove() {
    String slug = Fixtures.unique("byrequest");
    long groupId = Fixtures.group(slug, false, false);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Mo Derator", Fixtures.unique("mo") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser asker = new Browser();
    long askerId = app.signInNew(asker, "Ask Er", Fixtures.unique("ask") + "@example.org");
    String csrf = app.csrf(asker);

    assertThat(asker.get(app.url("/groups/" + slug)).html().select("form[action=/groups/" + slug + "/join] button").eachText())
        .contains("Ask to join");
    assertEquals(303, asker.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", csrf, "message", "I work on HTA.")).status());
    assertEquals(0, role(groupId, askerId), "not a member before a moderator decides");
    assertThat(asker.get(app.url("/groups/" + slug)).html().select("p.notice").text()).contains("waiting for a moderator");
    asker.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", csrf, "message", "again"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM group_join_requests WHERE group_id = ? AND decision IS NULL", groupId),
        "one open request, however often asked");

    Response members = mod.get(app.url("/groups/" + slug + "/members"));
    assertThat(members.html().select("ul.requests").text()).contains("I work on HTA.");
    long requestId = TestDatabase.count("SELECT id FROM group_join_requests WHERE group_id = ? AND member_id = ?", groupId, askerId);
    String modCsrf = app.csrf(mod);

    Browser stranger = new Browser();
    app.signIn(stranger, "demo-lukas");
    assertEquals(403, stranger.post(app.url("/groups/" + slug + "/requests/" + requestId),
        Map.of("_csrf", app.csrf(stranger), "decision", "approve")).status(), "only its moderators decide");

    assertEquals(303, mod.post(app.url("/groups/" + slug + "/requests/" + requestId),
        Map.of("_csrf", modCsrf, "decision", "decline", "reason", "Please declare your interests first.")).status());
    String declined = asker.get(app.url("/groups/" + slug)).html().select("p.notice").text();
    assertThat(declined).contains("Your request to join was declined.").contains("Please declare your interests first.");
    assertEquals(404, mod.post(app.url("/groups/" + slug + "/requests/" + requestId),
        Map.of("_csrf", modCsrf, "decision", "approve")).status(), "a decided request cannot be decided again");

    asker.post(app.url("/groups/" + slug + "/join"), Map.of("_csrf", csrf, "message", "Declared now."));
    long second = TestDatabase.count("SELECT id FROM group_join_requests WHERE group_id = ? AND decision IS NULL", groupId);
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/requests/" + second),
        Map.of("_csrf", modCsrf, "decision", "approve")).status());
    assertEquals(1, role(groupId, askerId));
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE group_id = ? AND action LIKE 'join.%'", groupId));
  }

  @Test
  @DisplayName("moderators appoint moderators in their own group only, and add members to a closed group by handle")
  void rolesAndAdding() {
    String slug = Fixtures.unique("closed");
    long groupId = Fixtures.group(slug, true, false);
    String otherSlug = Fixtures.unique("other");
    long otherId = Fixtures.group(otherSlug, false, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Clo Mod", Fixtures.unique("clo") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser otherMod = new Browser();
    long otherModId = app.signInNew(otherMod, "Oth Mod", Fixtures.unique("oth") + "@example.org");
    Fixtures.member(otherId, otherModId, "moderator");
    Browser newcomer = new Browser();
    long newId = app.signInNew(newcomer, "Nia Newcomer", Fixtures.unique("nia") + "@example.org");
    String handle = Fixtures.handle(newId);

    assertEquals(404, newcomer.get(app.url("/groups/" + slug)).status());
    String csrf = app.csrf(mod);
    Response unknown = mod.post(app.url("/groups/" + slug + "/members"), Map.of("_csrf", csrf, "handle", "@nobody-such"));
    assertEquals(400, unknown.status());
    assertThat(unknown.mainText()).contains("No member has the handle @nobody-such.");
    assertEquals(303, mod.post(app.url("/groups/" + slug + "/members"), Map.of("_csrf", csrf, "handle", "@" + handle)).status());
    assertEquals(200, newcomer.get(app.url("/groups/" + slug)).status(), "a member now reads the closed group");

    assertEquals(404, otherMod.post(app.url("/groups/" + slug + "/members/" + newId + "/role"),
        Map.of("_csrf", app.csrf(otherMod), "role", "moderator")).status(), "another group's moderator: the group does not exist for them");
    Fixtures.member(groupId, otherModId, "member");
    assertEquals(403, otherMod.post(app.url("/groups/" + slug + "/members/" + newId + "/role"),
        Map.of("_csrf", app.csrf(otherMod), "role", "moderator")).status(), "a plain member cannot appoint");

    assertEquals(303, mod.post(app.url("/groups/" + slug + "/members/" + newId + "/role"),
        Map.of("_csrf", csrf, "role", "moderator")).status());
    assertEquals("moderator", TestDatabase.text("SELECT role FROM group_memberships WHERE group_id = ? AND member_id = ?", groupId, newId));
    assertThat(newcomer.get(app.url("/groups/" + slug + "/members")).html().select("h2#requests-heading").text())
        .as("the new moderator sees the moderators' tools").isEqualTo("Requests to join");
  }

  @Test
  @DisplayName("admins create, edit and archive groups; others cannot; a taken address is a clear conflict")
  void administration() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String csrf = app.csrf(admin);
    String slug = Fixtures.unique("made");
    Response bad = admin.post(app.url("/groups"), Map.of("_csrf", csrf, "slug", "Not A Slug!", "name", "", "purpose", "p",
        "visibility", "public", "joinPolicy", "open"));
    assertEquals(400, bad.status());
    assertThat(bad.mainText()).contains("single hyphens");
    assertThat(bad.html().select("input[name=slug]").val()).as("input kept").isIn("Not A Slug!", "not a slug!");

    Response made = admin.post(app.url("/groups"), Map.of("_csrf", csrf, "slug", slug, "name", "Data altruism",
        "purpose", "Secondary use of app data", "visibility", "public", "joinPolicy", "request"));
    assertEquals(303, made.status(), made.body());
    assertThat(admin.get(app.url("/groups/" + slug)).html().select("h1").text()).contains("Data altruism");
    Response taken = admin.post(app.url("/groups"), Map.of("_csrf", csrf, "slug", slug, "name", "Again",
        "purpose", "", "visibility", "public", "joinPolicy", "open"));
    assertEquals(409, taken.status());
    assertThat(taken.mainText()).contains("Another group already uses this address.");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM working_groups WHERE slug = ?", slug));

    assertEquals(303, admin.post(app.url("/groups/" + slug + "/edit"), Map.of("_csrf", csrf, "name", "Data altruism and reuse",
        "purpose", "Secondary use", "visibility", "closed", "joinPolicy", "request")).status());
    assertEquals("closed", TestDatabase.text("SELECT visibility FROM working_groups WHERE slug = ?", slug));

    Browser member = new Browser();
    app.signIn(member, "demo-jonas");
    assertEquals(404, member.get(app.url("/groups/" + slug + "/edit")).status(), "closed now, and he is not a member");
    assertEquals(403, member.post(app.url("/groups"), Map.of("_csrf", app.csrf(member), "slug", Fixtures.unique("x"),
        "name", "Mine", "visibility", "public", "joinPolicy", "open")).status());
    assertEquals(403, member.get(app.url("/groups/reimbursement/edit")).status());

    assertEquals(303, admin.post(app.url("/groups/" + slug + "/archive"), Map.of("_csrf", csrf, "archived", "true")).status());
    assertThat(admin.get(app.url("/groups")).body()).as("archived groups leave the list").doesNotContain("Data altruism and reuse");
    assertThat(admin.get(app.url("/groups/" + slug)).html().select("p.notice").text()).contains("This group is archived");
    assertEquals(3, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE action IN ('group.create', 'group.edit', 'group.archive') "
        + "AND group_id = (SELECT id FROM working_groups WHERE slug = ?)", slug));
  }

  @Test
  @DisplayName("removing members: only moderators, never oneself, a moderator only by an admin, always with a reason; refusals change nothing")
  void removalRules() {
    String slug = Fixtures.unique("removals");
    long groupId = Fixtures.group(slug, false, true);
    Browser mod = new Browser();
    long modId = app.signInNew(mod, "Rem Oderator", Fixtures.unique("rem") + "@example.org");
    Fixtures.member(groupId, modId, "moderator");
    Browser peer = new Browser();
    long peerId = app.signInNew(peer, "Pe Ermod", Fixtures.unique("peer") + "@example.org");
    Fixtures.member(groupId, peerId, "moderator");
    Browser member = new Browser();
    long memberId = app.signInNew(member, "Mem Ber", Fixtures.unique("mem") + "@example.org");
    Fixtures.member(groupId, memberId, "member");
    String modCsrf = app.csrf(mod);
    String removeMember = "/groups/" + slug + "/members/" + memberId + "/remove";
    long logged = TestDatabase.count("SELECT count(*) FROM moderation_log WHERE group_id = ?", groupId);

    org.jsoup.nodes.Document page = org.jsoup.Jsoup.parse(mod.get(app.url("/groups/" + slug + "/members")).body());
    assertEquals(2, page.select("form[action$=/remove]").size(), "a remove form for everyone but oneself");
    assertTrue(page.select("form[action=/groups/" + slug + "/members/" + modId + "/remove]").isEmpty());
    assertEquals(1, page.select("form[action=" + removeMember + "] textarea[name=reason][required]").size());

    assertEquals(403, member.post(app.url("/groups/" + slug + "/members/" + peerId + "/remove"),
        Map.of("_csrf", app.csrf(member), "reason", "Coup")).status(), "a member may not remove anyone");
    assertEquals(400, mod.post(app.url(removeMember), Map.of("_csrf", modCsrf, "reason", "")).status(), "a reason is required");
    assertEquals(400, mod.post(app.url(removeMember), Map.of("_csrf", modCsrf, "reason", "x".repeat(1001))).status());
    assertEquals(400, mod.post(app.url("/groups/" + slug + "/members/" + modId + "/remove"),
        Map.of("_csrf", modCsrf, "reason", "Bye")).status(), "not oneself");
    assertEquals(403, mod.post(app.url("/groups/" + slug + "/members/" + peerId + "/remove"),
        Map.of("_csrf", modCsrf, "reason", "Rival")).status(), "a moderator is removed only by an admin");
    assertEquals(1, role(groupId, memberId));
    assertEquals(1, role(groupId, peerId));
    assertEquals(logged, TestDatabase.count("SELECT count(*) FROM moderation_log WHERE group_id = ?", groupId), "refusals log nothing");

    assertEquals(303, mod.post(app.url(removeMember), Map.of("_csrf", modCsrf, "reason", "Repeated self-promotion")).status());
    assertEquals(0, role(groupId, memberId));
    assertEquals(404, mod.post(app.url(removeMember), Map.of("_csrf", modCsrf, "reason", "Again")).status(), "no longer a member");
    assertEquals(1, TestDatabase.count("""
        SELECT count(*) FROM moderation_log WHERE group_id = ? AND action = 'member.remove' AND actor_id = ? AND target_id = ?
           AND detail = 'Repeated self-promotion'""", groupId, modId, memberId));

    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    assertEquals(303, admin.post(app.url("/groups/" + slug + "/members/" + peerId + "/remove"),
        Map.of("_csrf", app.csrf(admin), "reason", "Stepped down and asked to leave")).status(), "an admin removes a moderator");
    assertEquals(0, role(groupId, peerId));
  }
}
