package eu.mhealthhub.agora.thread;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.attachment.Attachments;
import eu.mhealthhub.agora.attachment.Upload;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.LiveAddress;
import eu.mhealthhub.agora.live.Narrowing;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.text.TextLanguage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Threads and posts: reading them page by page, and every change members and moderators make.
 * Each change runs in one transaction (the thread row is locked while a post takes the next
 * position), records moderator actions, and is announced on the {@link ChangeFeed} after commit.
 *
 * <p>Failures: NOT_FOUND for anything in a group the viewer may not read (exactly as for
 * something that does not exist), FORBIDDEN for an action the viewer may not take, CONFLICT for a
 * locked thread or an edit based on an old revision, BAD_REQUEST for invalid input.
 */
public final class ThreadService {

  public static final int PAGE_SIZE = 20;
  private static final int GROUP_PAGE = ThreadRepository.GROUP_PAGE;

  private final Pool pool;
  private final GroupService groups;
  private final Attachments attachments;
  private final ReadTracker reads;
  private final ChangeFeed changes;
  private final ThreadRepository repository = new ThreadRepository();
  private final NotificationService notifications;

  /** A thread with the group it is in, as one viewer may see it. */
  public record Located(WorkingGroup group, ForumThread thread) {}

  /** One page of a thread for a viewer, with where they had read up to before this view. */
  public record Page(WorkingGroup group, ForumThread thread, List<Post> posts, int page, int readBefore,
      SubscriptionLevel subscription, long liveSeq, List<ThreadLink> links) {}

  /**
   * The post and thread limits, taken inside the transaction once it is clear that the submission
   * makes something new: a double-click finds its first post instead of a 429, and a preview or a
   * refused form spends nothing. A refusal rolls the transaction back.
   */
  private final eu.mhealthhub.agora.limits.RateLimits limits;

  public ThreadService(Pool pool, GroupService groups, Attachments attachments, ReadTracker reads, ChangeFeed changes,
      NotificationService notifications, eu.mhealthhub.agora.limits.RateLimits limits) {
    this.notifications = notifications;
    this.limits = limits;
    this.pool = pool;
    this.groups = groups;
    this.attachments = attachments;
    this.reads = reads;
    this.changes = changes;
  }

  private static Long id(Optional<Member> viewer) {
    return viewer.map(Member::id).orElse(null);
  }

  /**
   * Threads of a group the viewer may read: pinned first, then by last activity, 50 a page. A page
   * past the last fails with NOT_FOUND, as a thread's pages do (an empty group has one, empty, page).
   */
  public Future<List<ThreadSummary>> list(WorkingGroup group, Optional<Member> viewer, int page) {
    int p = Math.max(1, page);
    if (p > groupPages(group)) {
      return Future.failedFuture(DomainException.notFound());
    }
    return repository.inGroup(pool, group.id(), id(viewer), GROUP_PAGE, (p - 1) * GROUP_PAGE, GroupPolicy.canModerate(viewer, group))
        .map(list -> viewer.map(m -> list.stream().map(t -> t.withReadPosition(reads.pending(m.id(), t.id()))).toList())
            .orElse(list));
  }

  /**
   * A group page's threads ({@link #list}, the same rule and pages) with the viewer's subscription level to
   * the group (normal for a visitor), in one statement.
   */
  public Future<GroupListing> groupListing(WorkingGroup group, Optional<Member> viewer, int page) {
    int p = Math.max(1, page);
    if (p > groupPages(group)) {
      return Future.failedFuture(DomainException.notFound());
    }
    return repository.groupListing(pool, group.id(), id(viewer), (p - 1) * GROUP_PAGE, GroupPolicy.canModerate(viewer, group))
        .map(listing -> viewer.map(m -> new GroupListing(listing.threads().stream()
            .map(t -> t.withReadPosition(reads.pending(m.id(), t.id()))).toList(), listing.level())).orElse(listing));
  }

  public int groupPages(WorkingGroup group) {
    return (int) Math.max(1, (group.threadCount() + GROUP_PAGE - 1) / GROUP_PAGE);
  }

  /** The thread and its group, if the viewer may read the group. */
  public Future<Located> locate(long threadId, Optional<Member> viewer) {
    // one query: the thread with its group and the viewer's role, decided by the group's read rule
    return repository.threadInGroup(pool, threadId, viewer.map(Member::id).orElse(0L))
        .compose(t -> t.isEmpty()
            ? Future.failedFuture(DomainException.notFound())
            : groups.readable(t.get().group(), viewer).compose(g -> seesThread(viewer, g, t.get().thread())
                ? Future.succeededFuture(new Located(g, t.get().thread())) : Future.failedFuture(DomainException.notFound())));
  }

  /** A thread whose opening post is held exists for its author and the group's moderators only. */
  private static boolean seesThread(Optional<Member> viewer, WorkingGroup group, ForumThread thread) {
    return !thread.held() || viewer.map(m -> m.id() == thread.authorId()).orElse(false) || GroupPolicy.canModerate(viewer, group);
  }

  /** A held post exists for its author and the group's moderators only. */
  private static boolean seesPost(Optional<Member> viewer, WorkingGroup group, Post post) {
    return !post.held() || viewer.map(m -> m.id() == post.authorId()).orElse(false) || GroupPolicy.canModerate(viewer, group);
  }

  /**
   * One page of posts. Records that the viewer has now read up to the last post shown (in a
   * batch, not in this request). Pages past the end fail with NOT_FOUND.
   */
  public Future<Page> page(long threadId, Optional<Member> viewer, int page) {
    return page(threadId, viewer, page, true);
  }

  /** {@link #page}, the posts' Markdown sources read only {@code withSource} (the HTML page shows their HTML). */
  private Future<Page> page(long threadId, Optional<Member> viewer, int page, boolean withSource) {
    // one statement: the thread, its group, the viewer's reading state and the posts of the page asked for;
    // the read rule, the page's bounds and the held posts' readers are decided here on what it returned
    int asked = Math.min(Math.max(page, 1), Integer.MAX_VALUE / PAGE_SIZE);
    return repository.threadPage(pool, threadId, viewer.map(Member::id).orElse(0L), (asked - 1) * PAGE_SIZE + 1,
        asked * PAGE_SIZE, withSource).compose(row -> {
      if (row.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      ForumThread thread = row.get().thread();
      return groups.readable(row.get().group(), viewer).compose(group -> {
        if (thread.mergedInto() != null) {
          // merged away: nothing to show, the routes answer with a redirect to where its posts went
          return Future.succeededFuture(new Page(group, thread, List.of(), 1, -1, SubscriptionLevel.NORMAL, 0L, List.of()));
        }
        if (page < 1 || page > thread.pages() || !seesThread(viewer, group, thread)) {
          return Future.failedFuture(DomainException.notFound());
        }
        // held posts follow the last page, for their author and the group's moderators only
        List<Post> shown = row.get().posts().stream().filter(p -> seesPost(viewer, group, p)).toList();
        List<Post> published = shown.stream().filter(p -> !p.held()).toList();
        int readBefore = -1;
        if (viewer.isPresent()) {
          readBefore = Math.max(row.get().readPosition(), reads.pending(viewer.get().id(), threadId));
          if (!published.isEmpty()) {
            reads.seen(viewer.get().id(), threadId, published.get(published.size() - 1).position());
          }
        }
        return Future.succeededFuture(new Page(group, thread, shown, page, readBefore,
            viewer.isPresent() ? row.get().level() : SubscriptionLevel.NORMAL, row.get().liveSeq(), row.get().links()));
      });
    });
  }

  /** Where a post sits in its thread: the page it is on and its position (the anchor). */
  public record PageAndPosition(int page, int position) {}

  /** A post or thread a submission stored; {@code position} 0 when a resubmission found the earlier one. */
  private record Stored(long id, int position) {
    static Stored earlier(long id) {
      return new Stored(id, 0);
    }

    boolean fresh() {
      return position != 0;
    }
  }

  /** The page and anchor of the viewer's first unread post (the last post when all are read). */
  public Future<PageAndPosition> firstUnread(long threadId, Member viewer) {
    return locate(threadId, Optional.of(viewer)).compose(at -> repository.readPosition(pool, viewer.id(), threadId)
        .map(read -> {
          int position = Math.min(Math.max(read, reads.pending(viewer.id(), threadId)) + 1, at.thread().postCount());
          return new PageAndPosition((position - 1) / PAGE_SIZE + 1, position);
        }));
  }

  /** Where a post lives: its thread, page and position, if the viewer may read it. */
  public Future<Post> findPost(long postId, Optional<Member> viewer) {
    return post(postId, viewer).map(PostInContext::post);
  }

  /** A post with its thread and group, for actions on it. */
  public Future<PostInContext> post(long postId, Optional<Member> viewer) {
    return repository.post(pool, postId, id(viewer)).compose(p -> p.isEmpty()
        ? Future.failedFuture(DomainException.notFound())
        : locate(p.get().threadId(), viewer).compose(at -> seesPost(viewer, at.group(), p.get())
            ? Future.succeededFuture(new PostInContext(at.group(), at.thread(), p.get()))
            : Future.failedFuture(DomainException.notFound())));
  }

  /** A post with where it is. */
  public record PostInContext(WorkingGroup group, ForumThread thread, Post post) {}

  /**
   * A page of a thread with the groups a moderator of it may move it to (none for anyone else) and
   * the lines about threads split from it or merged into it.
   */
  public record View(Page page, List<WorkingGroup> moveTargets, List<ThreadLink> links) {}

  /**
   * The thread page's data: {@link #page} and, for a moderator, the move targets. Fails as
   * {@link #page}.
   */
  public Future<View> view(long threadId, Optional<Member> viewer, int page) {
    return page(threadId, viewer, page, false).compose(p -> p.thread().mergedInto() != null
        ? Future.succeededFuture(new View(p, List.of(), List.of()))
        : moveTargets(p.group(), viewer).map(targets -> new View(p, targets, p.links())));
  }

  private Future<List<WorkingGroup>> moveTargets(WorkingGroup current, Optional<Member> viewer) {
    if (!GroupPolicy.canModerate(viewer, current)) {
      return Future.succeededFuture(List.of());
    }
    return groups.visibleTo(viewer).map(all -> all.stream()
        .filter(g -> g.id() != current.id() && GroupPolicy.canModerate(viewer, g)).toList());
  }

  /**
   * A post of the located thread, for a reply form (the post replied to or quoted): null when
   * {@code postId} is null, missing or in another thread. One query: the thread's group has been
   * checked for the viewer.
   */
  public Future<Post> inThread(Located at, Long postId, Optional<Member> viewer) {
    if (postId == null) {
      return Future.succeededFuture(null);
    }
    return repository.post(pool, postId, id(viewer))
        .map(p -> p.filter(post -> post.threadId() == at.thread().id() && !post.held()).orElse(null));
  }

  /** A post with every revision of it, oldest first. */
  public record History(PostInContext at, List<ThreadRepository.Revision> revisions) {}

  /** A post the viewer may read with its revisions; a deleted one only for who may see deleted posts (NOT_FOUND otherwise). */
  public Future<History> history(long postId, Optional<Member> viewer) {
    return post(postId, viewer).compose(at -> at.post().deleted() && !PostPolicy.canSeeDeleted(viewer, at.group())
        ? Future.failedFuture(DomainException.notFound())
        : repository.revisions(pool, postId).map(revisions -> new History(at, revisions)));
  }

  /** A post with who reacted to it how: rows of kind and display name. */
  public record WhoReacted(PostInContext at, List<Reaction> rows) {}

  /** Who reacted how to a post the viewer may read. */
  public Future<WhoReacted> reactions(long postId, Optional<Member> viewer) {
    return post(postId, viewer).compose(at -> repository.whoReacted(pool, postId).map(rows -> new WhoReacted(at, rows)));
  }

  /** Checks a title and body, returning field to message key for every problem (as {@link PostForm#problems()}). */
  public static java.util.Map<String, String> problems(String title, String body, boolean needsTitle) {
    return new PostForm(needsTitle ? (title == null ? "" : title) : null, body, "", null, false).problems();
  }

  /**
   * Starts a thread with its first post and attachments. A second submission with the same
   * client token completes with the thread the first one made and stores nothing.
   */
  public Future<Long> createThread(WorkingGroup group, Member author, String title, String body, String clientToken,
      List<Upload> files) {
    return createThread(group, author, title, body, clientToken, files, TextLanguage.ofTag(author.locale()));
  }

  /** As {@link #createThread(WorkingGroup, Member, String, String, String, List)}, its first post in {@code language}. */
  public Future<Long> createThread(WorkingGroup group, Member author, String title, String body, String clientToken,
      List<Upload> files, TextLanguage language) {
    if (!GroupPolicy.canPost(Optional.of(author), group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (!problems(title, body, true).isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(problems(title, body, true).values().iterator().next()));
    }
    String token = clean(clientToken);
    String html = Markdown.toHtml(body);
    return changes.transaction(conn -> repository.insertThread(conn, group.id(), title.strip(), author.id(), token, null)
        .compose(inserted -> {
          if (inserted.isEmpty()) {
            return repository.threadByToken(conn, author.id(), token)
                .map(existing -> Outcome.of(Stored.earlier(existing.orElseThrow())));
          }
          long threadId = inserted.get();
          return TrustRepository.standing(conn, group.id(), author.id())
              .compose(standing -> trust(group, author, standing, html, files))
              .compose(trust -> limits.take(trust.limit("post"), author)
              .compose(v -> limits.take(trust.limit("thread"), author))
              .compose(v -> mentioning(conn, readers(group), body, html)).compose(m -> trust.held()
                  // held: no place, notice or event until a moderator approves it
                  ? repository.holdThread(conn, threadId).compose(v -> repository.insertHeldPost(conn, threadId, author.id(),
                      null, body, m.html(), null, language, trust.heldReason()))
                      .compose(postId -> attachments.store(conn, postId, author.id(), files))
                      .map(v -> Outcome.of(new Stored(threadId, -1)))
                  : repository.insertPost(conn, threadId, 1,
                  author.id(), null, body, m.html(), null, null, language)
              .compose(postId -> attachments.store(conn, postId, author.id(), files)
                  .compose(v -> recordMentions(conn, postId, m))
                  .compose(v -> notifications.record(conn, postNotice(postId, author, threadId, group, title.strip(), m)
                      .watchers("group", group.id(), NotificationKind.WATCHED_GROUP)))
                  .map(v -> Outcome.of(new Stored(threadId, 1), Change.group(group.id(), "thread.created", threadId),
                      Change.thread(threadId, "post.created", postId))))));
        }))
        .onSuccess(thread -> {
          if (thread.position() > 0) {
            reads.seen(author.id(), thread.id(), 1);
          }
        })
        .map(Stored::id);
  }

  /**
   * A post to write into a thread started by {@link #startThreadIn}: its author and Markdown, and
   * when it was written: null for now, a past instant only for demo content that shows a history.
   */
  public record Carried(long authorId, String markdown, Instant at) {
    public Carried(long authorId, String markdown) {
      this(authorId, markdown, null);
    }
  }

  /**
   * Starts a thread inside the caller's transaction with the given posts in order (the first opens
   * it), each under its own author, mentions linked and recorded as for any post. The caller has
   * decided that this may happen (a Talk's follow-up, opened by a moderator who closes the room);
   * the group is written to whatever its authors' memberships. Its notifications are those of any new thread: the
   * group's watchers hear of it, and the members each post mentions. Completes with the thread id and the
   * changes to record; fails with BAD_REQUEST when a post is empty or too long.
   */
  public Future<Outcome<Long>> startThreadIn(SqlConnection conn, WorkingGroup group, String title, List<Carried> posts) {
    return startThreadIn(conn, group.id(), group.closed(), title, posts, true);
  }

  /**
   * {@link #startThreadIn(SqlConnection, WorkingGroup, String, List)} for a group known by id and
   * visibility only, as the demo seeder knows the groups it is writing in the same transaction; it notifies nobody
   * (demo content is a history, not news).
   */
  public Future<Outcome<Long>> startThreadIn(SqlConnection conn, long groupId, boolean closedGroup, String title,
      List<Carried> posts) {
    return startThreadIn(conn, groupId, closedGroup, title, posts, false);
  }

  private Future<Outcome<Long>> startThreadIn(SqlConnection conn, long groupId, boolean closedGroup, String title,
      List<Carried> posts, boolean notify) {
    Long readers = closedGroup ? groupId : null;
    if (posts.isEmpty() || title == null || title.isBlank() || title.strip().length() > ForumThread.MAX_TITLE) {
      return Future.failedFuture(DomainException.badRequest("thread.error.title.required"));
    }
    for (Carried p : posts) {
      if (!problems(null, p.markdown(), false).isEmpty()) {
        return Future.failedFuture(DomainException.badRequest(problems(null, p.markdown(), false).values().iterator().next()));
      }
    }
    Carried first = posts.get(0);
    String shown = title.strip();
    return repository.insertThread(conn, groupId, shown, first.authorId(), null, first.at()).compose(inserted -> {
      long threadId = inserted.orElseThrow();
      List<Change> made = new ArrayList<>();
      made.add(Change.group(groupId, "thread.created", threadId));
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < posts.size(); i++) {
        Carried p = posts.get(i);
        int position = i + 1;
        chain = chain.compose(v -> mentioning(conn, readers, p.markdown(), Markdown.toHtml(p.markdown()))
            .compose(m -> repository.insertPost(conn, threadId, position, p.authorId(), null, p.markdown(), m.html(), null,
                p.at(), null)
                .compose(postId -> {
                  made.add(Change.thread(threadId, "post.created", postId));
                  return recordMentions(conn, postId, m).compose(x -> notify
                      ? notifications.record(conn, carriedNotice(postId, p.authorId(), threadId, groupId, shown, m, position))
                      : Future.succeededFuture());
                })));
      }
      return chain.map(v -> new Outcome<>(threadId, List.copyOf(made)));
    });
  }

  /** A carried post's notice: the members it mentions; the first post also tells the group's watchers of the thread. */
  private static Notice carriedNotice(long postId, long authorId, long threadId, long groupId, String title, Mentioning m,
      int position) {
    Notice notice = Notice.about("post", postId, "/posts/" + postId).by(authorId).in("thread", threadId, groupId, title)
        .tell(m.members().stream().map(ThreadRepository.Mentionable::id).toList(), NotificationKind.MENTION);
    return position == 1 ? notice.watchers("group", groupId, NotificationKind.WATCHED_GROUP) : notice;
  }

  /**
   * A reply as stored: the post and its position in the thread, which gives its page; a position
   * of -1 for a post held for approval (shown to its author after the last page).
   */
  public record Reply(long postId, int position) {

    /** The thread page the post is on. */
    public int page() {
      return Math.max(1, (position - 1) / PAGE_SIZE + 1);
    }

    public boolean held() {
      return position < 0;
    }
  }

  /**
   * What the author's trust in the group means for a new post: the reason it is held (null: it is
   * published at once), and whether the author is new (level 0), whose posts and threads take the
   * stricter limits {@code post.new} and {@code thread.new}.
   */
  private record Trust(String heldReason, boolean newMember) {
    boolean held() {
      return heldReason != null;
    }

    String limit(String name) {
      return newMember ? name + ".new" : name;
    }
  }

  /**
   * Decides {@link Trust} inside the post's transaction, from the author's standing in the group
   * (see {@link TrustRepository}); fails with FORBIDDEN when a new member attaches files. The group's
   * moderators and admins are never held.
   */
  private static Future<Trust> trust(WorkingGroup group, Member author, TrustRepository.Standing standing, String html,
      List<Upload> files) {
    if (GroupPolicy.canModerate(Optional.of(author), group)) {
      return Future.succeededFuture(new Trust(null, false));
    }
    {
      boolean fresh = standing.level() == TrustRepository.NEW;
      if (fresh && files != null && !files.isEmpty()) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "trust.error.attachments"));
      }
      boolean firstPosts = standing.approvedPosts() < standing.holdFirstPosts()
          && (standing.manual() == null || standing.manual() == TrustRepository.NEW);
      String reason = firstPosts ? "first_posts"
          : fresh && TrustRepository.links(html) > TrustRepository.MAX_NEW_LINKS ? "links" : null;
      return Future.succeededFuture(new Trust(reason, fresh));
    }
  }

  /**
   * Replies in a thread, as {@link #reply(Located, Member, PostForm, List)} after {@link #locate}:
   * completes with the new post's id, and fails as those do.
   */
  public Future<Long> reply(long threadId, Member author, String body, Long replyTo, String clientToken, List<Upload> files) {
    return reply(threadId, author, body, replyTo, clientToken, files, null);
  }

  /** As {@link #reply(long, Member, String, Long, String, List)}, in {@code language} (null: the author's). */
  public Future<Long> reply(long threadId, Member author, String body, Long replyTo, String clientToken, List<Upload> files,
      TextLanguage language) {
    PostForm form = new PostForm(null, body, clientToken, replyTo, false, language == null ? "" : language.code());
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    return locate(threadId, Optional.of(author)).compose(at -> reply(at, author, form, files)).map(Reply::postId);
  }

  /**
   * Replies in a located thread (see {@link #locate}), optionally to one post of it. A second
   * submission with the same client token completes with the post the first one made. Fails with
   * BAD_REQUEST for a form with problems or a reply target outside the thread, FORBIDDEN when the
   * author may not post in the group, CONFLICT when the thread is locked.
   */
  public Future<Reply> reply(Located at, Member author, PostForm form, List<Upload> files) {
    Optional<Member> viewer = Optional.of(author);
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    if (!GroupPolicy.canPost(viewer, at.group())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long threadId = at.thread().id();
    String body = form.body();
    Long replyTo = form.replyTo();
    String token = clean(form.clientToken());
    String html = Markdown.toHtml(body);
    WorkingGroup group = at.group();
    return changes.transaction(conn -> repository.lockThreadFor(conn, threadId, author.id()).compose(locked -> {
      ForumThread thread = locked.orElseThrow(DomainException::notFound).thread();
      TrustRepository.Standing standing = locked.get().standing();
      Future<Optional<Long>> earlier = token == null ? Future.succeededFuture(Optional.empty())
          : repository.postByToken(conn, author.id(), token);
      return earlier.compose(existing -> {
        if (existing.isPresent()) {
          // a double submission: the first one's post, where it is (its position, 0 if gone)
          long postId = existing.get();
          return repository.post(conn, postId, author.id())
              .map(p -> Outcome.of(new Reply(postId, p.map(Post::position).orElse(0))));
        }
        if (thread.mergedInto() != null) {
          return Future.failedFuture(new DomainException(Kind.CONFLICT, "thread.error.merged"));
        }
        if (!PostPolicy.canReply(viewer, group, thread)) {
          return Future.failedFuture(new DomainException(Kind.CONFLICT, "thread.error.locked"));
        }
        Future<Trust> trusted = trust(group, author, standing, html, files);
        Future<Boolean> target = trusted.compose(trust -> limits.take(trust.limit("post"), author))
            .compose(v -> replyTo == null ? Future.succeededFuture(true)
            : repository.replyTargetInThread(conn, replyTo, threadId));
        int position = thread.postCount() + 1;
        return target.compose(ok -> ok
            ? mentioning(conn, readers(group), body, html)
            : Future.failedFuture(DomainException.badRequest("post.error.replyTo")))
            .compose(m -> trusted.result().held()
                // held: no place, notice or event until a moderator approves it
                ? repository.insertHeldPost(conn, threadId, author.id(), replyTo, body, m.html(), token,
                    form.languageOr(author.locale()), trusted.result().heldReason())
                    .compose(postId -> attachments.store(conn, postId, author.id(), files)
                        .map(v -> Outcome.of(new Reply(postId, -1))))
                : repository.insertPost(conn, threadId, position, author.id(), replyTo, body,
                    m.html(), token, null, form.languageOr(author.locale()))
                .compose(postId -> attachments.store(conn, postId, author.id(), files)
                    .compose(v -> recordMentions(conn, postId, m))
                    .compose(v -> notifications.record(conn, postNotice(postId, author, threadId, group,
                            thread.title(), m).tellAuthorsOf(answered(replyTo, body), NotificationKind.REPLY)
                        .watchers("thread", threadId, NotificationKind.WATCHED_THREAD)))
                    .map(v -> Outcome.of(new Reply(postId, position),
                        Change.thread(threadId, "post.created", postId),
                        Change.group(group.id(), "thread.activity", threadId)))));
      });
    })).onSuccess(reply -> {
      if (reply.position() > 0) {
        reads.seen(author.id(), threadId, reply.position());
      }
    });
  }

  /**
   * Saves an edit as a new revision. {@code baseRevision} is the revision the author started
   * from: when the post has moved on since, fails with CONFLICT and nothing is saved.
   */
  public Future<Void> edit(long postId, Member editor, String body, int baseRevision) {
    Optional<Member> viewer = Optional.of(editor);
    if (!problems(null, body, false).isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(problems(null, body, false).values().iterator().next()));
    }
    return post(postId, viewer).compose(at -> edit(at, editor, PostForm.edit(body, null), baseRevision));
  }

  /**
   * {@link #edit(long, Member, String, int)} for a post already looked up for the editor: fails
   * as that one does.
   */
  public Future<Void> edit(PostInContext at, Member editor, PostForm form, int baseRevision) {
    return edit(at, editor, form, baseRevision, null);
  }

  /** Longest note a moderator gives with an edit of someone else's post, or a reason for thread surgery. */
  public static final int MAX_REASON = 500;

  /**
   * {@link #edit(PostInContext, Member, PostForm, int)}, or, when {@code note} is not null, a
   * moderator's edit of someone else's post: the note is required (BAD_REQUEST when blank or
   * longer than {@link #MAX_REASON}), the revision and the post's history show it, readers see
   * that a moderator edited the post, and the audit log keeps the text before and after.
   */
  public Future<Void> edit(PostInContext at, Member editor, PostForm form, int baseRevision, String note) {
    Optional<Member> viewer = Optional.of(editor);
    long postId = at.post().id();
    String body = form.body();
    if (!form.problems().isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems().values().iterator().next()));
    }
    boolean byModerator = note != null && PostPolicy.canModeratorEdit(viewer, at.group(), at.post());
    if (!byModerator && !PostPolicy.canEdit(viewer, at.group(), at.post())) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String why = note == null ? "" : note.strip();
    if (byModerator && why.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest("post.error.note.required"));
    }
    if (why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("post.error.note.long"));
    }
    String html = Markdown.toHtml(body);
    if (at.post().held()) {
      // a held post (a rejected one is resubmitted, held again): nobody else knows of it yet
      return changes.transaction(conn -> mentioning(conn, readers(at.group()), body, html)
          .compose(m -> repository.edit(conn, postId, baseRevision, editor.id(), body, m.html()))
          .compose(saved -> saved.isEmpty() ? Future.failedFuture(new DomainException(Kind.CONFLICT, "post.error.stale"))
              : Future.succeededFuture(Outcome.<Void>of(null))));
    }
    return changes.transaction(conn -> mentioning(conn, readers(at.group()), body, html)
        .compose(m -> repository.edit(conn, postId, baseRevision, editor.id(), body, m.html())
            .compose(saved -> saved.isEmpty()
                ? Future.failedFuture(new DomainException(Kind.CONFLICT, "post.error.stale"))
                : (byModerator ? repository.noteModeratorEdit(conn, postId, saved.get(), why)
                    .compose(v -> repository.log(conn, at.group().id(), editor.id(), "post.edit", "post", postId, why, why,
                        at.post().bodyMarkdown(), body))
                    : Future.<Void>succeededFuture())
                .compose(v -> newMentions(conn, postId, m))
                    // a mention added by the edit tells its member, as one in a new post does
                    .compose(added -> added.isEmpty() ? Future.<Void>succeededFuture()
                        : notifications.record(conn, Notice.about("post", postId, "/posts/" + postId).by(editor.id())
                            .in("thread", at.thread().id(), at.group().id(), at.thread().title())
                            .tell(added, NotificationKind.MENTION)))
                    .map(v -> Outcome.<Void>of(null, Change.thread(at.thread().id(), "post.edited", postId))))));
  }

  /** Every revision of a post the viewer may read, oldest first. */
  public Future<List<ThreadRepository.Revision>> revisions(long postId, Optional<Member> viewer) {
    return post(postId, viewer).compose(at -> at.post().deleted() && !PostPolicy.canSeeDeleted(viewer, at.group())
        ? Future.failedFuture(DomainException.notFound())
        : repository.revisions(pool, postId));
  }

  /** Soft-deletes a post (its author or a moderator of the group), with a reason. */
  public Future<Void> delete(long postId, Member by, String reason) {
    Optional<Member> viewer = Optional.of(by);
    String why = reason == null ? "" : reason.strip();
    if (why.length() > 500) {
      return Future.failedFuture(DomainException.badRequest("post.error.reason.long"));
    }
    return post(postId, viewer).compose(at -> {
      if (!PostPolicy.canDelete(viewer, at.group(), at.post())) {
        return Future.failedFuture(at.post().deleted()
            ? new DomainException(Kind.CONFLICT, "post.error.alreadyDeleted") : DomainException.forbidden());
      }
      boolean moderatorAction = at.post().authorId() != by.id();
      return changes.transaction(conn -> repository.delete(conn, postId, by.id(), why)
          .compose(done -> !done ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "post.error.alreadyDeleted"))
              : moderatorAction ? repository.log(conn, at.group().id(), by.id(), "post.delete", "post", postId, why)
              : Future.<Void>succeededFuture())
          .map(v -> at.post().held() ? Outcome.<Void>of(null)
              : Outcome.<Void>of(null, Change.thread(at.thread().id(), "post.deleted", postId))));
    });
  }

  /**
   * Hides a post pending review, in the caller's transaction, because enough members flagged it
   * (the moderation feature counts them). A moderator restores it as any deleted post. Completes
   * with the live change to publish, or empty when the post was hidden already.
   */
  public Future<Optional<Change>> holdForReview(SqlConnection conn, PostInContext at) {
    return repository.holdForReview(conn, at.post().id())
        .map(done -> done ? Optional.of(Change.thread(at.thread().id(), "post.deleted", at.post().id())) : Optional.empty());
  }

  /**
   * A moderator of the group (or an admin) approves a held post: it takes the thread's next
   * position, its notifications are recorded and its live events published as if it had just been
   * posted, the author's approved posts count one more, and the audit log says who and why. Fails
   * with NOT_FOUND when the moderator may not see it, FORBIDDEN for anyone but the group's
   * moderators, CONFLICT when it is not awaiting approval, BAD_REQUEST for a reason over 500 characters.
   */
  public Future<Void> approveHeld(Member moderator, long postId, String reason) {
    Optional<Member> viewer = Optional.of(moderator);
    String why = reason == null ? "" : reason.strip();
    if (why.length() > 500) {
      return Future.failedFuture(DomainException.badRequest("post.error.reason.long"));
    }
    return post(postId, viewer).compose(at -> {
      if (!GroupPolicy.canModerate(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (!at.post().awaitingApproval()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "trust.error.notHeld"));
      }
      Post p = at.post();
      WorkingGroup group = at.group();
      long threadId = at.thread().id();
      return changes.transaction(conn -> repository.lockThread(conn, threadId).compose(locked -> {
        ForumThread thread = locked.orElseThrow(DomainException::notFound);
        int position = thread.postCount() + 1;
        return repository.approveHeld(conn, postId, position).compose(done -> !done
            ? Future.failedFuture(new DomainException(Kind.CONFLICT, "trust.error.notHeld"))
            : repository.logReasoned(conn, group.id(), moderator.id(), "post.approve", "post", postId,
                    why, "held: " + p.heldReason(), "published")
                .compose(v -> mentioning(conn, readers(group), p.bodyMarkdown(), p.bodyHtml()))
                .compose(m -> recordMentions(conn, postId, m).compose(v -> {
                  Notice notice = Notice.about("post", postId, "/posts/" + postId).by(p.authorId())
                      .in("thread", threadId, group.id(), thread.title())
                      .tell(m.members().stream().map(ThreadRepository.Mentionable::id).toList(), NotificationKind.MENTION);
                  notice = position == 1 ? notice.watchers("group", group.id(), NotificationKind.WATCHED_GROUP)
                      : notice.tellAuthorsOf(answered(p.replyToPostId(), p.bodyMarkdown()), NotificationKind.REPLY)
                          .watchers("thread", threadId, NotificationKind.WATCHED_THREAD);
                  return notifications.record(conn, notice);
                }))
                .map(v -> position == 1
                    ? Outcome.<Void>of(null, Change.group(group.id(), "thread.created", threadId),
                        Change.thread(threadId, "post.created", postId))
                    : Outcome.<Void>of(null, Change.thread(threadId, "post.created", postId),
                        Change.group(group.id(), "thread.activity", threadId))));
      }));
    });
  }

  /**
   * A moderator of the group (or an admin) rejects a held post with a reason: it stays held and is
   * marked deleted with the reason, which its author reads; the author may edit it, which holds it
   * again for approval (a resubmission). Fails as {@link #approveHeld}, and with BAD_REQUEST
   * without a reason.
   */
  public Future<Void> rejectHeld(Member moderator, long postId, String reason) {
    Optional<Member> viewer = Optional.of(moderator);
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest("trust.error.reason"));
    }
    if (why.length() > 500) {
      return Future.failedFuture(DomainException.badRequest("post.error.reason.long"));
    }
    return post(postId, viewer).compose(at -> {
      if (!GroupPolicy.canModerate(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (!at.post().awaitingApproval()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "trust.error.notHeld"));
      }
      // nobody but its author and the moderators knows of it: no live event
      return changes.transaction(conn -> repository.rejectHeld(conn, postId, moderator.id(), why)
          .compose(done -> !done ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "trust.error.notHeld"))
              : repository.logReasoned(conn, at.group().id(), moderator.id(), "post.reject", "post", postId, why,
                  "held: " + at.post().heldReason(), "rejected"))
          .map(v -> Outcome.<Void>of(null)));
    });
  }

  /** A moderator restores a deleted post. */
  public Future<Void> restore(long postId, Member by) {
    Optional<Member> viewer = Optional.of(by);
    return post(postId, viewer).compose(at -> {
      if (!PostPolicy.canRestore(viewer, at.group(), at.post())) {
        return Future.failedFuture(at.post().deleted() ? DomainException.forbidden()
            : new DomainException(Kind.CONFLICT, "post.error.notDeleted"));
      }
      // a moderator's restore settles the flags that hid it: otherwise the next flag would hide it again at once
      return changes.transaction(conn -> repository.restore(conn, postId)
          .compose(done -> repository.resolveFlags(conn, postId))
          .compose(done -> repository.log(conn, at.group().id(), by.id(), "post.restore", "post", postId, ""))
          .map(v -> Outcome.<Void>of(null, Change.thread(at.thread().id(), "post.restored", postId))));
    });
  }

  /** Adds the viewer's reaction of this kind, or takes it back; completes with whether it is now set. */
  public Future<Boolean> toggleReaction(long postId, Member member, String kind) {
    if (!Reactions.known(kind)) {
      return Future.failedFuture(DomainException.badRequest("post.error.reaction"));
    }
    Optional<Member> viewer = Optional.of(member);
    return post(postId, viewer).compose(at -> PostPolicy.canReact(viewer, at.group(), at.post())
        ? changes.transaction(conn -> repository.toggleReaction(conn, postId, member.id(), kind)
            .compose(set -> (set ? notifications.record(conn, Notice.about("post", postId, "/posts/" + postId).by(member.id())
                    .in("thread", at.thread().id(), at.group().id(), at.thread().title())
                    .tell(at.post().authorId(), NotificationKind.REACTION).batched()) : Future.<Void>succeededFuture())
                .map(v -> Outcome.of(set, Change.thread(at.thread().id(), "reaction.changed", postId)))))
        : Future.failedFuture(DomainException.forbidden()));
  }

  /** Who reacted how, for a post the viewer may read. */
  public Future<List<Reaction>> whoReacted(long postId, Optional<Member> viewer) {
    return post(postId, viewer).compose(at -> repository.whoReacted(pool, postId));
  }

  /** A moderator pins or unpins, locks or unlocks a thread. */
  public Future<Void> setFlag(long threadId, Member by, ThreadFlag flag, boolean on) {
    return setFlag(threadId, by, flag, on, "");
  }

  /** {@link #setFlag(long, Member, ThreadFlag, boolean)} with an optional reason for the audit log. */
  public Future<Void> setFlag(long threadId, Member by, ThreadFlag flag, boolean on, String reason) {
    Optional<Member> viewer = Optional.of(by);
    String why = optionalReason(reason);
    if (why == null) {
      return Future.failedFuture(DomainException.badRequest("thread.error.reason.long"));
    }
    return locate(threadId, viewer).compose(at -> {
      if (!GroupPolicy.canModerate(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      return changes.transaction(conn -> (flag == ThreadFlag.PINNED ? repository.setPinned(conn, threadId, on)
              : repository.setLocked(conn, threadId, on))
          .compose(v -> why.isEmpty() ? repository.log(conn, at.group().id(), by.id(), flag.auditAction(on), "thread", threadId, "")
              : repository.log(conn, at.group().id(), by.id(), flag.auditAction(on), "thread", threadId, "", why,
                  flagState(flag, !on), flagState(flag, on)))
          .map(v -> Outcome.<Void>of(null, Change.thread(threadId, "thread.changed", threadId),
              Change.group(at.group().id(), "thread.changed", threadId))));
    });
  }

  /** A moderator of both groups moves a thread from one to the other. */
  public Future<WorkingGroup> move(long threadId, Member by, String toSlug) {
    return move(threadId, by, toSlug, "");
  }

  /** {@link #move(long, Member, String)} with an optional reason for the audit log. */
  public Future<WorkingGroup> move(long threadId, Member by, String toSlug, String reason) {
    Optional<Member> viewer = Optional.of(by);
    String why = optionalReason(reason);
    if (why == null) {
      return Future.failedFuture(DomainException.badRequest("thread.error.reason.long"));
    }
    return locate(threadId, viewer).compose(at -> !GroupPolicy.canModerate(viewer, at.group())
        ? Future.failedFuture(DomainException.forbidden())
        : groups.find(toSlug == null ? "" : toSlug, viewer)
        .recover(e -> Future.failedFuture(DomainException.badRequest("thread.error.moveTarget")))
        .compose(target -> {
          if (!GroupPolicy.canModerate(viewer, target)) {
            return Future.failedFuture(DomainException.forbidden());
          }
          if (target.id() == at.group().id()) {
            return Future.failedFuture(DomainException.badRequest("thread.error.moveSame"));
          }
          return changes.transaction(conn -> repository.move(conn, threadId, target.id(), at.group().id())
              .compose(v -> repository.log(conn, at.group().id(), by.id(), "thread.move", "thread", threadId, target.slug(),
                  why, at.group().slug(), target.slug()))
              .map(v -> Outcome.of(target, Change.thread(threadId, "thread.moved", threadId),
                  Change.group(at.group().id(), "thread.moved", threadId), Change.group(target.id(), "thread.moved", threadId))
                  // the thread's readers are now the target group's: open subscriptions are decided again
                  .narrowing(Narrowing.of(LiveAddress.of("thread", threadId)))));
        }));
  }

  private static String flagState(ThreadFlag flag, boolean on) {
    return flag == ThreadFlag.PINNED ? (on ? "pinned" : "unpinned") : (on ? "locked" : "unlocked");
  }

  /** A stripped optional reason; null when it is too long. */
  private static String optionalReason(String reason) {
    String why = reason == null ? "" : reason.strip();
    return why.length() > MAX_REASON ? null : why;
  }

  /** A required reason, stripped; fails with BAD_REQUEST when blank or too long. */
  private static Future<String> requiredReason(String reason) {
    String why = reason == null ? "" : reason.strip();
    return why.isEmpty() ? Future.failedFuture(DomainException.badRequest("thread.error.reason.required"))
        : why.length() > MAX_REASON ? Future.failedFuture(DomainException.badRequest("thread.error.reason.long"))
        : Future.succeededFuture(why);
  }

  /**
   * A moderator splits a thread from one of its posts onward into a new thread titled
   * {@code title}, in the same group or another group they moderate ({@code groupSlug}, blank for
   * the same). The posts keep their ids (permalinks lead to the new thread) and are numbered from
   * 1; both threads' counts, last activity and readers' positions follow; the old thread's watchers
   * watch the new one; each thread shows a line linking to the other. Completes with the new
   * thread's id.
   *
   * <p>Fails with NOT_FOUND when the viewer may not read the thread or the post is not in it,
   * FORBIDDEN when they moderate neither the thread's group nor the target group, BAD_REQUEST for
   * the opening post (nothing would be left), a missing reason or title, CONFLICT for a merged thread.
   */
  public Future<Long> split(long threadId, Member by, long postId, String title, String groupSlug, String reason) {
    Optional<Member> viewer = Optional.of(by);
    String newTitle = title == null ? "" : title.strip();
    return requiredReason(reason).compose(why -> locate(threadId, viewer).compose(at -> {
      if (!GroupPolicy.canModerate(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (newTitle.isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("thread.error.title.required"));
      }
      if (newTitle.length() > ForumThread.MAX_TITLE) {
        return Future.failedFuture(DomainException.badRequest("thread.error.title.long"));
      }
      Future<WorkingGroup> target = groupSlug == null || groupSlug.isBlank() || groupSlug.strip().equals(at.group().slug())
          ? Future.succeededFuture(at.group())
          : groups.find(groupSlug.strip(), viewer).recover(e -> Future.failedFuture(DomainException.badRequest("thread.error.moveTarget")));
      return target.compose(to -> !GroupPolicy.canModerate(viewer, to) ? Future.<Long>failedFuture(DomainException.forbidden())
          : reads.flush().compose(flushed -> changes.transaction(conn -> repository.lockThreads(conn, threadId).compose(locked -> {
            if (locked.get(threadId) != null) {
              return Future.failedFuture(new DomainException(Kind.CONFLICT, "thread.error.merged"));
            }
            return repository.post(conn, postId, by.id()).compose(post -> {
              if (post.isEmpty() || post.get().threadId() != threadId) {
                return Future.failedFuture(DomainException.notFound());
              }
              int from = post.get().position();
              if (from <= 1) {
                return Future.failedFuture(DomainException.badRequest("thread.error.splitOpening"));
              }
              return repository.split(conn, threadId, from, postId, to.id(), newTitle)
                  .compose(newId -> repository.link(conn, threadId, "split_to", newId, "split_from", by.id(), why)
                      .compose(v -> logInBoth(at.group().id(), to.id(), group -> repository.log(conn, group, by.id(), "thread.split",
                          "thread", threadId, "#" + newId, why, "#" + threadId + " (" + at.thread().postCount() + ")",
                          "#" + threadId + " (" + (from - 1) + ") + #" + newId + " (" + (at.thread().postCount() - from + 1) + ")")))
                      .map(v -> {
                        List<Change> made = new ArrayList<>(List.of(Change.thread(threadId, "thread.split", newId),
                            Change.group(at.group().id(), "thread.changed", threadId), Change.group(to.id(), "thread.created", newId)));
                        return Outcome.of(newId, made.toArray(Change[]::new));
                      }));
            });
          }))));
    }));
  }

  /**
   * A moderator merges thread {@code threadId} into the thread {@code into} names (an id, or a
   * link to it): its posts join the target's in the order they were written, readers' positions and
   * watchers carry over, and the merged thread redirects to the target and leaves lists and search.
   * Completes with the target's id.
   *
   * <p>Fails with BAD_REQUEST for a missing reason, an unreadable target or the thread itself,
   * FORBIDDEN when the viewer does not moderate both groups, CONFLICT when either thread has been
   * merged already, NOT_FOUND when the viewer may not read the thread.
   */
  public Future<Long> merge(long threadId, Member by, String into, String reason) {
    Optional<Member> viewer = Optional.of(by);
    Long targetId = threadIdIn(into);
    return requiredReason(reason).compose(why -> locate(threadId, viewer).compose(at -> {
      if (!GroupPolicy.canModerate(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (targetId == null) {
        return Future.failedFuture(DomainException.badRequest("thread.error.mergeTarget"));
      }
      if (targetId == threadId) {
        return Future.failedFuture(DomainException.badRequest("thread.error.mergeSelf"));
      }
      return locate(targetId, viewer).recover(e -> Future.failedFuture(DomainException.badRequest("thread.error.mergeTarget")))
          .compose(target -> !GroupPolicy.canModerate(viewer, target.group()) ? Future.<Long>failedFuture(DomainException.forbidden())
              : reads.flush().compose(flushed -> changes.transaction(conn -> repository.lockThreads(conn, threadId, targetId)
                  .compose(locked -> {
                    if (locked.get(threadId) != null || locked.get(targetId) != null) {
                      return Future.failedFuture(new DomainException(Kind.CONFLICT, "thread.error.merged"));
                    }
                    return repository.merge(conn, threadId, targetId)
                        .compose(v -> repository.link(conn, targetId, "merged_from", threadId, "merged_into", by.id(), why))
                        .compose(v -> logInBoth(at.group().id(), target.group().id(), group -> repository.log(conn, group, by.id(),
                            "thread.merge", "thread", threadId, "#" + targetId, why, "#" + threadId, "#" + targetId)))
                        .map(v -> Outcome.of(targetId, Change.thread(threadId, "thread.merged", targetId),
                            Change.thread(targetId, "thread.changed", targetId),
                            Change.group(at.group().id(), "thread.merged", threadId),
                            Change.group(target.group().id(), "thread.activity", targetId)));
                  }))));
    }));
  }

  /** An action across two groups is in both groups' audit logs, so each group's moderators read it. */
  private static Future<Void> logInBoth(long groupId, long otherGroupId, java.util.function.LongFunction<Future<Void>> log) {
    return log.apply(groupId).compose(v -> otherGroupId == groupId ? Future.<Void>succeededFuture() : log.apply(otherGroupId));
  }

  private static final java.util.regex.Pattern THREAD_REF = java.util.regex.Pattern.compile("^(?:.*/threads/)?#?(\\d{1,18})(?:[/?#].*)?$");

  /** A thread's id from what a moderator typed: {@code 12}, {@code #12} or a link to {@code /threads/12}; null if none. */
  static Long threadIdIn(String typed) {
    if (typed == null) {
      return null;
    }
    java.util.regex.Matcher m = THREAD_REF.matcher(typed.strip());
    return m.matches() ? Long.valueOf(m.group(1)) : null;
  }

  /** Watches or mutes a thread, or returns it to normal. */
  public Future<Void> subscribe(long threadId, Member member, SubscriptionLevel level) {
    return locate(threadId, Optional.of(member)).compose(at -> repository.setThreadLevel(pool, member.id(), threadId, level));
  }

  /** Watches or mutes a group, or returns it to normal. */
  public Future<Void> subscribeGroup(WorkingGroup group, Member member, SubscriptionLevel level) {
    return repository.setGroupLevel(pool, member.id(), group.id(), level);
  }

  /**
   * Handles and names to suggest after "@" in a group: members who can read it (everyone for a
   * public group, its members for a closed one). The group has been checked for the viewer.
   */
  public Future<List<MentionSuggestion>> mentionSuggestions(WorkingGroup group, String prefix) {
    String p = prefix == null ? "" : prefix.strip().replaceFirst("^@", "");
    if (p.isEmpty() || p.length() > 40) {
      return Future.succeededFuture(List.of());
    }
    return repository.suggest(pool, p, group.closed() ? group.id() : null);
  }

  /**
   * The member's latest posts (at most {@code limit}) that the viewer may read: only from active groups
   * the viewer may read ({@link GroupPolicy#canRead}, in the statement and again here), none deleted or held
   * for review. One statement that walks the member's posts newest first and stops at the limit, whatever
   * the number of groups; each excerpt is cut from the post's stored HTML ({@link Markdown#plainTextOfHtml}),
   * not rendered again from its Markdown.
   */
  public Future<List<AuthoredPost>> recentPostsBy(long authorId, Optional<Member> viewer, int limit) {
    return repository.byAuthor(pool, authorId, viewer.map(Member::id).orElse(null),
            GroupPolicy.canAdminister(viewer), limit)
        .map(rows -> rows.stream().filter(r -> GroupPolicy.canRead(viewer, r.group()))
            .map(r -> new AuthoredPost(r.postId(), r.threadTitle(), r.group().slug(), r.group().name(), r.createdAt(),
                Markdown.plainTextOfHtml(r.htmlHead(), r.htmlCut(), 200)))
            .toList());
  }

  /** A post's HTML with its mentions linked, and the members it mentions who may read the group. */
  private record Mentioning(String html, List<ThreadRepository.Mentionable> members) {}

  /**
   * Resolves a post's @handles to members who may read the group, in one query, and links them in
   * the rendered HTML (see {@link Markdown#toHtml(String, java.util.Set)}). A mention of anyone else stays plain text and records nothing.
   */
  private Future<Mentioning> mentioning(SqlConnection conn, Long closedGroupId, String body, String html) {
    List<String> handles = Markdown.mentions(body).stream().map(h -> h.toLowerCase(Locale.ROOT)).distinct().toList();
    if (handles.isEmpty()) {
      return Future.succeededFuture(new Mentioning(html, List.of()));
    }
    return repository.mentionable(conn, handles, closedGroupId)
        .map(found -> new Mentioning(found.isEmpty() ? html : Markdown.toHtml(body, found.stream()
            .map(f -> f.handle().toLowerCase(Locale.ROOT)).collect(Collectors.toSet())), found));
  }

  /** Who may be mentioned in the group: for a closed group its id (its members), for a public one null (anyone). */
  private static Long readers(WorkingGroup group) {
    return group.closed() ? group.id() : null;
  }

  private Future<Void> recordMentions(SqlConnection conn, long postId, Mentioning m) {
    return newMentions(conn, postId, m).mapEmpty();
  }

  /** Records the post's mentions; completes with the members mentioned for the first time. */
  private Future<List<Long>> newMentions(SqlConnection conn, long postId, Mentioning m) {
    Future<List<Long>> chain = Future.succeededFuture(new java.util.ArrayList<>());
    for (ThreadRepository.Mentionable member : m.members()) {
      chain = chain.compose(found -> repository.addMention(conn, postId, member.id()).map(added -> {
        if (added) {
          found.add(member.id());
        }
        return found;
      }));
    }
    return chain;
  }

  /** A notice about a new post: its mentioned members told as mentions. */
  private static Notice postNotice(long postId, Member author, long threadId, WorkingGroup group, String title, Mentioning m) {
    return Notice.about("post", postId, "/posts/" + postId).by(author.id()).in("thread", threadId, group.id(), title)
        .tell(m.members().stream().map(ThreadRepository.Mentionable::id).toList(), NotificationKind.MENTION);
  }

  /** Quotes of a post name it as {@code > [Author](/posts/12):}, see {@code ReplyPage.quote}. */
  private static final java.util.regex.Pattern QUOTE = java.util.regex.Pattern.compile("(?m)^>\\s*\\[[^\\]\\n]*]\\(/posts/(\\d{1,18})\\)");

  /** The posts a reply answers: the one it replies to and those it quotes. */
  private static java.util.Set<Long> answered(Long replyTo, String body) {
    java.util.Set<Long> ids = new java.util.HashSet<>();
    if (replyTo != null) {
      ids.add(replyTo);
    }
    java.util.regex.Matcher quoted = QUOTE.matcher(body);
    while (quoted.find() && ids.size() < 20) {
      ids.add(Long.parseLong(quoted.group(1)));
    }
    return ids;
  }

  /** The ids among {@code postIds} of posts the viewer may read now: not deleted, in a group the viewer may read. */
  public Future<java.util.Set<Long>> readablePosts(Optional<Member> viewer, java.util.Set<Long> postIds) {
    return repository.livePostGroups(pool, postIds).compose(groupOf -> groups.readable(viewer, java.util.Set.copyOf(groupOf.values()))
        .map(readable -> groupOf.entrySet().stream().filter(e -> readable.contains(e.getValue()))
            .map(java.util.Map.Entry::getKey).collect(Collectors.toSet())));
  }

  /** The members among {@code memberIds} who may read the post now (none when it is deleted). */
  public Future<java.util.Set<Long>> postReaders(long postId, java.util.Set<Long> memberIds) {
    return repository.livePostGroups(pool, java.util.Set.of(postId)).compose(groupOf -> groupOf.containsKey(postId)
        ? groups.readers(groupOf.get(postId), memberIds) : Future.succeededFuture(java.util.Set.of()));
  }

  private static String clean(String token) {
    return token == null || token.isBlank() || token.length() > 100 ? null : token;
  }

  /** Lists that the routes hand to templates, kept immutable. */
  static <T> List<T> copy(List<T> list) {
    return new ArrayList<>(list);
  }
}
