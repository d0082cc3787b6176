package eu.mhealthhub.agora.document;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How to cite one revision of a consensus document: as plain text, BibTeX and CSL-JSON, naming the
 * European mHealth Hub as the publisher and author organisation, the working group, the revision,
 * its date, its permanent address ({@code /documents/:id/revisions/:n}, which keeps showing that
 * revision whatever comes after it) and the day it was accessed. Built only for a revision the
 * viewer may read.
 */
public record RevisionCitation(long documentId, String title, String groupName, int revision, Instant date,
    String url, LocalDate accessed) {

  public static final String PUBLISHER = "European mHealth Hub";

  public static RevisionCitation of(ConsensusDocument document, String groupName, DocumentRevision revision,
      URI publicUrl, LocalDate accessed) {
    String base = publicUrl.toString().replaceAll("/+$", "");
    return new RevisionCitation(document.id(), document.title(), groupName, revision.number(), revision.createdAt(),
        base + permanentPath(document.id(), revision.number()), accessed);
  }

  /** The permanent path of a revision. */
  public static String permanentPath(long documentId, int revision) {
    return "/documents/" + documentId + "/revisions/" + revision;
  }

  private LocalDate day() {
    return date.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  /** The BibTeX key: stable for the revision. */
  public String key() {
    return "mhealthhub-doc" + documentId + "-rev" + revision;
  }

  public String plain() {
    return PUBLISHER + ", " + groupName + ". " + title + ". Revision " + revision + ", "
        + day().format(DateTimeFormatter.ISO_LOCAL_DATE) + ". " + url + " (accessed "
        + accessed.format(DateTimeFormatter.ISO_LOCAL_DATE) + ").";
  }

  public String bibtex() {
    LocalDate d = day();
    return "@techreport{" + key() + ",\n"
        + "  author = {{" + bib(PUBLISHER) + "}},\n"
        + "  title = {" + bib(title) + "},\n"
        + "  institution = {" + bib(PUBLISHER) + "},\n"
        + "  type = {Consensus document of the working group " + bib(groupName) + "},\n"
        + "  number = {Revision " + revision + "},\n"
        + "  year = {" + d.getYear() + "},\n"
        + "  month = {" + d.getMonth().name().substring(0, 3).toLowerCase(Locale.ROOT) + "},\n"
        + "  date = {" + d + "},\n"
        + "  url = {" + url + "},\n"
        + "  urldate = {" + accessed + "},\n"
        + "  note = {Revision " + revision + ", accessed " + accessed + "}\n"
        + "}\n";
  }

  /** One CSL-JSON item (the CSL data model), in an array as reference managers import it. */
  public String cslJson() {
    LocalDate d = day();
    JsonObject item = new JsonObject()
        .put("id", key())
        .put("type", "report")
        .put("title", title)
        .put("author", new JsonArray().add(new JsonObject().put("literal", PUBLISHER)))
        .put("publisher", PUBLISHER)
        .put("collection-title", groupName)
        .put("genre", "Consensus document")
        .put("version", Integer.toString(revision))
        .put("number", "Revision " + revision)
        .put("issued", new JsonObject().put("date-parts",
            new JsonArray().add(new JsonArray().add(d.getYear()).add(d.getMonthValue()).add(d.getDayOfMonth()))))
        .put("accessed", new JsonObject().put("date-parts", new JsonArray()
            .add(new JsonArray().add(accessed.getYear()).add(accessed.getMonthValue()).add(accessed.getDayOfMonth()))))
        .put("URL", url);
    return new JsonArray().add(item).encodePrettily();
  }

  /** The file name a download of this citation gets, without its extension. */
  public String fileName() {
    return key();
  }

  /** Braces and backslashes could end a BibTeX field early and are left out; LaTeX specials are escaped. */
  private static String bib(String text) {
    StringBuilder b = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '{', '}', '\\' -> { }
        case '&', '%', '$', '#', '_' -> b.append('\\').append(c);
        case '~' -> b.append("\\textasciitilde{}");
        case '^' -> b.append("\\textasciicircum{}");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
