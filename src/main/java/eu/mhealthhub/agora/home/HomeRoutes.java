package eu.mhealthhub.agora.home;

import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.talk.Talk;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.thread.ThreadSummary;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * Site-wide pages: home, search, and the privacy and accessibility statements.
 *
 * <pre>
 * GET /                 working groups and upcoming and recent Talks
 * GET /search?q=        thread titles in readable groups, and Talks
 * GET /privacy          privacy statement
 * GET /accessibility    accessibility statement
 * </pre>
 */
public final class HomeRoutes {

  private static final int MAX_QUERY = 200;

  private final Pages pages;
  private final GroupService groups;
  private final TalkService talks;
  private final ThreadService threads;

  public HomeRoutes(Pages pages, GroupService groups, TalkService talks, ThreadService threads) {
    this.pages = pages;
    this.groups = groups;
    this.talks = talks;
    this.threads = threads;
  }

  public void mount(Router router) {
    router.get("/").handler(this::home);
    router.get("/search").handler(this::search);
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

  private void search(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    String q = ctx.request().getParam("q", "").strip();
    if (q.length() > MAX_QUERY) {
      q = q.substring(0, MAX_QUERY);
    }
    String query = q;
    groups.visibleTo(viewer.member())
        .compose(readable -> threads.searchTitles(readable, viewer.member(), query).map(found -> {
          List<Map<String, Object>> hits = found.stream().map((ThreadSummary t) -> {
            WorkingGroup g = readable.stream().filter(x -> x.id() == t.groupId()).findFirst().orElseThrow();
            return Map.<String, Object>of("thread", t, "group", g);
          }).toList();
          return Map.<String, Object>of("q", query, "hits", hits, "searched", !query.isEmpty());
        }))
        .onSuccess(model -> pages.render(ctx, "home/search", model))
        .onFailure(ctx::fail);
  }
}
