package eu.mhealthhub.agora.notify;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a change tells, recorded by the change's own transaction through
 * {@link NotificationService#record}: who acted, what recipients must be able to read (the
 * subject), what the page groups it under (the context), a link, the members told directly with
 * the kind that applies to each, and whose watch list the fan-out expands. Built fluently where
 * the change happens:
 *
 * <pre>
 * Notice.about("post", postId, "/posts/" + postId).by(author).in("thread", threadId, groupId, title)
 *     .tell(mentioned, NotificationKind.MENTION).watchers("thread", threadId, NotificationKind.WATCHED_THREAD)
 * </pre>
 */
public final class Notice {

  final String subjectKind;
  final long subjectId;
  final String link;
  Long actorId;
  String contextKind;
  long contextId;
  Long groupId;
  String title = "";
  String detail = "";
  final Map<Long, NotificationKind> direct = new LinkedHashMap<>();
  final Map<Long, NotificationKind> authorsOf = new LinkedHashMap<>();
  String watchScope;
  Long watchId;
  NotificationKind watchKind;
  Long muteThread;
  Long muteGroup;
  boolean batched;

  private Notice(String subjectKind, long subjectId, String link) {
    this.subjectKind = subjectKind;
    this.subjectId = subjectId;
    this.link = link;
    this.contextKind = subjectKind;
    this.contextId = subjectId;
  }

  /** A notice about something recipients must be able to read (a kind declared in {@link NotificationSubjects}). */
  public static Notice about(String subjectKind, long subjectId, String link) {
    return new Notice(subjectKind, subjectId, link);
  }

  /** Who acted: never told about their own action. */
  public Notice by(long actorId) {
    this.actorId = actorId;
    return this;
  }

  /** What the notifications page groups it under, the working group (null for none) and the title shown. */
  public Notice in(String contextKind, long contextId, Long groupId, String title) {
    this.contextKind = contextKind;
    this.contextId = contextId;
    this.groupId = groupId;
    this.title = title == null ? "" : title.length() > 300 ? title.substring(0, 300) : title;
    return this;
  }

  /** A short text shown with it: a reason, a decision, a status. */
  public Notice detail(String detail) {
    this.detail = detail == null ? "" : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
    return this;
  }

  /** Tells a member directly; when several kinds apply to one member, the strongest is kept. */
  public Notice tell(long memberId, NotificationKind kind) {
    direct.merge(memberId, kind, (a, b) -> a.rank() <= b.rank() ? a : b);
    return this;
  }

  /** Tells every member in the list. */
  public Notice tell(Iterable<Long> memberIds, NotificationKind kind) {
    memberIds.forEach(id -> tell(id, kind));
    return this;
  }

  /**
   * Tells the authors of these posts (looked up by the fan-out, not by the change's transaction):
   * a reply tells the author of the post it answers and of those it quotes.
   */
  public Notice tellAuthorsOf(Iterable<Long> postIds, NotificationKind kind) {
    postIds.forEach(id -> authorsOf.merge(id, kind, (a, b) -> a.rank() <= b.rank() ? a : b));
    return this;
  }

  /**
   * Tells the watchers of a thread (and of its group, unless they muted the thread), a group, a
   * document or a Talk, with {@code kind}. For a thread, {@link #in} must name its group.
   */
  public Notice watchers(String scope, long id, NotificationKind kind) {
    this.watchScope = scope;
    this.watchId = id;
    this.watchKind = kind;
    if ("thread".equals(scope)) {
      this.muteThread = id;
    }
    return this;
  }

  /** Watch-kind recipients who muted this thread or this group are not told. */
  public Notice mutedIn(Long threadId, Long groupId) {
    this.muteThread = threadId;
    this.muteGroup = groupId;
    return this;
  }

  /** One unread notification per recipient and subject, counting who acted (reactions). */
  public Notice batched() {
    this.batched = true;
    return this;
  }
}
