package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What an action in a Talk's room comes to, as the value its handler's chain returns. Every
 * action is a form that works without JavaScript (a 303 back to the page, or the page again with
 * the form's problem); the room's script sends the same forms with {@code Accept:
 * application/json} and gets {@code {…, "ok": true}} instead, or the JSON error of a failure.
 * The last step of the chain only sends it ({@link #send}).
 */
sealed interface RoomAnswer {

  /** Done, for a form: 303 See Other to {@code location}. */
  record Redirect(String location) implements RoomAnswer {}

  /** Done, for the room's script: 200 with {@code body}. */
  record Json(JsonObject body) implements RoomAnswer {}

  /** The page {@code template} again with {@code status} (400 for a refused form), nothing done. */
  record Again(int status, String template, Record page) implements RoomAnswer {}

  /** Script requests want a small JSON answer; forms want to see the page again. */
  static boolean script(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("application/json") && !accept.contains("text/html");
  }

  /** Done: {@code location} for a form, {@code extra} and {@code "ok": true} for the room's script. */
  static RoomAnswer done(boolean script, String location, JsonObject extra) {
    return script ? new Json(extra.put("ok", true)) : new Redirect(location);
  }

  /** Sends the answer; what throws here still answers the request (see {@link Respond#guarded}). */
  default void send(RoutingContext ctx, Pages pages) {
    Respond.guarded(ctx, () -> {
      if (this instanceof Redirect redirect) {
        Forms.redirect(ctx, redirect.location());
      } else if (this instanceof Json json) {
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").putHeader("Cache-Control", "no-store")
            .end(json.body().encode());
      } else if (this instanceof Again again) {
        pages.render(ctx, again.status(), again.template(), ViewModel.of(again.page()));
      }
    });
  }
}
