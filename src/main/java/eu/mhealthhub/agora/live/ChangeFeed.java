package eu.mhealthhub.agora.live;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/**
 * Where services announce what changed, after their transaction committed and never before.
 * Events are thin (what changed and its id); pages fetch what they show through ordinary
 * authorised requests. The live-updates work adds a durable sequence and the browser bridge on
 * top of this seam without touching the services.
 */
public final class ChangeFeed {

  /** One change: the address of what changed ({@code thread.12}, {@code group.3}), what happened, and the id. */
  public record Change(String address, String type, long id) {
    public static Change thread(long threadId, String type, long id) {
      return new Change("thread." + threadId, type, id);
    }

    public static Change group(long groupId, String type, long id) {
      return new Change("group." + groupId, type, id);
    }

    public static Change member(long memberId, String type, long id) {
      return new Change("member." + memberId, type, id);
    }
  }

  private final EventBus bus;

  public ChangeFeed(EventBus bus) {
    this.bus = bus;
  }

  /** Publishes changes whose transaction has committed. */
  public void committed(Change... changes) {
    for (Change c : changes) {
      bus.publish(c.address(), new JsonObject().put("type", c.type()).put("id", c.id()));
    }
  }
}
