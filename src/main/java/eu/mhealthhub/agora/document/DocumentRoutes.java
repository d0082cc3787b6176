package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentForms.NewDocumentForm;
import eu.mhealthhub.agora.document.DocumentForms.RevisionForm;
import eu.mhealthhub.agora.document.DocumentForms.StatusForm;
import eu.mhealthhub.agora.document.DocumentViews.FormPage;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Consensus documents in HTML: the documents and their revisions here, proposals in
 * {@link ProposalRoutes}, sections and their comments in {@link CommentRoutes}. Every action is a
 * form that works without JavaScript; live pages refresh their document region when
 * {@code document.<id>} announces a change. Each handler reads the request into a form record,
 * asks {@link DocumentViews} or {@link DocumentService} once and renders or redirects.
 *
 * <pre>
 * GET  /groups/:slug/documents                 the group's documents
 * GET  /groups/:slug/documents/new, POST /groups/:slug/documents    a moderator starts a draft (action=preview)
 * GET  /documents/:id                          the current revision (?revision=n an earlier one)
 * GET  /documents/:id/revisions                the revision log
 * GET  /documents/:id/revisions/:n             revision n at its permanent, citable address (whatever comes after it)
 * GET  /documents/:id/revisions/:n/cite.txt | cite.bib | cite.json   how to cite revision n: text, BibTeX, CSL-JSON
 * GET  /documents/:id/compare?from=&to=&view=  word diff of two revisions, inline or side by side
 * GET  /documents/:id/edit, POST               a moderator's new revision (base, body, summary); 409 shows three versions
 * POST /documents/:id/status                   a moderator moves the workflow (from, to, note)
 * POST /documents/:id/endorsement              endorse the current revision (revision); action=withdraw
 * GET  /documents/:id/export.html | export.pdf ?revision=n, standalone
 * </pre>
 */
public final class DocumentRoutes {

  private final Pages pages;
  private final DocumentService documents;
  private final DocumentViews views;
  private final DocumentExport export;
  private final I18n i18n;
  /** The document's consensus rounds and each section's latest outcome, shown on its page (issue 17); may be null. */
  private final eu.mhealthhub.agora.rounds.RoundService rounds;

  private final java.net.URI publicUrl;
  private final java.time.Clock clock;

  public DocumentRoutes(Pages pages, GroupService groups, DocumentService documents, DocumentExport export, I18n i18n) {
    this(pages, groups, documents, export, i18n, java.net.URI.create("http://localhost"), java.time.Clock.systemUTC(), null);
  }

  /**
   * With the public URL that permanent addresses and citations are absolute from, the clock of access dates, and the
   * document's consensus rounds (may be null).
   */
  public DocumentRoutes(Pages pages, GroupService groups, DocumentService documents, DocumentExport export, I18n i18n,
      java.net.URI publicUrl, java.time.Clock clock, eu.mhealthhub.agora.rounds.RoundService rounds) {
    this.rounds = rounds;
    this.pages = pages;
    this.documents = documents;
    this.views = new DocumentViews(groups, documents, publicUrl, clock);
    this.export = export;
    this.i18n = i18n;
    this.publicUrl = publicUrl;
    this.clock = clock;
  }

  public void mount(Router router) {
    router.get("/groups/:slug/documents").handler(this::list);
    router.get("/groups/:slug/documents/new").handler(Forms::members).handler(this::newDocument);
    router.post("/groups/:slug/documents").handler(Forms::members).handler(this::create);
    router.get("/documents/:id").handler(this::show);
    router.get("/documents/:id/revisions").handler(this::revisions);
    router.get("/documents/:id/revisions/:n").handler(this::permanent);
    router.get("/documents/:id/revisions/:n/cite.txt").handler(ctx -> cite(ctx, "text/plain; charset=utf-8", "txt",
        RevisionCitation::plain));
    router.get("/documents/:id/revisions/:n/cite.bib").handler(ctx -> cite(ctx, "application/x-bibtex; charset=utf-8",
        "bib", RevisionCitation::bibtex));
    router.get("/documents/:id/revisions/:n/cite.json").handler(ctx -> cite(ctx, "application/vnd.citationstyles.csl+json",
        "json", RevisionCitation::cslJson));
    router.get("/documents/:id/compare").handler(this::compare);
    router.get("/documents/:id/edit").handler(Forms::members).handler(this::editForm);
    router.post("/documents/:id/edit").handler(Forms::members).handler(this::edit);
    new ProposalRoutes(pages, documents, views, i18n).mount(router);
    router.post("/documents/:id/status").handler(Forms::members).handler(this::move);
    new CommentRoutes(pages, documents, views, i18n).mount(router);
    router.post("/documents/:id/endorsement").handler(Forms::members).handler(this::endorse);
    router.get("/documents/:id/export.html").handler(ctx -> exportAs(ctx, false));
    router.get("/documents/:id/export.pdf").handler(ctx -> exportAs(ctx, true));
  }

  static Optional<Member> viewer(RoutingContext ctx) {
    return Viewer.of(ctx).member();
  }

  /** The signed-in member, on routes behind {@link Forms#members}. */
  static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow();
  }

  static MultiMap form(RoutingContext ctx) {
    return ctx.request().formAttributes();
  }

  static String url(long documentId) {
    return "/documents/" + documentId;
  }

  /** Renders the page the chain builds, or fails the request with what the chain failed with. */
  static void render(RoutingContext ctx, Pages pages, String template, Future<? extends Record> page) {
    Respond.to(ctx, page, p -> pages.render(ctx, template, ViewModel.of(p)));
  }

  /** Redirects once the chain's work is done. */
  static void redirect(RoutingContext ctx, Future<?> done, String location) {
    Respond.to(ctx, done, x -> Forms.redirect(ctx, location));
  }

  /**
   * A document form's submission: with problems it is shown again (400) with them; asked for a
   * preview, shown again with it; otherwise {@code save} runs and its location is where the
   * browser goes next. A refusal about the input shows the form as {@code refused} makes it, with
   * the refusal's status; any other failure is an error page.
   */
  static Future<FormResult<FormPage>> submit(FormPage typed, boolean previewing, Supplier<Future<String>> save,
      Function<DomainException, Future<FormPage>> refused) {
    if (typed.hasProblems()) {
      return Future.succeededFuture(new FormResult.Problems<>(400, typed));
    }
    if (previewing) {
      return Future.succeededFuture(new FormResult.Preview<>(typed.previewing()));
    }
    return save.get().map(FormResult::<FormPage>done).recover(e -> FormResult.refused(e, refused));
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private static Integer askedRevision(RoutingContext ctx) {
    String asked = ctx.request().getParam("revision");
    return asked == null ? null : DocumentForms.number(asked, 1);
  }

  // ---- list and create

  private void list(RoutingContext ctx) {
    render(ctx, pages, "document/list", views.list(ctx.pathParam("slug"), viewer(ctx)));
  }

  private void newDocument(RoutingContext ctx) {
    render(ctx, pages, "document/form", views.newDocument(ctx.pathParam("slug"), viewer(ctx)));
  }

  private void create(RoutingContext ctx) {
    NewDocumentForm form = NewDocumentForm.of(form(ctx));
    Member me = member(ctx);
    Respond.to(ctx, views.newDocument(ctx.pathParam("slug"), viewer(ctx))
        .map(page -> page.filled(form.title(), 0, form.body(), form.summary(), form.clientToken(), form.problems(), null,
            null).withLanguage(form.language()))
        .compose(typed -> submit(typed, DocumentForms.previewing(form(ctx)),
            () -> documents.create(typed.group(), me, form.title(), form.body(), form.summary(), form.clientToken(),
                    form.language())
                .map(DocumentRoutes::url),
            refusal -> views.refused(typed, viewer(ctx), refusal, messages(ctx)))),
        result -> result.send(ctx, pages, "document/form"));
  }

  // ---- reading

  private void show(RoutingContext ctx) {
    Integer revision = askedRevision(ctx);
    // the page and its rounds together once the document is located: one round trip less (issue 18)
    Future<java.util.Map<String, Object>> model = documents.locate(Forms.id(ctx, "id"), viewer(ctx)).compose(at -> {
      Future<DocumentViews.DocumentPage> page = views.document(at, viewer(ctx), revision);
      if (rounds == null) {
        return page.map(ViewModel::of);
      }
      Future<?> ofDocument = rounds.ofDocument(at.document().id(), at.group(), viewer(ctx));
      return Future.all(page, ofDocument).map(all -> {
        java.util.Map<String, Object> m = ViewModel.of(page.result());
        m.put("rounds", ofDocument.result());
        return m;
      });
    });
    // one shell for every viewer who sees the same document page (Pages.renderShared: keyed by the whole model,
    // with holes for the viewer's name, token and address): the page's Handlebars render was most of its CPU
    Respond.to(ctx, model, m -> pages.renderShared(ctx, "document/show", m));
  }

  /** A revision at its permanent address: the same page as {@code ?revision=n}, and a 404 for one that does not exist. */
  private void permanent(RoutingContext ctx) {
    render(ctx, pages, "document/show", views.document(Forms.id(ctx, "id"), viewer(ctx), revisionNumber(ctx)));
  }

  /** A citation of a revision the viewer may read, as a file of the given type. */
  private void cite(RoutingContext ctx, String type, String extension, Function<RevisionCitation, String> format) {
    long id = Forms.id(ctx, "id");
    int n = revisionNumber(ctx);
    Respond.to(ctx, documents.locate(id, viewer(ctx)).compose(at -> documents.revision(at, n)
        .map(revision -> RevisionCitation.of(at.document(), at.group().name(), revision, publicUrl,
            java.time.LocalDate.now(clock)))), cite -> ctx.response()
            .putHeader("Content-Type", type)
            .putHeader("Content-Disposition", "attachment; filename=\"" + cite.fileName() + "." + extension + "\"")
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "no-store")
            .end(format.apply(cite)));
  }

  /** The {@code :n} of a permanent address: a positive number, or the address does not exist (404). */
  private static int revisionNumber(RoutingContext ctx) {
    String n = ctx.pathParam("n");
    if (n == null || !n.matches("[1-9][0-9]{0,8}")) {
      throw DomainException.notFound();
    }
    return Integer.parseInt(n);
  }

  private void revisions(RoutingContext ctx) {
    render(ctx, pages, "document/revisions", views.revisions(Forms.id(ctx, "id"), viewer(ctx)));
  }

  private void compare(RoutingContext ctx) {
    render(ctx, pages, "document/compare", views.compare(Forms.id(ctx, "id"), viewer(ctx),
        ctx.request().getParam("from"), ctx.request().getParam("to"), "side".equals(ctx.request().getParam("view")),
        messages(ctx)));
  }

  // ---- moderators' edits and moves

  private void editForm(RoutingContext ctx) {
    render(ctx, pages, "document/form", views.writingFromCurrent(Forms.id(ctx, "id"), viewer(ctx), true));
  }

  /** Saves a new revision; a stale base revision answers 409 with the three versions side by side. */
  private void edit(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    RevisionForm form = RevisionForm.of(form(ctx));
    Member me = member(ctx);
    String token = DocumentForms.field(form(ctx), "clientToken");
    Respond.to(ctx, views.writing(id, viewer(ctx), true)
        .map(page -> page.filled("", form.base(), form.body(), form.summary(), token, form.problems(), null, null)
            .withLanguage(form.language()))
        .compose(typed -> submit(typed, DocumentForms.previewing(form(ctx)),
            () -> documents.edit(typed.located(), me, form.base(), form.body(), form.summary(), form.language())
                .map(n -> url(id)),
            refusal -> views.refused(typed, viewer(ctx), refusal, messages(ctx)))),
        result -> result.send(ctx, pages, "document/form"));
  }

  private void move(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    StatusForm form = StatusForm.of(form(ctx));
    Member me = member(ctx);
    redirect(ctx, documents.locate(id, viewer(ctx)).compose(at -> documents.move(at, me, form.from(), form.to(),
        form.note())), url(id) + "#history");
  }

  private void endorse(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    Member me = member(ctx);
    boolean withdraw = "withdraw".equals(DocumentForms.field(form(ctx), "action"));
    redirect(ctx, documents.locate(id, viewer(ctx)).compose(at -> withdraw ? documents.withdraw(at, me)
        : documents.endorse(at, me, DocumentForms.number(DocumentForms.field(form(ctx), "revision"), 0))),
        url(id) + "#endorsements");
  }

  // ---- export

  private void exportAs(RoutingContext ctx, boolean pdf) {
    Viewer who = Viewer.of(ctx);
    Respond.to(ctx, documents.view(Forms.id(ctx, "id"), viewer(ctx), askedRevision(ctx))
        .compose(v -> export.render(v, i18n.forLocale(who.locale()), who.zone(), pdf)), file -> ctx.response()
            .putHeader("Content-Type", pdf ? "application/pdf" : "text/html; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"" + file.name() + "\"")
            .putHeader("X-Content-Type-Options", "nosniff")
            .putHeader("Cache-Control", "no-store")
            .end(file.bytes()));
  }
}
