package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * What a form submission comes to, as a value the handler's chain returns: done (a redirect to
 * what was made or changed), a preview of the input, or the form again with its problems. The
 * last step of the chain only sends it ({@link #send}), so no branching happens in {@code onSuccess}.
 *
 * @param <V> the form page's view record, rendered for a preview or for problems
 */
public sealed interface FormResult<V extends Record> {

  /** Saved: 303 See Other to {@code location}. */
  record Done<V extends Record>(String location) implements FormResult<V> {}

  /** The input rendered as it would look, nothing saved: the form again with status 200. */
  record Preview<V extends Record>(V view) implements FormResult<V> {}

  /** The input refused, nothing saved: the form again, kept as typed, with {@code status} (400, 409, 413...). */
  record Problems<V extends Record>(int status, V view) implements FormResult<V> {}

  static <V extends Record> FormResult<V> done(String location) {
    return new Done<>(location);
  }

  /** A preview when the input has no problems, the form with status 400 otherwise. */
  static <V extends Record> FormResult<V> previewOrProblems(boolean hasProblems, V view) {
    return hasProblems ? new Problems<>(400, view) : new Preview<>(view);
  }

  /**
   * A service's refusal of the input (bad or too large files, a thread locked meanwhile: BAD_REQUEST,
   * TOO_LARGE, CONFLICT) as the form again, with the failure's status and {@code form} built around
   * its message in the reader's language; any other failure stays a failure (an error page).
   */
  static <V extends Record> Future<FormResult<V>> refused(Throwable e, I18n i18n, RoutingContext ctx,
      Function<String, Future<V>> form) {
    return refused(e, d -> form.apply(i18n.message(Viewer.of(ctx).locale(), d.messageKey(), d.args())));
  }

  /**
   * {@link #refused(Throwable, I18n, RoutingContext, Function)} for forms that show a refusal in
   * their own way (a document edit that conflicts shows three versions): {@code form} gets the
   * refusal itself.
   */
  static <V extends Record> Future<FormResult<V>> refused(Throwable e, Function<DomainException, Future<V>> form) {
    if (refusesInput(e)) {
      DomainException d = (DomainException) e;
      return form.apply(d).map(view -> new Problems<>(d.kind().status, view));
    }
    return Future.failedFuture(e);
  }

  /** A refusal about what was typed or sent (BAD_REQUEST, TOO_LARGE, CONFLICT), which a form can show. */
  static boolean refusesInput(Throwable e) {
    return e instanceof DomainException d && (d.kind() == DomainException.Kind.BAD_REQUEST
        || d.kind() == DomainException.Kind.TOO_LARGE || d.kind() == DomainException.Kind.CONFLICT);
  }

  /**
   * Sends the result: a redirect, or {@code template} rendered with the view. What throws here
   * still answers the request (see {@link Respond#guarded}).
   */
  default void send(RoutingContext ctx, Pages pages, String template) {
    Respond.guarded(ctx, () -> {
      if (this instanceof Done<V> done) {
        Forms.redirect(ctx, done.location());
      } else if (this instanceof Preview<V> preview) {
        pages.render(ctx, 200, template, ViewModel.of(preview.view()));
      } else if (this instanceof Problems<V> problems) {
        pages.render(ctx, problems.status(), template, ViewModel.of(problems.view()));
      }
    });
  }
}
