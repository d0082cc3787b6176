package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Reading working groups and their threads.
 *
 * <pre>
 * GET /groups                          the groups the viewer may read
 * GET /groups/:slug                    purpose and threads
 * GET /groups/:slug/threads/:id        a thread's posts
 * </pre>
 */
public final class GroupRoutes {

  private final Pages pages;
  private final GroupService groups;
  private final ThreadService threads;

  public GroupRoutes(Pages pages, GroupService groups, ThreadService threads) {
    this.pages = pages;
    this.groups = groups;
    this.threads = threads;
  }

  public void mount(Router router) {
    router.get("/groups").handler(this::list);
    router.get("/groups/:slug").handler(this::show);
    router.get("/groups/:slug/threads/:id").handler(this::thread);
  }

  private void list(RoutingContext ctx) {
    groups.visibleTo(Viewer.of(ctx).member())
        .onSuccess(list -> pages.render(ctx, "group/list", Map.of("groups", list)))
        .onFailure(ctx::fail);
  }

  private void show(RoutingContext ctx) {
    groups.find(ctx.pathParam("slug"), Viewer.of(ctx).member())
        .compose(group -> threads.list(group).map(list -> Map.<String, Object>of("group", group, "threads", list)))
        .onSuccess(model -> pages.render(ctx, "group/show", model))
        .onFailure(ctx::fail);
  }

  private void thread(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.notFound());
      return;
    }
    groups.find(ctx.pathParam("slug"), Viewer.of(ctx).member())
        .compose(group -> threads.find(group, id)
            .compose(thread -> threads.posts(thread)
                .map(posts -> Map.<String, Object>of("group", group, "thread", thread, "posts", posts))))
        .onSuccess(model -> pages.render(ctx, "group/thread", model))
        .onFailure(ctx::fail);
  }
}
