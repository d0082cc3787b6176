package eu.mhealthhub.agora.thread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every route of the forum, for every kind of person, on a public and on a closed group: who gets
 * through, who is refused (403), and to whom a closed group does not exist (404). Refused writes
 * store nothing.
 */
@SlowTest
class PermissionMatrixTest {

  enum Role { ANONYMOUS, NON_MEMBER, MEMBER, MODERATOR, OTHER_MODERATOR, ADMIN }

  /** What a request should get. */
  enum Outcome { OK, FORBIDDEN, HIDDEN, SIGN_IN, CONFLICT, REFUSED }

  private static long spareId;

  /** A member who belongs to no group of this test, to add, or to have asked to join. */
  private static synchronized long spare() {
    if (spareId == 0) {
      spareId = TestDatabase.count("""
          INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', ?, 'Spare Person', ?) RETURNING id""",
          Fixtures.unique("spare"), Fixtures.unique("spare"));
    }
    return spareId;
  }

  private static final TestApp app = TestApp.shared();
  private static long adminSignedInAt;
  private static String lastErasable;

  /** Erasing needs a sign-in within five minutes: the admin signs in again when theirs is older than four. */
  private static synchronized void freshAdmin() {
    if (System.currentTimeMillis() - adminSignedInAt > 4 * 60_000L) {
      app.signIn(browsers.get(Role.ADMIN), "demo-maria");
      adminSignedInAt = System.currentTimeMillis();
    }
  }

  /** A fresh member to erase; their handle. */
  private static String erasable() {
    lastErasable = Fixtures.unique("erasable");
    TestDatabase.update("INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', ?, 'Erasable Person', ?)",
        lastErasable, lastErasable);
    return lastErasable;
  }
  private static final Map<Role, Browser> browsers = new EnumMap<>(Role.class);
  private static final Map<Role, Long> ids = new EnumMap<>(Role.class);
  private static final Map<Boolean, Place> places = new java.util.HashMap<>();

  /** A group with a thread, a post by the member, a reply by the moderator and a file. */
  record Place(boolean closed, String slug, long groupId, long threadId, long memberPost, long fileId) {}

  @BeforeAll
  static void people() {
    for (Role r : Role.values()) {
      Browser b = new Browser();
      browsers.put(r, b);
      switch (r) {
        case ANONYMOUS -> ids.put(r, -1L);
        case ADMIN -> {
          app.signIn(b, "demo-maria");
          adminSignedInAt = System.currentTimeMillis();
          ids.put(r, Fixtures.demoMember("demo-maria"));
        }
        default -> ids.put(r, app.signInNew(b, "Matrix " + r.name().toLowerCase(), Fixtures.unique("matrix") + "@example.org"));
      }
    }
    long otherGroup = Fixtures.group(Fixtures.unique("other"), false, true);
    Fixtures.member(otherGroup, ids.get(Role.OTHER_MODERATOR), "moderator");
    for (boolean closed : new boolean[] {false, true}) {
      String slug = Fixtures.unique(closed ? "closed" : "public");
      long groupId = Fixtures.group(slug, closed, true);
      Fixtures.member(groupId, ids.get(Role.MEMBER), "member");
      Fixtures.member(groupId, ids.get(Role.MODERATOR), "moderator");
      long threadId = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Matrix thread', ?, 2) RETURNING id",
          groupId, ids.get(Role.MEMBER));
      long memberPost = post(threadId, 1, Role.MEMBER);
      long modPost = post(threadId, 2, Role.MODERATOR);
      long fileId = TestDatabase.count("""
          INSERT INTO attachments (post_id, uploader_id, file_name, content_type, size_bytes, sha256, data)
          VALUES (?, ?, 'f.pdf', 'application/pdf', 8, repeat('a', 64), ?) RETURNING id""",
          modPost, ids.get(Role.MODERATOR), "%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
      places.put(closed, new Place(closed, slug, groupId, threadId, memberPost, fileId));
    }
  }

  private static long post(long threadId, int position, Role author) {
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html)
        VALUES (?, ?, ?, 'Matrix post', '<p>Matrix post</p>') RETURNING id""", threadId, position, ids.get(author));
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, 'Matrix post', '<p>Matrix post</p>')",
        id, ids.get(author));
    return id;
  }

  /** A fresh post by the member at the end of the thread, for actions that consume their target. */
  private static long freshPost(Place p) {
    int position = (int) TestDatabase.count("UPDATE threads SET post_count = post_count + 1 WHERE id = ? RETURNING post_count", p.threadId());
    return post(p.threadId(), position, Role.MEMBER);
  }

  /** The second post of the last thread {@link #surgeryThread} made, and the thread made before it. */
  private static long lastSurgeryPost;
  private static long lastSurgeryTarget;

  /** A fresh thread of two posts by the member in the group, for split and merge, which consume their thread. */
  private static synchronized long surgeryThread(Place p) {
    long id = TestDatabase.count("INSERT INTO threads (group_id, title, author_id, post_count) VALUES (?, 'Surgery thread', ?, 2) RETURNING id",
        p.groupId(), ids.get(Role.MEMBER));
    post(id, 1, Role.MEMBER);
    lastSurgeryTarget = lastSurgeryThread;
    lastSurgeryThread = id;
    lastSurgeryPost = post(id, 2, Role.MEMBER);
    return id;
  }

  private static long lastSurgeryThread;

  /** A fresh post by the member held for approval: it exists only for the member and the group's moderators. */
  private static long heldPost(Place p) {
    long id = TestDatabase.count("""
        INSERT INTO posts (thread_id, position, author_id, body_markdown, body_html, held_at, held_reason)
        VALUES (?, -nextval('posts_id_seq')::int, ?, 'Held matrix post', '<p>Held matrix post</p>', now(), 'links')
        RETURNING id""", p.threadId(), ids.get(Role.MEMBER));
    TestDatabase.update("UPDATE posts SET position = -id WHERE id = ?", id);
    TestDatabase.update("INSERT INTO post_revisions (post_id, revision, editor_id, body_markdown, body_html) VALUES (?, 1, ?, 'Held', '<p>Held</p>')",
        id, ids.get(Role.MEMBER));
    return id;
  }

  /** Approving or rejecting a held post: its moderators may; its author sees it but may not; to everyone else it does not exist. */
  private static Outcome held(Role r, Place p) {
    if (moderates(r)) {
      return Outcome.OK;
    }
    return r == Role.MEMBER ? Outcome.FORBIDDEN : Outcome.HIDDEN;
  }

  /** A fresh post by the member that a member flagged, waiting in the review queue. */
  private static long flaggedPost(Place p) {
    long id = freshPost(p);
    TestDatabase.update("INSERT INTO flags (item_type, item_id, group_id, member_id, reason) VALUES ('post', ?, ?, ?, 'spam')",
        id, p.groupId(), ids.get(Role.MODERATOR));
    return id;
  }

  /** A moderator's decision about a fresh post of the member's. */
  private static long decision(Place p) {
    return TestDatabase.count("""
        INSERT INTO moderation_decisions (item_type, item_id, group_id, affected_id, decided_by, action, ground, reason)
        VALUES ('post', ?, ?, ?, ?, 'hide', 'community guidelines', 'matrix') RETURNING id""",
        freshPost(p), p.groupId(), ids.get(Role.MEMBER), ids.get(Role.MODERATOR));
  }

  /** A ready export of the member's, downloadable for a day (an empty zip). */
  private static long readyExport() {
    return TestDatabase.count("""
        INSERT INTO data_exports (member_id, status, ready_at, expires_at, content, size_bytes)
        VALUES (?, 'ready', now(), now() + interval '1 day', '\\x504b0506000000000000000000000000000000000000', 22) RETURNING id""",
        ids.get(Role.MEMBER));
  }

  /** The suspension the last lift row made, for its form. */
  private static long lastSuspension;

  /** A new member of the place's group, whom its moderators may suspend. */
  private static long suspendable(Place p) {
    String handle = Fixtures.unique("sus");
    long id = TestDatabase.count("""
        INSERT INTO members (issuer, subject, display_name, handle) VALUES ('urn:test', ?, 'Suspendable Person', ?) RETURNING id""",
        handle, handle);
    Fixtures.member(p.groupId(), id, "member");
    return id;
  }

  private static boolean reads(Role r, Place p) {
    return !p.closed() || r == Role.MEMBER || r == Role.MODERATOR || r == Role.ADMIN;
  }

  private static boolean posts(Role r) {
    return r == Role.MEMBER || r == Role.MODERATOR || r == Role.ADMIN;
  }

  private static boolean moderates(Role r) {
    return r == Role.MODERATOR || r == Role.ADMIN;
  }

  /** One row of the table: a route, how to call it, and who may. */
  record Route(String name, boolean write, boolean memberOnlyPage, Function<Place, String> path,
      java.util.function.BiFunction<Role, Place, Outcome> rule, Function<Place, Map<String, String>> form,
      boolean multipart) {}

  /** A fresh comment by the member, held after a flag, on a document of the place's group; its id. */
  private static long heldComment(Place p) {
    long member = ids.get(Role.MEMBER);
    long document = TestDatabase.count("""
        INSERT INTO documents (group_id, title, created_by, next_section) VALUES (?, 'Matrix paper', ?, 2) RETURNING id""",
        p.groupId(), member);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, '', '', 'Matrix text')""", document, member, member);
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, false, 'Matrix text', '<p>Matrix text</p>')""", document);
    long comment = TestDatabase.count("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html, held_for_review_at)
        VALUES (?, 1, 1, ?, 'Matrix comment', '<p>Matrix comment</p>', now()) RETURNING id""", document, member);
    TestDatabase.update("INSERT INTO flags (item_type, item_id, group_id, member_id, reason) VALUES ('comment', ?, ?, ?, 'spam')",
        comment, p.groupId(), ids.get(Role.MODERATOR));
    return comment;
  }

  /** A fresh open document of the place's group with one section, for the document API's rows; its id. */
  private static long matrixDocument(Place p) {
    long member = ids.get(Role.MEMBER);
    long document = TestDatabase.count("""
        INSERT INTO documents (group_id, title, status, created_by, next_section) VALUES (?, 'Matrix API paper', 'open', ?, 2)
        RETURNING id""", p.groupId(), member);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, '', '', 'Matrix text')""", document, member, member);
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, false, 'Matrix text', '<p>Matrix text</p>')""", document);
    return document;
  }

  /** A comment by the member on a fresh document of the place's group: the API path of its disposition. */
  private static String matrixDisposition(Place p) {
    long document = matrixDocument(p);
    long comment = TestDatabase.count("""
        INSERT INTO document_comments (document_id, section_key, revision, author_id, body, html)
        VALUES (?, 1, 1, ?, 'Matrix comment', '<p>Matrix comment</p>') RETURNING id""", document, ids.get(Role.MEMBER));
    return "/api/v1/documents/" + document + "/comments/" + comment + "/disposition";
  }

  private static Outcome gate(Role r, Place p, boolean allowed) {
    if (!reads(r, p)) {
      return Outcome.HIDDEN;
    }
    return allowed ? Outcome.OK : Outcome.FORBIDDEN;
  }

  private static List<Route> routes() {
    List<Route> list = new ArrayList<>();
    java.util.function.BiFunction<Role, Place, Outcome> read = (r, p) -> gate(r, p, true);
    list.add(new Route("GET /groups/:slug", false, false, p -> "/groups/" + p.slug(), read, null, false));
    list.add(new Route("GET /groups/:slug/members", false, false, p -> "/groups/" + p.slug() + "/members", read, null, false));
    list.add(new Route("GET /threads/:id", false, false, p -> "/threads/" + p.threadId(), read, null, false));
    list.add(new Route("GET /posts/:id", false, false, p -> "/posts/" + p.memberPost(), read, null, false));
    list.add(new Route("GET /posts/:id/history", false, false, p -> "/posts/" + p.memberPost() + "/history", read, null, false));
    list.add(new Route("GET /posts/:id/reactions", false, false, p -> "/posts/" + p.memberPost() + "/reactions", read, null, false));
    list.add(new Route("GET /attachments/:id", false, false, p -> "/attachments/" + p.fileId() + "/f.pdf", read, null, false));
    list.add(new Route("GET /api/v1/groups/:slug", false, false, p -> "/api/v1/groups/" + p.slug(), read, null, false));
    list.add(new Route("GET /api/v1/groups/:slug/threads", false, false, p -> "/api/v1/groups/" + p.slug() + "/threads", read, null, false));
    list.add(new Route("GET /api/v1/threads/:id", false, false, p -> "/api/v1/threads/" + p.threadId(), read, null, false));
    list.add(new Route("GET /api/v1/posts/:id", false, false, p -> "/api/v1/posts/" + p.memberPost(), read, null, false));
    list.add(new Route("GET /api/v1/groups/:slug/mentions", false, false, p -> "/api/v1/groups/" + p.slug() + "/mentions?q=matrix", read, null, false));
    // declarations of interest (issue 14 point 2): the form is the member's own, the versions public,
    // the group's requirement its moderators'
    list.add(new Route("GET /me/declaration", false, true, p -> "/me/declaration", (r, p) -> Outcome.OK, null, false));
    list.add(new Route("GET /members/:handle/declarations", false, false,
        p -> "/members/" + Fixtures.handle(ids.get(Role.MEMBER)) + "/declarations", (r, p) -> Outcome.OK, null, false));
    list.add(new Route("GET /groups/:slug/declarations", false, true, p -> "/groups/" + p.slug() + "/declarations",
        (r, p) -> gate(r, p, r == Role.MODERATOR || r == Role.ADMIN), null, false));
    list.add(new Route("POST /groups/:slug/declarations", true, false, p -> "/groups/" + p.slug() + "/declarations",
        (r, p) -> gate(r, p, r == Role.MODERATOR || r == Role.ADMIN), p -> Map.of(), false));
    // the public face (issue 15): a group's feed exists for public groups only, whoever asks; a
    // revision's permanent address and its citation follow the group like the document page
    list.add(new Route("GET /groups/:slug/threads.atom", false, false, p -> "/groups/" + p.slug() + "/threads.atom",
        (r, p) -> p.closed() ? Outcome.HIDDEN : Outcome.OK, null, false));
    list.add(new Route("GET /documents/:id/revisions/:n", false, false,
        p -> "/documents/" + matrixDocument(p) + "/revisions/1", read, null, false));
    list.add(new Route("GET /documents/:id/revisions/:n/cite.bib", false, false,
        p -> "/documents/" + matrixDocument(p) + "/revisions/1/cite.bib", read, null, false));
    list.add(new Route("GET /groups/:slug/threads/new", false, true, p -> "/groups/" + p.slug() + "/threads/new",
        (r, p) -> gate(r, p, posts(r)), null, false));
    list.add(new Route("GET /threads/:id/reply", false, true, p -> "/threads/" + p.threadId() + "/reply", read, null, false));
    list.add(new Route("POST /groups/:slug/threads", true, false, p -> "/groups/" + p.slug() + "/threads",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("title", "Matrix new thread", "body", "Hello", "clientToken", Fixtures.unique("c")), true));
    list.add(new Route("POST /threads/:id/posts", true, false, p -> "/threads/" + p.threadId() + "/posts",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("body", "A reply", "clientToken", Fixtures.unique("c")), true));
    list.add(new Route("POST /posts/:id/reactions", true, false, p -> "/posts/" + freshPost(p) + "/reactions",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("kind", "like"), false));
    // its author edits it; a moderator of the group too, with a note (issue 13 point 3)
    list.add(new Route("GET /posts/:id/edit (the member's post)", false, true, p -> "/posts/" + p.memberPost() + "/edit",
        (r, p) -> gate(r, p, r == Role.MEMBER || moderates(r)), null, false));
    list.add(new Route("POST /posts/:id/edit (the member's post, with a moderator's note)", true, false, p -> "/posts/" + p.memberPost() + "/edit",
        (r, p) -> gate(r, p, r == Role.MEMBER || moderates(r)), p -> Map.of("body", "Edited " + System.nanoTime(), "revision",
            TestDatabase.text("SELECT revision FROM posts WHERE id = ?", p.memberPost()), "action", "save", "note", "matrix"), false));
    list.add(new Route("POST /threads/:id/split (a fresh thread, from its second post)", true, false, p -> {
      long fresh = surgeryThread(p);
      return "/threads/" + fresh + "/split";
    }, (r, p) -> gate(r, p, moderates(r)), p -> Map.of("post", String.valueOf(lastSurgeryPost), "title", "Split by the matrix",
        "reason", "matrix"), false));
    list.add(new Route("POST /threads/:id/merge (a fresh thread into another of the group)", true, false, p -> {
      surgeryThread(p); // the target: lastSurgeryTarget once the next one is made
      return "/threads/" + surgeryThread(p) + "/merge";
    }, (r, p) -> gate(r, p, moderates(r)), p -> Map.of("into", String.valueOf(lastSurgeryTarget), "reason", "matrix"), false));
    list.add(new Route("POST /posts/:id/delete (the member's post)", true, false, p -> "/posts/" + freshPost(p) + "/delete",
        (r, p) -> gate(r, p, r == Role.MEMBER || moderates(r)), p -> Map.of("reason", "matrix"), false));
    list.add(new Route("POST /posts/:id/restore", true, false, p -> {
      long id = freshPost(p);
      TestDatabase.update("UPDATE posts SET deleted_at = now(), deleted_by = author_id WHERE id = ?", id);
      return "/posts/" + id + "/restore";
    }, (r, p) -> gate(r, p, moderates(r)), p -> Map.of(), false));
    list.add(new Route("POST /threads/:id/pin", true, false, p -> "/threads/" + p.threadId() + "/pin",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("on", "true"), false));
    list.add(new Route("POST /threads/:id/lock", true, false, p -> "/threads/" + p.threadId() + "/lock",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("on", "false"), false));
    list.add(new Route("POST /threads/:id/subscription", true, false, p -> "/threads/" + p.threadId() + "/subscription",
        (r, p) -> gate(r, p, r != Role.ANONYMOUS), p -> Map.of("level", "watching"), false));
    list.add(new Route("POST /groups/:slug/members/:id/role", true, false,
        p -> "/groups/" + p.slug() + "/members/" + ids.get(Role.MEMBER) + "/role",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("role", "member"), false));
    list.add(new Route("POST /posts/:id/approve (a held post)", true, false, p -> "/posts/" + heldPost(p) + "/approve",
        PermissionMatrixTest::held, p -> Map.of("reason", "matrix"), false));
    list.add(new Route("POST /posts/:id/reject (a held post)", true, false, p -> "/posts/" + heldPost(p) + "/reject",
        PermissionMatrixTest::held, p -> Map.of("reason", "matrix"), false));
    list.add(new Route("GET /groups/:slug/trust", false, true, p -> "/groups/" + p.slug() + "/trust",
        (r, p) -> gate(r, p, moderates(r)), null, false));
    list.add(new Route("POST /groups/:slug/trust", true, false, p -> "/groups/" + p.slug() + "/trust",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("hold", "0", "reason", "matrix"), false));
    list.add(new Route("POST /groups/:slug/members/:id/trust", true, false,
        p -> "/groups/" + p.slug() + "/members/" + ids.get(Role.MEMBER) + "/trust",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("level", "auto", "reason", "matrix"), false));
    list.add(new Route("GET /groups/:slug/edit", false, true, p -> "/groups/" + p.slug() + "/edit",
        (r, p) -> gate(r, p, r == Role.ADMIN), null, false));
    list.add(new Route("POST /groups/:slug/edit", true, false, p -> "/groups/" + p.slug() + "/edit",
        (r, p) -> gate(r, p, r == Role.ADMIN), p -> Map.of("name", "Group " + p.slug(), "purpose", "A group made by a test.",
            "visibility", p.closed() ? "closed" : "public", "joinPolicy", "open"), false));
    list.add(new Route("POST /groups/:slug/archive (bringing back)", true, false, p -> "/groups/" + p.slug() + "/archive",
        (r, p) -> gate(r, p, r == Role.ADMIN), p -> Map.of("archived", "false"), false));
    list.add(new Route("POST /groups/:slug/members (add by handle)", true, false, p -> {
      TestDatabase.update("DELETE FROM group_memberships WHERE group_id = ? AND member_id = ?", p.groupId(), spare());
      return "/groups/" + p.slug() + "/members";
    }, (r, p) -> gate(r, p, moderates(r)), p -> Map.of("handle", Fixtures.handle(spare())), false));
    list.add(new Route("POST /groups/:slug/requests/:id (decline)", true, false, p -> {
      TestDatabase.update("DELETE FROM group_join_requests WHERE group_id = ? AND decision IS NULL", p.groupId());
      long request = TestDatabase.count("INSERT INTO group_join_requests (group_id, member_id) VALUES (?, ?) RETURNING id",
          p.groupId(), spare());
      return "/groups/" + p.slug() + "/requests/" + request;
    }, (r, p) -> gate(r, p, moderates(r)), p -> Map.of("decision", "decline", "reason", "matrix"), false));
    list.add(new Route("POST /threads/:id/move (to a group nobody here moderates)", true, false, p -> "/threads/" + p.threadId() + "/move",
        (r, p) -> gate(r, p, r == Role.ADMIN), p -> Map.of("group", "reimbursement"), false));
    list.add(new Route("GET /groups/:slug/audit", false, true, p -> "/groups/" + p.slug() + "/audit",
        (r, p) -> gate(r, p, moderates(r)), null, false));
    list.add(new Route("GET /groups/:slug/audit?format=csv", false, true, p -> "/groups/" + p.slug() + "/audit?format=csv&kind=member",
        (r, p) -> gate(r, p, moderates(r)), null, false));
    list.add(new Route("GET /admin/audit", false, true, p -> "/admin/audit",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("GET /admin/audit?format=csv", false, true, p -> "/admin/audit?format=csv&kind=group",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("GET /admin/audit/summary", false, true, p -> "/admin/audit/summary",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    // suspensions: of a new member of the place's group; its moderators and admins decide (reading
    // the group does not matter: a member's page is public)
    java.util.function.BiFunction<Role, Place, Outcome> suspends = (r, p) -> moderates(r) ? Outcome.OK : Outcome.FORBIDDEN;
    list.add(new Route("GET /members/:handle/suspension", false, true,
        p -> "/members/" + Fixtures.handle(suspendable(p)) + "/suspension", suspends, null, false));
    list.add(new Route("POST /members/:handle/suspension", true, false,
        p -> "/members/" + Fixtures.handle(suspendable(p)) + "/suspension", suspends,
        p -> Map.of("period", "1d", "reason", "matrix"), false));
    list.add(new Route("POST /members/:handle/suspension/lift", true, false, p -> {
      long member = suspendable(p);
      lastSuspension = TestDatabase.count("""
          INSERT INTO member_suspensions (member_id, suspended_by, group_id, reason, ends_at)
          VALUES (?, ?, ?, 'matrix', now() + interval '1 day') RETURNING id""", member, ids.get(Role.MODERATOR), p.groupId());
      return "/members/" + Fixtures.handle(member) + "/suspension/lift";
    }, suspends, p -> Map.of("suspension", Long.toString(lastSuspension), "reason", "matrix"), false));
    list.add(new Route("GET /groups/new", false, true, p -> "/groups/new", (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN,
        null, false));
    list.add(new Route("POST /api/v1/threads/:id/posts", true, false, p -> "/api/v1/threads/" + p.threadId() + "/posts",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("json", "{\"body\":\"From the API\"}"), false));
    list.add(new Route("PATCH /api/v1/posts/:id (the member's post)", true, false, p -> "/api/v1/posts/" + p.memberPost(),
        (r, p) -> gate(r, p, r == Role.MEMBER), p -> Map.of("json", "{\"body\":\"Edited by API " + System.nanoTime() + "\",\"revision\":"
            + TestDatabase.text("SELECT revision FROM posts WHERE id = ?", p.memberPost()) + "}", "method", "PATCH"), false));
    list.add(new Route("DELETE /api/v1/posts/:id (the member's post)", true, false, p -> "/api/v1/posts/" + freshPost(p),
        (r, p) -> gate(r, p, r == Role.MEMBER || moderates(r)), p -> Map.of("json", "", "method", "DELETE"), false));
    list.add(new Route("POST /api/v1/posts/:id/reactions", true, false, p -> "/api/v1/posts/" + freshPost(p) + "/reactions",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("json", "{\"kind\":\"thanks\"}"), false));
    // the JSON API of documents (issue 15 point 8): the group's rules, through the same service
    list.add(new Route("GET /api/v1/groups/:slug/documents", false, false, p -> "/api/v1/groups/" + p.slug() + "/documents",
        read, null, false));
    list.add(new Route("GET /api/v1/documents/:id", false, false, p -> "/api/v1/documents/" + matrixDocument(p), read, null, false));
    list.add(new Route("GET /api/v1/documents/:id/comments", false, false,
        p -> "/api/v1/documents/" + matrixDocument(p) + "/comments", read, null, false));
    list.add(new Route("POST /api/v1/documents/:id/sections/:key/comments", true, false,
        p -> "/api/v1/documents/" + matrixDocument(p) + "/sections/1/comments",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("json", "{\"body\":\"From the API\"}"), false));
    list.add(new Route("POST /api/v1/documents/:id/status", true, false, p -> "/api/v1/documents/" + matrixDocument(p) + "/status",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("json", "{\"from\":\"open\",\"to\":\"consensus\"}"), false));
    list.add(new Route("POST /api/v1/documents/:id/comments/:cid/disposition", true, false, PermissionMatrixTest::matrixDisposition,
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("json", "{\"disposition\":\"accepted\"}"), false));
    list.add(new Route("PUT /api/v1/documents/:id/endorsement", true, false, p -> "/api/v1/documents/" + matrixDocument(p) + "/endorsement",
        (r, p) -> gate(r, p, posts(r)), p -> Map.of("json", "{\"revision\":1}", "method", "PUT"), false));
    list.add(new Route("POST /groups/:slug/join", true, false, p -> {
      TestDatabase.update("DELETE FROM group_join_requests WHERE group_id = ? AND decision IS NULL", p.groupId());
      return "/groups/" + p.slug() + "/join";
    }, (r, p) -> !reads(r, p) ? Outcome.HIDDEN
        : r == Role.MEMBER || r == Role.MODERATOR ? Outcome.CONFLICT
        : p.closed() ? Outcome.FORBIDDEN : Outcome.OK, p -> Map.of(), false));
    // flags (issue 13): anyone signed in who reads the post, except its author
    list.add(new Route("GET /flags/post/:id (the member's post)", false, true, p -> "/flags/post/" + p.memberPost(),
        (r, p) -> gate(r, p, r != Role.MEMBER), null, false));
    list.add(new Route("POST /flags/post/:id (the member's post)", true, false, p -> "/flags/post/" + freshPost(p),
        (r, p) -> gate(r, p, r != Role.MEMBER), p -> Map.of("reason", "off_topic"), false));
    // the review queue (issue 13 point 3): the group's moderators and admins; decisions: the member affected too
    list.add(new Route("GET /groups/:slug/review", false, true, p -> "/groups/" + p.slug() + "/review",
        (r, p) -> gate(r, p, moderates(r)), null, false));
    list.add(new Route("GET /admin/review", false, true, p -> "/admin/review",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("GET /review/post/:id (a flagged post)", false, true, p -> "/review/post/" + flaggedPost(p),
        (r, p) -> gate(r, p, moderates(r)), null, false));
    list.add(new Route("POST /review/post/:id/claim", true, false, p -> "/review/post/" + flaggedPost(p) + "/claim",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of(), false));
    list.add(new Route("POST /review/post/:id/release", true, false, p -> "/review/post/" + flaggedPost(p) + "/release",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of(), false));
    list.add(new Route("POST /review/post/:id/act (warn)", true, false, p -> "/review/post/" + flaggedPost(p) + "/act",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("action", "warn", "reason", "matrix"), false));
    list.add(new Route("GET /moderation/decisions/:id (about the member's post)", false, true,
        p -> "/moderation/decisions/" + decision(p),
        (r, p) -> r == Role.MEMBER || moderates(r) ? Outcome.OK : Outcome.HIDDEN, null, false));
    list.add(new Route("POST /moderation/decisions/:id/appeal (about the member's post)", true, false,
        p -> "/moderation/decisions/" + decision(p) + "/appeal",
        (r, p) -> r == Role.MEMBER ? Outcome.OK : moderates(r) ? Outcome.FORBIDDEN : Outcome.HIDDEN,
        p -> Map.of("text", "matrix appeal"), false));
    // a comment held after flags is shown again by the group's moderators (and admins) only
    list.add(new Route("POST /flags/comment/:id/restore (a held comment)", true, false,
        p -> "/flags/comment/" + heldComment(p) + "/restore",
        (r, p) -> gate(r, p, moderates(r)), p -> Map.of("reason", "Matrix restore"), false));
    // profiles (issue 14): a member's page and avatar are public; the profile form and the avatar's
    // changes are the signed-in member's own (an upload without a file is refused with 400)
    list.add(new Route("GET /members/:handle (the member)", false, false, p -> "/members/" + Fixtures.handle(ids.get(Role.MEMBER)),
        (r, p) -> Outcome.OK, null, false));
    list.add(new Route("GET /members/:handle/avatar/64 (the member's)", false, false, p -> {
      TestDatabase.update("INSERT INTO member_avatars (member_id, small_png, large_png, version) VALUES (?, ?, ?, '0123456789abcdef')"
          + " ON CONFLICT (member_id) DO NOTHING", ids.get(Role.MEMBER), new byte[] {(byte) 0x89, 'P', 'N', 'G'}, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
      return "/members/" + Fixtures.handle(ids.get(Role.MEMBER)) + "/avatar/64";
    }, (r, p) -> Outcome.OK, null, false));
    list.add(new Route("GET /me", false, true, p -> "/me", (r, p) -> Outcome.OK, null, false));
    list.add(new Route("POST /me/avatar (no file)", true, false, p -> "/me/avatar", (r, p) -> Outcome.REFUSED,
        p -> Map.of(), true));
    list.add(new Route("POST /me/avatar/remove", true, false, p -> "/me/avatar/remove", (r, p) -> Outcome.OK,
        p -> Map.of(), false));
    // a data export is its member's own: anyone else's download is the same 404 as a missing one
    list.add(new Route("GET /me/export", false, true, p -> "/me/export", (r, p) -> Outcome.OK, null, false));
    list.add(new Route("POST /me/export", true, false, p -> "/me/export", (r, p) -> Outcome.OK, p -> Map.of(), false));
    list.add(new Route("GET /me/export/:id/download (the member's)", false, true,
        p -> "/me/export/" + readyExport() + "/download", (r, p) -> r == Role.MEMBER ? Outcome.OK : Outcome.HIDDEN, null, false));
    // the notice form is for everyone; it belongs to no group
    list.add(new Route("GET /notices/new", false, false, p -> "/notices/new?url=/posts/" + p.memberPost(),
        (r, p) -> Outcome.OK, null, false));
    // erasure on request (issue 14 point 5): admins only, whatever the group; it belongs to none
    list.add(new Route("GET /members/:handle/erase (a spare member)", false, true, p -> {
      freshAdmin();
      return "/members/" + erasable() + "/erase";
    }, (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("POST /members/:handle/erase (a spare member, with a reason)", true, false, p -> {
      freshAdmin();
      return "/members/" + erasable() + "/erase";
    }, (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN,
        p -> Map.of("confirmation", lastErasable, "reason", "Matrix request"), false));
    // registrations for a Talk of the place's group (issue 15 point 6): its moderators (the group's, and
    // admins) see, export and limit them; Talks are public, so anyone else is refused, not hidden
    java.util.function.BiFunction<Role, Place, Outcome> talkModerators = (r, p) -> moderates(r) ? Outcome.OK : Outcome.FORBIDDEN;
    list.add(new Route("GET /talks/:slug/registrations", false, true, p -> "/talks/" + matrixTalk(p) + "/registrations",
        talkModerators, null, false));
    list.add(new Route("GET /talks/:slug/registrations.csv", false, true, p -> "/talks/" + matrixTalk(p) + "/registrations.csv",
        talkModerators, null, false));
    list.add(new Route("POST /talks/:slug/capacity", true, false, p -> "/talks/" + matrixTalk(p) + "/capacity",
        talkModerators, p -> Map.of("capacity", ""), false));
    // the same in the JSON API (issue 15 point 8): anyone signed in registers (twice changes nothing), reads
    // and cancels their own registration; only the Talk's moderators list them; anonymous callers get 403
    java.util.function.BiFunction<Role, Place, Outcome> signedIn = (r, p) -> r == Role.ANONYMOUS ? Outcome.FORBIDDEN : Outcome.OK;
    list.add(new Route("GET /api/v1/talks/:slug/registrations", false, false,
        p -> "/api/v1/talks/" + matrixTalk(p) + "/registrations", talkModerators, null, false));
    list.add(new Route("GET /api/v1/talks/:slug/registration", false, false,
        p -> "/api/v1/talks/" + matrixTalk(p) + "/registration", signedIn, null, false));
    list.add(new Route("PUT /api/v1/talks/:slug/registration", true, false,
        p -> "/api/v1/talks/" + matrixTalk(p) + "/registration", signedIn, p -> Map.of("json", "", "method", "PUT"), false));
    list.add(new Route("DELETE /api/v1/talks/:slug/registration", true, false,
        p -> "/api/v1/talks/" + matrixTalk(p) + "/registration", signedIn, p -> Map.of("json", "", "method", "DELETE"), false));
    // consensus rounds in the JSON API (issue 17 point 8): the member is the panel; a round is read by its panel and
    // the group's moderators (refused to other readers, hidden where the group is), rated by its panel, opened and
    // closed by the group's moderators; a draft exists for the moderators alone; results wait for the close
    list.add(new Route("GET /api/v1/rounds/:id", false, false, p -> "/api/v1/rounds/" + matrixRound(p, "open"),
        (r, p) -> gate(r, p, r == Role.MEMBER || moderates(r)), null, false));
    list.add(new Route("GET /api/v1/rounds/:id/results (still open)", false, false,
        p -> "/api/v1/rounds/" + matrixRound(p, "open") + "/results", (r, p) -> reads(r, p) ? Outcome.CONFLICT : Outcome.HIDDEN,
        null, false));
    list.add(new Route("GET /api/v1/rounds/:id/results (closed)", false, false,
        p -> "/api/v1/rounds/" + matrixRound(p, "closed") + "/results", read, null, false));
    list.add(new Route("PUT /api/v1/rounds/:id/statements/:sid/rating", true, false, p -> {
      long round = matrixRound(p, "open");
      return "/api/v1/rounds/" + round + "/statements/"
          + TestDatabase.count("SELECT id FROM round_statements WHERE round_id = ?", round) + "/rating";
    }, (r, p) -> gate(r, p, r == Role.MEMBER), p -> Map.of("json", "{\"rating\": 8}", "method", "PUT"), false));
    list.add(new Route("POST /api/v1/rounds/:id/open (a draft)", true, false,
        p -> "/api/v1/rounds/" + matrixRound(p, "draft") + "/open", (r, p) -> moderates(r) ? Outcome.OK : Outcome.HIDDEN,
        p -> Map.of("json", ""), false));
    list.add(new Route("POST /api/v1/rounds/:id/close", true, false,
        p -> "/api/v1/rounds/" + matrixRound(p, "open") + "/close", (r, p) -> gate(r, p, moderates(r)),
        p -> Map.of("json", ""), false));
    // the network (issue 15 points 3 and 5): sign-up and announcements are public, writing one is for admins
    list.add(new Route("GET /network/join", false, false, p -> "/network/join", (r, p) -> Outcome.OK, null, false));
    list.add(new Route("GET /announcements", false, false, p -> "/announcements", (r, p) -> Outcome.OK, null, false));
    // announcements: admins to any topic, moderators to their public groups' followers (each matrix moderator
    // moderates a public group of the fixture), nobody else
    list.add(new Route("GET /admin/announcements", false, true, p -> "/admin/announcements",
        (r, p) -> r == Role.ADMIN || r == Role.MODERATOR || r == Role.OTHER_MODERATOR ? Outcome.OK : Outcome.FORBIDDEN,
        null, false));
    list.add(new Route("GET /admin/network", false, true, p -> "/admin/network",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("GET /admin/network/followers.csv", false, true, p -> "/admin/network/followers.csv",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    list.add(new Route("GET /admin/network/overview.csv", false, true, p -> "/admin/network/overview.csv",
        (r, p) -> r == Role.ADMIN ? Outcome.OK : Outcome.FORBIDDEN, null, false));
    return list;
  }

  /**
   * A fresh consensus round ({@code draft}, {@code open} or {@code closed}) on a fresh document of the
   * place's group, with one statement and the member as its panel; its id.
   */
  private static long matrixRound(Place p, String status) {
    long round = TestDatabase.count("""
        INSERT INTO consensus_rounds (document_id, group_id, number, title, status, scale, panel_kind, for_share, for_from,
               for_median, against_share, against_to, deadline, show_raters, reasons_required, hide_interim,
               balance_threshold, created_by, opened_at, closed_at)
        VALUES (?, ?, 1, 'Matrix round', ?, 'nine', 'named', 75, 7, 7, 75, 3, now() + interval '2 days', true, false, true,
                25, ?, CASE WHEN ? <> 'draft' THEN now() END, CASE WHEN ? = 'closed' THEN now() END) RETURNING id""",
        matrixDocument(p), p.groupId(), status, ids.get(Role.MODERATOR), status, status);
    TestDatabase.update("INSERT INTO round_statements (round_id, position, section_key, revision, body) VALUES (?, 1, 1, 1, 'Matrix text')",
        round);
    TestDatabase.update("INSERT INTO round_panellists (round_id, member_id) VALUES (?, ?)", round, ids.get(Role.MEMBER));
    return round;
  }

  /** An upcoming Talk of the place's group, made once; its slug. */
  private static String matrixTalk(Place p) {
    String slug = "matrix-talk-" + p.slug();
    if (TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug) == 0) {
      long id = TestDatabase.count("""
          INSERT INTO talks (slug, title, starts_at, ends_at)
          VALUES (?, 'Matrix Talk', now() + interval '2 days', now() + interval '2 days 1 hour') RETURNING id""", slug);
      TestDatabase.update("INSERT INTO talk_groups (talk_id, group_id) VALUES (?, ?)", id, p.groupId());
    }
    return slug;
  }

  private static Response call(Role role, Route route, Place place, String path) {
    Browser b = browsers.get(role);
    if (!route.write()) {
      return b.get(app.url(path), "Accept", path.startsWith("/api/") ? "application/json" : "text/html");
    }
    String csrf = role == Role.ANONYMOUS ? "none" : app.csrf(b);
    Map<String, String> form = new java.util.HashMap<>(route.form().apply(place));
    if (form.containsKey("json")) {
      return json(b, form.getOrDefault("method", "POST"), app.url(path), form.get("json"), csrf);
    }
    form.put("_csrf", csrf);
    return route.multipart() ? b.postMultipart(app.url(path), form, List.of()) : b.post(app.url(path), form);
  }

  /** A JSON request with the browser's session cookie and the CSRF header, as a script on the page sends it. */
  private static Response json(Browser b, String method, String url, String body, String csrf) {
    return b.request(method, url, "application/json", body, "Accept", "application/json", "X-CSRF-Token", csrf);
  }

  private static void check(Role role, Route route, Place place) {
    Outcome expected = role == Role.ANONYMOUS && route.write() ? Outcome.FORBIDDEN
        : role == Role.ANONYMOUS && route.memberOnlyPage() ? Outcome.SIGN_IN
        : route.rule().apply(role, place);
    String path = route.path().apply(place);
    long posts = TestDatabase.count("SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.group_id = ?", place.groupId());
    long threads = TestDatabase.count("SELECT count(*) FROM threads WHERE group_id = ?", place.groupId());
    String state = stateOf(place);
    Response r = call(role, route, place, path);
    // an allowed move takes the thread away: bring it back for the next row
    TestDatabase.update("UPDATE threads SET group_id = ? WHERE id = ?", place.groupId(), place.threadId());
    String what = route.name() + " as " + role + " on a " + (place.closed() ? "closed" : "public") + " group";
    switch (expected) {
      case OK -> assertTrue(r.status() == 200 || r.status() == 201 || r.status() == 204
              || r.status() == 302 && !r.location().contains("/auth/login") || r.status() == 303,
          what + ": expected success, got " + r.status() + " " + r.body());
      case CONFLICT -> assertEquals(409, r.status(), what);
      case REFUSED -> assertEquals(400, r.status(), what);
      case FORBIDDEN -> assertEquals(403, r.status(), what);
      case HIDDEN -> {
        assertEquals(404, r.status(), what);
        // the address the requester typed is echoed back (sign-in link); nothing else of the group may be
        // the whole answer, attributes and scripts included, not only what a selector reaches
        assertThat(r.body()).as(what + " leaks in its 404")
            .doesNotContain("Group " + place.slug()).doesNotContain("Matrix thread").doesNotContain("Matrix post");
      }
      case SIGN_IN -> {
        assertEquals(302, r.status(), what);
        assertTrue(r.location().contains("/auth/login"), what);
      }
      default -> throw new IllegalStateException();
    }
    if (expected != Outcome.OK) {
      assertEquals(posts, TestDatabase.count("SELECT count(*) FROM posts p JOIN threads t ON t.id = p.thread_id WHERE t.group_id = ?",
          place.groupId()), what + ": a refused request stored a post");
      assertEquals(threads, TestDatabase.count("SELECT count(*) FROM threads WHERE group_id = ?", place.groupId()),
          what + ": a refused request stored a thread");
      assertEquals(state, stateOf(place), what + ": a refused request changed something");
    }
  }

  /**
   * Everything else a request could change in the group: revisions, reactions, deletions, pins and
   * locks, memberships and roles, join requests, the moderation log, flags, and the live events.
   */
  private static String stateOf(Place p) {
    return TestDatabase.text("""
        SELECT concat_ws('|',
          (SELECT count(*) FROM post_revisions r JOIN posts x ON x.id = r.post_id JOIN threads t ON t.id = x.thread_id WHERE t.group_id = ?),
          (SELECT count(*) FROM reactions r JOIN posts x ON x.id = r.post_id JOIN threads t ON t.id = x.thread_id WHERE t.group_id = ?),
          (SELECT count(*) FROM posts x JOIN threads t ON t.id = x.thread_id WHERE t.group_id = ? AND x.deleted_at IS NOT NULL),
          (SELECT string_agg(t.id || ':' || t.pinned || t.locked || t.group_id, ',' ORDER BY t.id) FROM threads t WHERE t.group_id = ?),
          (SELECT string_agg(m.member_id || ':' || m.role, ',' ORDER BY m.member_id) FROM group_memberships m WHERE m.group_id = ?),
          (SELECT count(*) || '/' || count(decision) FROM group_join_requests WHERE group_id = ?),
          (SELECT count(*) FROM moderation_log WHERE group_id = ?),
          (SELECT count(*) FROM flags WHERE group_id = ?),
          (SELECT count(*) || '/' || count(resolved_at) FROM flags WHERE group_id = ?),
          (SELECT count(*) FROM moderation_decisions WHERE group_id = ?),
          (SELECT count(*) FROM moderation_appeals a JOIN moderation_decisions d ON d.id = a.decision_id WHERE d.group_id = ?),
          (SELECT count(*) FROM review_claims c JOIN posts x ON c.item_type = 'post' AND x.id = c.item_id
              JOIN threads t ON t.id = x.thread_id WHERE t.group_id = ?),
          (SELECT count(*) FROM live_events WHERE address IN ('group.' || ?, 'thread.' || ?)),
          (SELECT name || purpose || visibility || join_policy || (archived_at IS NULL) FROM working_groups WHERE id = ?))
        """, p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.groupId(),
        p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.groupId(), p.threadId(), p.groupId());
  }

  @TestFactory
  @DisplayName("every forum route answers each kind of person as the policy says")
  Stream<DynamicTest> matrix() {
    List<DynamicTest> tests = new ArrayList<>();
    for (boolean closed : new boolean[] {false, true}) {
      for (Route route : routes()) {
        for (Role role : Role.values()) {
          tests.add(DynamicTest.dynamicTest((closed ? "closed" : "public") + " · " + route.name() + " · " + role,
              () -> check(role, route, places.get(closed))));
        }
      }
    }
    return tests.stream();
  }
}
