package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * Catching up on missed changes, for a page that reconnects: the events on one address after the
 * last number it applied, each once and in order. When older events were pruned the answer says
 * {@code "reload": true} and the page fetches its content again instead.
 *
 * <pre>
 * GET /live/events?address=thread.12&after=57    {"address", "latest", "reload", "events": [{seq, type, id}]}
 * </pre>
 *
 * Who may read an address is decided by the {@link LiveAudience}, as for the bridge: an address the
 * viewer may not read answers 404 like a missing one.
 */
public final class LiveRoutes {

  public static final int MAX_EVENTS = 500;

  private final Pool pool;
  private final EventLog log;
  private final LiveAudience audience;

  public LiveRoutes(Pool pool, EventLog log, LiveAudience audience) {
    this.pool = pool;
    this.log = log;
    this.audience = audience;
  }

  public void mount(Router router) {
    router.get("/live/events").handler(this::events);
  }

  private void events(RoutingContext ctx) {
    String address = ctx.request().getParam("address");
    long after;
    try {
      after = Long.parseLong(ctx.request().getParam("after", "0"));
      if (after < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.badRequest("live.error.after"));
      return;
    }
    audience.admit(address, Viewer.of(ctx).member().map(Member::id))
        .compose(v -> Future.all(log.after(pool, address, after, MAX_EVENTS), log.latest(pool, address),
            log.oldest(pool, address)))
        .map(all -> {
          java.util.List<EventLog.Event> events = all.resultAt(0);
          long latest = all.resultAt(1);
          Long oldest = all.resultAt(2);
          // a gap between what the page has and what is kept, or more than one answer holds: reload
          boolean reload = oldest != null && after < oldest - 1 || latest - after > MAX_EVENTS;
          JsonArray list = new JsonArray();
          if (!reload) {
            events.forEach(e -> list.add(new JsonObject().put("seq", e.seq()).put("type", e.type()).put("id", e.entityId())));
          }
          return new JsonObject().put("address", address).put("latest", latest).put("reload", reload)
              .put("events", list).encode();
        })
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(body))
        .onFailure(ctx::fail);
  }
}
