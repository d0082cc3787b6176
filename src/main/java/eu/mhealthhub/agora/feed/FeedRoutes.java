package eu.mhealthhub.agora.feed;

import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Feeds and discovery, the same for every reader.
 *
 * <pre>
 * GET /results.atom                 the results library (Atom)
 * GET /groups/:slug/threads.atom    a public group's new threads (Atom; 404 for a closed group, as for a missing one)
 * GET /talks.atom                   the Talks programme (Atom)
 * GET /sitemap.xml                  public groups, their threads, adopted documents' revisions, Talks, the library
 * GET /robots.txt                   what crawlers leave alone, and where the sitemap is
 * </pre>
 * The iCalendar subscription of upcoming Talks is {@code talk/TalkRoutes}' {@code /talks.ics}.
 */
public final class FeedRoutes {

  static final String ATOM = "application/atom+xml; charset=utf-8";

  private final FeedService feeds;
  private final I18n i18n;

  public FeedRoutes(FeedService feeds, I18n i18n) {
    this.feeds = feeds;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/results.atom").handler(ctx -> send(ctx, ATOM, feeds.results(messages(ctx))));
    router.get("/groups/:slug/threads.atom").handler(ctx -> send(ctx, ATOM,
        feeds.groupThreads(ctx.pathParam("slug"), messages(ctx))));
    router.get("/talks.atom").handler(ctx -> send(ctx, ATOM, feeds.talks(messages(ctx))));
    router.get("/sitemap.xml").handler(ctx -> send(ctx, "application/xml; charset=utf-8", feeds.sitemap()));
    router.get("/robots.txt").handler(ctx -> send(ctx, "text/plain; charset=utf-8",
        Future.succeededFuture(feeds.robots())));
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private static void send(RoutingContext ctx, String type, Future<String> body) {
    Respond.to(ctx, body, text -> {
      ctx.response().putHeader("Content-Type", type)
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Cache-Control", "public, max-age=300")
          .putHeader("Vary", "Accept-Language, Cookie");
      Respond.end(ctx, Buffer.buffer(text));
    });
  }
}
