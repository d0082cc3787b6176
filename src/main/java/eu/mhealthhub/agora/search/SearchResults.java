package eu.mhealthhub.agora.search;

import java.util.List;

/**
 * A page of results.
 *
 * @param total how many results there are in all, for this viewer
 * @param didYouMean a query with misspelt words replaced by words of titles the viewer may read, or ""
 */
public record SearchResults(SearchQuery query, List<SearchHit> hits, long total, int page, int pages, String didYouMean) {

  public static final int PAGE_SIZE = 20;

  /** The address of the "did you mean" search. */
  public String didYouMeanUrl() {
    return "/search?q=" + java.net.URLEncoder.encode(didYouMean, java.nio.charset.StandardCharsets.UTF_8);
  }

  static SearchResults none(SearchQuery query) {
    return new SearchResults(query, List.of(), 0, query.page(), 1, "");
  }
}
