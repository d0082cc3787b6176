package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.document.DocumentEvents.Citation;
import eu.mhealthhub.agora.document.DocumentRevision.Section;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.text.WordDiff;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Consensus documents in HTML. Every action is a form that works without JavaScript; live pages
 * refresh their document region when {@code document.<id>} announces a change.
 *
 * <pre>
 * GET  /groups/:slug/documents                 the group's documents
 * GET  /groups/:slug/documents/new, POST /groups/:slug/documents    a moderator starts a draft (action=preview)
 * GET  /documents/:id                          the current revision (?revision=n an earlier one)
 * GET  /documents/:id/revisions                the revision log
 * GET  /documents/:id/compare?from=&to=&view=  word diff of two revisions, inline or side by side
 * GET  /documents/:id/edit, POST               a moderator's new revision (base, body, summary); 409 shows three versions
 * GET  /documents/:id/propose, POST /documents/:id/proposals   a member proposes a change (base, body, rationale)
 * GET  /documents/:id/proposals/:pid           a proposal with its diff
 * POST /documents/:id/proposals/:pid/accept | /decline (reason)
 * POST /documents/:id/status                   a moderator moves the workflow (from, to, note)
 * GET  /documents/:id/sections/:key            one section: its text over time, comments, proposals, citations
 * POST /documents/:id/sections/:key/comments   comment on it (body)
 * POST /documents/:id/comments/:cid/resolve    a moderator's disposition (disposition, reason)
 * POST /documents/:id/endorsement              endorse the current revision (revision); action=withdraw
 * GET  /documents/:id/dispositions             the disposition-of-comments table
 * GET  /documents/:id/export.html | export.pdf ?revision=n, standalone
 * </pre>
 */
public final class DocumentRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final DocumentService documents;
  private final DocumentExport export;
  private final I18n i18n;

  public DocumentRoutes(Pages pages, GroupService groups, DocumentService documents, DocumentExport export, I18n i18n) {
    this.pages = pages;
    this.groups = groups;
    this.documents = documents;
    this.export = export;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/groups/:slug/documents").handler(this::list);
    router.get("/groups/:slug/documents/new").handler(this::newDocument);
    router.post("/groups/:slug/documents").handler(this::create);
    router.get("/documents/:id").handler(this::show);
    router.get("/documents/:id/revisions").handler(this::revisions);
    router.get("/documents/:id/compare").handler(this::compare);
    router.get("/documents/:id/edit").handler(this::editForm);
    router.post("/documents/:id/edit").handler(this::edit);
    router.get("/documents/:id/propose").handler(this::proposeForm);
    router.post("/documents/:id/proposals").handler(this::propose);
    router.get("/documents/:id/proposals/:pid").handler(this::proposal);
    router.post("/documents/:id/proposals/:pid/accept").handler(this::accept);
    router.post("/documents/:id/proposals/:pid/decline").handler(this::decline);
    router.post("/documents/:id/status").handler(this::move);
    router.get("/documents/:id/sections/:key").handler(this::section);
    router.post("/documents/:id/sections/:key/comments").handler(this::comment);
    router.post("/documents/:id/comments/:cid/resolve").handler(this::resolve);
    router.post("/documents/:id/endorsement").handler(this::endorse);
    router.get("/documents/:id/dispositions").handler(this::dispositions);
    router.get("/documents/:id/export.html").handler(ctx -> exportAs(ctx, false));
    router.get("/documents/:id/export.pdf").handler(ctx -> exportAs(ctx, true));
  }

  private static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  /** A form field as typed, cleaned as multi-line text ({@link CleanText#body}); "" when absent. */
  private static String field(RoutingContext ctx, String name) {
    String v = ctx.request().getFormAttribute(name);
    return v == null ? "" : CleanText.body(v);
  }

  private static int number(String value, int fallback) {
    try {
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw DomainException.badRequest("error.400.text");
    }
  }

  private static String url(long documentId) {
    return "/documents/" + documentId;
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private Map<String, Object> base(Object group, ConsensusDocument document) {
    Map<String, Object> model = new HashMap<>();
    model.put("group", group);
    model.put("document", document);
    return model;
  }

  /** A refusal about the input re-renders the form with the message; anything else is an error page. */
  private static Future<Runnable> formFailure(Throwable e, Function<DomainException, Future<Runnable>> rerender) {
    if (e instanceof DomainException d && (d.kind() == DomainException.Kind.BAD_REQUEST
        || d.kind() == DomainException.Kind.CONFLICT)) {
      return rerender.apply(d);
    }
    return Future.failedFuture(e);
  }

  private String message(RoutingContext ctx, DomainException d) {
    return i18n.message(Viewer.of(ctx).locale(), d.messageKey(), d.args());
  }

  // ---- list and create

  private void list(RoutingContext ctx) {
    Optional<Member> viewer = viewer(ctx);
    groups.find(ctx.pathParam("slug"), viewer).compose(group -> documents.list(group, viewer).map(list -> {
      Map<String, Object> model = base(group, null);
      model.put("documents", list);
      model.put("canCreate", DocumentPolicy.canCreate(viewer, group));
      return model;
    })).onSuccess(model -> pages.render(ctx, "document/list", model)).onFailure(ctx::fail);
  }

  private void newDocument(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx))
            .compose(group -> Respond.ifAllowed(DocumentPolicy.canCreate(viewer(ctx), group), group)),
        group -> renderCreate(ctx, 200, group, "", "", "", Tokens.random(16), Map.of(), null, null));
  }

  private void renderCreate(RoutingContext ctx, int status, WorkingGroup group, String title, String body, String summary,
      String token, Map<String, String> problems, String preview, String error) {
    Map<String, Object> model = base(group, null);
    model.put("mode", "create");
    model.put("action", "/groups/" + group.slug() + "/documents");
    model.put("title", title);
    model.put("body", body);
    model.put("summary", summary);
    model.put("clientToken", token);
    putProblems(model, problems, error);
    model.put("preview", preview);
    pages.render(ctx, status, "document/form", model);
  }

  private static void putProblems(Map<String, Object> model, Map<String, String> problems, String error) {
    model.put("problems", problems);
    model.put("formError", error);
    model.put("hasProblems", !problems.isEmpty() || error != null);
  }

  private void create(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Member me = viewer(ctx).orElseThrow();
    String title = CleanText.line(field(ctx, "title"));
    String body = field(ctx, "body");
    String summary = field(ctx, "summary");
    String token = field(ctx, "clientToken");
    Respond.to(ctx, groups.find(ctx.pathParam("slug"), viewer(ctx)).compose(group -> {
      if (!DocumentPolicy.canCreate(viewer(ctx), group)) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = DocumentService.problems(title, true, body, summary, false);
      if (!problems.isEmpty() || "preview".equals(field(ctx, "action"))) {
        String preview = problems.isEmpty() ? previewHtml(body) : null;
        return Respond.sending(() -> renderCreate(ctx, problems.isEmpty() ? 200 : 400, group, title, body, summary, token,
            problems, preview, null));
      }
      return documents.create(group, me, title, body, summary, token)
          .<Runnable>map(id -> () -> Forms.redirect(ctx, url(id)))
          .recover(e -> formFailure(e, d -> {
            String message = message(ctx, d);
            return Respond.sending(() -> renderCreate(ctx, d.kind().status, group, title, body, summary, token,
                Map.of(), null, message));
          }));
    }));
  }

  /** A preview shows the sections as the document page will. */
  private static String previewHtml(String body) {
    StringBuilder html = new StringBuilder();
    int heading = Markdown.PAGE_HEADING;
    for (String block : Sections.split(body)) {
      Markdown.Rendered rendered = Markdown.render(block, heading);
      heading = rendered.lastHeading();
      html.append(rendered.html());
    }
    return html.toString();
  }

  // ---- reading

  private void show(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    String asked = ctx.request().getParam("revision");
    Integer revision = asked == null ? null : number(asked, 1);
    documents.view(id, viewer, revision).compose(v -> documents.revisionsBySection(
        new DocumentService.Located(v.group(), v.document())).map(changed -> {
          ConsensusDocument d = v.document();
          Map<String, Object> model = base(v.group(), d);
          model.put("revision", v.revision());
          model.put("isCurrent", v.revision().number() == d.currentRevision());
          model.put("isAdopted", d.adoptedRevision() != null && d.adoptedRevision() == v.revision().number());
          Map<Integer, int[]> counts = new HashMap<>();
          Map<Integer, List<SectionComment>> bySection = new HashMap<>();
          for (SectionComment c : v.comments()) {
            bySection.computeIfAbsent(c.sectionKey(), k -> new ArrayList<>()).add(c);
            int[] n = counts.computeIfAbsent(c.sectionKey(), k -> new int[2]);
            n[0]++;
            if (!c.resolved()) {
              n[1]++;
            }
          }
          List<Map<String, Object>> sections = new ArrayList<>();
          for (Section s : v.revision().sections()) {
            int[] n = counts.getOrDefault(s.key(), new int[2]);
            Map<String, Object> item = new HashMap<>();
            item.put("section", s);
            item.put("comments", n[0]);
            item.put("openComments", n[1]);
            item.put("discussion", bySection.getOrDefault(s.key(), List.of()));
            item.put("revisions", changed.getOrDefault(s.key(), List.of()).size());
            sections.add(item);
          }
          model.put("sections", sections);
          model.put("pending", v.proposals().stream().filter(Proposal::pending).toList());
          model.put("decided", v.proposals().stream().filter(p -> !p.pending()).limit(10).toList());
          model.put("endorsements", v.endorsements());
          model.put("outdatedEndorsements", v.endorsements().stream().anyMatch(DocumentEvents.Endorsement::outdated));
          model.put("viewerEndorsed", viewer.flatMap(m -> v.endorsements().stream()
              .filter(e -> e.memberId() == m.id()).findFirst()).orElse(null));
          model.put("history", v.history());
          model.put("citations", v.citations());
          model.put("moves", d.status().moves().stream()
              .filter(to -> DocumentPolicy.canMove(viewer, v.group(), d, to))
              .map(to -> Map.of("to", to.value(), "key", "document.move." + to.value())).toList());
          model.put("canEdit", DocumentPolicy.canEdit(viewer, v.group(), d));
          model.put("canParticipate", DocumentPolicy.canParticipate(viewer, v.group(), d));
          model.put("canEndorse", DocumentPolicy.canEndorse(viewer, v.group(), d));
          model.put("signedIn", viewer.isPresent());
          return model;
        }))
        .onSuccess(model -> pages.render(ctx, "document/show", model)).onFailure(ctx::fail);
  }

  private void revisions(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    documents.locate(id, viewer).compose(at -> Future.all(documents.revisions(at), documents.statusHistory(at))
        .map(all -> {
          Map<String, Object> model = base(at.group(), at.document());
          model.put("revisions", all.resultAt(0));
          model.put("history", all.resultAt(1));
          return model;
        })).onSuccess(model -> pages.render(ctx, "document/revisions", model)).onFailure(ctx::fail);
  }

  private void compare(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages m = messages(ctx);
    boolean side = "side".equals(ctx.request().getParam("view"));
    documents.locate(id, viewer).compose(at -> {
      int current = at.document().currentRevision();
      int to = number(ctx.request().getParam("to"), current);
      int from = number(ctx.request().getParam("from"), Math.max(1, to - 1));
      return Future.all(documents.revision(at, from), documents.revision(at, to), documents.revisions(at)).compose(all -> {
        DocumentRevision a = all.resultAt(0);
        DocumentRevision b = all.resultAt(1);
        Map<String, Object> model = base(at.group(), at.document());
        model.put("from", a);
        model.put("to", b);
        model.put("side", side);
        model.put("all", all.resultAt(2));
        return putDiff(ctx, model, a.body(), b.body(), m);
      });
    }).onSuccess(model -> pages.render(ctx, "document/compare", model)).onFailure(ctx::fail);
  }

  /** Adds the word diff, inline and side by side; documents are long, so it is worked out off the event loop. */
  private static Future<Map<String, Object>> putDiff(RoutingContext ctx, Map<String, Object> model, String before,
      String after, I18n.Messages m) {
    return ctx.vertx().executeBlocking(() -> {
      List<WordDiff.Chunk> chunks = WordDiff.diff(before, after);
      model.put("inline", WordDiff.inlineHtml(chunks, m.get("diff.deleted"), m.get("diff.inserted")));
      WordDiff.SideBySide sbs = WordDiff.sideBySideHtml(chunks, m.get("diff.deleted"), m.get("diff.inserted"));
      model.put("before", sbs.beforeHtml());
      model.put("after", sbs.afterHtml());
      model.put("identical", chunks.stream().allMatch(c -> c.kind() == WordDiff.Kind.SAME));
      return model;
    }, false);
  }

  // ---- moderators' edits

  private void editForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Respond.to(ctx, documents.locate(id, viewer).compose(at -> {
      if (!DocumentPolicy.canEdit(viewer, at.group(), at.document())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      return documents.revision(at, at.document().currentRevision()).<Runnable>map(r ->
          () -> renderEdit(ctx, 200, "edit", at, r.number(), r.body(), "", Map.of(), null, null, null));
    }));
  }

  /** The edit and proposal forms; {@code conflict} holds the three-way view when the document moved on. */
  private void renderEdit(RoutingContext ctx, int status, String mode, DocumentService.Located at, int base, String body,
      String note, Map<String, String> problems, String preview, String error, Map<String, Object> conflict) {
    Map<String, Object> model = base(at.group(), at.document());
    model.put("mode", mode);
    model.put(mode, true);
    model.put("action", url(at.document().id()) + ("edit".equals(mode) ? "/edit" : "/proposals"));
    model.put("base", base);
    model.put("body", body);
    model.put("note", note);
    model.put("clientToken", ctx.request().getFormAttribute("clientToken") != null ? field(ctx, "clientToken")
        : Tokens.random(16));
    putProblems(model, problems, error);
    model.put("preview", preview);
    model.put("conflict", conflict);
    pages.render(ctx, status, "document/form", model);
  }

  private void edit(RoutingContext ctx) {
    write(ctx, "edit");
  }

  private void propose(RoutingContext ctx) {
    write(ctx, "propose");
  }

  /** Saves an edit or a proposal; a stale base revision answers 409 with the three versions side by side. */
  private void write(RoutingContext ctx, String mode) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Member me = viewer(ctx).orElseThrow();
    String body = field(ctx, "body");
    String note = field(ctx, "edit".equals(mode) ? "summary" : "rationale");
    int base = number(field(ctx, "base"), 0);
    boolean editing = "edit".equals(mode);
    Respond.to(ctx, documents.locate(id, viewer(ctx)).compose(at -> {
      boolean allowed = editing ? DocumentPolicy.canEdit(viewer(ctx), at.group(), at.document())
          : DocumentPolicy.canParticipate(viewer(ctx), at.group(), at.document());
      if (!allowed) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Map<String, String> problems = DocumentService.problems(null, false, body, note, false);
      if (note.isBlank()) {
        problems.put(editing ? "summary" : "rationale", editing ? "document.error.summary.required"
            : "document.error.rationale.required");
      } else if (note.length() > (editing ? ConsensusDocument.MAX_SUMMARY : Proposal.MAX_RATIONALE)) {
        problems.put(editing ? "summary" : "rationale", editing ? "document.error.summary.long"
            : "document.error.rationale.long");
      }
      if (!problems.isEmpty() || "preview".equals(field(ctx, "action"))) {
        String preview = problems.isEmpty() ? previewHtml(body) : null;
        return Respond.sending(() -> renderEdit(ctx, problems.isEmpty() ? 200 : 400, mode, at, base, body, note, problems,
            preview, null, null));
      }
      Future<?> saved = editing ? documents.edit(at, me, base, body, note)
          : documents.propose(at, me, base, body, note, field(ctx, "clientToken"));
      return saved.<Runnable>map(result -> () -> Forms.redirect(ctx, editing ? url(id) : url(id) + "/proposals/" + result))
          .recover(e -> formFailure(e, d -> {
            if (d.kind() == DomainException.Kind.CONFLICT && "document.error.conflict".equals(d.messageKey())) {
              return threeWay(ctx, mode, at, base, body, note, d);
            }
            String message = message(ctx, d);
            return Respond.sending(() -> renderEdit(ctx, d.kind().status, mode, at, base, body, note, Map.of(), null,
                message, null));
          }));
    }));
  }

  /**
   * The document moved on while someone edited: show what they started from, what is current and
   * what they wrote, and offer their text merged with the current one when the changes touch
   * different sections (their own text otherwise), to save against the current revision.
   */
  private Future<Runnable> threeWay(RoutingContext ctx, String mode, DocumentService.Located stale, int base, String body,
      String note, DomainException d) {
    I18n.Messages m = messages(ctx);
    return documents.locate(stale.document().id(), viewer(ctx)).compose(at -> {
      int current = at.document().currentRevision();
      int from = base >= 1 && base <= current ? base : current;
      return Future.all(documents.revision(at, from), documents.revision(at, current)).compose(all -> ctx.vertx()
          .executeBlocking(() -> {
        DocumentRevision original = all.resultAt(0);
        DocumentRevision now = all.resultAt(1);
        Map<String, Object> conflict = new LinkedHashMap<>();
        conflict.put("base", from);
        conflict.put("current", now);
        List<WordDiff.Chunk> theirs = WordDiff.diff(original.body(), now.body());
        List<WordDiff.Chunk> ours = WordDiff.diff(original.body(), body);
        conflict.put("theirs", WordDiff.inlineHtml(theirs, m.get("diff.deleted"), m.get("diff.inserted")));
        conflict.put("ours", WordDiff.inlineHtml(ours, m.get("diff.deleted"), m.get("diff.inserted")));
        Optional<List<String>> merged = Sections.merge(
            original.sections().stream().map(Section::source).toList(),
            now.sections().stream().map(Section::source).toList(), Sections.split(body));
        conflict.put("merged", merged.isPresent());
        conflict.put("text", merged.map(Sections::join).orElse(body));
        return conflict;
      }, false)).map(conflict -> {
        String text = (String) conflict.remove("text");
        String message = message(ctx, d);
        return () -> renderEdit(ctx, 409, mode, at, current, text, note, Map.of(), null, message, conflict);
      });
    });
  }

  // ---- proposals

  private void proposeForm(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    Respond.to(ctx, documents.locate(id, viewer).compose(at -> {
      if (!DocumentPolicy.canParticipate(viewer, at.group(), at.document())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      return documents.revision(at, at.document().currentRevision()).<Runnable>map(r ->
          () -> renderEdit(ctx, 200, "propose", at, r.number(), r.body(), "", Map.of(), null, null, null));
    }));
  }

  private void proposal(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    long pid = Forms.id(ctx, "pid");
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages m = messages(ctx);
    documents.locate(id, viewer).compose(at -> documents.proposal(at, pid).compose(p ->
        documents.revision(at, p.baseRevision()).compose(base -> {
          Map<String, Object> model = base(at.group(), at.document());
          model.put("proposal", p);
          model.put("stale", p.pending() && p.baseRevision() != at.document().currentRevision());
          model.put("canDecide", p.pending() && DocumentPolicy.canCurate(viewer, at.group(), at.document())
              && DocumentPolicy.canEdit(viewer, at.group(), at.document()));
          model.put("side", "side".equals(ctx.request().getParam("view")));
          return putDiff(ctx, model, base.body(), p.body(), m);
        }))).onSuccess(model -> pages.render(ctx, "document/proposal", model)).onFailure(ctx::fail);
  }

  private void accept(RoutingContext ctx) {
    decide(ctx, true);
  }

  private void decline(RoutingContext ctx) {
    decide(ctx, false);
  }

  private void decide(RoutingContext ctx, boolean accept) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    long pid = Forms.id(ctx, "pid");
    Member me = viewer(ctx).orElseThrow();
    documents.locate(id, viewer(ctx))
        .compose(at -> accept ? documents.acceptProposal(at, me, pid).mapEmpty()
            : documents.declineProposal(at, me, pid, field(ctx, "reason")))
        .onSuccess(v -> Forms.redirect(ctx, url(id) + "/proposals/" + pid))
        .onFailure(ctx::fail);
  }

  // ---- workflow, comments, endorsements

  private void move(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Member me = viewer(ctx).orElseThrow();
    documents.locate(id, viewer(ctx))
        .compose(at -> documents.move(at, me, field(ctx, "from"), field(ctx, "to"), field(ctx, "note")))
        .onSuccess(v -> Forms.redirect(ctx, url(id) + "#history"))
        .onFailure(ctx::fail);
  }

  private void section(RoutingContext ctx) {
    renderSection(ctx, 200, Map.of());
  }

  /** The section page; {@code extra} carries a refused comment's text and problem back to its form. */
  private void renderSection(RoutingContext ctx, int status, Map<String, Object> extra) {
    long id = Forms.id(ctx, "id");
    int key = (int) Math.min(Integer.MAX_VALUE, Forms.id(ctx, "key"));
    Optional<Member> viewer = viewer(ctx);
    I18n.Messages m = messages(ctx);
    documents.locate(id, viewer).compose(at -> Future.all(documents.sectionHistory(at, key), documents.comments(at),
        documents.proposals(at), documents.citations(at, viewer), documents.revisionsBySection(at),
        documents.revisions(at)).map(all -> {
          List<SectionText> history = all.resultAt(0);
          if (history.isEmpty()) {
            throw DomainException.notFound();
          }
          Map<String, Object> model = base(at.group(), at.document());
          model.put("key", key);
          SectionText last = history.get(history.size() - 1);
          boolean present = last.revision() == at.document().currentRevision();
          model.put("present", present);
          model.put("text", Markdown.toHtml(last.markdown()));
          model.put("lastRevision", last.revision());
          // how the section read in each revision that changed it, with what changed
          List<Integer> changedIn = all.<Map<Integer, List<Integer>>>resultAt(4).getOrDefault(key, List.of());
          Map<Integer, String> textAt = new HashMap<>();
          history.forEach(h -> textAt.put(h.revision(), h.markdown()));
          Map<Integer, DocumentRevision> revisionsByNumber = new HashMap<>();
          all.<List<DocumentRevision>>resultAt(5).forEach(r -> revisionsByNumber.put(r.number(), r));
          List<Map<String, Object>> changes = new ArrayList<>();
          for (int n : changedIn) {
            Map<String, Object> c = new HashMap<>();
            c.put("revision", revisionsByNumber.get(n));
            c.put("diff", WordDiff.inlineHtml(WordDiff.diff(textAt.getOrDefault(n - 1, ""), textAt.getOrDefault(n, "")),
                m.get("diff.deleted"), m.get("diff.inserted")));
            c.put("removed", !textAt.containsKey(n));
            changes.add(0, c);
          }
          model.put("changes", changes);
          model.put("comments", all.<List<SectionComment>>resultAt(1).stream().filter(c -> c.sectionKey() == key).toList());
          List<Long> proposalIds = all.<List<DocumentRevision>>resultAt(5).stream()
              .filter(r -> r.proposalId() != null && changedIn.contains(r.number())).map(DocumentRevision::proposalId).toList();
          model.put("proposals", all.<List<Proposal>>resultAt(2).stream()
              .filter(p -> proposalIds.contains(p.id()) || (p.pending() && touches(p, key, textAt))).toList());
          List<Integer> revs = changedIn;
          model.put("citations", all.<List<Citation>>resultAt(3).stream()
              .filter(c -> (c.sectionKey() != null && c.sectionKey() == key) || (c.revision() != null && revs.contains(c.revision())))
              .toList());
          model.put("canComment", present && DocumentPolicy.canParticipate(viewer, at.group(), at.document()));
          model.put("canResolve", DocumentPolicy.canCurate(viewer, at.group(), at.document()));
          model.put("dispositions", SectionComment.DISPOSITIONS);
          model.put("clientToken", Tokens.random(16));
          model.put("signedIn", viewer.isPresent());
          model.put("problems", Map.of());
          model.putAll(extra);
          return model;
        })).onSuccess(model -> pages.render(ctx, status, "document/section", model)).onFailure(ctx::fail);
  }

  /** Whether a pending proposal changes the section as it read in the proposal's base revision. */
  private static boolean touches(Proposal p, int key, Map<Integer, String> textAt) {
    String before = null;
    for (int n = p.baseRevision(); n >= 1 && before == null; n--) {
      before = textAt.get(n);
    }
    return before != null && !Sections.split(p.body()).contains(before);
  }

  private void comment(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    int key = (int) Math.min(Integer.MAX_VALUE, Forms.id(ctx, "key"));
    Member me = viewer(ctx).orElseThrow();
    String body = field(ctx, "body");
    String token = field(ctx, "clientToken");
    Respond.to(ctx, documents.locate(id, viewer(ctx))
        .compose(at -> documents.comment(at, me, key, body, token))
        .<Runnable>map(cid -> () -> Forms.redirect(ctx, url(id) + "/sections/" + key + "#comment-" + cid))
        .recover(e -> {
          // an empty or over-long comment: the section page again, with the message and the text kept
          if (e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST) {
            Map<String, Object> extra = Map.of("commentBody", body, "commentProblem", d.messageKey(),
                "problems", Map.of("body", d.messageKey()), "hasProblems", true,
                "clientToken", token.isEmpty() ? Tokens.random(16) : token);
            return Respond.sending(() -> renderSection(ctx, 400, extra));
          }
          return Future.failedFuture(e);
        }));
  }

  private void resolve(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    long cid = Forms.id(ctx, "cid");
    Member me = viewer(ctx).orElseThrow();
    String back = field(ctx, "back");
    documents.locate(id, viewer(ctx))
        .compose(at -> documents.resolve(at, me, cid, field(ctx, "disposition"), field(ctx, "reason")))
        .onSuccess(v -> Forms.redirect(ctx, Tokens.isLocalPath(back) && back.startsWith(url(id)) ? back
            : url(id) + "/dispositions"))
        .onFailure(ctx::fail);
  }

  private void endorse(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    long id = Forms.id(ctx, "id");
    Member me = viewer(ctx).orElseThrow();
    boolean withdraw = "withdraw".equals(field(ctx, "action"));
    documents.locate(id, viewer(ctx))
        .compose(at -> withdraw ? documents.withdraw(at, me)
            : documents.endorse(at, me, number(field(ctx, "revision"), 0)))
        .onSuccess(v -> Forms.redirect(ctx, url(id) + "#endorsements"))
        .onFailure(ctx::fail);
  }

  private void dispositions(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    documents.locate(id, viewer).compose(at -> documents.comments(at).map(comments -> {
      Map<String, Object> model = base(at.group(), at.document());
      model.put("comments", comments);
      model.put("canResolve", DocumentPolicy.canCurate(viewer, at.group(), at.document()));
      model.put("dispositions", SectionComment.DISPOSITIONS);
      return model;
    })).onSuccess(model -> pages.render(ctx, "document/dispositions", model)).onFailure(ctx::fail);
  }

  // ---- export

  private void exportAs(RoutingContext ctx, boolean pdf) {
    long id = Forms.id(ctx, "id");
    Optional<Member> viewer = viewer(ctx);
    String asked = ctx.request().getParam("revision");
    Integer revision = asked == null ? null : number(asked, 1);
    Viewer who = Viewer.of(ctx);
    documents.view(id, viewer, revision)
        .compose(v -> export.render(v, i18n.forLocale(who.locale()), who.zone(), pdf))
        .onSuccess(file -> ctx.response()
            .putHeader("Content-Type", pdf ? "application/pdf" : "text/html; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"" + file.name() + "\"")
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "no-store")
            .end(file.bytes()))
        .onFailure(ctx::fail);
  }
}
