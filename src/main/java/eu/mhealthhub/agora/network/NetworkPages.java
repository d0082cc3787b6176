package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.network.NetworkService.Topic;
import java.text.Collator;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The network's pages, as view records. */
public final class NetworkPages {

  private NetworkPages() {}

  /** A choice in a select: its value, its label, and whether it is chosen. */
  public record Option(String value, String label, boolean selected) {}

  /** A topic as a checkbox: its code, its label (a message key when {@code key}), whether it is ticked, and a safe id. */
  public record TopicBox(String code, String label, boolean key, boolean checked, String fieldId) {}

  /** The sign-up form, empty or as submitted with its problems (field to message key). */
  public record JoinPage(JoinForm form, Map<String, String> problems, boolean hasProblems, List<Option> countries,
      List<Option> stakeholderTypes, List<TopicBox> topics) {

    static JoinPage of(JoinForm form, Map<String, String> problems, List<Topic> topics, Locale reader) {
      return new JoinPage(form, problems, !problems.isEmpty(), NetworkPages.countries(reader, form.country()),
          Arrays.stream(StakeholderType.values())
              .map(t -> new Option(t.code(), t.label(), t.code().equals(form.stakeholderType()))).toList(),
          boxes(topics, form.topics()));
    }

    static JoinPage empty(List<Topic> topics, Locale reader) {
      return of(new JoinForm("", "", null, null, null, List.of(), false, ""), Map.of(), topics, reader);
    }
  }

  /**
   * A signed-in member's own choice of announcements (no sign-up form: their e-mail is their account's), with
   * whether they follow now, whether their address bounced, and whether they just saved.
   */
  public record MemberPage(String email, boolean following, boolean bounced, boolean saved, boolean stopped,
      List<TopicBox> topics, boolean hasProblems, Map<String, String> problems) {}

  /** After signing up: check your inbox (the same for every address). */
  public record JoinedPage(boolean done) {}

  /** The confirmation page: a button that confirms (a GET changes nothing: mail scanners fetch links). */
  public record ConfirmPage(String token) {}

  /** The follower's topics, changed without signing in through the signed link. */
  public record TopicsPage(String token, String name, List<TopicBox> topics, boolean saved, boolean confirmed,
      boolean hasProblems, Map<String, String> problems) {}

  /** The unsubscribe page: the token, and whether it is done. */
  public record UnsubscribePage(String token, boolean done) {}

  static List<TopicBox> boxes(List<Topic> topics, Collection<String> ticked) {
    return topics.stream().map(t -> new TopicBox(t.code(), t.label(), t.key(), ticked.contains(t.code()),
        "topic-" + t.code().replaceAll("[^a-z0-9]", "-"))).toList();
  }

  static List<Option> countries(Locale reader, String chosen) {
    return Arrays.stream(Locale.getISOCountries())
        .map(c -> new Option(c, new Locale("", c).getDisplayCountry(reader), c.equals(chosen)))
        .sorted(Comparator.comparing(Option::label, Collator.getInstance(reader))).toList();
  }

  /** An announcement in the reader's language. */
  public record AnnouncementView(long id, String title, String html, Instant at) {
    static AnnouncementView of(Announcement a, Locale reader) {
      Announcement.Text t = a.in(reader);
      return new AnnouncementView(a.id(), t.title(), t.html(), a.publishedAt());
    }
  }

  /** The public list of announcements. */
  public record AnnouncementsPage(List<AnnouncementView> announcements) {}

  /** One announcement. */
  public record AnnouncementPage(AnnouncementView announcement) {}

  /**
   * The admin's announcement form: as submitted, with problems, a preview (the English, French and
   * German HTML, null when not asked), whether a test was sent, and the topics.
   */
  public record AnnouncePage(AnnounceForm form, Map<String, String> problems, boolean hasProblems, List<TopicBox> topics,
      String previewEn, String previewFr, String previewDe, boolean tested, boolean sent) {}

  /** One row of an import's report: its line, address and name, and why it is rejected (a message key) or null. */
  public record ImportRow(int line, String email, String name, String problem) {}

  /** The admin's import page: the upload form, and the report of an upload. */
  public record ImportUploadPage(int maxRows, int maxMegabytes, boolean showAsked, int asked) {}

  /**
   * What an upload would do (its dry run), or did: the rows to create, those skipped (the address
   * follows already) and those rejected, at most {@link #SHOWN} of each listed.
   */
  public record ImportPage(long id, String fileName, int createCount, int skipCount, int rejectCount,
      List<ImportRow> create, List<ImportRow> skipped, List<ImportRow> rejected, boolean applied, int created,
      boolean justApplied) {

    static final int SHOWN = 200;

    static ImportPage of(long id, String fileName, FollowerCsv.Report report, java.util.Set<String> existing,
        boolean applied, int created) {
      List<ImportRow> create = new java.util.ArrayList<>();
      List<ImportRow> skipped = new java.util.ArrayList<>();
      for (FollowerCsv.Valid v : report.valid()) {
        (existing.contains(v.email()) ? skipped : create).add(new ImportRow(v.line(), v.email(), v.name(), null));
      }
      List<ImportRow> rejected = report.rejected().entrySet().stream()
          .map(e -> new ImportRow(e.getKey(), "", "", e.getValue())).toList();
      return new ImportPage(id, fileName, create.size(), skipped.size(), rejected.size(),
          create.subList(0, Math.min(SHOWN, create.size())), skipped.subList(0, Math.min(SHOWN, skipped.size())),
          rejected.subList(0, Math.min(SHOWN, rejected.size())), applied, created, created >= 0);
    }
  }
}
