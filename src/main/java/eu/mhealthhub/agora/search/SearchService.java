package eu.mhealthhub.agora.search;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.TextLanguage;
import eu.mhealthhub.agora.thread.PostPolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Full-text search across threads, posts, attachments' names, consensus documents (current
 * revision), their comments, Talks and Talk questions, and the titles offered under the search box.
 *
 * <p>Who may read what is decided here, per request and never cached: the readable groups come
 * from {@link GroupService#readableBy}, the read rule of {@link GroupService#visibleTo} without
 * counts (so a member who leaves a group stops finding its content at once), deleted posts only in groups where {@link PostPolicy#canSeeDeleted} allows, hidden or
 * pending Talk questions never. Counts, snippets and suggestions are drawn from that same scope.
 *
 * <p>Failures: BAD_REQUEST for a group filter naming a group the viewer may not read (the same
 * answer as for one that does not exist) or a "watched" filter without a signed-in member.
 */
public final class SearchService {

  public static final int MAX_SUGGESTIONS = 8;
  private static final int MAX_TYPED = 100;
  private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{3,40}");

  private final Pool pool;
  private final GroupService groups;
  private final SearchRepository repository = new SearchRepository();

  /**
   * How long a node keeps the posts' word statistics ({@link WordStatistics}): they only choose how a search
   * reads the posts, and autovacuum analyses the posts again only after a tenth of them changed.
   */
  private static final long STATISTICS_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(10);

  /** The word statistics and when they were asked for (System.nanoTime), or null before the first search. */
  private volatile Kept kept;

  private record Kept(Future<WordStatistics> statistics, long at) {}

  public SearchService(Pool pool, GroupService groups) {
    this.pool = pool;
    this.groups = groups;
  }

  /**
   * One page of results for the viewer, words stemmed for {@code readerLocale}'s language and
   * unstemmed; "did you mean" when nothing matched. Dates are days in {@code zone}.
   */
  public Future<SearchResults> search(Optional<Member> viewer, SearchQuery query, Locale readerLocale, ZoneId zone) {
    if (!query.asked()) {
      return Future.succeededFuture(SearchResults.none(query));
    }
    if (query.watched() && viewer.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest("search.error.watchedSignIn"));
    }
    return groups.readableBy(viewer).compose(readable -> search(viewer, readable, query, readerLocale, zone));
  }

  /**
   * As {@link #search(Optional, SearchQuery, Locale, ZoneId)}, within {@code readable}: the groups
   * the viewer may read, from {@link GroupService#readableBy} (or {@link GroupService#visibleTo}) of
   * this same request, so a page that also lists them asks for them once.
   */
  public Future<SearchResults> search(Optional<Member> viewer, List<WorkingGroup> readable, SearchQuery query,
      Locale readerLocale, ZoneId zone) {
    if (!query.asked()) {
      return Future.succeededFuture(SearchResults.none(query));
    }
    if (query.watched() && viewer.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest("search.error.watchedSignIn"));
    }
    String language = TextLanguage.of(readerLocale).code();
    String text = clean(query.text());
    List<WorkingGroup> scope = readable;
    if (!query.group().isEmpty()) {
      scope = readable.stream().filter(g -> g.slug().equals(query.group())).toList();
      if (scope.isEmpty()) {
        // a closed group the viewer may not read is answered as one that does not exist
        return Future.failedFuture(DomainException.badRequest("search.error.group"));
      }
    }
    List<Long> ids = scope.stream().map(WorkingGroup::id).toList();
    List<Long> moderated = scope.stream().filter(g -> PostPolicy.canSeeDeleted(viewer, g)).map(WorkingGroup::id)
        .toList();
    Future<Optional<Long>> author = query.author().isEmpty() ? Future.succeededFuture(Optional.empty())
        : repository.memberByHandle(pool, query.author()).map(found -> Optional.of(found.orElse(-1L)));
    Future<String> typed = text.isBlank() ? Future.succeededFuture(null) : repository.words(pool, language, text);
    Future<WordStatistics> statistics = text.isBlank() ? Future.succeededFuture(WordStatistics.UNKNOWN) : statistics();
    Future<SearchRepository.Words> words = Future.all(typed, statistics).map(both -> typed.result() == null
        ? SearchRepository.Words.NONE : SearchRepository.Words.of(typed.result(), statistics.result()));
    return Future.all(author, words).compose(both -> {
      if (!words.result().any() && !query.filtered()) {
        return Future.succeededFuture(SearchResults.none(query));
      }
      List<String> kinds = query.kind().map(k -> List.of(k.code()))
          .orElse(Arrays.stream(SearchKind.values()).map(SearchKind::code).toList());
      Instant from = query.from() == null ? null : query.from().atStartOfDay(zone).toInstant();
      Instant until = query.to() == null ? null : query.to().plusDays(1).atStartOfDay(zone).toInstant();
      SearchRepository.Scope where = new SearchRepository.Scope(language, ids, moderated, author.result().orElse(null),
          from, until, query.watched() ? viewer.get().id() : null, kinds, !query.group().isEmpty());
      int offset = (query.page() - 1) * SearchResults.PAGE_SIZE;
      // how the posts are read: by what the statistics expect of the words, and whether anything narrows them
      boolean narrowed = !query.group().isEmpty() || !query.author().isEmpty() || from != null || until != null
          || query.watched();
      SearchRepository.Plan plan = words.result().plan(kinds.contains(SearchKind.POSTS.code()), narrowed);
      return repository.search(pool, plan, text, where, SearchResults.PAGE_SIZE, offset)
          .compose(found -> {
            long pageable = Math.min(found.total(), SearchRepository.RANKED);
            int pages = (int) Math.max(1, (pageable + SearchResults.PAGE_SIZE - 1) / SearchResults.PAGE_SIZE);
            Future<String> didYouMean = found.total() == 0 && words.result().any()
                ? didYouMean(text, ids, statistics.result())
                : Future.succeededFuture("");
            boolean more = found.total() > SearchResults.COUNTED;
            long total = Math.min(found.total(), SearchResults.COUNTED);
            return didYouMean.map(suggested -> new SearchResults(query, found.hits(), total, query.page(),
                pages, suggested, more));
          });
    });
  }

  /**
   * The posts' word statistics, asked for at most every ten minutes (at the same time as the query's words, so
   * no search waits once more for them); a failure to read them is forgotten and counts as knowing nothing.
   */
  private Future<WordStatistics> statistics() {
    Kept now = kept;
    long age = now == null ? 0 : System.nanoTime() - now.at();
    boolean unknown = now != null && now.statistics().isComplete() && !now.statistics().result().known();
    // unknown (the posts not analysed yet, as on a new server): asked for again after a minute
    if (now == null || age > STATISTICS_NANOS || (unknown && age > STATISTICS_NANOS / 10)) {
      Future<WordStatistics> asked = repository.wordStatistics(pool).otherwise(WordStatistics.UNKNOWN);
      now = new Kept(asked, System.nanoTime());
      kept = now;
    }
    return now.statistics();
  }

  /**
   * Titles of threads and documents the viewer may read, and of Talks, that contain what was typed
   * (accents and case aside), titles that start with it first; at most {@link #MAX_SUGGESTIONS}.
   * Fewer than two characters, or more than a hundred, suggest nothing.
   */
  public Future<List<Suggestion>> suggest(Optional<Member> viewer, String typed) {
    String t = typed == null ? "" : clean(typed).strip();
    if (t.codePointCount(0, t.length()) < 2 || t.length() > MAX_TYPED) {
      return Future.succeededFuture(List.of());
    }
    return groups.readableBy(viewer).compose(readable -> repository.suggest(pool, t,
        readable.stream().map(WorkingGroup::id).toList(), MAX_SUGGESTIONS));
  }

  /**
   * The text with misspelt words replaced by the closest words of readable titles, or "" when none is closer.
   * A word that is, folded, one of the posts' most common lexemes ({@link #spelt}) is spelt right and is not
   * looked up: when nothing matched a query of such words, they do not occur together, and the closest title
   * word would only be another word (the look-up cost about 3 ms of PostgreSQL, for half the phrases of the
   * benchmark).
   */
  private Future<String> didYouMean(String text, List<Long> groups, WordStatistics statistics) {
    List<String> words = new ArrayList<>();
    var m = WORD.matcher(text);
    while (m.find() && words.size() < 6) {
      words.add(m.group());
    }
    words.removeIf(word -> spelt(word, statistics));
    if (words.isEmpty()) {
      return Future.succeededFuture("");
    }
    return repository.closestWords(pool, words, groups).map(closest -> {
      String suggested = text;
      boolean changed = false;
      for (String[] pair : closest) {
        String word = pair[0];
        String candidate = pair[1];
        if (candidate != null && !candidate.equals(fold(word))) {
          suggested = suggested.replace(word, candidate);
          changed = true;
        }
      }
      return changed ? suggested : "";
    });
  }

  /** Whether {@code word}, folded, is one of the posts' most common lexemes: a word spelt as many posts spell it. */
  static boolean spelt(String word, WordStatistics statistics) {
    return statistics.common().containsKey(fold(word));
  }

  /** Lower case without accents, as the database folds titles for comparison. */
  private static String fold(String word) {
    return java.text.Normalizer.normalize(word.toLowerCase(Locale.ROOT), java.text.Normalizer.Form.NFD)
        .replaceAll("\\p{M}", "");
  }

  /** Removes NUL, which PostgreSQL text cannot hold. */
  private static String clean(String text) {
    return text.replace("\u0000", "");
  }
}
