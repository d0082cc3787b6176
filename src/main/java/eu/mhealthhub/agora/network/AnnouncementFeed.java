package eu.mhealthhub.agora.network;

import com.rometools.rome.feed.synd.SyndContent;
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
import java.util.Locale;

/** The announcements as an Atom feed (RFC 4287), written by Rome; in English, the language every announcement has. */
final class AnnouncementFeed {

  private AnnouncementFeed() {}

  static String atom(String publicUrl, String title, List<Announcement> announcements) {
    SyndFeed feed = new SyndFeedImpl();
    feed.setFeedType("atom_1.0");
    feed.setTitle(title);
    feed.setUri(publicUrl + "/announcements");
    feed.setLink(publicUrl + "/announcements");
    feed.setLanguage("en");
    SyndLink self = new SyndLinkImpl();
    self.setRel("self");
    self.setType("application/atom+xml");
    self.setHref(publicUrl + "/announcements.atom");
    SyndLink alternate = new SyndLinkImpl();
    alternate.setRel("alternate");
    alternate.setType("text/html");
    alternate.setHref(publicUrl + "/announcements");
    feed.setLinks(List.of(self, alternate));
    Instant updated = announcements.isEmpty() ? Instant.EPOCH : announcements.get(0).publishedAt();
    feed.setPublishedDate(Date.from(updated));
    feed.setAuthor("European mHealth Hub");
    List<SyndEntry> entries = new ArrayList<>();
    for (Announcement a : announcements) {
      Announcement.Text text = a.in(Locale.ENGLISH);
      SyndEntry entry = new SyndEntryImpl();
      String url = publicUrl + "/announcements/" + a.id();
      entry.setUri(url);
      entry.setLink(url);
      entry.setTitle(text.title());
      entry.setAuthor("European mHealth Hub");
      entry.setPublishedDate(Date.from(a.publishedAt()));
      entry.setUpdatedDate(Date.from(a.publishedAt()));
      SyndContent content = new SyndContentImpl();
      content.setType("html");
      content.setValue(text.html());
      entry.setContents(List.of(content));
      entries.add(entry);
    }
    feed.setEntries(entries);
    try {
      return new SyndFeedOutput().outputString(feed, true);
    } catch (FeedException e) {
      throw new IllegalStateException("the announcements feed could not be written", e);
    }
  }
}
