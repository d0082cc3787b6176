package eu.mhealthhub.agora.home;

import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.HomeGroups;
import eu.mhealthhub.agora.talk.TalkListing;
import eu.mhealthhub.agora.talk.TalkService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;

/**
 * Site-wide pages: home, and the privacy and accessibility statements (search is {@code search/SearchRoutes}).
 *
 * <pre>
 * GET /                 the viewer's groups, the most active others, upcoming and recent Talks
 * GET /privacy          privacy statement
 * GET /accessibility    accessibility statement
 * </pre>
 */
public final class HomeRoutes {

  /** How many of the viewer's own groups the home page lists (the rest are on /groups). */
  static final int MY_GROUPS = 30;
  /** How many of the other groups the home page lists, the most recently active first. */
  static final int OTHER_GROUPS = 10;

  private final Pages pages;
  private final GroupService groups;
  private final TalkService talks;

  private final Statements statements;

  public HomeRoutes(Pages pages, GroupService groups, TalkService talks) {
    this(pages, groups, talks, null, Optional.empty());
  }

  /**
   * @param contentDirectory where the operator's own privacy notice and accessibility statement are
   *                         ({@code privacy.<lang>.md}, {@code accessibility.<lang>.md}), if anywhere
   */
  public HomeRoutes(Pages pages, GroupService groups, TalkService talks, Vertx vertx, Optional<Path> contentDirectory) {
    this.pages = pages;
    this.groups = groups;
    this.talks = talks;
    this.statements = new Statements(vertx, vertx == null ? Optional.empty() : contentDirectory);
  }

  public void mount(Router router) {
    router.get("/").handler(this::home);
    router.get("/privacy").handler(ctx -> statement(ctx, Statements.Kind.PRIVACY, "home/privacy"));
    router.get("/accessibility").handler(ctx -> statement(ctx, Statements.Kind.ACCESSIBILITY, "home/accessibility"));
  }

  /** The operator's statement when there is one for the reader's language, else the built-in page. */
  private void statement(RoutingContext ctx, Statements.Kind kind, String template) {
    statements.of(kind, Viewer.of(ctx).locale())
        .map(replaced -> replaced.<Map<String, Object>>map(r -> Map.of("replaced", r.html())).orElse(Map.of()))
        .onSuccess(model -> pages.render(ctx, template, model))
        .onFailure(ctx::fail);
  }

  /**
   * The home page: the viewer's own groups, the most recently active of the others they may read (all
   * are on /groups), and the Talks; its work is bounded whatever the archive's size (the groups'
   * counters, two short lists). Rendered once for every viewer who sees the same page
   * ({@link Pages#renderShared}: keyed by the whole model, so a new post or member is a new page).
   */
  private void home(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    Future<HomeGroups> listed = groups.home(viewer.member(), MY_GROUPS, OTHER_GROUPS);
    Future<List<TalkListing>> upcoming = talks.upcomingListed(5);
    Future<List<TalkListing>> recent = talks.recentListed(5);
    Future.all(listed, upcoming, recent)
        .map(all -> Map.<String, Object>of(
            "mine", listed.result().mine(),
            "moreMine", listed.result().moreMine(),
            "others", listed.result().others(),
            "moreOthers", listed.result().moreOthers(),
            "upcoming", upcoming.result(),
            "recent", recent.result()))
        .onSuccess(model -> pages.renderShared(ctx, "home/index", model))
        .onFailure(ctx::fail);
  }
}
