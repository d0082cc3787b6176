package eu.mhealthhub.agora.thread;

import java.time.Instant;
import java.util.List;

/**
 * A post with what a page shows around it. {@code bodyHtml} is the sanitised rendering stored
 * with the source; {@code deleted} posts keep their content for moderators only. {@code bodyMarkdown}
 * is null in the posts of the HTML thread page, which shows only their HTML.
 */
public record Post(
    long id,
    long threadId,
    int position,
    long authorId,
    String authorName,
    String authorHandle,
    Long replyToPostId,
    String replyToAuthorName,
    String bodyMarkdown,
    String bodyHtml,
    int revision,
    Instant createdAt,
    Instant editedAt,
    boolean deleted,
    String deletedByName,
    String deleteReason,
    List<ReactionCount> reactions,
    List<AttachmentInfo> attachments,
    /** A moderator has edited it (with a note in its history); readers are told. */
    boolean moderatorEdited,
    String heldReason,
    /** The version of the author's declaration of interests in force when it was written; null if none. */
    Integer declarationVersion,
    /** The version of the author's uploaded picture (its URL's {@code ?v=}); null: none, their initials are shown. */
    String authorAvatarVersion) {

  public static final int MAX_BODY = 50_000;

  /** The author's initials, shown in place of a picture when they have none (no request for an image). */
  public String authorInitials() {
    return eu.mhealthhub.agora.Member.initialsOf(authorName);
  }

  /** Hidden pending review because several members flagged it (no member deleted it). */
  public boolean heldForReview() {
    return deleted && deletedByName == null;
  }

  /**
   * Held for a moderator's approval (graduated trust): only its author and the group's moderators
   * read it; {@link #heldReason} says why. A held post that is also deleted was rejected: its
   * author may edit it, which holds it again.
   */
  public boolean held() {
    return heldReason != null;
  }

  /** Held and rejected by a moderator with {@link #deleteReason}. */
  public boolean rejected() {
    return heldReason != null && deleted;
  }

  /** Held and waiting for a moderator. */
  public boolean awaitingApproval() {
    return heldReason != null && !deleted;
  }

  public boolean edited() {
    return revision > 1;
  }

  /** One kind of reaction on a post, how many, and whether the viewer is among them. */
  public record ReactionCount(String kind, int count, boolean mine) {}

  /** A file attached to a post. */
  public record AttachmentInfo(long id, String fileName, String contentType, long sizeBytes) {
    /** Where the file is served, its name percent-encoded. */
    public String url() {
      return eu.mhealthhub.agora.attachment.Attachments.path(id, fileName);
    }

    public boolean image() {
      return contentType.startsWith("image/");
    }

    public String sizeLabel() {
      if (sizeBytes < 1024) {
        return sizeBytes + " B";
      }
      if (sizeBytes < 1024 * 1024) {
        return (sizeBytes / 1024) + " KB";
      }
      return String.format(java.util.Locale.ROOT, "%.1f MB", sizeBytes / (1024.0 * 1024.0));
    }
  }
}
