package eu.mhealthhub.agora.results;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.MultiMap;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the results library is asked for in its address (a GET form): words for the full-text
 * search, a working group's slug, a kind, a year, a language and a page. {@link #parse} refuses
 * unknown parameters and bad values with a BAD_REQUEST naming them, so a mistyped link says so
 * instead of quietly showing everything.
 *
 * @param kind "" for both, "documents" or "talks"
 * @param year null for every year
 * @param language "" or a language tag the library knows ({@link #LANGUAGES})
 */
public record ResultsFilter(String q, String group, String kind, Integer year, String language, int page) {

  public static final int MAX_TEXT = 500;
  public static final int MAX_PAGE = 500;
  public static final int PAGE_SIZE = 20;
  /** The languages documents and Talks are recorded in (migrations/V035__results.sql). */
  public static final Set<String> LANGUAGES = Set.copyOf(eu.mhealthhub.agora.ContentLanguage.CODES);
  static final Set<String> KINDS = Set.of("documents", "talks");
  static final Set<String> PARAMETERS = Set.of("q", "group", "kind", "year", "language", "page");
  private static final Pattern SLUG = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern YEAR = Pattern.compile("[0-9]{4}");

  public static ResultsFilter none() {
    return new ResultsFilter("", "", "", null, "", 1);
  }

  /**
   * Reads the parameters. Fails with BAD_REQUEST for a parameter the library does not know, one
   * given twice, words over {@link #MAX_TEXT} characters, a malformed slug, an unknown kind or
   * language, a year outside 2000–2999 or a page outside 1–{@link #MAX_PAGE}.
   */
  public static ResultsFilter parse(MultiMap params) {
    for (String name : params.names()) {
      if (!PARAMETERS.contains(name)) {
        throw DomainException.badRequest("results.error.unknownFilter", name.length() > 40 ? name.substring(0, 40) + "…"
            : name);
      }
      if (params.getAll(name).size() > 1) {
        throw DomainException.badRequest("results.error.repeated", name);
      }
    }
    String q = value(params, "q").replace("\u0000", "");
    if (q.length() > MAX_TEXT) {
      throw DomainException.badRequest("results.error.tooLong", MAX_TEXT);
    }
    String group = value(params, "group");
    if (!group.isEmpty() && (group.length() > 60 || !SLUG.matcher(group).matches())) {
      throw DomainException.badRequest("results.error.group");
    }
    String kind = value(params, "kind");
    if (!kind.isEmpty() && !KINDS.contains(kind)) {
      throw DomainException.badRequest("results.error.kind");
    }
    String yearText = value(params, "year");
    Integer year = null;
    if (!yearText.isEmpty()) {
      if (!YEAR.matcher(yearText).matches() || yearText.charAt(0) != '2') {
        throw DomainException.badRequest("results.error.year");
      }
      year = Integer.parseInt(yearText);
    }
    String language = value(params, "language");
    if (!language.isEmpty() && !LANGUAGES.contains(language)) {
      throw DomainException.badRequest("results.error.language");
    }
    int page = eu.mhealthhub.agora.web.Forms.strictPage(value(params, "page"), MAX_PAGE, "results.error.page");
    return new ResultsFilter(q, group, kind, year, language, page);
  }

  public boolean searching() {
    return !q.isBlank();
  }

  public boolean documents() {
    return !"talks".equals(kind);
  }

  public boolean talks() {
    return !"documents".equals(kind);
  }

  /** The address of these results at another page, for the pager (ends with "&" or "?"). */
  public String base() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("q", q);
    p.put("group", group);
    p.put("kind", kind);
    p.put("year", year == null ? "" : year.toString());
    p.put("language", language);
    StringBuilder b = new StringBuilder("/results?");
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
}
