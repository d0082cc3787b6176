package eu.mhealthhub.agora.results;

import java.time.Instant;
import java.util.List;

/**
 * One entry of the results library: an adopted consensus document of a public group, or the
 * summary of a Talk whose room has closed. Only what anyone may read is ever put in one.
 *
 * @param kind "document" or "talk"
 * @param at when the document was adopted, or when the Talk began
 * @param revision the adopted revision (documents), else 0
 * @param summary the adopted revision's summary and opening text (documents), the room's summary (Talks)
 * @param contributors distinct authors of the document's revisions, proposals and comments
 * @param followups the Talk's follow-up threads in public groups
 */
public record ResultItem(String kind, long id, String title, String url, String groupSlug, String groupName,
    int revision, Instant at, String summary, long contributors, long endorsements, String slidesUrl,
    String recordingUrl, String language, List<Followup> followups) {

  /** A Talk's follow-up thread, in a public group. */
  public record Followup(long threadId, String title, String groupName) {
    public String url() {
      return "/threads/" + threadId;
    }
  }

  public boolean document() {
    return "document".equals(kind);
  }

  /** The revision's permanent address (documents). */
  public String revisionUrl() {
    return "/documents/" + id + "/revisions/" + revision;
  }

  public String htmlUrl() {
    return "/documents/" + id + "/export.html?revision=" + revision;
  }

  public String pdfUrl() {
    return "/documents/" + id + "/export.pdf?revision=" + revision;
  }

  public String languageKey() {
    return "results.language." + language;
  }

  ResultItem withFollowups(List<Followup> threads) {
    return new ResultItem(kind, id, title, url, groupSlug, groupName, revision, at, summary, contributors,
        endorsements, slidesUrl, recordingUrl, language, threads);
  }
}
