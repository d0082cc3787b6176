package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.group.WorkingGroup;
import java.util.List;

/**
 * The results library as anyone sees it: one page of results, the filter as asked, the filters'
 * choices (public groups, years with results, languages), the pager, and the {@code webcal:}
 * address of the upcoming Talks' calendar. Everything the template reads at its top level is a
 * component (the page model holds components only).
 *
 * @param base the address of these results at another page, ending with "?" or "&amp;"
 * @param filtered whether any filter or words narrow the list (a "clear" link is offered then)
 */
public record ResultsPage(ResultsFilter filter, List<ResultItem> items, long total, int page, int pages,
    boolean hasPrevious, boolean hasNext, int previous, int next, String base, boolean filtered,
    List<WorkingGroup> groups, List<Integer> years, List<String> languageChoices, String webcalUrl) {

  /** One page of items and how many there are in all, before the page is built. */
  record Found(List<ResultItem> items, long total) {}

  static ResultsPage of(ResultsFilter filter, Found found, List<WorkingGroup> groups, List<Integer> years,
      List<String> languages, String webcalUrl) {
    int pages = (int) Math.max(1, (found.total() + ResultsFilter.PAGE_SIZE - 1) / ResultsFilter.PAGE_SIZE);
    int page = filter.page();
    boolean filtered = !filter.group().isEmpty() || !filter.kind().isEmpty() || filter.year() != null
        || !filter.language().isEmpty() || filter.searching();
    return new ResultsPage(filter, found.items(), found.total(), page, pages, page > 1, page < pages, page - 1,
        page + 1, filter.base(), filtered, groups, years, languages, webcalUrl);
  }
}
