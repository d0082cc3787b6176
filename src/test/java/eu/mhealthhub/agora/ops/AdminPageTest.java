package eu.mhealthhub.agora.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The administration's front page and the site navigation that leads to it and to the public face. */
@DisplayName("Administration page and site navigation")
class AdminPageTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("an admin finds every site-wide tool on /admin, and each link opens for them")
  void adminFindsEveryTool() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Response page = admin.get(app.url("/admin"));
    assertEquals(200, page.status(), page.body());
    Document d = page.html();
    assertThat(d.select("main h1").text()).isEqualTo("Administration");
    List<String> links = d.select("main dl.admin-tools dt a").eachAttr("href");
    assertThat(links).containsExactly("/admin/review", "/admin/audit", "/admin/audit/summary", "/admin/network",
        "/admin/announcements", "/admin/network/import", "/admin/mail");
    assertThat(d.select("main dl.admin-tools dd")).hasSize(links.size()).allSatisfy(dd -> assertThat(dd.text()).isNotBlank());
    for (String link : links) {
      assertEquals(200, admin.get(app.url(link)).status(), link);
    }
    // the header links it on every page for an admin
    assertThat(admin.get(app.url("/groups")).html().select("nav.site-nav a[href=/admin]").text()).isEqualTo("Administration");
  }

  @Test
  @DisplayName("a member who is not an admin gets 403 and never sees the link, even on a page an admin saw first")
  void othersNeither() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Browser member = new Browser();
    app.signInNew(member, "Not Admin " + Fixtures.unique("na"), Fixtures.unique("na") + "@example.org");
    // the group list's shell is cached per look: an admin's view first, then a member's must not reuse it
    assertThat(admin.get(app.url("/groups")).html().select("a[href=/admin]")).hasSize(1);
    Document seen = member.get(app.url("/groups")).html();
    assertThat(seen.select("a[href=/admin]")).isEmpty();
    assertThat(seen.select("nav.site-nav a").eachAttr("href")).contains("/groups", "/talks", "/results", "/announcements");
    Response refused = member.get(app.url("/admin"));
    assertEquals(403, refused.status());
    Response visitor = new Browser().get(app.url("/admin"));
    assertEquals(302, visitor.status());
    assertThat(visitor.location()).endsWith("/auth/login?next=/admin");
  }

  @Test
  @DisplayName("the footer offers visitors the network's sign-up, and members not")
  void joinLink() {
    assertThat(new Browser().get(app.url("/")).html().select("footer a[href=/network/join]").text())
        .isEqualTo("Join our network");
    Browser member = new Browser();
    app.signInNew(member, "Footer " + Fixtures.unique("f"), Fixtures.unique("f") + "@example.org");
    assertThat(member.get(app.url("/")).html().select("footer a[href=/network/join]")).isEmpty();
  }

  @Test
  @DisplayName("the sitemap lists the network's sign-up, the announcements page and each announcement")
  void sitemapHasTheNetwork() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String title = "Sitemap news " + Fixtures.unique("s");
    Response sent = admin.post(app.url("/admin/announcements"), Map.of("_csrf", app.csrf(admin), "topic", "results",
        "titleEn", title, "bodyEn", "For the sitemap.", "action", "send"));
    assertEquals(303, sent.status(), sent.body());
    Document list = new Browser().get(app.url("/announcements")).html();
    String href = list.select("ul.announcements a:contains(" + title + ")").attr("href");
    assertThat(href).startsWith("/announcements/");
    String sitemap = new Browser().get(app.url("/sitemap.xml")).body();
    assertThat(sitemap).contains("<loc>" + app.url("/network/join") + "</loc>", "<loc>" + app.url("/announcements") + "</loc>",
        "<loc>" + app.url(href) + "</loc>");
  }
}
