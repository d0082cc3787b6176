package eu.mhealthhub.agora.web;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.util.Set;

/**
 * Refuses every state-changing request (POST, PUT, PATCH, DELETE) that does not carry the
 * session's synchroniser token, in the {@code _csrf} form field or the {@code X-CSRF-Token}
 * header, or that a browser says comes from another site ({@link Forms#crossSite}). Requests without a session have no token and so
 * change nothing. Vert.x's own CSRFHandler binds a cookie token to the session id and names its
 * form field after its header; this keeps one token per session, simpler to render and to test.
 */
public final class CsrfHandler implements Handler<RoutingContext> {

  public static final String FIELD = "_csrf";
  public static final String HEADER = "X-CSRF-Token";
  private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

  private final String publicOrigin;

  public CsrfHandler(String publicOrigin) {
    this.publicOrigin = publicOrigin;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (SAFE.contains(ctx.request().method())) {
      ctx.next();
      return;
    }
    if (Forms.crossSite(ctx, publicOrigin)) {
      ctx.fail(403);
      return;
    }
    Session session = ctx.session();
    String expected = session == null ? null : session.get(SessionKeys.CSRF);
    String presented = ctx.request().getHeader(HEADER);
    if (presented == null) {
      presented = ctx.request().getFormAttribute(FIELD);
    }
    // pages show the token masked afresh in each response (Tokens.mask, against BREACH); the plain one is accepted too
    if (!Tokens.same(expected, presented) && !Tokens.same(expected, Tokens.unmask(presented))) {
      ctx.fail(403);
      return;
    }
    ctx.next();
  }
}
