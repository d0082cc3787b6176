package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.results.ResultItem.Followup;
import eu.mhealthhub.agora.search.SearchHit;
import eu.mhealthhub.agora.search.SearchKind;
import eu.mhealthhub.agora.search.SearchQuery;
import eu.mhealthhub.agora.search.SearchService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The results library: adopted consensus documents of public groups and the summaries of Talks
 * whose room has closed, filtered and searched.
 *
 * <p>The library is the Hub's public face and shows <b>public results only, the same for every
 * viewer</b>: the groups it draws from are those {@link GroupService#readableBy} grants a visitor
 * who is not signed in (the group policy's public groups), so a member of a closed group does not
 * find that group's documents here either; they read them in the group. The full-text search goes
 * through {@link SearchService} with that same scope, so its words can match nothing closed.
 */
public final class ResultsService {

  /** How many of the best-ranked matches of each kind the library's search narrows to. */
  static final int SEARCHED = 100;
  private static final Pattern DOCUMENT_URL = Pattern.compile("^/documents/(\\d+)");
  private static final Pattern TALK_URL = Pattern.compile("^/talks/([a-z0-9-]+)");

  private final Pool pool;
  private final GroupService groups;
  private final SearchService search;
  private final ResultsRepository repository = new ResultsRepository();
  private final String webcalUrl;

  public ResultsService(Pool pool, GroupService groups, SearchService search, java.net.URI publicUrl) {
    this.webcalUrl = webcal(publicUrl);
    this.pool = pool;
    this.groups = groups;
    this.search = search;
  }

  /**
   * One page of the library as {@code filter} asks, words stemmed for {@code locale}. Fails with
   * BAD_REQUEST for a group filter naming a group that is not public, the same answer as for one
   * that does not exist.
   */
  public Future<ResultsPage> page(ResultsFilter filter, Locale locale, ZoneId zone) {
    return publicGroups().compose(open -> {
      if (!filter.group().isEmpty() && open.stream().noneMatch(g -> g.slug().equals(filter.group()))) {
        // a closed group is answered as one that does not exist
        return Future.failedFuture(DomainException.badRequest("results.error.group"));
      }
      Long[] ids = ids(open);
      Future<Long[]> documents = filter.searching() && filter.documents()
          ? matches(open, filter.q(), SearchKind.DOCUMENTS, locale, zone).map(found -> found.stream()
              .map(DOCUMENT_URL::matcher).filter(Matcher::find).map(m -> Long.valueOf(m.group(1))).distinct()
              .toArray(Long[]::new))
          : Future.succeededFuture(filter.searching() ? new Long[0] : null);
      Future<String[]> talks = filter.searching() && filter.talks()
          ? matches(open, filter.q(), SearchKind.TALKS, locale, zone).map(found -> found.stream()
              .map(TALK_URL::matcher).filter(Matcher::find).map(m -> m.group(1)).distinct().toArray(String[]::new))
          : Future.succeededFuture(filter.searching() ? new String[0] : null);
      int offset = (filter.page() - 1) * ResultsFilter.PAGE_SIZE;
      return Future.all(documents, talks).compose(matched -> repository.page(pool, ids, filter, documents.result(),
              talks.result(), ResultsFilter.PAGE_SIZE, offset))
          .compose(found -> withFollowups(found.items(), ids).map(items -> new ResultsPage.Found(items, found.total())))
          .compose(found -> repository.years(pool, ids).map(years -> ResultsPage.of(filter, found, open, years,
              ResultsFilter.LANGUAGES.stream().sorted().toList(), webcalUrl)));
    });
  }

  /** The newest {@code limit} results, for the library's feed. */
  public Future<List<ResultItem>> latest(int limit) {
    return publicGroups().compose(open -> {
      Long[] ids = ids(open);
      return repository.page(pool, ids, ResultsFilter.none(), null, null, limit, 0)
          .compose(found -> withFollowups(found.items(), ids));
    });
  }

  /** The {@code webcal:} address of the upcoming Talks' calendar ({@code /talks.ics}) under the public URL. */
  public static String webcal(java.net.URI publicUrl) {
    return "webcal://" + publicUrl.getRawAuthority() + (publicUrl.getRawPath() == null ? "" : publicUrl.getRawPath())
        + "/talks.ics";
  }

  /** The groups a visitor who is not signed in may read: the public ones. */
  private Future<List<WorkingGroup>> publicGroups() {
    return groups.readableBy(Optional.empty()).map(all -> all.stream().filter(g -> !g.closed()).toList());
  }

  private static Long[] ids(List<WorkingGroup> open) {
    return open.stream().map(WorkingGroup::id).toArray(Long[]::new);
  }

  /** The addresses of the best matches of one kind, in the public groups only: search's pages until {@link #SEARCHED}. */
  private Future<List<String>> matches(List<WorkingGroup> open, String words, SearchKind kind, Locale locale,
      ZoneId zone) {
    return matches(open, words, kind, locale, zone, 1, new LinkedHashSet<>()).map(List::copyOf);
  }

  private Future<Set<String>> matches(List<WorkingGroup> open, String words, SearchKind kind, Locale locale,
      ZoneId zone, int page, Set<String> urls) {
    SearchQuery query = new SearchQuery(words, Optional.of(kind), "", "", null, null, false, page);
    return search.search(Optional.empty(), open, query, locale, zone).compose(found -> {
      found.hits().stream().map(SearchHit::url).forEach(urls::add);
      return found.page() >= found.pages() || page * 20 >= SEARCHED ? Future.succeededFuture(urls)
          : matches(open, words, kind, locale, zone, page + 1, urls);
    });
  }

  private Future<List<ResultItem>> withFollowups(List<ResultItem> items, Long[] groupIds) {
    Long[] talkIds = items.stream().filter(i -> !i.document()).map(ResultItem::id).toArray(Long[]::new);
    return repository.followups(pool, talkIds, groupIds).map((Map<Long, List<Followup>> byTalk) -> items.stream()
        .map(i -> i.document() ? i : i.withFollowups(byTalk.getOrDefault(i.id(), List.of()))).toList());
  }
}
