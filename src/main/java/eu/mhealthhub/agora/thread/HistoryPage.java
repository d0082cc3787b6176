package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.WordDiff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every revision of a post, newest first, each with a word diff from the one before (template {@code thread/history}). */
public record HistoryPage(WorkingGroup group, ForumThread thread, Post post, List<Item> revisions) {

  /** A revision; {@code note} is a moderator's note when {@code byModerator}, else empty. */
  public record Item(int revision, String editorName, Instant createdAt, String diff, boolean byModerator, String note) {}

  /** {@code deleted} and {@code inserted}: the diff's labels in the reader's language. */
  static HistoryPage of(ThreadService.History h, String deleted, String inserted) {
    List<ThreadRepository.Revision> revisions = h.revisions();
    List<Item> items = new ArrayList<>(revisions.size());
    for (int i = revisions.size() - 1; i >= 0; i--) {
      ThreadRepository.Revision r = revisions.get(i);
      String before = i == 0 ? "" : revisions.get(i - 1).bodyMarkdown();
      items.add(new Item(r.revision(), r.editorName(), r.createdAt(),
          WordDiff.inlineHtml(WordDiff.diff(before, r.bodyMarkdown()), deleted, inserted), r.byModerator(), r.note()));
    }
    return new HistoryPage(h.at().group(), h.at().thread(), h.at().post(), items);
  }
}
