package eu.mhealthhub.agora.search;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A search as asked in the address (the results page's GET form, the JSON API): the words, in
 * {@code websearch_to_tsquery} syntax ("a phrase", -word, or), and the filters. Read by
 * {@link #parse}, which refuses unknown parameters and bad values with a BAD_REQUEST naming them.
 *
 * @param text the words, without an {@code @handle} that named the author
 * @param kind one kind only, or empty for all
 * @param group a group's slug, or "" for every group the viewer may read
 * @param author a member's handle (lower case, no "@"), or ""
 * @param from the first day, or null
 * @param to the last day (included), or null
 * @param watched only threads the viewer watches (and their posts)
 * @param page from 1
 */
public record SearchQuery(String text, Optional<SearchKind> kind, String group, String author, LocalDate from,
    LocalDate to, boolean watched, int page) {

  /** Longest query text, in characters. */
  public static final int MAX_TEXT = 500;
  public static final int MAX_PAGE = 500;
  static final Set<String> PARAMETERS = Set.of("q", "kind", "group", "author", "from", "to", "watched", "page");
  private static final Pattern HANDLE = Pattern.compile("[a-z0-9][a-z0-9._-]{1,39}");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern AT_HANDLE = Pattern.compile("(?<![\\p{L}\\p{N}_])@([A-Za-z0-9][A-Za-z0-9._-]{1,39})");

  /** True when there is something to search for: words or a filter that narrows. */
  public boolean asked() {
    return !text.isBlank() || !author.isEmpty() || watched || !group.isEmpty() || kind.isPresent() || from != null
        || to != null;
  }

  /** Whether any filter is set (the results page opens its filters then). */
  public boolean filtered() {
    return !author.isEmpty() || watched || !group.isEmpty() || kind.isPresent() || from != null || to != null;
  }

  /** The text as typed back in the search box, the author again as {@code @handle} when it came from there. */
  public String shown() {
    return text + (author.isEmpty() ? "" : (text.isEmpty() ? "" : " ") + "@" + author);
  }

  /**
   * Reads the parameters. Fails with BAD_REQUEST (message key and the parameter) for a parameter
   * Agora does not know, one given twice, a query over {@link #MAX_TEXT} characters, an unknown
   * kind, a malformed slug, handle, date or page, or a range that ends before it starts.
   */
  public static SearchQuery parse(MultiMap params) {
    for (String name : params.names()) {
      if (!PARAMETERS.contains(name)) {
        throw DomainException.badRequest("search.error.unknownFilter", shorten(name));
      }
      if (params.getAll(name).size() > 1) {
        throw DomainException.badRequest("search.error.repeated", name);
      }
    }
    String q = value(params, "q");
    if (q.length() > MAX_TEXT) {
      throw DomainException.badRequest("search.error.tooLong", MAX_TEXT);
    }
    String author = value(params, "author").replaceFirst("^@", "").toLowerCase(java.util.Locale.ROOT);
    if (!author.isEmpty() && !HANDLE.matcher(author).matches()) {
      throw DomainException.badRequest("search.error.author");
    }
    // "@handle" among the words names the author, unless the author field does
    Matcher at = AT_HANDLE.matcher(q);
    if (at.find()) {
      if (author.isEmpty()) {
        author = at.group(1).toLowerCase(java.util.Locale.ROOT);
      }
      q = AT_HANDLE.matcher(q).replaceAll(" ").strip().replaceAll("\\s{2,}", " ");
    }
    String kindCode = value(params, "kind");
    Optional<SearchKind> kind = kindCode.isEmpty() ? Optional.empty() : SearchKind.ofCode(kindCode);
    if (!kindCode.isEmpty() && kind.isEmpty()) {
      throw DomainException.badRequest("search.error.kind");
    }
    String group = value(params, "group");
    if (!group.isEmpty() && (group.length() > 60 || !SLUG.matcher(group).matches())) {
      throw DomainException.badRequest("search.error.group");
    }
    LocalDate from = date(params, "from");
    LocalDate to = date(params, "to");
    if (from != null && to != null && to.isBefore(from)) {
      throw DomainException.badRequest("search.error.range");
    }
    String watched = value(params, "watched");
    if (!watched.isEmpty() && !Set.of("on", "true", "1").contains(watched)) {
      throw DomainException.badRequest("search.error.watched");
    }
    int page = eu.mhealthhub.agora.web.Forms.strictPage(value(params, "page"), MAX_PAGE, "search.error.page");
    return new SearchQuery(q, kind, group, author, from, to, !watched.isEmpty(), page);
  }

  /** The address of this search at another page, for the pager (ends with "&" or "?"). */
  public String base() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("q", shown());
    kind.ifPresent(k -> p.put("kind", k.code()));
    p.put("group", group);
    p.put("from", from == null ? "" : from.toString());
    p.put("to", to == null ? "" : to.toString());
    p.put("watched", watched ? "on" : "");
    StringBuilder b = new StringBuilder("/search?");
    p.forEach((k, v) -> {
      if (!v.isEmpty()) {
        b.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)).append('&');
      }
    });
    return b.toString();
  }

  private static String value(MultiMap params, String name) {
    String v = params.get(name);
    return v == null ? "" : v.strip();
  }

  private static LocalDate date(MultiMap params, String name) {
    String v = value(params, name);
    if (v.isEmpty()) {
      return null;
    }
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw DomainException.badRequest("search.error.date", name);
    }
  }

  private static String shorten(String name) {
    return name.length() > 40 ? name.substring(0, 40) + "…" : name;
  }
}
