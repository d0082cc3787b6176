package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The results library, readable by anyone, signed in or not.
 *
 * <pre>
 * GET /results?q=&amp;group=&amp;kind=&amp;year=&amp;language=&amp;page=   the library (a GET form; 400 for a bad filter)
 * </pre>
 * Its Atom feed, {@code /results.atom}, is served by {@code feed/FeedRoutes}.
 */
public final class ResultsRoutes {

  private final Pages pages;
  private final ResultsService results;

  public ResultsRoutes(Pages pages, ResultsService results) {
    this.pages = pages;
    this.results = results;
  }

  public void mount(Router router) {
    router.get("/results").handler(this::library);
  }

  private void library(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    Respond.to(ctx, Future.succeededFuture(ctx.queryParams()).map(ResultsFilter::parse)
        .compose(filter -> results.page(filter, viewer.locale(), viewer.zone())),
        page -> pages.render(ctx, "results/list", ViewModel.of(page)));
  }
}
