package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.group.WorkingGroup;
import java.util.List;

/**
 * The results library as anyone sees it: one page of results, the filter as asked, and the
 * filters' choices (public groups, years with results, languages), and the {@code webcal:} address of
 * the upcoming Talks' calendar.
 */
public record ResultsPage(ResultsFilter filter, List<ResultItem> items, long total, int page, int pages,
    List<WorkingGroup> groups, List<Integer> years, List<String> languages, String webcalUrl) {

  /** One page of items and how many there are in all, before the page is built. */
  record Found(List<ResultItem> items, long total) {}

  public boolean hasPrevious() {
    return page > 1;
  }

  public boolean hasNext() {
    return page < pages;
  }

  public int previous() {
    return page - 1;
  }

  public int next() {
    return page + 1;
  }

  public String base() {
    return filter.base();
  }

  public boolean filtered() {
    return !filter.group().isEmpty() || !filter.kind().isEmpty() || filter.year() != null
        || !filter.language().isEmpty() || filter.searching();
  }
}
