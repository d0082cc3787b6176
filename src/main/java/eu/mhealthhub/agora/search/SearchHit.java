package eu.mhealthhub.agora.search;

import java.time.Instant;

/**
 * One result as a reader sees it.
 *
 * @param kind what it is: thread, post, attachment, document, section, comment, talk, question
 * @param filter the kind filter it falls under (posts, threads, documents, talks)
 * @param title what the link says: a thread's, document's or Talk's title, or a file's name
 * @param url where it is: the post's permalink, the document section, the Talk
 * @param groupName the working group it is in, or "" for a Talk
 * @param authorName who wrote it, or "" (documents, Talks, anonymous questions)
 * @param at when it was written
 */
public record SearchHit(String kind, SearchKind filter, String title, String url, String groupName, String authorName,
    Instant at, Snippet snippet) {

  /** The message key of the kind's label. */
  public String label() {
    return "search.kind." + kind;
  }
}
