package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentEvents.Citation;
import eu.mhealthhub.agora.document.DocumentEvents.Endorsement;
import eu.mhealthhub.agora.document.DocumentEvents.StatusChange;
import eu.mhealthhub.agora.document.DocumentForms.CommentForm;
import eu.mhealthhub.agora.document.DocumentRevision.Section;
import eu.mhealthhub.agora.document.DocumentService.Located;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.text.WordDiff;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each document page shows, as one record per page, built from {@link DocumentService} with
 * the viewer's permissions decided here, so the routes only read the request and render. Every
 * method fails as the service does: NOT_FOUND for what the viewer may not read, FORBIDDEN for a
 * form they may not use.
 */
public final class DocumentViews {

  private final GroupService groups;
  private final DocumentService documents;
  private final java.net.URI publicUrl;
  private final java.time.Clock clock;

  public DocumentViews(GroupService groups, DocumentService documents) {
    this(groups, documents, java.net.URI.create("http://localhost"), java.time.Clock.systemUTC());
  }

  /** With the public URL that permanent addresses and citations are absolute from, and the clock of access dates. */
  public DocumentViews(GroupService groups, DocumentService documents, java.net.URI publicUrl, java.time.Clock clock) {
    this.groups = groups;
    this.documents = documents;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  // ---- pages

  /** A group's documents. */
  public record ListPage(WorkingGroup group, List<ConsensusDocument> documents, boolean canCreate) {}

  /** The page of one revision with everything around it. */
  public record DocumentPage(WorkingGroup group, ConsensusDocument document, DocumentRevision revision,
      boolean isCurrent, boolean isAdopted, List<SectionView> sections, List<Proposal> pending, List<Proposal> decided,
      List<Endorsement> endorsements, boolean outdatedEndorsements, Endorsement viewerEndorsed,
      List<StatusChange> history, List<Citation> citations, List<Move> moves, boolean canEdit,
      boolean canParticipate, boolean canEndorse, boolean signedIn, boolean watching, Citing citing) {

    /** The same page, knowing whether the viewer watches the document. */
    DocumentPage watched(boolean watches) {
      return new DocumentPage(group, document, revision, isCurrent, isAdopted, sections, pending, decided, endorsements,
          outdatedEndorsements, viewerEndorsed, history, citations, moves, canEdit, canParticipate, canEndorse, signedIn,
          watches, citing);
    }
  }

  /**
   * A revision's permanent address, its neighbours, and on an adopted revision how to cite it
   * ({@code cite}, else null) and, in a public group, its schema.org {@code Report} as JSON-LD
   * ({@code jsonLd}, else null) and OpenGraph description for the page's head.
   *
   * @param older the previous revision's number, or null for the first
   * @param newer the next revision's number, or null for the current
   */
  public record Citing(String permanentUrl, Integer older, Integer newer, RevisionCitation cite, String jsonLd,
      String description) {}

  /** A section on the document page: how many comments it has, how many open, and how often it changed. */
  public record SectionView(Section section, int comments, int openComments, List<SectionComment> discussion,
      int revisions) {}

  /** A workflow move the viewer may make, with its label's message key. */
  public record Move(String to, String key) {}

  public record RevisionsPage(WorkingGroup group, ConsensusDocument document, List<DocumentRevision> revisions,
      List<StatusChange> history) {}

  /** A word diff, inline and side by side. */
  public record Diff(String inline, String before, String after, boolean identical) {}

  public record ComparePage(WorkingGroup group, ConsensusDocument document, DocumentRevision from, DocumentRevision to,
      boolean side, Diff diff) {}

  public record ProposalPage(WorkingGroup group, ConsensusDocument document, Proposal proposal, boolean stale,
      boolean canDecide, boolean side, Diff diff) {}

  public record DispositionsPage(WorkingGroup group, ConsensusDocument document, List<SectionComment> comments,
      boolean canResolve, List<String> dispositions) {}

  /** One section over time, with its comments, proposals and citations, and the comment form. */
  public record SectionPage(WorkingGroup group, ConsensusDocument document, int key, boolean present, String text,
      int lastRevision, List<SectionChange> changes, List<SectionComment> comments, List<Proposal> proposals,
      List<Citation> citations, boolean canComment, boolean canResolve, List<String> dispositions, String clientToken,
      boolean signedIn, Map<String, String> problems, boolean hasProblems, String commentBody, String commentProblem,
      long viewerId) {

    /** The page again with a refused comment's text and its problem at the form. */
    public SectionPage refusing(CommentForm form, String problem) {
      return new SectionPage(group, document, key, present, text, lastRevision, changes, comments, proposals, citations,
          canComment, canResolve, dispositions, form.clientToken().isEmpty() ? clientToken : form.clientToken(),
          signedIn, Map.of("body", problem), true, form.body(), problem, viewerId);
    }
  }

  /** How a section read after a revision that changed it. */
  public record SectionChange(DocumentRevision revision, String diff, boolean removed) {}

  /**
   * The form for a new document, a new revision or a proposal, as shown or shown again.
   * {@code document} is null for a new one; {@code conflict} is set when the document moved on.
   */
  public record FormPage(WorkingGroup group, ConsensusDocument document, String mode, boolean edit, boolean propose,
      String action, String title, int base, String body, String summary, String note, String clientToken,
      Map<String, String> problems, String formError, boolean hasProblems, String preview, Conflict conflict,
      eu.mhealthhub.agora.ContentLanguage.Chosen language) {

    static FormPage create(WorkingGroup group) {
      return new FormPage(group, null, "create", false, false, "/groups/" + group.slug() + "/documents", "", 0, "", "", "",
          Tokens.random(16), Map.of(), null, false, null, null,
          new eu.mhealthhub.agora.ContentLanguage.Chosen(eu.mhealthhub.agora.ContentLanguage.DEFAULT));
    }

    static FormPage write(Located at, boolean editing) {
      String url = "/documents/" + at.document().id();
      return new FormPage(at.group(), at.document(), editing ? "edit" : "propose", editing, !editing,
          url + (editing ? "/edit" : "/proposals"), "", at.document().currentRevision(), "", "", "", Tokens.random(16),
          Map.of(), null, false, null, null,
          new eu.mhealthhub.agora.ContentLanguage.Chosen(at.document().language()));
    }

    /** The form with the language chosen in it. */
    public FormPage withLanguage(String chosen) {
      return new FormPage(group, document, mode, edit, propose, action, title, base, body, summary, note, clientToken,
          problems, formError, hasProblems, preview, conflict, new eu.mhealthhub.agora.ContentLanguage.Chosen(chosen));
    }

    public Located located() {
      return new Located(group, document);
    }

    /** The form filled in: what was typed, its problems, a preview or a refusal's message. */
    public FormPage filled(String title, int base, String body, String note, String token, Map<String, String> problems,
        String preview, String error) {
      return new FormPage(group, document, mode, edit, propose, action, title, base, body, note, note,
          token.isEmpty() ? clientToken : token, problems, error, !problems.isEmpty() || error != null, preview, null,
          language);
    }

    /** The form as typed, with its text as the document page would show it. */
    public FormPage previewing() {
      return new FormPage(group, document, mode, edit, propose, action, title, base, body, summary, note, clientToken,
          problems, formError, hasProblems, DocumentViews.preview(body), conflict, language);
    }

    FormPage conflicting(int current, String text, String error, Conflict conflict) {
      return new FormPage(group, document, mode, edit, propose, action, title, current, text, summary, note, clientToken,
          Map.of(), error, true, null, conflict, language);
    }
  }

  /** The three versions when the document moved on during an edit: where it started, what is current, what was typed. */
  public record Conflict(int base, DocumentRevision current, String theirs, String ours, boolean merged) {}

  // ---- building them

  public Future<ListPage> list(String slug, Optional<Member> viewer) {
    return groups.find(slug, viewer).compose(group -> documents.list(group, viewer)
        .map(list -> new ListPage(group, list, DocumentPolicy.canCreate(viewer, group))));
  }

  /** The empty form for a new document; FORBIDDEN but for the group's moderators. */
  public Future<FormPage> newDocument(String slug, Optional<Member> viewer) {
    return groups.find(slug, viewer).compose(group -> DocumentPolicy.canCreate(viewer, group)
        ? Future.succeededFuture(FormPage.create(group)) : Future.failedFuture(DomainException.forbidden()));
  }

  /**
   * The form for a new revision ({@code editing}) or a proposal, without text; FORBIDDEN for
   * anyone who may not edit or propose.
   */
  public Future<FormPage> writing(long documentId, Optional<Member> viewer, boolean editing) {
    return documents.locate(documentId, viewer).compose(at -> (editing
        ? DocumentPolicy.canEdit(viewer, at.group(), at.document())
        : DocumentPolicy.canParticipate(viewer, at.group(), at.document()))
        ? Future.succeededFuture(FormPage.write(at, editing)) : Future.failedFuture(DomainException.forbidden()));
  }

  /** {@link #writing} filled with the current revision's text. */
  public Future<FormPage> writingFromCurrent(long documentId, Optional<Member> viewer, boolean editing) {
    return writing(documentId, viewer, editing).compose(page -> documents.revision(page.located(),
        page.document().currentRevision()).map(r -> page.filled("", r.number(), r.body(), "", "", Map.of(), null, null)));
  }

  /**
   * The form again after the document moved on while someone edited: what they started from, what
   * is current and what they wrote, and their text merged with the current one when the changes
   * touch different sections (their own text otherwise), to save against the current revision.
   */
  private Future<FormPage> conflict(FormPage stale, Optional<Member> viewer, String error, I18n.Messages m) {
    int base = stale.base();
    String body = stale.body();
    String note = stale.note();
    return documents.locate(stale.document().id(), viewer).compose(at -> {
      int current = at.document().currentRevision();
      int from = base >= 1 && base <= current ? base : current;
      return Future.all(documents.revision(at, from), documents.revision(at, current)).compose(all -> documents.offLoop(() -> {
        DocumentRevision original = all.resultAt(0);
        DocumentRevision now = all.resultAt(1);
        String theirs = WordDiff.inlineHtml(WordDiff.diff(original.body(), now.body()), m.get("diff.deleted"),
            m.get("diff.inserted"));
        String ours = WordDiff.inlineHtml(WordDiff.diff(original.body(), body), m.get("diff.deleted"),
            m.get("diff.inserted"));
        Optional<List<String>> merged = Sections.merge(
            original.sections().stream().map(Section::source).toList(),
            now.sections().stream().map(Section::source).toList(), Sections.split(body));
        FormPage typed = FormPage.write(at, stale.edit()).filled("", current, body, note, stale.clientToken(), Map.of(),
            null, error);
        return typed.conflicting(current, merged.map(Sections::join).orElse(body), error,
            new Conflict(from, now, theirs, ours, merged.isPresent()));
      }));
    });
  }

  /**
   * The form again after {@code refusal}: with its message, and with the three versions when the
   * document moved on since the revision the text started from.
   */
  public Future<FormPage> refused(FormPage typed, Optional<Member> viewer, DomainException refusal, I18n.Messages m) {
    String message = m.get(refusal.messageKey(), refusal.args());
    if (typed.document() != null && refusal.kind() == DomainException.Kind.CONFLICT
        && "document.error.conflict".equals(refusal.messageKey())) {
      return conflict(typed, viewer, message, m);
    }
    return Future.succeededFuture(typed.filled(typed.title(), typed.base(), typed.body(), typed.note(), typed.clientToken(),
        Map.of(), null, message));
  }

  /** A preview shows the sections as the document page will. */
  public static String preview(String body) {
    StringBuilder html = new StringBuilder();
    int heading = Markdown.PAGE_HEADING;
    for (String block : Sections.split(body)) {
      Markdown.Rendered rendered = Markdown.render(block, heading);
      heading = rendered.lastHeading();
      html.append(rendered.html());
    }
    return html.toString();
  }

  /** The document page at {@code revision} (null: the current one). */
  public Future<DocumentPage> document(long documentId, Optional<Member> viewer, Integer revision) {
    // located first (the read rule), then everything else at once: the view's queries, the changed sections and
    // the viewer's watch share one round trip (issue 18)
    return documents.locate(documentId, viewer).compose(at -> document(at, viewer, revision));
  }

  /** {@link #document(long, Optional, Integer)} of a document already located. */
  public Future<DocumentPage> document(Located at, Optional<Member> viewer, Integer revision) {
    long documentId = at.document().id();
    Future<DocumentService.PageView> page = documents.pageView(at, viewer, revision);
    Future<Boolean> watching = documents.watching(viewer, documentId);
    return Future.all(page, watching).map(all -> {
      DocumentService.View v = page.result().view();
      Map<Integer, List<Integer>> changed = page.result().changedSections();
      ConsensusDocument d = v.document();
      Map<Integer, List<SectionComment>> bySection = new HashMap<>();
      v.comments().forEach(c -> bySection.computeIfAbsent(c.sectionKey(), k -> new ArrayList<>()).add(c));
      List<SectionView> sections = v.revision().sections().stream().map(s -> {
        List<SectionComment> discussion = bySection.getOrDefault(s.key(), List.of());
        return new SectionView(s, discussion.size(), (int) discussion.stream().filter(c -> !c.resolved()).count(),
            discussion, changed.getOrDefault(s.key(), List.of()).size());
      }).toList();
      List<Move> moves = d.status().moves().stream()
          .filter(to -> DocumentPolicy.canMove(viewer, v.group(), d, to))
          .map(to -> new Move(to.value(), "document.move." + to.value())).toList();
      Endorsement mine = viewer.flatMap(m -> v.endorsements().stream().filter(e -> e.memberId() == m.id()).findFirst())
          .orElse(null);
      return new DocumentPage(v.group(), d, v.revision(), v.revision().number() == d.currentRevision(),
          d.adoptedRevision() != null && d.adoptedRevision() == v.revision().number(), sections,
          v.proposals().stream().filter(Proposal::pending).toList(),
          v.proposals().stream().filter(p -> !p.pending()).limit(10).toList(), v.endorsements(),
          v.endorsements().stream().anyMatch(Endorsement::outdated), mine, v.history(), v.citations(), moves,
          DocumentPolicy.canEdit(viewer, v.group(), d), DocumentPolicy.canParticipate(viewer, v.group(), d),
          DocumentPolicy.canEndorse(viewer, v.group(), d), viewer.isPresent(), false,
          citing(v.group(), d, v.revision())).watched(watching.result());
    });
  }

  /** The permanent address and neighbours of a revision; the citation and JSON-LD where it is the adopted one. */
  private Citing citing(WorkingGroup group, ConsensusDocument d, DocumentRevision revision) {
    int n = revision.number();
    String permanent = publicUrl.toString().replaceAll("/+$", "") + RevisionCitation.permanentPath(d.id(), n);
    boolean adopted = d.adoptedRevision() != null && d.adoptedRevision() == n;
    RevisionCitation cite = adopted
        ? RevisionCitation.of(d, group.name(), revision, publicUrl, java.time.LocalDate.now(clock)) : null;
    String description = DocumentViews.description(revision);
    String jsonLd = adopted && !group.closed() ? jsonLd(cite, description) : null;
    return new Citing(permanent, n > 1 ? n - 1 : null, n < d.currentRevision() ? n + 1 : null, cite, jsonLd,
        description);
  }

  /** The revision's opening words, plain, for OpenGraph and schema.org descriptions. */
  static String description(DocumentRevision revision) {
    String text = revision.sections().stream().filter(s -> !s.heading()).map(Section::source).findFirst()
        .orElse(revision.summary()).replaceAll("[*_`#>\\[\\]]", "").replaceAll("\\s+", " ").strip();
    return text.length() > 300 ? text.substring(0, 297) + "…" : text;
  }

  /**
   * The schema.org {@code Report} of an adopted revision as JSON-LD. The page puts it in a script
   * element unescaped, so every character that could end that element or start markup is written as
   * a JSON escape: what a person typed cannot break out.
   */
  static String jsonLd(RevisionCitation cite, String description) {
    io.vertx.core.json.JsonObject hub = new io.vertx.core.json.JsonObject().put("@type", "Organization")
        .put("name", RevisionCitation.PUBLISHER);
    String json = new io.vertx.core.json.JsonObject()
        .put("@context", "https://schema.org")
        .put("@type", "Report")
        .put("name", cite.title())
        .put("headline", cite.title())
        .put("description", description)
        .put("url", cite.url())
        .put("version", Integer.toString(cite.revision()))
        .put("datePublished", cite.date().atOffset(java.time.ZoneOffset.UTC).toLocalDate().toString())
        .put("author", hub)
        .put("publisher", hub)
        .put("sourceOrganization", new io.vertx.core.json.JsonObject().put("@type", "Organization")
            .put("name", cite.groupName()))
        .encode();
    return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
  }

  public Future<RevisionsPage> revisions(long documentId, Optional<Member> viewer) {
    return documents.locate(documentId, viewer).compose(at -> {
      Future<List<DocumentRevision>> revisions = documents.revisions(at);
      Future<List<StatusChange>> history = documents.statusHistory(at);
      return Future.all(revisions, history).map(x -> new RevisionsPage(at.group(), at.document(), revisions.result(),
          history.result()));
    });
  }

  /** Two revisions compared; {@code from} and {@code to} as asked (null: the one before the current, the current). */
  public Future<ComparePage> compare(long documentId, Optional<Member> viewer, String from, String to, boolean side,
      I18n.Messages m) {
    return documents.locate(documentId, viewer).compose(at -> {
      int newer = DocumentForms.number(to, at.document().currentRevision());
      int older = DocumentForms.number(from, Math.max(1, newer - 1));
      Future<DocumentRevision> a = documents.revision(at, older);
      Future<DocumentRevision> b = documents.revision(at, newer);
      return Future.all(a, b).compose(x -> diff(a.result().body(), b.result().body(), m))
          .map(diff -> new ComparePage(at.group(), at.document(), a.result(), b.result(), side, diff));
    });
  }

  public Future<ProposalPage> proposal(long documentId, long proposalId, Optional<Member> viewer, boolean side,
      I18n.Messages m) {
    return documents.locate(documentId, viewer).compose(at -> documents.proposal(at, proposalId).compose(p ->
        documents.revision(at, p.baseRevision()).compose(base -> diff(base.body(), p.body(), m)).map(diff ->
            new ProposalPage(at.group(), at.document(), p,
                p.pending() && p.baseRevision() != at.document().currentRevision(),
                p.pending() && DocumentPolicy.canCurate(viewer, at.group(), at.document())
                    && DocumentPolicy.canEdit(viewer, at.group(), at.document()),
                side, diff))));
  }

  public Future<DispositionsPage> dispositions(long documentId, Optional<Member> viewer) {
    return documents.locate(documentId, viewer).compose(at -> documents.comments(at).map(comments ->
        new DispositionsPage(at.group(), at.document(), comments,
            DocumentPolicy.canCurate(viewer, at.group(), at.document()), SectionComment.DISPOSITIONS)));
  }

  /** One section's page; NOT_FOUND for a section the document never had. */
  public Future<SectionPage> section(long documentId, int key, Optional<Member> viewer, I18n.Messages m) {
    return documents.locate(documentId, viewer).compose(at -> {
      Future<List<SectionText>> history = documents.sectionHistory(at, key);
      Future<List<SectionComment>> comments = documents.comments(at);
      Future<List<Proposal>> proposals = documents.proposals(at);
      Future<List<Citation>> citations = documents.citations(at, viewer);
      Future<Map<Integer, List<Integer>>> bySection = documents.revisionsBySection(at);
      Future<List<DocumentRevision>> revisions = documents.revisions(at);
      return Future.all(List.of(history, comments, proposals, citations, bySection, revisions)).map(all -> {
        if (history.result().isEmpty()) {
          throw DomainException.notFound();
        }
        SectionText last = history.result().get(history.result().size() - 1);
        boolean present = last.revision() == at.document().currentRevision();
        // how the section read in each revision that changed it, with what changed
        List<Integer> changedIn = bySection.result().getOrDefault(key, List.of());
        Map<Integer, String> textAt = new HashMap<>();
        history.result().forEach(h -> textAt.put(h.revision(), h.markdown()));
        Map<Integer, DocumentRevision> revisionsByNumber = new HashMap<>();
        revisions.result().forEach(r -> revisionsByNumber.put(r.number(), r));
        List<SectionChange> changes = new ArrayList<>();
        for (int n : changedIn) {
          changes.add(0, new SectionChange(revisionsByNumber.get(n), WordDiff.inlineHtml(WordDiff.diff(
              textAt.getOrDefault(n - 1, ""), textAt.getOrDefault(n, "")), m.get("diff.deleted"), m.get("diff.inserted")),
              !textAt.containsKey(n)));
        }
        List<Long> proposalIds = revisions.result().stream()
            .filter(r -> r.proposalId() != null && changedIn.contains(r.number())).map(DocumentRevision::proposalId).toList();
        return new SectionPage(at.group(), at.document(), key, present, Markdown.toHtml(last.markdown()), last.revision(),
            changes, comments.result().stream().filter(c -> c.sectionKey() == key).toList(),
            proposals.result().stream().filter(p -> proposalIds.contains(p.id()) || (p.pending() && touches(p, textAt)))
                .toList(),
            citations.result().stream().filter(c -> (c.sectionKey() != null && c.sectionKey() == key)
                || (c.revision() != null && changedIn.contains(c.revision()))).toList(),
            present && DocumentPolicy.canParticipate(viewer, at.group(), at.document()),
            DocumentPolicy.canCurate(viewer, at.group(), at.document()), SectionComment.DISPOSITIONS, Tokens.random(16),
            viewer.isPresent(), Map.of(), false, null, null, viewer.map(Member::id).orElse(0L));
      });
    });
  }

  /** Whether a pending proposal changes the section as it read in the proposal's base revision. */
  private static boolean touches(Proposal p, Map<Integer, String> textAt) {
    String before = null;
    for (int n = p.baseRevision(); n >= 1 && before == null; n--) {
      before = textAt.get(n);
    }
    return before != null && !Sections.split(p.body()).contains(before);
  }

  /** The word diff, inline and side by side; documents are long, so it is worked out off the event loop. */
  private Future<Diff> diff(String before, String after, I18n.Messages m) {
    return documents.offLoop(() -> {
      List<WordDiff.Chunk> chunks = WordDiff.diff(before, after);
      WordDiff.SideBySide sbs = WordDiff.sideBySideHtml(chunks, m.get("diff.deleted"), m.get("diff.inserted"));
      return new Diff(WordDiff.inlineHtml(chunks, m.get("diff.deleted"), m.get("diff.inserted")), sbs.beforeHtml(),
          sbs.afterHtml(), chunks.stream().allMatch(c -> c.kind() == WordDiff.Kind.SAME));
    });
  }
}
