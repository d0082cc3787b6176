package eu.mhealthhub.agora.feed;

import com.rometools.rome.feed.synd.SyndContentImpl;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndEntryImpl;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndFeedImpl;
import com.rometools.rome.feed.synd.SyndLink;
import com.rometools.rome.feed.synd.SyndLinkImpl;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.SyndFeedOutput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * An Atom feed (RFC 4287) written by Rome. Ids are the entries' absolute, permanent addresses, so
 * they stay the same however often the feed is read; a feed's {@code updated} is its newest entry's
 * (or {@code empty}'s when it has none).
 *
 * @param url the feed's own absolute address (its id and rel="self" link)
 * @param page the absolute address of the page the feed mirrors (rel="alternate")
 */
record Atom(String title, String url, String page, String language, List<Entry> entries, Instant empty) {

  /** The feed's author (RFC 4287 asks for one where entries name none). */
  static final String AUTHOR = "European mHealth Hub";

  /** One entry: absolute address (also its id), title, plain-text summary, first published and last updated. */
  record Entry(String url, String title, String summary, Instant published, Instant updated, String category) {}

  String xml() {
    SyndFeed feed = new SyndFeedImpl();
    feed.setFeedType("atom_1.0");
    feed.setTitle(title);
    feed.setUri(url);
    feed.setLanguage(language);
    feed.setAuthor(AUTHOR);
    feed.setLink(page);
    List<SyndLink> links = new ArrayList<>();
    links.add(link("alternate", page, "text/html"));
    links.add(link("self", url, "application/atom+xml"));
    feed.setLinks(links);
    Instant newest = entries.stream().map(Entry::updated).max(Instant::compareTo).orElse(empty);
    feed.setPublishedDate(Date.from(newest));
    List<SyndEntry> items = new ArrayList<>();
    for (Entry e : entries) {
      SyndEntry item = new SyndEntryImpl();
      item.setUri(e.url());
      item.setLink(e.url());
      item.setTitle(e.title());
      item.setPublishedDate(Date.from(e.published()));
      item.setUpdatedDate(Date.from(e.updated()));
      if (e.summary() != null && !e.summary().isBlank()) {
        SyndContentImpl summary = new SyndContentImpl();
        summary.setType("text");
        summary.setValue(e.summary());
        item.setDescription(summary);
      }
      if (e.category() != null && !e.category().isBlank()) {
        com.rometools.rome.feed.synd.SyndCategoryImpl c = new com.rometools.rome.feed.synd.SyndCategoryImpl();
        c.setName(e.category());
        item.setCategories(List.of(c));
      }
      items.add(item);
    }
    feed.setEntries(items);
    try {
      return new SyndFeedOutput().outputString(feed, true);
    } catch (FeedException e) {
      throw new IllegalStateException("could not write the Atom feed " + url, e);
    }
  }

  private static SyndLink link(String rel, String href, String type) {
    SyndLinkImpl link = new SyndLinkImpl();
    link.setRel(rel);
    link.setHref(href);
    link.setType(type);
    return link;
  }
}
