package eu.mhealthhub.agora.live;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Which members are on a page now, and who is writing: signals that expire on their own. Entries
 * live 30 seconds in the Vert.x shared map (clustered when the nodes are); every change publishes a
 * summary on the page's address, without a number, since a missed one is simply replaced by the
 * next. The summary goes only to sockets the {@link LiveBridge} lets receive that address, and a
 * member who loses the right to read it is taken off at once.
 */
public final class Presence {

  private static final long TTL_MS = 30_000;
  private static final long TYPING_MS = 8_000;

  private final Vertx vertx;

  public Presence(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Records that a member is on the page (and whether typing); completes with the new summary. */
  public Future<JsonObject> report(LiveAddress address, long member, String name, boolean typing) {
    long now = System.currentTimeMillis();
    return map(address).compose(map -> map.put(key(member),
            new JsonObject().put("name", name).put("typingUntil", typing ? now + TYPING_MS : 0), TTL_MS)
        .compose(v -> summary(map, now)))
        .onSuccess(summary -> publish(address, summary));
  }

  /** Takes a member off a page they may no longer read, and tells the others. */
  public Future<Void> leave(LiveAddress address, long member) {
    long now = System.currentTimeMillis();
    return map(address).compose(map -> map.remove(key(member)).compose(was -> was == null
        ? Future.succeededFuture()
        : summary(map, now).onSuccess(summary -> publish(address, summary)).mapEmpty()));
  }

  private void publish(LiveAddress address, JsonObject summary) {
    vertx.eventBus().publish(address.toString(), summary.copy().put("type", "presence"));
  }

  private Future<AsyncMap<String, JsonObject>> map(LiveAddress address) {
    return vertx.sharedData().getAsyncMap("agora.presence." + address);
  }

  private static String key(long member) {
    return "m" + member;
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
