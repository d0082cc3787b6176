package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.document.DocumentViews.FormPage;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Future;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a submitted document form comes to, as the value its handler's chain returns: saved (go
 * to the new thing) or shown again (a preview, or the form with its problems or a refusal).
 */
sealed interface DocumentFormResult {

  /** Saved: 303 to {@code location}. */
  record Saved(String location) implements DocumentFormResult {}

  /** The page {@code template} again with {@code status}: 200 for a preview, 400, 409 ... for a refusal. */
  record Again(int status, String template, Record page) implements DocumentFormResult {}

  /** The last step of the handler: only sends. */
  default void send(RoutingContext ctx, Pages pages) {
    if (this instanceof Again again) {
      pages.render(ctx, again.status(), again.template(), ViewModel.of(again.page()));
    } else {
      Forms.redirect(ctx, ((Saved) this).location());
    }
  }

  /**
   * A document form's submission: with problems it is shown again (400) with them; asked for a
   * preview, shown again with it; otherwise {@code save} runs and its location is where the
   * browser goes next. A refusal about the input (400 or 409) shows the form as {@code refused}
   * makes it, with the refusal's status; any other failure is an error page.
   */
  static Future<DocumentFormResult> submit(FormPage typed, boolean previewing, Supplier<Future<String>> save,
      Function<DomainException, Future<FormPage>> refused) {
    if (typed.hasProblems()) {
      return Future.succeededFuture(new Again(400, "document/form", typed));
    }
    if (previewing) {
      return Future.succeededFuture(new Again(200, "document/form", typed.previewing()));
    }
    return save.get().<DocumentFormResult>map(Saved::new).recover(e -> refusedInput(e)
        ? refused.apply((DomainException) e).map(page -> new Again(((DomainException) e).kind().status, "document/form", page))
        : Future.failedFuture(e));
  }

  /** A refusal about what was typed, which the form can show; anything else is an error page. */
  static boolean refusedInput(Throwable e) {
    return e instanceof DomainException d
        && (d.kind() == DomainException.Kind.BAD_REQUEST || d.kind() == DomainException.Kind.CONFLICT);
  }
}
