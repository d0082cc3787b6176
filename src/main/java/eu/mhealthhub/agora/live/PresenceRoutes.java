package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.member.Member;
import eu.mhealthhub.agora.thread.ThreadService;
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
 * POST /live/presence   threadId, typing=true|false   -> {"reading": n, "typing": [names]}
 * </pre>
 */
public final class PresenceRoutes {

  private static final long TTL_MS = 30_000;
  private static final long TYPING_MS = 8_000;

  private final ThreadService threads;

  public PresenceRoutes(ThreadService threads) {
    this.threads = threads;
  }

  public void mount(Router router) {
    router.post("/live/presence").handler(this::report);
  }

  private void report(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Optional<Member> viewer = Viewer.of(ctx).member();
    long threadId;
    try {
      threadId = Long.parseLong(ctx.request().getFormAttribute("threadId"));
    } catch (NumberFormatException | NullPointerException e) {
      ctx.fail(eu.mhealthhub.agora.DomainException.badRequest("error.400.text"));
      return;
    }
    boolean typing = "true".equals(ctx.request().getFormAttribute("typing"));
    String who = "m" + viewer.get().id();
    String name = viewer.get().displayName();
    long now = System.currentTimeMillis();
    threads.locate(threadId, viewer)
        .compose(at -> ctx.vertx().sharedData().<String, JsonObject>getAsyncMap("agora.presence." + threadId))
        .compose(map -> map.put(who, new JsonObject().put("name", name).put("typingUntil", typing ? now + TYPING_MS : 0), TTL_MS)
            .compose(v -> summary(map, now)))
        .onSuccess(summary -> {
          ctx.vertx().eventBus().publish("thread." + threadId, summary.copy().put("type", "presence"));
          ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
              .end(summary.encode());
        })
        .onFailure(ctx::fail);
  }

  private static Future<JsonObject> summary(AsyncMap<String, JsonObject> map, long now) {
    return map.entries().map(entries -> {
      List<String> typing = new ArrayList<>();
      entries.values().forEach(e -> {
        if (e.getLong("typingUntil", 0L) > now && !e.getString("name", "").isEmpty()) {
          typing.add(e.getString("name"));
        }
      });
      return new JsonObject().put("reading", entries.size()).put("typing", new JsonArray(typing));
    });
  }
}
