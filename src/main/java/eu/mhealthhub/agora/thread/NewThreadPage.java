package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.Markdown;
import java.util.Map;

/**
 * The form to start a thread (template {@code thread/new}), empty or as submitted.
 *
 * @param preview the first post's HTML when a preview without problems was asked for, else null
 * @param filesError a refusal of the files or the post, translated, else null
 * @param language the language chosen for the post, "" for the page's own (the composer's default)
 */
public record NewThreadPage(WorkingGroup group, String title, String body, String clientToken,
    Map<String, String> problems, boolean hasProblems, String preview, String filesError, long maxFileMb, String language) {

  static NewThreadPage empty(WorkingGroup group, String clientToken, long maxFileMb) {
    return new NewThreadPage(group, "", "", clientToken, Map.of(), false, null, null, maxFileMb, "");
  }

  /** The form as submitted, with its problems, a preview if asked for, or the refusal {@code filesError}. */
  static NewThreadPage of(WorkingGroup group, PostForm form, String filesError, long maxFileMb) {
    Map<String, String> problems = filesError == null ? form.problems() : Map.of();
    String preview = form.preview() && problems.isEmpty() && filesError == null ? Markdown.toHtml(form.body()) : null;
    return new NewThreadPage(group, form.title(), form.body(), form.clientToken(), problems,
        !problems.isEmpty() || filesError != null, preview, filesError, maxFileMb, form.language());
  }
}
