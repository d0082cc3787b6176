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
 */
public record EditPage(WorkingGroup group, ForumThread thread, Post post, String body, int revision,
    Map<String, String> problems, boolean hasProblems, String preview, String conflict) {

  /** The post's current text. */
  static EditPage current(ThreadService.PostInContext at) {
    return new EditPage(at.group(), at.thread(), at.post(), at.post().bodyMarkdown(), at.post().revision(), Map.of(),
        false, null, null);
  }

  /** The text as submitted, with its problems or a preview. */
  static EditPage of(ThreadService.PostInContext at, PostForm form, int revision) {
    Map<String, String> problems = form.problems();
    return new EditPage(at.group(), at.thread(), at.post(), form.body(), revision, problems, !problems.isEmpty(),
        problems.isEmpty() ? Markdown.toHtml(form.body()) : null, null);
  }

  /** Someone saved since {@code form}'s base: keep the text, based now on the current revision, and show what changed (a word diff with the labels in the reader's language). */
  static EditPage stale(ThreadService.PostInContext at, PostForm form, String deletedLabel, String insertedLabel) {
    String diff = WordDiff.inlineHtml(WordDiff.diff(form.body(), at.post().bodyMarkdown()), deletedLabel, insertedLabel);
    return new EditPage(at.group(), at.thread(), at.post(), form.body(), at.post().revision(),
        Map.of("body", "post.error.stale"), true, null, diff);
  }
}
