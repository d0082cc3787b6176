package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One rule for pages only members use (forms to write, edit, propose, close; the profile): an
 * anonymous GET is sent to sign in with {@code next=} the page, before anything is looked up, so
 * the answer is the same for a closed group's page, a public one and a missing one. (Anonymous
 * POSTs are refused with 403: a form cannot be carried through a sign-in.)
 */
class SignInRedirectTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("every members-only page redirects an anonymous visitor to sign in and back, whatever the page is about")
  void oneRule() {
    String closed = TestDatabase.text("SELECT slug FROM working_groups WHERE visibility = 'closed' ORDER BY id LIMIT 1");
    long thread = TestDatabase.count("""
        SELECT min(t.id) FROM threads t JOIN working_groups g ON g.id = t.group_id WHERE g.slug = 'reimbursement'""");
    long post = TestDatabase.count("SELECT min(id) FROM posts WHERE thread_id = ?", thread);
    long document = TestDatabase.count("""
        SELECT min(d.id) FROM documents d JOIN working_groups g ON g.id = d.group_id WHERE g.visibility = 'public'""");
    String talk = TestDatabase.text("SELECT slug FROM talks ORDER BY id LIMIT 1");
    List<String> pages = List.of(
        "/me",
        "/groups/new",
        "/groups/reimbursement/edit",
        "/groups/" + closed + "/edit",
        "/groups/no-such-group/edit",
        "/groups/reimbursement/threads/new",
        "/groups/" + closed + "/threads/new",
        "/threads/" + thread + "/reply",
        "/threads/" + thread + "/reply?quote=" + post,
        "/threads/" + thread + "/unread",
        "/posts/" + post + "/edit",
        "/posts/999999999/edit",
        "/groups/reimbursement/documents/new",
        "/documents/" + document + "/edit",
        "/documents/" + document + "/propose",
        "/talks/new",
        "/talks/" + talk + "/edit",
        "/talks/" + talk + "/close");
    Browser anonymous = new Browser();
    for (String page : pages) {
      Response r = anonymous.get(app.url(page));
      assertEquals(302, r.status(), page);
      assertEquals(app.url("/auth/login?next=" + java.net.URLEncoder.encode(page, java.nio.charset.StandardCharsets.UTF_8)
          .replace("%2F", "/")), r.location(), page);
    }
  }
}
