package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.text.WordDiff;
import java.util.Map;

/**
 * The form to edit a post (template {@code thread/edit}).
 *
 * @param revision the revision the text is based on
 * @param preview the text's HTML when a preview without problems was asked for, else null
 * @param conflict when someone saved meanwhile: a word diff from this text to theirs, else null
 * @param moderatorEdit a moderator edits someone else's post: the form asks for a note
 * @param note the note as submitted (empty at first)
 */
public record EditPage(WorkingGroup group, ForumThread thread, Post post, String body, int revision,
    Map<String, String> problems, boolean hasProblems, String preview, String conflict, boolean moderatorEdit, String note) {

  /** The post's current text. */
  static EditPage current(ThreadService.PostInContext at, boolean moderatorEdit) {
    return new EditPage(at.group(), at.thread(), at.post(), at.post().bodyMarkdown(), at.post().revision(), Map.of(),
        false, null, null, moderatorEdit, "");
  }

  /**
   * The text as submitted, with its problems or a preview; {@code note} null for the author's own
   * edit, and {@code noteMissing} when a moderator sent none.
   */
  static EditPage of(ThreadService.PostInContext at, PostForm form, int revision, String note, boolean noteMissing) {
    Map<String, String> problems = new java.util.LinkedHashMap<>(form.problems());
    if (noteMissing) {
      problems.put("note", "post.error.note.required");
    }
    return new EditPage(at.group(), at.thread(), at.post(), form.body(), revision, Map.copyOf(problems), !problems.isEmpty(),
        form.problems().isEmpty() ? Markdown.toHtml(form.body()) : null, null, note != null, note == null ? "" : note);
  }

  /** Someone saved since {@code form}'s base: keep the text, based now on the current revision, and show what changed (a word diff with the labels in the reader's language). */
  static EditPage stale(ThreadService.PostInContext at, PostForm form, String note, String deletedLabel, String insertedLabel) {
    String diff = WordDiff.inlineHtml(WordDiff.diff(form.body(), at.post().bodyMarkdown()), deletedLabel, insertedLabel);
    return new EditPage(at.group(), at.thread(), at.post(), form.body(), at.post().revision(),
        Map.of("body", "post.error.stale"), true, null, diff, note != null, note == null ? "" : note);
  }
}
