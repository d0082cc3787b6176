package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.web.Pages;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Reading Talks.
 *
 * <pre>
 * GET /talks          upcoming and past Talks
 * GET /talks/:slug    one Talk
 * </pre>
 */
public final class TalkRoutes {

  private final Pages pages;
  private final TalkService talks;

  public TalkRoutes(Pages pages, TalkService talks) {
    this.pages = pages;
    this.talks = talks;
  }

  public void mount(Router router) {
    router.get("/talks").handler(this::list);
    router.get("/talks/:slug").handler(this::show);
  }

  private void list(RoutingContext ctx) {
    var upcoming = talks.upcoming(50);
    var past = talks.recent(50);
    Future.all(upcoming, past)
        .onSuccess(all -> pages.render(ctx, "talk/list", Map.of("upcoming", upcoming.result(), "past", past.result())))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    talks.find(ctx.pathParam("slug"))
        .onSuccess(talk -> pages.render(ctx, "talk/show", Map.of("talk", talk)))
        .onFailure(ctx::fail);
  }
}
