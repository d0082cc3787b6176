package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.document.DocumentRoutes.form;
import static eu.mhealthhub.agora.document.DocumentRoutes.member;
import static eu.mhealthhub.agora.document.DocumentRoutes.redirect;
import static eu.mhealthhub.agora.document.DocumentRoutes.render;
import static eu.mhealthhub.agora.document.DocumentRoutes.submit;
import static eu.mhealthhub.agora.document.DocumentRoutes.url;
import static eu.mhealthhub.agora.document.DocumentRoutes.viewer;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentForms.ProposalForm;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Members' proposed changes to a document and the moderators' decisions on them.
 *
 * <pre>
 * GET  /documents/:id/propose, POST /documents/:id/proposals   a member proposes a change (base, body, rationale)
 * GET  /documents/:id/proposals/:pid           a proposal with its diff
 * POST /documents/:id/proposals/:pid/accept | /decline (reason)
 * </pre>
 */
final class ProposalRoutes {

  private final Pages pages;
  private final DocumentService documents;
  private final DocumentViews views;
  private final I18n i18n;

  ProposalRoutes(Pages pages, DocumentService documents, DocumentViews views, I18n i18n) {
    this.pages = pages;
    this.documents = documents;
    this.views = views;
    this.i18n = i18n;
  }

  void mount(Router router) {
    router.get("/documents/:id/propose").handler(Forms::members).handler(this::proposeForm);
    router.post("/documents/:id/proposals").handler(Forms::members).handler(this::propose);
    router.get("/documents/:id/proposals/:pid").handler(this::proposal);
    router.post("/documents/:id/proposals/:pid/accept").handler(Forms::members).handler(ctx -> decide(ctx, true));
    router.post("/documents/:id/proposals/:pid/decline").handler(Forms::members).handler(ctx -> decide(ctx, false));
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private void proposeForm(RoutingContext ctx) {
    render(ctx, pages, "document/form", views.writingFromCurrent(Forms.id(ctx, "id"), viewer(ctx), false));
  }

  /** Saves a proposal; a stale base revision answers 409 with the three versions side by side. */
  private void propose(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    ProposalForm form = ProposalForm.of(form(ctx));
    Member me = member(ctx);
    Respond.to(ctx, views.writing(id, viewer(ctx), false)
        .map(page -> page.filled("", form.base(), form.body(), form.rationale(), form.clientToken(), form.problems(),
            null, null))
        .compose(typed -> submit(typed, DocumentForms.previewing(form(ctx)),
            () -> documents.propose(typed.located(), me, form.base(), form.body(), form.rationale(), form.clientToken())
                .map(pid -> url(id) + "/proposals/" + pid),
            refusal -> views.refused(typed, viewer(ctx), refusal, messages(ctx)))),
        result -> result.send(ctx, pages, "document/form"));
  }

  private void proposal(RoutingContext ctx) {
    render(ctx, pages, "document/proposal", views.proposal(Forms.id(ctx, "id"), Forms.id(ctx, "pid"), viewer(ctx),
        "side".equals(ctx.request().getParam("view")), messages(ctx)));
  }

  private void decide(RoutingContext ctx, boolean accept) {
    long id = Forms.id(ctx, "id");
    long pid = Forms.id(ctx, "pid");
    Member me = member(ctx);
    String reason = DocumentForms.field(form(ctx), "reason");
    redirect(ctx, documents.locate(id, viewer(ctx)).compose(at -> accept ? documents.acceptProposal(at, me, pid).mapEmpty()
        : documents.declineProposal(at, me, pid, reason)), url(id) + "/proposals/" + pid);
  }
}
