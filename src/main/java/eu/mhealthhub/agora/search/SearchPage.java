package eu.mhealthhub.agora.search;

import eu.mhealthhub.agora.group.WorkingGroup;
import java.util.List;
import java.util.Map;

/**
 * The results page (template {@code search/results}): the form as asked, the groups it may be
 * narrowed to, and the results, or the refusal of the query.
 *
 * @param q the search box's text as typed
 * @param kind, group, author, from, to, watched the filters as typed (strings, so a refused value is shown again)
 * @param groups the groups the viewer may read, for the group filter
 * @param results the page of results, or null when nothing was asked or the query was refused
 * @param problem why the query was refused, translated, or null
 * @param pages the pager's links
 * @param base the address of this search for the pager, ending in "&amp;" or "?"
 */
public record SearchPage(String q, String kind, String group, String author, String from, String to, boolean watched,
    boolean filtersOpen, List<WorkingGroup> groups, SearchResults results, String problem,
    List<Map<String, Object>> pages, String base) {}
