package eu.mhealthhub.agora.api;

import static eu.mhealthhub.agora.api.ApiRoutes.body;
import static eu.mhealthhub.agora.api.ApiRoutes.failed;
import static eu.mhealthhub.agora.api.ApiRoutes.integral;
import static eu.mhealthhub.agora.api.ApiRoutes.json;
import static eu.mhealthhub.agora.api.ApiRoutes.member;
import static eu.mhealthhub.agora.api.ApiRoutes.send;
import static eu.mhealthhub.agora.api.ApiRoutes.string;
import static eu.mhealthhub.agora.api.ApiRoutes.time;
import static eu.mhealthhub.agora.api.ApiRoutes.viewer;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.ConsensusDocument;
import eu.mhealthhub.agora.document.DocumentEvents.Endorsement;
import eu.mhealthhub.agora.document.DocumentPolicy;
import eu.mhealthhub.agora.document.DocumentRevision;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.document.DocumentService.Located;
import eu.mhealthhub.agora.document.DocumentStatus;
import eu.mhealthhub.agora.document.Proposal;
import eu.mhealthhub.agora.document.SectionComment;
import eu.mhealthhub.agora.document.Sections;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.WordDiff;
import eu.mhealthhub.agora.web.Forms;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API of consensus documents: the same {@link DocumentService} and {@link DocumentPolicy}
 * as the pages, with the forum API's sessions, CSRF header, errors and {@code Idempotency-Key}
 * (every POST accepts one). A document in a closed group answers 404 to anyone who may not read
 * the group, as a missing one does.
 *
 * <pre>
 * GET    /api/v1/groups/:slug/documents                     the group's documents
 * GET    /api/v1/documents/:id                              a document: status, current and adopted revision, revisions
 * GET    /api/v1/documents/:id/revisions/:n                 a revision: text and sections with their keys
 * GET    /api/v1/documents/:id/sections                     the sections of the current revision
 * GET    /api/v1/documents/:id/sections/:key                one section: its text over time and its comments
 * POST   /api/v1/documents/:id/sections/:key/comments       comment on it {body}
 * GET    /api/v1/documents/:id/comments                     every comment, with dispositions
 * GET    /api/v1/documents/:id/comments/:cid                one comment
 * POST   /api/v1/documents/:id/comments/:cid/disposition    a moderator resolves it {disposition, reason}
 * GET    /api/v1/documents/:id/proposals                    proposals with status and diff summary
 * POST   /api/v1/documents/:id/proposals                    propose {base, body, rationale}; a stale base is 409
 * GET    /api/v1/documents/:id/proposals/:pid               one proposal with its text
 * POST   /api/v1/documents/:id/proposals/:pid/decision      a moderator accepts or declines {decision, reason}
 * POST   /api/v1/documents/:id/status                       a moderator moves the workflow {from, to, note}
 * GET    /api/v1/documents/:id/endorsements                 who endorses which revision
 * PUT    /api/v1/documents/:id/endorsement                  endorse the current revision {revision}
 * DELETE /api/v1/documents/:id/endorsement                  withdraw the endorsement
 * </pre>
 */
public final class DocumentApi {

  private final GroupService groups;
  private final DocumentService documents;
  private final Idempotency idempotency;

  public DocumentApi(GroupService groups, DocumentService documents, Idempotency idempotency) {
    this.groups = groups;
    this.documents = documents;
    this.idempotency = idempotency;
  }

  public void mount(Router router) {
    router.get("/api/v1/groups/:slug/documents").handler(this::list);
    router.get("/api/v1/documents/:id").handler(this::document);
    router.get("/api/v1/documents/:id/revisions/:n").handler(this::revision);
    router.get("/api/v1/documents/:id/sections").handler(this::sections);
    router.get("/api/v1/documents/:id/sections/:key").handler(this::section);
    router.post("/api/v1/documents/:id/sections/:key/comments").handler(this::comment);
    router.get("/api/v1/documents/:id/comments").handler(this::comments);
    router.get("/api/v1/documents/:id/comments/:cid").handler(this::oneComment);
    router.post("/api/v1/documents/:id/comments/:cid/disposition").handler(this::resolve);
    router.get("/api/v1/documents/:id/proposals").handler(this::proposals);
    router.post("/api/v1/documents/:id/proposals").handler(this::propose);
    router.get("/api/v1/documents/:id/proposals/:pid").handler(this::proposal);
    router.post("/api/v1/documents/:id/proposals/:pid/decision").handler(this::decide);
    router.post("/api/v1/documents/:id/status").handler(this::move);
    router.get("/api/v1/documents/:id/endorsements").handler(this::endorsements);
    router.put("/api/v1/documents/:id/endorsement").handler(this::endorse);
    router.delete("/api/v1/documents/:id/endorsement").handler(this::withdraw);
  }

  // ---- JSON shapes

  static JsonObject summary(ConsensusDocument d, WorkingGroup g) {
    return new JsonObject().put("id", d.id()).put("group", g.slug()).put("title", d.title())
        .put("status", d.status().value()).put("currentRevision", d.currentRevision())
        .put("adoptedRevision", d.adoptedRevision()).put("createdAt", time(d.createdAt()))
        .put("updatedAt", time(d.updatedAt())).put("lastEditor", d.lastEditorName())
        .put("endorsements", d.endorsements()).put("pendingProposals", d.pendingProposals())
        .put("openComments", d.openComments()).put("url", "/documents/" + d.id());
  }

  /** The document with what the caller may do with it, each answer from {@link DocumentPolicy}. */
  static JsonObject document(Located at, Optional<Member> viewer, List<DocumentRevision> revisions) {
    ConsensusDocument d = at.document();
    WorkingGroup g = at.group();
    JsonArray moves = new JsonArray();
    for (DocumentStatus to : d.status().moves()) {
      if (DocumentPolicy.canMove(viewer, g, d, to)) {
        moves.add(to.value());
      }
    }
    JsonArray log = new JsonArray();
    revisions.forEach(r -> log.add(new JsonObject().put("number", r.number()).put("author", r.authorName())
        .put("committer", r.committerName()).put("summary", r.summary()).put("proposalId", r.proposalId())
        .put("createdAt", time(r.createdAt())).put("url", "/api/v1/documents/" + d.id() + "/revisions/" + r.number())));
    return summary(d, g).put("revisions", log).put("can", new JsonObject()
        .put("comment", DocumentPolicy.canParticipate(viewer, g, d))
        .put("propose", DocumentPolicy.canParticipate(viewer, g, d))
        .put("endorse", DocumentPolicy.canEndorse(viewer, g, d))
        .put("curate", DocumentPolicy.canCurate(viewer, g, d))
        .put("moveTo", moves));
  }

  static JsonObject section(DocumentRevision.Section s) {
    return new JsonObject().put("key", s.key()).put("label", s.label()).put("heading", s.heading())
        .put("markdown", s.source()).put("html", s.html());
  }

  static JsonObject revision(DocumentRevision r) {
    return new JsonObject().put("documentId", r.documentId()).put("number", r.number()).put("author", r.authorName())
        .put("committer", r.committerName()).put("summary", r.summary()).put("summaryHtml", r.summaryHtml())
        .put("proposalId", r.proposalId()).put("createdAt", time(r.createdAt())).put("body", r.body())
        .put("sections", new JsonArray(r.sections().stream().map(DocumentApi::section).toList()))
        .put("url", "/documents/" + r.documentId() + "?revision=" + r.number());
  }

  /** A comment; the text of one held for review after flags is withheld, as the pages show a notice instead. */
  static JsonObject comment(SectionComment c) {
    JsonObject disposition = c.resolved() ? new JsonObject().put("value", c.disposition())
        .put("reason", c.dispositionReason()).put("by", c.resolvedByName()).put("at", time(c.resolvedAt())) : null;
    return new JsonObject().put("id", c.id()).put("documentId", c.documentId()).put("section", c.sectionKey())
        .put("revision", c.revision()).put("author", new JsonObject().put("name", c.authorName()).put("handle", c.authorHandle()))
        .put("held", c.held()).put("bodyMarkdown", c.held() ? null : c.body()).put("bodyHtml", c.held() ? null : c.html())
        .put("disposition", disposition).put("createdAt", time(c.createdAt()))
        .put("url", "/documents/" + c.documentId() + "/sections/" + c.sectionKey() + "#comment-" + c.id());
  }

  /** What a proposal changes against its base: sections and words. */
  record DiffSummary(int sectionsChanged, int wordsInserted, int wordsDeleted) {
    JsonObject json() {
      return new JsonObject().put("sectionsChanged", sectionsChanged).put("wordsInserted", wordsInserted)
          .put("wordsDeleted", wordsDeleted);
    }

    static DiffSummary of(String base, String proposed) {
      List<String> before = Sections.split(base);
      List<String> after = Sections.split(proposed);
      int changed = 0;
      java.util.Set<String> kept = new java.util.HashSet<>(before);
      for (String block : after) {
        if (!kept.contains(block)) {
          changed++;
        }
      }
      java.util.Set<String> now = new java.util.HashSet<>(after);
      for (String block : before) {
        if (!now.contains(block)) {
          changed++;
        }
      }
      int inserted = 0;
      int deleted = 0;
      for (WordDiff.Chunk c : WordDiff.diff(base, proposed)) {
        int words = c.text().isBlank() ? 0 : c.text().strip().split("\\s+").length;
        if (c.kind() == WordDiff.Kind.INSERTED) {
          inserted += words;
        } else if (c.kind() == WordDiff.Kind.DELETED) {
          deleted += words;
        }
      }
      return new DiffSummary(changed, inserted, deleted);
    }
  }

  static JsonObject proposal(Proposal p, DiffSummary diff, boolean withBody) {
    JsonObject o = new JsonObject().put("id", p.id()).put("documentId", p.documentId()).put("baseRevision", p.baseRevision())
        .put("author", p.authorName()).put("rationale", p.rationale()).put("rationaleHtml", p.rationaleHtml())
        .put("status", p.status()).put("decidedBy", p.decidedByName()).put("decidedAt", time(p.decidedAt()))
        .put("decisionReason", p.decisionReason()).put("acceptedRevision", p.acceptedRevision())
        .put("createdAt", time(p.createdAt())).put("diff", diff.json())
        .put("url", "/documents/" + p.documentId() + "/proposals/" + p.id());
    if (withBody) {
      o.put("body", p.body());
    }
    return o;
  }

  static JsonObject endorsements(Located at, List<Endorsement> list) {
    return new JsonObject().put("documentId", at.document().id()).put("currentRevision", at.document().currentRevision())
        .put("endorsements", new JsonArray(list.stream().map(e -> new JsonObject()
            .put("member", new JsonObject().put("name", e.memberName()).put("handle", e.handle()))
            .put("revision", e.revision()).put("at", time(e.at())).put("outdated", e.outdated())).toList()));
  }

  // ---- reading

  private Future<Located> located(RoutingContext ctx) {
    return documents.locate(Forms.id(ctx, "id"), viewer(ctx));
  }

  /** A path number that must fit an int: anything else is 404, as for ids. */
  private static int number(RoutingContext ctx, String name) {
    long n = Forms.id(ctx, name);
    if (n > Integer.MAX_VALUE) {
      throw DomainException.notFound();
    }
    return (int) n;
  }

  private void list(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), viewer(ctx))
        .compose(g -> documents.list(g, viewer(ctx)).map(list -> new JsonObject().put("group", g.slug())
            .put("documents", new JsonArray(list.stream().map(d -> summary(d, g)).toList()))))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void document(RoutingContext ctx) {
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> documents.revisions(at).map(revisions -> document(at, viewer(ctx), revisions)))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void revision(RoutingContext ctx) {
    Forms.id(ctx, "id");
    int n = number(ctx, "n");
    located(ctx)
        .compose(at -> documents.revision(at, n))
        .map(DocumentApi::revision)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void sections(RoutingContext ctx) {
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> Future.all(documents.revision(at, at.document().currentRevision()), documents.comments(at))
            .map(all -> {
              DocumentRevision r = all.resultAt(0);
              List<SectionComment> comments = all.resultAt(1);
              Map<Integer, Integer> counts = new HashMap<>();
              comments.forEach(c -> counts.merge(c.sectionKey(), 1, Integer::sum));
              return new JsonObject().put("documentId", r.documentId()).put("revision", r.number())
                  .put("sections", new JsonArray(r.sections().stream()
                      .map(s -> section(s).put("comments", counts.getOrDefault(s.key(), 0))).toList()));
            }))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void section(RoutingContext ctx) {
    Forms.id(ctx, "id");
    int key = number(ctx, "key");
    located(ctx)
        .compose(at -> Future.all(documents.revision(at, at.document().currentRevision()), documents.sectionHistory(at, key),
            documents.comments(at)).compose(all -> {
              DocumentRevision r = all.resultAt(0);
              List<eu.mhealthhub.agora.document.SectionText> history = all.resultAt(1);
              List<SectionComment> comments = all.resultAt(2);
              if (history.isEmpty()) {
                return Future.failedFuture(DomainException.notFound());
              }
              Optional<DocumentRevision.Section> now = r.sections().stream().filter(s -> s.key() == key).findFirst();
              JsonObject o = now.map(DocumentApi::section).orElseGet(() -> new JsonObject().put("key", key)
                  .put("label", "§" + key).put("heading", false).put("markdown", null).put("html", null));
              return Future.succeededFuture(o.put("documentId", r.documentId()).put("revision", r.number())
                  .put("removed", now.isEmpty())
                  .put("history", new JsonArray(history.stream().map(h -> new JsonObject().put("revision", h.revision())
                      .put("markdown", h.markdown())).toList()))
                  .put("comments", new JsonArray(comments.stream().filter(c -> c.sectionKey() == key)
                      .map(DocumentApi::comment).toList())));
            }))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void comments(RoutingContext ctx) {
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> documents.comments(at).map(list -> new JsonObject().put("documentId", at.document().id())
            .put("comments", new JsonArray(list.stream().map(DocumentApi::comment).toList()))))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  /** A comment of this document; one of another document is as missing. */
  private Future<SectionComment> commentOf(RoutingContext ctx, long documentId, long commentId) {
    return documents.comment(commentId, viewer(ctx)).compose(c -> c.at().document().id() == documentId
        ? Future.succeededFuture(c.comment()) : Future.failedFuture(DomainException.notFound()));
  }

  private void oneComment(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    long cid = Forms.id(ctx, "cid");
    commentOf(ctx, id, cid)
        .map(DocumentApi::comment)
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private Future<DiffSummary> diff(Located at, Proposal p, Map<Integer, DocumentRevision> bases) {
    Future<DocumentRevision> base = bases.containsKey(p.baseRevision())
        ? Future.succeededFuture(bases.get(p.baseRevision())) : documents.revision(at, p.baseRevision());
    return base.compose(b -> {
      bases.put(b.number(), b);
      return documents.offLoop(() -> DiffSummary.of(b.body(), p.body()));
    });
  }

  private void proposals(RoutingContext ctx) {
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> documents.proposals(at).compose(list -> {
          Map<Integer, DocumentRevision> bases = new HashMap<>();
          // one after another, so that proposals on one base read it once
          Future<List<JsonObject>> all = Future.succeededFuture(new ArrayList<>());
          for (Proposal p : list) {
            all = all.compose(done -> diff(at, p, bases).map(d -> {
              done.add(proposal(p, d, false));
              return done;
            }));
          }
          return all.map(done -> new JsonObject().put("documentId", at.document().id()).put("proposals", new JsonArray(done)));
        }))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void proposal(RoutingContext ctx) {
    Forms.id(ctx, "id");
    long pid = Forms.id(ctx, "pid");
    located(ctx)
        .compose(at -> documents.proposal(at, pid).compose(p -> diff(at, p, new HashMap<>()).map(d -> proposal(p, d, true))))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void endorsements(RoutingContext ctx) {
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> documents.endorsements(at).map(list -> endorsements(at, list)))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  // ---- writing

  /** An integer field; absent or of another type: 400. */
  private static int integer(JsonObject in, String field) {
    Object v = in.getValue(field);
    if (!integral(v) || ((Number) v).longValue() < Integer.MIN_VALUE || ((Number) v).longValue() > Integer.MAX_VALUE) {
      throw DomainException.badRequest("api.error.field", field);
    }
    return ((Number) v).intValue();
  }

  private static String request(RoutingContext ctx) {
    return ctx.request().method().name() + " " + ctx.request().path();
  }

  private void comment(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    int key = number(ctx, "key");
    String idempotencyKey = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String text = string(in, "body");
    idempotency.once(me, idempotencyKey, request(ctx), in, () -> located(ctx)
            .compose(at -> documents.comment(at, me, key, text, Idempotency.serviceToken(idempotencyKey)))
            .compose(cid -> commentOf(ctx, id, cid))
            .map(c -> Idempotency.Answer.created("/api/v1/documents/" + id + "/comments/" + c.id(), comment(c))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void resolve(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    long cid = Forms.id(ctx, "cid");
    String idempotencyKey = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String disposition = string(in, "disposition");
    String reason = string(in, "reason");
    if (disposition == null) {
      throw DomainException.badRequest("api.error.field", "disposition");
    }
    idempotency.once(me, idempotencyKey, request(ctx), in, () -> located(ctx)
            .compose(at -> commentOf(ctx, id, cid).compose(c -> documents.resolve(at, me, cid, disposition, reason)))
            .compose(v -> commentOf(ctx, id, cid))
            .map(c -> new Idempotency.Answer(200, null, comment(c).encode(), false)))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void propose(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    String idempotencyKey = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    int base = integer(in, "base");
    String text = string(in, "body");
    String rationale = string(in, "rationale");
    idempotency.once(me, idempotencyKey, request(ctx), in, () -> located(ctx)
            .compose(at -> documents.propose(at, me, base, text == null ? "" : text, rationale == null ? "" : rationale,
                    Idempotency.serviceToken(idempotencyKey))
                .compose(pid -> documents.proposal(at, pid))
                .compose(p -> diff(at, p, new HashMap<>()).map(d -> Idempotency.Answer.created(
                    "/api/v1/documents/" + id + "/proposals/" + p.id(), proposal(p, d, true))))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void decide(RoutingContext ctx) {
    Member me = member(ctx);
    Forms.id(ctx, "id");
    long pid = Forms.id(ctx, "pid");
    String idempotencyKey = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String decision = string(in, "decision");
    String reason = string(in, "reason");
    if (!"accept".equals(decision) && !"decline".equals(decision)) {
      throw DomainException.badRequest("api.error.field", "decision");
    }
    idempotency.once(me, idempotencyKey, request(ctx), in, () -> located(ctx)
            .compose(at -> ("accept".equals(decision) ? documents.acceptProposal(at, me, pid).<Void>mapEmpty()
                    : documents.declineProposal(at, me, pid, reason))
                .compose(v -> documents.proposal(at, pid))
                .compose(p -> diff(at, p, new HashMap<>()).map(d -> new Idempotency.Answer(200, null,
                    proposal(p, d, true).encode(), false)))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void move(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    String idempotencyKey = Idempotency.key(ctx.request().getHeader(Idempotency.HEADER));
    JsonObject in = body(ctx);
    String from = string(in, "from");
    String to = string(in, "to");
    String note = string(in, "note");
    if (from == null) {
      throw DomainException.badRequest("api.error.field", "from");
    }
    if (to == null) {
      throw DomainException.badRequest("api.error.field", "to");
    }
    idempotency.once(me, idempotencyKey, request(ctx), in, () -> located(ctx)
            .compose(at -> documents.move(at, me, from, to, note))
            .compose(v -> documents.locate(id, viewer(ctx)))
            .compose(at -> documents.revisions(at).map(revisions -> new Idempotency.Answer(200, null,
                document(at, viewer(ctx), revisions).encode(), false))))
        .onSuccess(answer -> send(ctx, answer))
        .onFailure(e -> failed(ctx, e));
  }

  private void endorse(RoutingContext ctx) {
    Member me = member(ctx);
    long id = Forms.id(ctx, "id");
    int revision = integer(body(ctx), "revision");
    located(ctx)
        .compose(at -> documents.endorse(at, me, revision))
        .compose(v -> documents.locate(id, viewer(ctx)))
        .compose(at -> documents.endorsements(at).map(list -> endorsements(at, list)))
        .onSuccess(o -> json(ctx, 200, o))
        .onFailure(ctx::fail);
  }

  private void withdraw(RoutingContext ctx) {
    Member me = member(ctx);
    Forms.id(ctx, "id");
    located(ctx)
        .compose(at -> documents.withdraw(at, me))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }
}
