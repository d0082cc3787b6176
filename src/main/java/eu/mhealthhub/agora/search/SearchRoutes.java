package eu.mhealthhub.agora.search;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Search pages.
 *
 * <pre>
 * GET /search?q=&amp;kind=&amp;group=&amp;author=&amp;from=&amp;to=&amp;watched=&amp;page=   results page (a GET form; 400 with the form for a refused query)
 * GET /search/suggest?q=                                          titles to offer under the search box (JSON)
 * </pre>
 * The JSON API's {@code GET /api/v1/search} is in {@code api/ApiRoutes}, through the same service.
 */
public final class SearchRoutes {

  private final Pages pages;
  private final SearchService search;
  private final GroupService groups;
  private final I18n i18n;

  public SearchRoutes(Pages pages, SearchService search, GroupService groups, I18n i18n) {
    this.pages = pages;
    this.search = search;
    this.groups = groups;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/search").handler(this::results);
    router.get("/search/suggest").handler(this::suggest);
  }

  private void results(RoutingContext ctx) {
    Viewer viewer = Viewer.of(ctx);
    MultiMap params = ctx.queryParams();
    // the readable groups are asked for once: they scope the search and fill the group filter's list
    Future<List<WorkingGroup>> readable = groups.readableBy(viewer.member());
    readable.compose(scope -> Future.succeededFuture(params).map(SearchQuery::parse)
            .compose(query -> search.search(viewer.member(), scope, query, viewer.locale(), viewer.zone()))
            .map(results -> FormResult.<SearchPage>previewOrProblems(false, page(params, scope, results, null))))
        .recover(e -> FormResult.refused(e, i18n, ctx,
            problem -> readable.map(scope -> page(params, scope, null, problem))))
        .onSuccess(result -> result.send(ctx, pages, "search/results"))
        .onFailure(ctx::fail);
  }

  private static SearchPage page(MultiMap params, List<WorkingGroup> readable,
      SearchResults results, String problem) {
    String q = value(params, "q");
    boolean filtersOpen = !value(params, "kind").isEmpty() || !value(params, "group").isEmpty()
        || !value(params, "author").isEmpty() || !value(params, "from").isEmpty() || !value(params, "to").isEmpty()
        || !value(params, "watched").isEmpty();
    List<java.util.Map<String, Object>> links = results == null ? List.of() : Forms.pageLinks(results.page(), results.pages());
    return new SearchPage(q, value(params, "kind"), value(params, "group"), value(params, "author"),
        date(params, "from"), date(params, "to"), !value(params, "watched").isEmpty(), filtersOpen, readable, results,
        problem, links, results == null ? "/search?" : results.query().base());
  }

  /** A date as typed when it is one, else "" (a date input cannot show anything else; the problem names it). */
  private static String date(MultiMap params, String name) {
    String v = value(params, name).strip();
    try {
      return v.isEmpty() ? "" : java.time.LocalDate.parse(v).toString();
    } catch (java.time.format.DateTimeParseException e) {
      return "";
    }
  }

  private static String value(MultiMap params, String name) {
    String v = params.get(name);
    return v == null ? "" : v.length() > SearchQuery.MAX_TEXT + 1 ? v.substring(0, SearchQuery.MAX_TEXT + 1) : v;
  }

  /** Suggestions never fail on what was typed: too short, too long or odd input suggests nothing. */
  private void suggest(RoutingContext ctx) {
    String typed = ctx.request().getParam("q", "");
    search.suggest(Viewer.of(ctx).member(), typed)
        .map(found -> new JsonObject().put("count", found.size()).put("suggestions", new JsonArray(found.stream()
            .map(s -> new JsonObject().put("kind", s.kind()).put("title", s.title()).put("url", s.url())
                .put("group", s.groupName()))
            .toList())))
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(body.encode()))
        .onFailure(ctx::fail);
  }

  /** A result as the JSON API shows it. */
  public static JsonObject json(SearchHit hit) {
    return new JsonObject().put("kind", hit.kind()).put("filter", hit.filter().code()).put("title", hit.title())
        .put("url", hit.url()).put("group", hit.groupName()).put("author", hit.authorName())
        .put("at", hit.at() == null ? null : hit.at().toString())
        .put("snippet", hit.snippet().text()).put("snippetHtml", hit.snippet().html());
  }

  /** A page of results as the JSON API shows it. */
  public static JsonObject json(SearchResults results) {
    return new JsonObject().put("query", results.query().shown()).put("page", results.page())
        .put("pages", results.pages()).put("total", results.total()).put("more", results.more())
        .put("didYouMean", results.didYouMean())
        .put("results", new JsonArray(results.hits().stream().map(SearchRoutes::json).toList()));
  }
}
