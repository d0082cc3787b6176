package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.text.Markdown;
import java.util.Map;

/**
 * The reply form (template {@code thread/reply}), empty (perhaps with a quote) or as submitted.
 *
 * @param replyTo the post replied to, or null
 * @param preview the reply's HTML when a preview without problems was asked for, else null
 * @param filesError a refusal of the files or the reply (a locked thread), translated, else null
 * @param language the language chosen for the reply, "" for the page's own (the composer's default)
 */
public record ReplyPage(WorkingGroup group, ForumThread thread, String body, Post replyTo, String clientToken,
    Map<String, String> problems, boolean hasProblems, String preview, boolean canReply, String filesError,
    long maxFileMb, String language) {

  /** A new reply, its text {@code body} (a quote, or ""). */
  static ReplyPage empty(ThreadService.Located at, String body, Post replyTo, String clientToken, boolean canReply,
      long maxFileMb) {
    return new ReplyPage(at.group(), at.thread(), body, replyTo, clientToken, Map.of(), false, null, canReply, null,
        maxFileMb, "");
  }

  /** The reply as submitted, with its problems, a preview if asked for, or the refusal {@code filesError}. */
  static ReplyPage of(ThreadService.Located at, PostForm form, Post replyTo, boolean canReply, String filesError,
      long maxFileMb) {
    Map<String, String> problems = filesError == null ? form.problems() : Map.of();
    String preview = form.preview() && problems.isEmpty() && filesError == null ? Markdown.toHtml(form.body()) : null;
    return new ReplyPage(at.group(), at.thread(), form.body(), replyTo, form.clientToken(), problems,
        !problems.isEmpty() || filesError != null, preview, canReply, filesError, maxFileMb, form.language());
  }

  /** A quote of the post, or of a passage of it, that names its author and links to the source post. */
  static String quote(Post post, String passage) {
    StringBuilder b = new StringBuilder("> [").append(post.authorName().replace("]", "\\]"))
        .append("](/posts/").append(post.id()).append("):\n");
    String source = passage != null && !passage.isBlank() ? passage.strip() : post.bodyMarkdown();
    String text = source.length() > 2000 ? source.substring(0, 2000) + "…" : source;
    for (String line : text.split("\n")) {
      b.append("> ").append(line).append('\n');
    }
    return b.append('\n').toString();
  }
}
