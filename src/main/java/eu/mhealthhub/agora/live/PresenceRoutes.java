package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Presence over plain HTTP, never over the bridge: a page reports every 20 seconds (and when its
 * reader starts or stops typing) on an address its member may read ({@link LiveAudience}).
 *
 * <pre>
 * POST /live/presence   threadId (or address=document.<id>), typing=true|false
 *                       -> {"reading": n, "typing": [names], "names": [everyone here]}
 * </pre>
 */
public final class PresenceRoutes {

  private final LiveAudience audience;
  private final Presence presence;

  public PresenceRoutes(LiveAudience audience, Presence presence) {
    this.audience = audience;
    this.presence = presence;
  }

  public void mount(Router router) {
    router.post("/live/presence").handler(eu.mhealthhub.agora.web.Forms::members).handler(this::report);
  }

  private void report(RoutingContext ctx) {
    Member viewer = Viewer.of(ctx).member().orElseThrow();
    // a thread page sends its id, other pages (documents) the address they show
    String threadId = ctx.request().getFormAttribute("threadId");
    Optional<LiveAddress> address = LiveAddress.parse(threadId != null ? "thread." + threadId
        : ctx.request().getFormAttribute("address"))
        .filter(a -> a.kind().equals("thread") || a.kind().equals("document"));
    if (address.isEmpty()) {
      ctx.fail(DomainException.badRequest("error.400.text"));
      return;
    }
    boolean typing = "true".equals(ctx.request().getFormAttribute("typing"));
    audience.admit(address.get(), viewer.id())
        .compose(grant -> presence.report(address.get(), viewer.id(), viewer.displayName(), typing))
        .map(summary -> summary.encode())
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(body))
        .onFailure(ctx::fail);
  }
}
