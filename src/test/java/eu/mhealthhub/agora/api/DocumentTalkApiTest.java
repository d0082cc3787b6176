package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiContractTest.assertSame404;
import static eu.mhealthhub.agora.api.ApiContractTest.expect;
import static eu.mhealthhub.agora.api.ApiContractTest.get;
import static eu.mhealthhub.agora.api.ApiContractTest.json;
import static eu.mhealthhub.agora.api.ApiContractTest.postJson;
import static eu.mhealthhub.agora.api.ApiContractTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The JSON API of consensus documents and Talks against the published contract (every answer is
 * validated by {@link ApiContractTest#expect}), with its permission rules, idempotency keys and
 * refusals. Documents are made for each test in the public {@code assessment} group (Elena and
 * Sofia are members, Pieter moderates) and the closed {@code convenors} group (Pieter is a member;
 * Elena and Lukas are not); Talks concern {@code assessment}, so Pieter moderates them.
 */
class DocumentTalkApiTest {

  static final Map<String, String> ROUTES = new LinkedHashMap<>();
  /** Every POST of these routes takes an Idempotency-Key. */
  static final Set<String> IDEMPOTENT = Set.of("createComment", "resolveComment", "createProposal", "decideProposal",
      "moveDocument", "askQuestion", "moderateQuestion");

  static {
    ROUTES.put("listDocuments", "GET /api/v1/groups/{slug}/documents");
    ROUTES.put("getDocument", "GET /api/v1/documents/{id}");
    ROUTES.put("getRevision", "GET /api/v1/documents/{id}/revisions/{n}");
    ROUTES.put("listSections", "GET /api/v1/documents/{id}/sections");
    ROUTES.put("getSection", "GET /api/v1/documents/{id}/sections/{key}");
    ROUTES.put("createComment", "POST /api/v1/documents/{id}/sections/{key}/comments");
    ROUTES.put("listComments", "GET /api/v1/documents/{id}/comments");
    ROUTES.put("getComment", "GET /api/v1/documents/{id}/comments/{cid}");
    ROUTES.put("resolveComment", "POST /api/v1/documents/{id}/comments/{cid}/disposition");
    ROUTES.put("listProposals", "GET /api/v1/documents/{id}/proposals");
    ROUTES.put("createProposal", "POST /api/v1/documents/{id}/proposals");
    ROUTES.put("getProposal", "GET /api/v1/documents/{id}/proposals/{pid}");
    ROUTES.put("decideProposal", "POST /api/v1/documents/{id}/proposals/{pid}/decision");
    ROUTES.put("moveDocument", "POST /api/v1/documents/{id}/status");
    ROUTES.put("listEndorsements", "GET /api/v1/documents/{id}/endorsements");
    ROUTES.put("endorseDocument", "PUT /api/v1/documents/{id}/endorsement");
    ROUTES.put("withdrawEndorsement", "DELETE /api/v1/documents/{id}/endorsement");
    ROUTES.put("getProgramme", "GET /api/v1/talks");
    ROUTES.put("getTalk", "GET /api/v1/talks/{slug}");
    ROUTES.put("listQuestions", "GET /api/v1/talks/{slug}/questions");
    ROUTES.put("askQuestion", "POST /api/v1/talks/{slug}/questions");
    ROUTES.put("getQuestion", "GET /api/v1/talks/{slug}/questions/{qid}");
    ROUTES.put("voteQuestion", "PUT /api/v1/talks/{slug}/questions/{qid}/vote");
    ROUTES.put("unvoteQuestion", "DELETE /api/v1/talks/{slug}/questions/{qid}/vote");
    ROUTES.put("moderateQuestion", "POST /api/v1/talks/{slug}/questions/{qid}/moderation");
    ROUTES.put("getMyRegistration", "GET /api/v1/talks/{slug}/registration");
    ROUTES.put("registerForTalk", "PUT /api/v1/talks/{slug}/registration");
    ROUTES.put("cancelRegistration", "DELETE /api/v1/talks/{slug}/registration");
    ROUTES.put("listRegistrations", "GET /api/v1/talks/{slug}/registrations");
  }

  private static Browser anonymous;
  private static Browser elena;
  private static Browser sofia;
  private static Browser pieter;
  private static Browser lukas;

  @BeforeAll
  static void start() {
    ApiContractTest.start();
    anonymous = ApiContractTest.anonymous;
    elena = ApiContractTest.elena;
    sofia = ApiContractTest.sofia;
    pieter = ApiContractTest.pieter;
    lukas = ApiContractTest.lukas;
  }

  @AfterAll
  static void stop() throws Exception {
    ApiContractTest.stop();
  }

  // ---------------------------------------------------------------- data

  private static long groupId(String slug) {
    return TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", slug);
  }

  /** A document of two sections (§1 a heading, §2 a paragraph) in the group, at revision 1, in the given status. */
  private static long document(String slug, String status) {
    long author = Fixtures.demoMember("demo-pieter");
    String title = Fixtures.unique("API paper");
    long id = TestDatabase.count("""
        INSERT INTO documents (group_id, title, status, created_by, next_section) VALUES (?, ?, ?, ?, 3) RETURNING id""",
        groupId(slug), title, status, author);
    TestDatabase.update("""
        INSERT INTO document_revisions (document_id, number, author_id, committed_by, summary, summary_html, body)
        VALUES (?, 1, ?, ?, 'First draft', '<p>First draft</p>', E'# Scope\\n\\nApps for patients with diabetes.')""",
        id, author, author);
    TestDatabase.update("""
        INSERT INTO document_sections (document_id, revision, position, section_key, heading, source, html)
        VALUES (?, 1, 1, 1, true, '# Scope', '<h1>Scope</h1>'),
               (?, 1, 2, 2, false, 'Apps for patients with diabetes.', '<p>Apps for patients with diabetes.</p>')""",
        id, id);
    return id;
  }

  private static long comments(long documentId) {
    return TestDatabase.count("SELECT count(*) FROM document_comments WHERE document_id = ?", documentId);
  }

  private static long proposals(long documentId) {
    return TestDatabase.count("SELECT count(*) FROM document_proposals WHERE document_id = ?", documentId);
  }

  /** A Talk of the assessment group with its room in the given state. */
  private static String talk(String room) {
    String slug = Fixtures.unique("api-talk");
    long id = Fixtures.talk(slug, groupId("assessment"));
    TestDatabase.update("UPDATE talks SET room_state = ? WHERE id = ?", room, id);
    return slug;
  }

  private static long questions(String talk) {
    return TestDatabase.count("SELECT count(*) FROM talk_questions q JOIN talks t ON t.id = q.talk_id WHERE t.slug = ?", talk);
  }

  private static String key() {
    return UUID.randomUUID().toString();
  }

  private static JsonObject body(Object... pairs) {
    JsonObject o = new JsonObject();
    for (int i = 0; i < pairs.length; i += 2) {
      o.put((String) pairs[i], pairs[i + 1]);
    }
    return o;
  }

  private static List<Long> ids(JsonArray list) {
    return list.stream().map(o -> ((JsonObject) o).getLong("id")).toList();
  }

  // ---------------------------------------------------------------- documents: reading

  @Test
  @DisplayName("A document's list, header, revision, sections, comments, proposals and endorsements read as the contract says")
  void documentReads() {
    long id = document("assessment", "open");
    String d = "/api/v1/documents/" + id;
    JsonObject list = json(expect("listDocuments", 200, get(anonymous, "/api/v1/groups/assessment/documents")));
    assertTrue(ids(list.getJsonArray("documents")).contains(id), "the group lists the document");

    JsonObject doc = json(expect("getDocument", 200, get(elena, d)));
    assertEquals("open", doc.getString("status"));
    assertEquals(1, doc.getInteger("currentRevision"));
    assertNull(doc.getInteger("adoptedRevision"));
    assertEquals(1, doc.getJsonArray("revisions").size());
    JsonObject can = doc.getJsonObject("can");
    assertTrue(can.getBoolean("comment"), "a member comments on an open document");
    assertFalse(can.getBoolean("curate"), "a member does not curate");
    assertEquals(new JsonArray(), can.getJsonArray("moveTo"), "a member moves nothing");
    assertEquals(new JsonArray().add("draft").add("consensus"),
        json(expect("getDocument", 200, get(pieter, d))).getJsonObject("can").getJsonArray("moveTo"));
    assertFalse(json(expect("getDocument", 200, get(anonymous, d))).getJsonObject("can").getBoolean("comment"));

    JsonObject revision = json(expect("getRevision", 200, get(anonymous, d + "/revisions/1")));
    assertEquals(List.of(1, 2), revision.getJsonArray("sections").stream().map(s -> ((JsonObject) s).getInteger("key")).toList());
    assertEquals("Apps for patients with diabetes.", revision.getJsonArray("sections").getJsonObject(1).getString("markdown"));
    expect("getRevision", 404, get(anonymous, d + "/revisions/2"));
    expect("getRevision", 404, get(anonymous, d + "/revisions/x"));

    JsonObject sections = json(expect("listSections", 200, get(anonymous, d + "/sections")));
    assertEquals(2, sections.getJsonArray("sections").size());
    JsonObject section = json(expect("getSection", 200, get(anonymous, d + "/sections/2")));
    assertFalse(section.getBoolean("removed"));
    assertEquals(1, section.getJsonArray("history").size());
    expect("getSection", 404, get(anonymous, d + "/sections/9"));
    expect("listComments", 200, get(anonymous, d + "/comments"));
    expect("listProposals", 200, get(anonymous, d + "/proposals"));
    expect("listEndorsements", 200, get(anonymous, d + "/endorsements"));
    expect("getComment", 404, get(anonymous, d + "/comments/999999999"));
    expect("getProposal", 404, get(anonymous, d + "/proposals/999999999"));
    expect("getDocument", 404, get(anonymous, "/api/v1/documents/999999999"));
  }

  @Test
  @DisplayName("A closed group's documents and everything in them answer 404 to non-members, exactly like missing ones")
  void closedGroupDocumentsAreInvisible() {
    long id = document("convenors", "open");
    String d = "/api/v1/documents/" + id;
    String missing = "/api/v1/documents/999999999";
    expect("getDocument", 200, get(pieter, d));
    for (Browser outsider : List.of(anonymous, lukas, elena)) {
      assertSame404("listDocuments", get(outsider, "/api/v1/groups/convenors/documents"),
          get(outsider, "/api/v1/groups/no-such-group/documents"));
      assertSame404("getDocument", get(outsider, d), get(outsider, missing));
      assertSame404("getRevision", get(outsider, d + "/revisions/1"), get(outsider, missing + "/revisions/1"));
      assertSame404("listSections", get(outsider, d + "/sections"), get(outsider, missing + "/sections"));
      assertSame404("getSection", get(outsider, d + "/sections/1"), get(outsider, missing + "/sections/1"));
      assertSame404("listComments", get(outsider, d + "/comments"), get(outsider, missing + "/comments"));
      assertSame404("listProposals", get(outsider, d + "/proposals"), get(outsider, missing + "/proposals"));
      assertSame404("listEndorsements", get(outsider, d + "/endorsements"), get(outsider, missing + "/endorsements"));
    }
    for (Browser outsider : List.of(lukas, elena)) {
      assertSame404("createComment", postJson(outsider, d + "/sections/2/comments", body("body", "Hello").encode()),
          postJson(outsider, missing + "/sections/2/comments", body("body", "Hello").encode()));
      assertSame404("createProposal", postJson(outsider, d + "/proposals",
              body("base", 1, "body", "# Scope\n\nAll apps.", "rationale", "Wider").encode()),
          postJson(outsider, missing + "/proposals", body("base", 1, "body", "# Scope\n\nAll apps.", "rationale", "Wider").encode()));
      assertSame404("moveDocument", postJson(outsider, d + "/status", body("from", "open", "to", "consensus").encode()),
          postJson(outsider, missing + "/status", body("from", "open", "to", "consensus").encode()));
      assertSame404("endorseDocument", send(outsider, "PUT", d + "/endorsement", body("revision", 1).encode(), true),
          send(outsider, "PUT", missing + "/endorsement", body("revision", 1).encode(), true));
    }
    assertEquals(0, comments(id));
    assertEquals(0, proposals(id));
    assertEquals("open", TestDatabase.text("SELECT status FROM documents WHERE id = ?", id));
  }

  // ---------------------------------------------------------------- documents: comments

  @Test
  @DisplayName("A comment sent twice with one Idempotency-Key is stored once; both answers are that comment, the second marked replayed")
  void commentIsIdempotent() {
    long id = document("assessment", "open");
    String path = "/api/v1/documents/" + id + "/sections/2/comments";
    String k = key();
    String sent = body("body", "Should this cover **wearables** too?").encode();
    Response first = expect("createComment", 201, postJson(elena, path, sent, "Idempotency-Key", k));
    Response again = expect("createComment", 201, postJson(elena, path, sent, "Idempotency-Key", k));
    assertEquals(1, comments(id));
    assertEquals(json(first).getLong("id"), json(again).getLong("id"));
    assertEquals("true", again.header("Idempotent-Replayed"));
    assertEquals(first.header("Location"), again.header("Location"));
    JsonObject comment = json(expect("getComment", 200, get(anonymous, first.header("Location"))));
    assertEquals(2, comment.getInteger("section"));
    assertEquals("elena", comment.getJsonObject("author").getString("handle"));
    assertNull(comment.getValue("disposition"));
    expect("createComment", 422, postJson(elena, path, body("body", "Another text").encode(), "Idempotency-Key", k));
    assertEquals(1, comments(id));
    JsonObject section = json(expect("getSection", 200, get(anonymous, "/api/v1/documents/" + id + "/sections/2")));
    assertEquals(List.of(comment.getLong("id")), ids(section.getJsonArray("comments")));
  }

  @Test
  @DisplayName("Ten comments sent at once with one Idempotency-Key store one comment; every 201 names it (or a 409 asks to retry)")
  void concurrentCommentsWithOneKey() throws Exception {
    long id = document("assessment", "open");
    String path = "/api/v1/documents/" + id + "/sections/2/comments";
    String k = key();
    String sent = body("body", "Sent ten times at once.").encode();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Response>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 10; i++) {
        answers.add(pool.submit(() -> {
          go.await();
          return postJson(sofia, path, sent, "Idempotency-Key", k);
        }));
      }
      go.countDown();
      java.util.Set<Long> named = new java.util.HashSet<>();
      for (java.util.concurrent.Future<Response> f : answers) {
        Response r = f.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(r.status() == 201 || r.status() == 409, r + " " + r.body());
        expect("createComment", r.status(), r);
        if (r.status() == 201) {
          named.add(json(r).getLong("id"));
        }
      }
      assertEquals(1, named.size(), "every 201 names the same comment");
      assertEquals(1, comments(id), "one comment stored");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("Comments that are too long, blank, of the wrong type or not JSON are refused with 400 and store nothing")
  void badCommentsAreRefused() {
    long id = document("assessment", "open");
    String path = "/api/v1/documents/" + id + "/sections/2/comments";
    expect("createComment", 400, postJson(elena, path, body("body", "x".repeat(10_001)).encode()));
    expect("createComment", 400, postJson(elena, path, body("body", "   ").encode()));
    expect("createComment", 400, postJson(elena, path, body("body", 42).encode()));
    expect("createComment", 400, postJson(elena, path, body().encode()));
    expect("createComment", 400, postJson(elena, path, "{\"body\": "));
    expect("createComment", 400, postJson(elena, path, "[\"body\"]"));
    expect("createComment", 404, postJson(elena, "/api/v1/documents/" + id + "/sections/9/comments", body("body", "Hi").encode()));
    expect("createComment", 403, postJson(anonymous, path, body("body", "Hi").encode()));
    expect("createComment", 403, postJson(lukas, path, body("body", "Hi").encode()));
    assertEquals(0, comments(id));
  }

  @Test
  @DisplayName("Moderators resolve comments with a disposition; a member may not (403), a partial one needs a reason (400)")
  void resolveComment() {
    long id = document("assessment", "open");
    long cid = json(expect("createComment", 201, postJson(elena, "/api/v1/documents/" + id + "/sections/2/comments",
        body("body", "Add type 1.").encode()))).getLong("id");
    String path = "/api/v1/documents/" + id + "/comments/" + cid + "/disposition";
    expect("resolveComment", 403, postJson(sofia, path, body("disposition", "accepted").encode()));
    expect("resolveComment", 400, postJson(pieter, path, body("disposition", "partial").encode()));
    expect("resolveComment", 400, postJson(pieter, path, body("disposition", "maybe", "reason", "x").encode()));
    expect("resolveComment", 400, postJson(pieter, path, body("disposition", 3).encode()));
    assertNull(TestDatabase.text("SELECT disposition FROM document_comments WHERE id = ?", cid));
    JsonObject resolved = json(expect("resolveComment", 200, postJson(pieter, path,
        body("disposition", "partial", "reason", "Type 1 goes in an annex.").encode(), "Idempotency-Key", key())));
    assertEquals("partial", resolved.getJsonObject("disposition").getString("value"));
    assertEquals("Type 1 goes in an annex.", resolved.getJsonObject("disposition").getString("reason"));
    JsonObject all = json(expect("listComments", 200, get(anonymous, "/api/v1/documents/" + id + "/comments")));
    assertEquals("partial", all.getJsonArray("comments").getJsonObject(0).getJsonObject("disposition").getString("value"));
  }

  // ---------------------------------------------------------------- documents: proposals

  @Test
  @DisplayName("A member proposes (201, with a diff summary); a moderator accepts it as revision 2; a proposal on the stale revision 1 is a 409 that stores nothing")
  void proposals() {
    long id = document("assessment", "open");
    String d = "/api/v1/documents/" + id;
    String k = key();
    String sent = body("base", 1, "body", "# Scope\n\nApps for patients with diabetes and their carers.",
        "rationale", "Carers use them too.").encode();
    Response made = expect("createProposal", 201, postJson(elena, d + "/proposals", sent, "Idempotency-Key", k));
    expect("createProposal", 201, postJson(elena, d + "/proposals", sent, "Idempotency-Key", k));
    assertEquals(1, proposals(id), "one proposal for one key");
    JsonObject proposal = json(made);
    assertEquals("pending", proposal.getString("status"));
    JsonObject diff = proposal.getJsonObject("diff");
    assertEquals(2, diff.getInteger("sectionsChanged"), "one paragraph out, one in");
    assertEquals(3, diff.getInteger("wordsInserted"), diff.encode()); // "and their carers"
    assertEquals(0, diff.getInteger("wordsDeleted"), diff.encode());
    long pid = proposal.getLong("id");
    assertEquals(d + "/proposals/" + pid, made.header("Location"));
    expect("getProposal", 200, get(anonymous, made.header("Location")));

    String decision = d + "/proposals/" + pid + "/decision";
    expect("decideProposal", 403, postJson(sofia, decision, body("decision", "accept").encode()));
    expect("decideProposal", 400, postJson(pieter, decision, body("decision", "adopt").encode()));
    assertEquals(1, json(expect("getDocument", 200, get(anonymous, d))).getInteger("currentRevision"));
    JsonObject accepted = json(expect("decideProposal", 200, postJson(pieter, decision, body("decision", "accept").encode())));
    assertEquals("accepted", accepted.getString("status"));
    assertEquals(2, accepted.getInteger("acceptedRevision"));
    expect("decideProposal", 409, postJson(pieter, decision, body("decision", "decline", "reason", "Too late").encode()));

    Response stale = expect("createProposal", 409, postJson(sofia, d + "/proposals",
        body("base", 1, "body", "# Scope\n\nAll apps.", "rationale", "Wider.").encode()));
    assertTrue(json(stale).getJsonObject("error").getString("message").contains("2"), "names the current revision: " + stale.body());
    assertEquals(1, proposals(id));
    expect("createProposal", 400, postJson(sofia, d + "/proposals",
        body("base", "2", "body", "# Scope\n\nAll apps.", "rationale", "Wider.").encode()));
    expect("createProposal", 400, postJson(sofia, d + "/proposals",
        body("base", 2, "body", "# Scope\n\nAll apps.", "rationale", "x".repeat(4001)).encode()));
    assertEquals(1, proposals(id));

    JsonObject declined = json(expect("createProposal", 201, postJson(sofia, d + "/proposals",
        body("base", 2, "body", "# Scope\n\nAll apps.", "rationale", "Wider.").encode())));
    String declineIt = d + "/proposals/" + declined.getLong("id") + "/decision";
    expect("decideProposal", 400, postJson(pieter, declineIt, body("decision", "decline").encode()));
    assertEquals("declined", json(expect("decideProposal", 200, postJson(pieter, declineIt,
        body("decision", "decline", "reason", "Out of scope.").encode()))).getString("status"));
    JsonObject list = json(expect("listProposals", 200, get(anonymous, d + "/proposals")));
    assertEquals(2, list.getJsonArray("proposals").size());
  }

  // ---------------------------------------------------------------- documents: status and endorsements

  @Test
  @DisplayName("Only moderators move a document (a member gets 403); adopting records the adopted revision; a move from a status that changed is a 409")
  void moveStatus() {
    long id = document("assessment", "open");
    String path = "/api/v1/documents/" + id + "/status";
    expect("moveDocument", 403, postJson(elena, path, body("from", "open", "to", "consensus").encode()));
    expect("moveDocument", 403, postJson(pieter, path, body("from", "open", "to", "adopted").encode()));
    expect("moveDocument", 400, postJson(pieter, path, body("from", "open", "to", 2).encode()));
    expect("moveDocument", 400, postJson(pieter, path, body("to", "consensus").encode()));
    assertEquals("open", TestDatabase.text("SELECT status FROM documents WHERE id = ?", id));
    String k = key();
    JsonObject moved = json(expect("moveDocument", 200, postJson(pieter, path,
        body("from", "open", "to", "consensus", "note", "Comments are over.").encode(), "Idempotency-Key", k)));
    assertEquals("consensus", moved.getString("status"));
    Response replayed = expect("moveDocument", 200, postJson(pieter, path,
        body("from", "open", "to", "consensus", "note", "Comments are over.").encode(), "Idempotency-Key", k));
    assertEquals("true", replayed.header("Idempotent-Replayed"));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_status_changes WHERE document_id = ? AND to_status = 'consensus'", id));
    expect("moveDocument", 409, postJson(pieter, path, body("from", "open", "to", "consensus").encode()));
    JsonObject adopted = json(expect("moveDocument", 200, postJson(pieter, path, body("from", "consensus", "to", "adopted").encode())));
    assertEquals("adopted", adopted.getString("status"));
    assertEquals(1, adopted.getInteger("adoptedRevision"));
  }

  @Test
  @DisplayName("A member endorses the current revision (twice changes nothing), a stale revision is a 409, and withdrawing answers 204")
  void endorsements() {
    long id = document("assessment", "open");
    String path = "/api/v1/documents/" + id + "/endorsement";
    JsonObject list = json(expect("endorseDocument", 200, send(elena, "PUT", path, body("revision", 1).encode(), true)));
    expect("endorseDocument", 200, send(elena, "PUT", path, body("revision", 1).encode(), true));
    assertEquals(List.of("elena"), list.getJsonArray("endorsements").stream()
        .map(e -> ((JsonObject) e).getJsonObject("member").getString("handle")).toList());
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", id));
    expect("endorseDocument", 409, send(sofia, "PUT", path, body("revision", 2).encode(), true));
    expect("endorseDocument", 400, send(sofia, "PUT", path, body("revision", "1").encode(), true));
    expect("endorseDocument", 403, send(lukas, "PUT", path, body("revision", 1).encode(), true));
    expect("endorseDocument", 403, send(elena, "PUT", path, body("revision", 1).encode(), false));
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", id));
    expect("withdrawEndorsement", 204, send(elena, "DELETE", path, null, true));
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM document_endorsements WHERE document_id = ?", id));
    assertTrue(json(expect("listEndorsements", 200, get(anonymous, "/api/v1/documents/" + id + "/endorsements")))
        .getJsonArray("endorsements").isEmpty());
  }

  // ---------------------------------------------------------------- Talks

  @Test
  @DisplayName("The programme lists an upcoming Talk; one Talk reads as the contract says, a missing one is 404")
  void programme() {
    String slug = talk("scheduled");
    JsonObject programme = json(expect("getProgramme", 200, get(anonymous, "/api/v1/talks")));
    assertTrue(programme.getJsonArray("upcoming").stream().anyMatch(t -> slug.equals(((JsonObject) t).getString("slug"))),
        "the Talk is upcoming");
    JsonObject talk = json(expect("getTalk", 200, get(anonymous, "/api/v1/talks/" + slug)));
    assertEquals("scheduled", talk.getString("room"));
    assertEquals(List.of("assessment"), talk.getJsonArray("groups").stream().map(g -> ((JsonObject) g).getString("slug")).toList());
    assertFalse(talk.getJsonObject("can").getBoolean("moderate"));
    assertTrue(json(expect("getTalk", 200, get(pieter, "/api/v1/talks/" + slug))).getJsonObject("can").getBoolean("moderate"));
    expect("getTalk", 404, get(anonymous, "/api/v1/talks/no-such-talk"));
    expect("listQuestions", 404, get(anonymous, "/api/v1/talks/no-such-talk/questions"));
    expect("askQuestion", 409, postJson(sofia, "/api/v1/talks/" + slug + "/questions", body("body", "Too early?").encode()));
    assertEquals(0, questions(slug));
  }

  @Test
  @DisplayName("An anonymous question asked twice with one key is stored once; others see it without its author, the asker and the moderator with it")
  void askAnonymously() {
    String slug = talk("open");
    // a member of no group takes part in a Talk too (and has her own rate limit of questions)
    Browser asker = ApiContractTest.signedInNew("Api Asker");
    String path = "/api/v1/talks/" + slug + "/questions";
    String k = key();
    String sent = body("body", "Which evidence level for a diary app?", "anonymous", true).encode();
    Response first = expect("askQuestion", 201, postJson(asker, path, sent, "Idempotency-Key", k));
    Response again = expect("askQuestion", 201, postJson(asker, path, sent, "Idempotency-Key", k));
    assertEquals(1, questions(slug));
    assertEquals("true", again.header("Idempotent-Replayed"));
    JsonObject asked = json(first).getJsonObject("question");
    long qid = asked.getLong("id");
    assertEquals(path + "/" + qid, first.header("Location"));
    String handle = asked.getJsonObject("author").getString("handle");
    assertEquals("Api Asker", asked.getJsonObject("author").getString("name"), "the asker sees her own name");

    for (Browser other : List.of(sofia, anonymous, lukas)) {
      JsonObject q = json(expect("listQuestions", 200, get(other, path))).getJsonArray("questions").getJsonObject(0);
      assertEquals(qid, q.getLong("id"));
      assertTrue(q.getBoolean("anonymous"));
      assertNull(q.getValue("author"), "the author is hidden from others");
    }
    JsonObject seenByModerator = json(expect("getQuestion", 200, get(pieter, path + "/" + qid)));
    assertEquals(handle, seenByModerator.getJsonObject("author").getString("handle"));

    expect("askQuestion", 201, postJson(sofia, path, body("body", "And for wearables?").encode()));
    List<Long> newest = ids(json(expect("listQuestions", 200, get(anonymous, path + "?sort=newest"))).getJsonArray("questions"));
    assertEquals(2, newest.size());
    assertEquals(qid, newest.get(1), "newest first");
    expect("listQuestions", 400, get(anonymous, path + "?sort=random"));
  }

  @Test
  @DisplayName("Questions that are too long, blank or of the wrong type are refused with 400 and store nothing; anonymous callers get 403")
  void badQuestionsAreRefused() {
    String slug = talk("open");
    String path = "/api/v1/talks/" + slug + "/questions";
    expect("askQuestion", 400, postJson(elena, path, body("body", "x".repeat(301)).encode()));
    expect("askQuestion", 400, postJson(elena, path, body("body", " ").encode()));
    expect("askQuestion", 400, postJson(elena, path, body("body", List.of("a")).encode()));
    expect("askQuestion", 400, postJson(elena, path, body("body", "Fine?", "anonymous", "yes").encode()));
    expect("askQuestion", 400, postJson(elena, path, "not json"));
    expect("askQuestion", 403, postJson(anonymous, path, body("body", "Fine?").encode()));
    assertEquals(0, questions(slug));
  }

  @Test
  @DisplayName("Members vote and take their vote back (twice changes nothing); only the Talk's moderators pin, answer, hide and approve (403 for a member)")
  void votesAndModeration() {
    String slug = talk("open");
    String path = "/api/v1/talks/" + slug + "/questions";
    Browser asker = ApiContractTest.signedInNew("Api Voter");
    long qid = json(expect("askQuestion", 201, postJson(asker, path, body("body", "Is there a registry?").encode())))
        .getJsonObject("question").getLong("id");
    String q = path + "/" + qid;
    assertEquals(1, json(expect("voteQuestion", 200, send(sofia, "PUT", q + "/vote", null, true))).getInteger("votes"));
    assertEquals(1, json(expect("voteQuestion", 200, send(sofia, "PUT", q + "/vote", null, true))).getInteger("votes"));
    assertTrue(json(expect("getQuestion", 200, get(sofia, q))).getBoolean("voted"));
    assertEquals(0, json(expect("unvoteQuestion", 200, send(sofia, "DELETE", q + "/vote", null, true))).getInteger("votes"));
    expect("voteQuestion", 403, send(anonymous, "PUT", q + "/vote", null, true));
    expect("voteQuestion", 404, send(sofia, "PUT", path + "/999999999/vote", null, true));

    String moderation = q + "/moderation";
    expect("moderateQuestion", 403, postJson(elena, moderation, body("action", "pin").encode()));
    expect("moderateQuestion", 400, postJson(pieter, moderation, body("action", "promote").encode()));
    expect("moderateQuestion", 400, postJson(pieter, moderation, body("action", "answer", "answer", "x".repeat(1001)).encode()));
    assertEquals("", TestDatabase.text("SELECT answer FROM talk_questions WHERE id = ?", qid));
    assertTrue(json(expect("moderateQuestion", 200, postJson(pieter, moderation, body("action", "pin").encode(),
        "Idempotency-Key", key()))).getBoolean("pinned"));
    JsonObject answered = json(expect("moderateQuestion", 200, postJson(pieter, moderation,
        body("action", "answer", "answer", "Yes, since 2024.").encode())));
    assertEquals("Yes, since 2024.", answered.getString("answer"));
    assertFalse(answered.getBoolean("pinned"), "answering unpins");
    assertEquals("hidden", json(expect("moderateQuestion", 200, postJson(pieter, moderation, body("action", "hide").encode())))
        .getString("status"));
    expect("getQuestion", 404, get(sofia, q));
    expect("moderateQuestion", 409, postJson(pieter, moderation, body("action", "hide").encode()));
    assertEquals("visible", json(expect("moderateQuestion", 200, postJson(pieter, moderation, body("action", "approve").encode())))
        .getString("status"));
    expect("getQuestion", 200, get(sofia, q));
  }
  // ---------------------------------------------------------------- held items, late questions, examples

  @Test
  @DisplayName("A comment held for review after flags is listed without its text; a held question's text stays with its author and the moderators")
  void heldItemsKeepTheirText() {
    long id = document("assessment", "open");
    long cid = json(expect("createComment", 201, postJson(elena, "/api/v1/documents/" + id + "/sections/2/comments",
        body("body", "Flagged words").encode()))).getLong("id");
    TestDatabase.update("UPDATE document_comments SET held_for_review_at = now() WHERE id = ?", cid);
    JsonObject comment = json(expect("getComment", 200, get(sofia, "/api/v1/documents/" + id + "/comments/" + cid)));
    assertTrue(comment.getBoolean("held"));
    assertNull(comment.getValue("bodyMarkdown"));
    assertNull(comment.getValue("bodyHtml"));

    String slug = talk("open");
    String path = "/api/v1/talks/" + slug + "/questions";
    Browser asker = ApiContractTest.signedInNew("Api Flagged");
    long qid = json(expect("askQuestion", 201, postJson(asker, path, body("body", "Flagged question").encode())))
        .getJsonObject("question").getLong("id");
    TestDatabase.update("UPDATE talk_questions SET status = 'hidden', held_for_review_at = now() WHERE id = ?", qid);
    JsonObject seen = json(expect("getQuestion", 200, get(sofia, path + "/" + qid)));
    assertTrue(seen.getBoolean("held"));
    assertNull(seen.getValue("body"), "others read a notice, not the text");
    assertEquals("Flagged question", json(expect("getQuestion", 200, get(asker, path + "/" + qid))).getString("body"));
    assertEquals("Flagged question", json(expect("getQuestion", 200, get(pieter, path + "/" + qid))).getString("body"));
  }

  @Test
  @DisplayName("After the room closed, a question becomes a reply in the follow-up thread: 201 with the post's Location")
  void lateQuestionGoesToTheFollowupThread() {
    String slug = talk("closed");
    long threadId = json(expect("createThread", 201, postJson(pieter, "/api/v1/groups/assessment/threads",
        body("title", "Follow-up of " + slug, "body", "Questions after the Talk.").encode()))).getLong("id");
    TestDatabase.update("""
        INSERT INTO talk_followups (talk_id, group_id, thread_id, position)
        SELECT id, ?, ?, 1 FROM talks WHERE slug = ?""", groupId("assessment"), threadId, slug);
    Response late = expect("askQuestion", 201, postJson(elena, "/api/v1/talks/" + slug + "/questions",
        body("body", "Is the recording online?").encode()));
    long postId = json(late).getLong("postId");
    assertNull(json(late).getValue("question"));
    assertEquals("/api/v1/posts/" + postId, late.header("Location"));
    assertEquals(threadId, json(expect("getPost", 200, get(elena, late.header("Location")))).getLong("threadId"));
    assertEquals(0, questions(slug));
    expect("askQuestion", 409, postJson(lukas, "/api/v1/talks/" + slug + "/questions", body("body", "And me?").encode()));
  }

  @Test
  @DisplayName("Every example the contract gives for a document or Talk answer is valid against the answer's schema")
  void examplesAreValid() {
    Map<String, String> locations = Map.of("createComment", "/api/v1/documents/12/comments/88",
        "createProposal", "/api/v1/documents/12/proposals/7", "askQuestion", "/api/v1/talks/evidence-for-apps/questions/41");
    JsonObject paths;
    try (java.io.InputStream in = DocumentTalkApiTest.class.getResourceAsStream("/openapi/agora-v1.json")) {
      paths = new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).getJsonObject("paths");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    int examples = 0;
    for (String path : paths.fieldNames()) {
      for (Map.Entry<String, Object> method : paths.getJsonObject(path)) {
        if (!(method.getValue() instanceof JsonObject op) || !ROUTES.containsKey(op.getString("operationId"))) {
          continue;
        }
        for (Map.Entry<String, Object> answer : op.getJsonObject("responses")) {
          JsonObject content = ((JsonObject) answer.getValue()).getJsonObject("content");
          JsonObject media = content == null ? null : content.getJsonObject("application/json; charset=utf-8");
          if (media == null || !media.containsKey("example")) {
            continue;
          }
          Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
          headers.put("Content-Type", List.of("application/json; charset=utf-8"));
          String operationId = op.getString("operationId");
          if (locations.containsKey(operationId)) {
            headers.put("Location", List.of(locations.get(operationId)));
          }
          int status = Integer.parseInt(answer.getKey());
          expect(operationId, status, new Response(status, HttpHeaders.of(headers, (k, v) -> true),
              media.getValue("example").toString(), URI.create("http://example.org" + path.replace("{", "_").replace("}", "_"))));
          examples++;
        }
      }
    }
    assertTrue(examples >= 8, "the new operations give examples: " + examples);
  }
}
