package eu.mhealthhub.agora.document;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The document forms as submitted, their text cleaned, each with the problems that keep it from
 * being saved: the routes show them beside the fields, the service refuses the same ones.
 */
public final class DocumentForms {

  private DocumentForms() {}

  /** A form field as typed, cleaned as multi-line text ({@link CleanText#body}); "" when absent. */
  static String field(MultiMap form, String name) {
    String v = form.get(name);
    return v == null ? "" : CleanText.body(v);
  }

  /** A whole number typed or sent by a form, {@code fallback} when blank; anything else is a 400. */
  static int number(String value, int fallback) {
    try {
      return value == null || value.isBlank() ? fallback : Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw DomainException.badRequest("error.400.text");
    }
  }

  static boolean previewing(MultiMap form) {
    return "preview".equals(form.get("action"));
  }

  /** A moderator's new document: title, first text, summary; {@code clientToken} makes a resubmission harmless. */
  public record NewDocumentForm(String title, String body, String summary, String clientToken, String language) {

    static NewDocumentForm of(MultiMap form) {
      return new NewDocumentForm(CleanText.line(field(form, "title")), field(form, "body"), field(form, "summary"),
          field(form, "clientToken"), chosenLanguage(form));
    }

    /** Field to message key for every problem. */
    public Map<String, String> problems() {
      return languageProblem(DocumentService.problems(title, true, body, summary, false), language);
    }
  }

  /** The language chosen in a form ({@code language}), English when the form has no such field. */
  static String chosenLanguage(MultiMap form) {
    String v = CleanText.line(field(form, "language"));
    return v.isEmpty() ? eu.mhealthhub.agora.ContentLanguage.DEFAULT : v;
  }

  /** {@code problems} with one for a language Agora does not record. */
  static Map<String, String> languageProblem(Map<String, String> problems, String language) {
    if (!eu.mhealthhub.agora.ContentLanguage.known(language)) {
      problems.put("language", "overview.language.error");
    }
    return problems;
  }

  /** A moderator's new revision of the text from revision {@code base}, with what changed in a summary. */
  public record RevisionForm(int base, String body, String summary, String language) {

    static RevisionForm of(MultiMap form) {
      return new RevisionForm(number(field(form, "base"), 0), field(form, "body"), field(form, "summary"),
          chosenLanguage(form));
    }

    /** Field to message key for every problem. */
    public Map<String, String> problems() {
      return languageProblem(DocumentService.problems(null, false, body, summary == null ? "" : summary.strip(), true),
          language);
    }
  }

  /** A member's proposed text from revision {@code base}, with why. */
  public record ProposalForm(int base, String body, String rationale, String clientToken) {

    static ProposalForm of(MultiMap form) {
      return new ProposalForm(number(field(form, "base"), 0), field(form, "body"), field(form, "rationale"),
          field(form, "clientToken"));
    }

    /** Field to message key for every problem. */
    public Map<String, String> problems() {
      Map<String, String> p = DocumentService.problems(null, false, body, null, false);
      if (rationale == null || rationale.isBlank()) {
        p.put("rationale", "document.error.rationale.required");
      } else if (rationale.length() > Proposal.MAX_RATIONALE) {
        p.put("rationale", "document.error.rationale.long");
      }
      return p;
    }
  }

  /** A comment on one section. */
  public record CommentForm(String body, String clientToken) {

    static CommentForm of(MultiMap form) {
      return new CommentForm(field(form, "body"), field(form, "clientToken"));
    }

    /** Field to message key for every problem. */
    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      if (body == null || body.isBlank()) {
        p.put("body", "document.error.comment.required");
      } else if (body.length() > SectionComment.MAX_BODY) {
        p.put("body", "document.error.comment.long");
      }
      return p;
    }
  }

  /** A moderator's move in the workflow: from the status they saw to another, with a note. */
  public record StatusForm(String from, String to, String note) {

    static StatusForm of(MultiMap form) {
      return new StatusForm(field(form, "from"), field(form, "to"), field(form, "note"));
    }
  }

  /** A moderator's disposition of a comment, and the page to return to. */
  public record DispositionForm(String disposition, String reason, String back) {

    static DispositionForm of(MultiMap form) {
      return new DispositionForm(field(form, "disposition"), field(form, "reason"), field(form, "back"));
    }

    /** Field to message key for every problem: a known disposition, and a reason unless accepted. */
    public Map<String, String> problems() {
      Map<String, String> p = new LinkedHashMap<>();
      String why = reason == null ? "" : reason.strip();
      if (!SectionComment.DISPOSITIONS.contains(disposition)) {
        p.put("disposition", "document.error.disposition");
      }
      if (why.isEmpty() && !"accepted".equals(disposition)) {
        p.put("reason", "document.error.reason.required");
      } else if (why.length() > ConsensusDocument.MAX_NOTE) {
        p.put("reason", "document.error.reason.long");
      }
      return p;
    }
  }
}
