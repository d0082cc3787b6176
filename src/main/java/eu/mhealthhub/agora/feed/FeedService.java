package eu.mhealthhub.agora.feed;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.network.Announcement;
import eu.mhealthhub.agora.network.NetworkService;
import eu.mhealthhub.agora.results.ResultItem;
import eu.mhealthhub.agora.results.ResultsService;
import eu.mhealthhub.agora.talk.Talk;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.web.I18n;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The Atom feeds (the results library, each public group's new threads, the Talks programme), the
 * sitemap and robots.txt: what search engines and feed readers see. They are the same for every
 * reader, whoever is signed in, and hold only what a visitor who is not signed in may read: the
 * groups come from {@link GroupService#readableBy} for nobody, the results from
 * {@link ResultsService}, and every address is absolute from the configured public URL.
 *
 * <p>Failures: NOT_FOUND for the feed of a group that is closed or does not exist (the same answer).
 */
public final class FeedService {

  /** Entries per feed. */
  static final int ENTRIES = 50;
  /** Threads in the sitemap, newest activity first (the protocol allows 50,000 addresses per file). */
  static final int SITEMAP_THREADS = 45_000;
  /** Announcements in the sitemap, newest first (with the threads, under the protocol's 50,000). */
  static final int SITEMAP_ANNOUNCEMENTS = 1_000;

  private final Pool pool;
  private final GroupService groups;
  private final ResultsService results;
  private final TalkService talks;
  private final NetworkService network;
  private final String base;
  private final FeedRepository repository = new FeedRepository();

  public FeedService(Pool pool, GroupService groups, ResultsService results, TalkService talks, NetworkService network,
      URI publicUrl) {
    this.pool = pool;
    this.groups = groups;
    this.results = results;
    this.talks = talks;
    this.network = network;
    this.base = publicUrl.toString().replaceAll("/+$", "");
  }

  /** The absolute form of a path of this site. */
  String absolute(String path) {
    return base + path;
  }

  /** The results library's newest entries. */
  public Future<String> results(I18n.Messages m) {
    return results.latest(ENTRIES).map(items -> new Atom(m.get("results.feed.title"), absolute("/results.atom"),
        absolute("/results"), m.languageTag(), items.stream().map(i -> entry(i, m)).toList(), Instant.EPOCH).xml());
  }

  private Atom.Entry entry(ResultItem i, I18n.Messages m) {
    String url = absolute(i.document() ? i.revisionUrl() : i.url());
    String category = i.document() ? m.get("results.kind.document") : m.get("results.kind.talk");
    String title = i.document() ? m.get("feed.results.document", i.title(), i.groupName(), i.revision()) : i.title();
    return new Atom.Entry(url, title, i.summary(), i.at(), i.at(), category);
  }

  /** A public group's newest threads; NOT_FOUND for a closed or missing group. */
  public Future<String> groupThreads(String slug, I18n.Messages m) {
    return groups.find(slug, Optional.empty()).compose(group -> readable().compose(ids -> repository
        .groupThreads(pool, group.id(), ids, ENTRIES).map(threads -> new Atom(m.get("feed.group.title", group.name()),
            absolute("/groups/" + group.slug() + "/threads.atom"), absolute("/groups/" + group.slug()),
            m.languageTag(), threads.stream().map(t -> new Atom.Entry(absolute("/threads/" + t.id()), t.title(),
                m.get("feed.group.entry", t.authorName(), group.name()), t.createdAt(), t.createdAt(), group.name()))
                .toList(), Instant.EPOCH).xml())));
  }

  /** The Talks programme: upcoming Talks, then past ones, each updated when the Talk last changed. */
  public Future<String> talks(I18n.Messages m) {
    Future<List<Talk>> upcoming = talks.upcoming(ENTRIES);
    Future<List<Talk>> past = talks.recent(ENTRIES);
    return Future.all(upcoming, past).map(both -> {
      List<Talk> all = new ArrayList<>(upcoming.result());
      all.addAll(past.result());
      DateTimeFormatter when = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
      List<Atom.Entry> entries = all.stream().sorted(Comparator.comparing(Talk::startsAt).reversed())
          .map(t -> new Atom.Entry(absolute("/talks/" + t.slug()), t.title(),
              when.format(t.startsAt()) + " · " + shorten(t.roomClosed() && !t.summary().isBlank() ? t.summary()
                  : t.description()), t.startsAt().isBefore(t.updatedAt()) ? t.startsAt() : t.updatedAt(),
              t.updatedAt(), m.get("feed.talks.category")))
          .toList();
      return new Atom(m.get("feed.talks.title"), absolute("/talks.atom"), absolute("/talks"), m.languageTag(), entries,
          Instant.EPOCH).xml();
    });
  }

  /**
   * The sitemap protocol's XML: the library, the programme, public groups, their threads, adopted revisions, Talks,
   * the network's sign-up and the announcements (which are public: only public groups' topics are announced).
   */
  public Future<String> sitemap() {
    return readable().compose(ids -> repository.sitemap(pool, ids, SITEMAP_THREADS))
        .compose(locations -> network.announcements(SITEMAP_ANNOUNCEMENTS).map(announced -> {
          StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
          url(b, "/", null);
          url(b, "/results", null);
          url(b, "/talks", null);
          url(b, "/groups", null);
          url(b, "/network/join", null);
          url(b, "/announcements", announced.isEmpty() ? null : announced.get(0).publishedAt());
          for (Announcement a : announced) {
            url(b, "/announcements/" + a.id(), a.publishedAt());
          }
          for (FeedRepository.Location l : locations) {
            url(b, l.path(), l.at());
          }
          return b.append("</urlset>\n").toString();
        }));
  }

  /** robots.txt: pages of members, sign-in, administration, the API and search stay out of indexes. */
  public String robots() {
    return """
        # Agora, the European mHealth Hub's community platform
        User-agent: *
        Disallow: /admin
        Disallow: /me
        Disallow: /auth
        Disallow: /api
        Disallow: /search
        Disallow: /results?
        Disallow: /notifications
        Disallow: /eventbus
        Allow: /

        Sitemap: %s/sitemap.xml
        """.formatted(base);
  }

  private void url(StringBuilder b, String path, Instant at) {
    b.append("  <url><loc>").append(xml(absolute(path))).append("</loc>");
    if (at != null) {
      b.append("<lastmod>").append(at.atOffset(ZoneOffset.UTC).toLocalDate()).append("</lastmod>");
    }
    b.append("</url>\n");
  }

  private Future<Long[]> readable() {
    return groups.readableBy(Optional.empty())
        .map(all -> all.stream().filter(g -> !g.closed()).map(WorkingGroup::id).toArray(Long[]::new));
  }

  private static String shorten(String text) {
    String t = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return t.length() > 400 ? t.substring(0, 397) + "…" : t;
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&apos;");
  }
}
