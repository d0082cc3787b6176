package eu.mhealthhub.agora.search;

import java.util.List;

/**
 * A page of results.
 *
 * @param total how many results there are in all, for this viewer, or {@link #COUNTED} when there are more
 * @param didYouMean a query with misspelt words replaced by words of titles the viewer may read, or ""
 * @param more whether more than {@code total} results match: counting stops at {@link #COUNTED}
 */
public record SearchResults(SearchQuery query, List<SearchHit> hits, long total, int page, int pages, String didYouMean,
    boolean more) {

  public static final int PAGE_SIZE = 20;

  /** Results are counted up to this many; beyond, the count says "more than" it ({@link #more}). */
  public static final int COUNTED = SearchRepository.COUNTED;

  /** The address of the "did you mean" search. */
  public String didYouMeanUrl() {
    return "/search?q=" + java.net.URLEncoder.encode(didYouMean, java.nio.charset.StandardCharsets.UTF_8);
  }

  static SearchResults none(SearchQuery query) {
    return new SearchResults(query, List.of(), 0, query.page(), 1, "", false);
  }
}
