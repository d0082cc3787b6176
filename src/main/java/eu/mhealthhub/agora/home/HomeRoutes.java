package eu.mhealthhub.agora.home;

import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.talk.Talk;
import eu.mhealthhub.agora.talk.TalkService;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * Site-wide pages: home, and the privacy and accessibility statements (search is {@code search/SearchRoutes}).
 *
 * <pre>
 * GET /                 working groups and upcoming and recent Talks
 * GET /privacy          privacy statement
 * GET /accessibility    accessibility statement
 * </pre>
 */
public final class HomeRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final TalkService talks;

  public HomeRoutes(Pages pages, GroupService groups, TalkService talks) {
    this.pages = pages;
    this.groups = groups;
    this.talks = talks;
  }

  public void mount(Router router) {
    router.get("/").handler(this::home);
    router.get("/privacy").handler(ctx -> pages.render(ctx, "home/privacy", Map.of()));
    router.get("/accessibility").handler(ctx -> pages.render(ctx, "home/accessibility", Map.of()));
  }

  private void home(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    Future<List<WorkingGroup>> visible = groups.visibleTo(viewer.member());
    Future<List<Talk>> upcoming = talks.upcoming(5);
    Future<List<Talk>> recent = talks.recent(5);
    Future.all(visible, upcoming, recent)
        .map(all -> Map.<String, Object>of(
            "groups", visible.result(),
            "upcoming", upcoming.result(),
            "recent", recent.result()))
        .onSuccess(model -> pages.render(ctx, "home/index", model))
        .onFailure(ctx::fail);
  }
}
