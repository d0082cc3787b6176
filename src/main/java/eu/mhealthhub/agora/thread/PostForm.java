package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.text.TextLanguage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A post as submitted: the first post of a new thread (with its title), a reply (perhaps to one
 * post) or an edit. The routes and {@link ThreadService} check it with the same {@link #problems()}.
 *
 * @param title the thread's title as one line, or null for a reply or an edit (which have none)
 * @param body the Markdown as typed, cleaned as multi-line text
 * @param clientToken the form's token, so that a double submission stores one post ("" when absent)
 * @param replyTo the post replied to, or null
 * @param preview whether the author asked for a preview rather than to post
 * @param language the language the author says the post is in ({@link TextLanguage#code()}), "" for the
 *     author's own (from their locale); its text is indexed for search with that language's stemmer
 */
public record PostForm(String title, String body, String clientToken, Long replyTo, boolean preview, String language) {

  public PostForm {
    body = body == null ? "" : body;
    clientToken = clientToken == null ? "" : clientToken;
    language = language == null ? "" : language.strip();
  }

  /** A post in the author's own language. */
  public PostForm(String title, String body, String clientToken, Long replyTo, boolean preview) {
    this(title, body, clientToken, replyTo, preview, "");
  }

  /** The language to store: the chosen one, else the one of the author's locale. */
  public TextLanguage languageOr(String authorLocale) {
    return TextLanguage.ofCode(language).orElseGet(() -> TextLanguage.ofTag(authorLocale));
  }

  /** The first post of a new thread, as a browser sent it: the title cleaned as one line, the rest as multi-line text. */
  public static PostForm thread(String title, String body, String clientToken, String action, String language) {
    return new PostForm(title == null ? "" : CleanText.line(CleanText.body(title)), clean(body), clean(clientToken), null,
        "preview".equals(action), clean(language));
  }

  /** A reply as a browser sent it; {@code to} that is not a number is taken as no target. */
  public static PostForm reply(String body, String to, String clientToken, String action, String language) {
    return new PostForm(null, clean(body), clean(clientToken), optionalId(clean(to)), "preview".equals(action),
        clean(language));
  }

  /** An edit of a post's text as a browser sent it. */
  public static PostForm edit(String body, String action) {
    return new PostForm(null, clean(body), "", null, "preview".equals(action));
  }

  private static String clean(String field) {
    return field == null ? "" : CleanText.body(field);
  }

  /** Field to message key for every problem; empty when the post may be saved. */
  public Map<String, String> problems() {
    Map<String, String> p = new LinkedHashMap<>();
    if (title != null) {
      if (title.isBlank()) {
        p.put("title", "thread.error.title.required");
      } else if (title.strip().length() > ForumThread.MAX_TITLE) {
        p.put("title", "thread.error.title.long");
      }
    }
    if (body.isBlank()) {
      p.put("body", "post.error.body.required");
    } else if (body.length() > Post.MAX_BODY) {
      p.put("body", "post.error.body.long");
    }
    if (!language.isEmpty() && TextLanguage.ofCode(language).isEmpty()) {
      p.put("language", "search.error.postLanguage");
    }
    return p;
  }

  static Long optionalId(String raw) {
    try {
      return raw == null || raw.isBlank() ? null : Long.parseLong(raw.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
