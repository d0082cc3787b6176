package eu.mhealthhub.agora.thread;

import java.time.Instant;

/**
 * The line a thread shows about another after a moderator split it or merged one into it: which
 * thread, why, when. {@code otherTitle} is null when the other thread is in another group (its
 * title is that group's to show).
 */
public record ThreadLink(String kind, long otherThreadId, String otherTitle, String reason, Instant at) {

  /** The message key of the line, e.g. {@code thread.link.split_to}. */
  public String messageKey() {
    return "thread.link." + kind;
  }
}
