package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;

/**
 * Presence over plain HTTP, never over the bridge: a page reports every 20 seconds (and when its
 * reader starts or stops typing) on an address its member may read ({@link LiveAudience}).
 *
 * <pre>
 * POST /live/presence   threadId (or address=document.<id> or talk.<id>), typing=true|false
 *                       -> {"reading": n, "typing": [names], "names": [everyone here]}
 * </pre>
 *
 * A kind of address may have a {@link Gate}, declared in the composition root: presence on it is
 * allowed only once its gate succeeds (a Talk's room: only while open, and the gate records the
 * member's attendance).
 */
public final class PresenceRoutes {

  /** What else presence on an address of one kind needs, and records, besides its audience's grant. */
  @FunctionalInterface
  public interface Gate {
    /** Succeeds when the member may be present on the address {@code kind.id}; fails with a DomainException. */
    Future<Void> admit(long id, long member);
  }

  private final LiveAudience audience;
  private final Presence presence;
  private final Map<String, Gate> gates;

  public PresenceRoutes(LiveAudience audience, Presence presence) {
    this(audience, presence, Map.of());
  }

  public PresenceRoutes(LiveAudience audience, Presence presence, Map<String, Gate> gates) {
    this.audience = audience;
    this.presence = presence;
    this.gates = Map.copyOf(gates);
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
        .filter(a -> a.kind().equals("thread") || a.kind().equals("document") || gates.containsKey(a.kind()));
    if (address.isEmpty()) {
      ctx.fail(DomainException.badRequest("error.400.text"));
      return;
    }
    boolean typing = "true".equals(ctx.request().getFormAttribute("typing"));
    Gate gate = gates.get(address.get().kind());
    audience.admit(address.get(), viewer.id())
        .compose(grant -> gate == null ? Future.succeededFuture() : gate.admit(address.get().id(), viewer.id()))
        .compose(admitted -> presence.report(address.get(), viewer.id(), viewer.displayName(), typing))
        .map(summary -> summary.encode())
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(body))
        .onFailure(ctx::fail);
  }
}
