package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.member.Member;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which members are reading a thread now, and who is writing a reply: signals that expire on their own. A
 * page reports every 20 seconds (and when its reader starts or stops typing) over plain HTTP,
 * never over the bridge; entries live 30 seconds in the Vert.x shared map (clustered when the
 * nodes are) and each report publishes a summary on the thread's address, without a number,
 * since a missed one is simply replaced by the next.
 *
 * <pre>
 * POST /live/presence   threadId (or address=document.<id>), typing=true|false
 *                       -> {"reading": n, "typing": [names], "names": [everyone here]}
 * </pre>
 */
public final class PresenceRoutes {

  private static final long TTL_MS = 30_000;
  private static final long TYPING_MS = 8_000;

  private final LiveRoutes live;

  public PresenceRoutes(LiveRoutes live) {
    this.live = live;
  }

  public void mount(Router router) {
    router.post("/live/presence").handler(this::report);
  }

  private void report(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Optional<Member> viewer = Viewer.of(ctx).member();
    // a thread page sends its id, other pages (documents) the address they show
    String threadId = ctx.request().getFormAttribute("threadId");
    String address = threadId != null ? "thread." + threadId : ctx.request().getFormAttribute("address");
    if (address == null || !address.matches("(thread|document)\\.[1-9][0-9]{0,18}")) {
      ctx.fail(eu.mhealthhub.agora.DomainException.badRequest("error.400.text"));
      return;
    }
    boolean typing = "true".equals(ctx.request().getFormAttribute("typing"));
    String who = "m" + viewer.get().id();
    String name = viewer.get().displayName();
    long now = System.currentTimeMillis();
    live.authorize(address, viewer)
        .compose(at -> ctx.vertx().sharedData().<String, JsonObject>getAsyncMap("agora.presence." + address))
        .compose(map -> map.put(who, new JsonObject().put("name", name).put("typingUntil", typing ? now + TYPING_MS : 0), TTL_MS)
            .compose(v -> summary(map, now)))
        .map(summary -> {
          ctx.vertx().eventBus().publish(address, summary.copy().put("type", "presence"));
          return summary.encode();
        })
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
            .end(body))
        .onFailure(ctx::fail);
  }

  private static Future<JsonObject> summary(AsyncMap<String, JsonObject> map, long now) {
    return map.entries().map(entries -> {
      List<String> typing = new ArrayList<>();
      List<String> names = new ArrayList<>();
      entries.values().forEach(e -> {
        names.add(e.getString("name", ""));
        if (e.getLong("typingUntil", 0L) > now && !e.getString("name", "").isEmpty()) {
          typing.add(e.getString("name"));
        }
      });
      names.sort(String.CASE_INSENSITIVE_ORDER);
      return new JsonObject().put("reading", entries.size()).put("typing", new JsonArray(typing)).put("names", new JsonArray(names));
    });
  }
}
