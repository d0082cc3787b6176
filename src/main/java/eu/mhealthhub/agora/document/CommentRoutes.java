package eu.mhealthhub.agora.document;

import static eu.mhealthhub.agora.document.DocumentRoutes.form;
import static eu.mhealthhub.agora.document.DocumentRoutes.member;
import static eu.mhealthhub.agora.document.DocumentRoutes.redirect;
import static eu.mhealthhub.agora.document.DocumentRoutes.render;
import static eu.mhealthhub.agora.document.DocumentRoutes.url;
import static eu.mhealthhub.agora.document.DocumentRoutes.viewer;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.document.DocumentForms.CommentForm;
import eu.mhealthhub.agora.document.DocumentForms.DispositionForm;
import eu.mhealthhub.agora.document.DocumentViews.SectionPage;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A document's sections, their comments and the moderators' dispositions of them.
 *
 * <pre>
 * GET  /documents/:id/sections/:key            one section: its text over time, comments, proposals, citations
 * POST /documents/:id/sections/:key/comments   comment on it (body)
 * POST /documents/:id/comments/:cid/resolve    a moderator's disposition (disposition, reason)
 * GET  /documents/:id/dispositions             the disposition-of-comments table
 * </pre>
 */
final class CommentRoutes {

  private final Pages pages;
  private final DocumentService documents;
  private final DocumentViews views;
  private final I18n i18n;

  CommentRoutes(Pages pages, DocumentService documents, DocumentViews views, I18n i18n) {
    this.pages = pages;
    this.documents = documents;
    this.views = views;
    this.i18n = i18n;
  }

  void mount(Router router) {
    router.get("/documents/:id/sections/:key").handler(this::section);
    router.post("/documents/:id/sections/:key/comments").handler(Forms::members).handler(this::comment);
    router.post("/documents/:id/comments/:cid/resolve").handler(Forms::members).handler(this::resolve);
    router.get("/documents/:id/dispositions").handler(this::dispositions);
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private static int key(RoutingContext ctx) {
    return (int) Math.min(Integer.MAX_VALUE, Forms.id(ctx, "key"));
  }

  private void section(RoutingContext ctx) {
    render(ctx, pages, "document/section", views.section(Forms.id(ctx, "id"), key(ctx), viewer(ctx), messages(ctx)));
  }

  /** An empty or over-long comment shows the section page again, with the message and the text kept. */
  private void comment(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    int key = key(ctx);
    CommentForm form = CommentForm.of(form(ctx));
    Member me = member(ctx);
    Respond.to(ctx, documents.locate(id, viewer(ctx))
        .compose(at -> documents.comment(at, me, key, form.body(), form.clientToken()))
        .map(cid -> FormResult.<SectionPage>done(url(id) + "/sections/" + key + "#comment-" + cid))
        .recover(e -> e instanceof DomainException d && d.kind() == DomainException.Kind.BAD_REQUEST
            ? views.section(id, key, viewer(ctx), messages(ctx))
                .map(page -> new FormResult.Problems<>(400, page.refusing(form, d.messageKey())))
            : Future.failedFuture(e)),
        result -> result.send(ctx, pages, "document/section"));
  }

  private void resolve(RoutingContext ctx) {
    long id = Forms.id(ctx, "id");
    long cid = Forms.id(ctx, "cid");
    DispositionForm form = DispositionForm.of(form(ctx));
    Member me = member(ctx);
    String back = Tokens.isLocalPath(form.back()) && form.back().startsWith(url(id)) ? form.back()
        : url(id) + "/dispositions";
    redirect(ctx, documents.locate(id, viewer(ctx))
        .compose(at -> documents.resolve(at, me, cid, form.disposition(), form.reason())), back);
  }

  private void dispositions(RoutingContext ctx) {
    render(ctx, pages, "document/dispositions", views.dispositions(Forms.id(ctx, "id"), viewer(ctx)));
  }
}
