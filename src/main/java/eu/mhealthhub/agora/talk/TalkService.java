package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.limits.RateLimits;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.live.LiveAddress;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import eu.mhealthhub.agora.text.Markdown;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Talks and their live rooms. Everyone reads Talks and rooms; members take part while a room is
 * open; the Talk's moderators ({@link TalkPolicy}) approve, hide, merge, pin and answer questions,
 * and close the room into follow-up threads. Every change runs in one transaction and is announced
 * on {@code talk.<id>} after commit; writers in the room hold the Talk's row shared, so closing
 * (which takes it alone) never races a question in flight.
 *
 * <p>Failures: NOT_FOUND for a missing Talk or question (or a question the viewer may not see),
 * FORBIDDEN for an action the viewer may not take, CONFLICT when the room is not open or the
 * question no longer takes that action, BAD_REQUEST for invalid input, TOO_MANY when a member
 * floods the room.
 */
public final class TalkService {

  /** Messages shown when a room page opens; older ones are in the database, not on the page. */
  public static final int MESSAGES_SHOWN = 50;
  /** Questions on the presenter view besides the pinned one. */
  public static final int PRESENTER_TOP = 5;
  /**
   * Questions the room page lists at most, the best voted (or newest) first; a link shows them all. A Talk's page
   * costs the same however many questions it gathered (issue 18).
   */
  public static final int QUESTIONS_SHOWN = 100;
  /** Questions shown at once when a moderator chooses the one to merge a duplicate into. */
  public static final int MERGE_CHOICES = 20;

  /** Rate limits (AGORA_RATE_LIMITS), shared by every node. */
  static final String MESSAGES = "talk.message";
  static final String QUESTIONS = "talk.question";
  static final String VOTES = "talk.vote";

  private final Pool pool;
  private final Clock clock;
  private final GroupService groups;
  private final ThreadService threads;
  private final ChangeFeed changes;
  private final RateLimits limiter;
  private final TalkRepository repository = new TalkRepository();

  /**
   * A Talk as one viewer sees it: the Talk's groups they may read, whether they moderate, and the
   * follow-ups they may read. The Talk form also needs every group the viewer may read: {@link #groupsFor}.
   */
  public record Room(Talk talk, List<WorkingGroup> groups, boolean moderator, List<Followup> followups) {}

  /** The follow-up thread of a closed room in one group. */
  public record Followup(WorkingGroup group, long threadId) {}

  /** A change in the room and the number its event got on {@code talk.<id>} (0 when nothing changed). */
  public record Sent(long id, long seq) {}

  /** What asking produced: a question in an open room, or a post in the follow-up thread of a closed one. */
  public record Asked(Long questionId, Long postId) {}

  /**
   * The texts of generated follow-up posts, in the closing moderator's language.
   *
   * @param title thread title from the Talk's title
   * @param intro first line of the opening post from the Talk's title and path
   * @param votes the line under a carried question, from its votes
   * @param anonymous stands for the author of an anonymous question
   * @param lateQuestion heads a question asked after the room closed
   */
  public record FollowupTexts(java.util.function.UnaryOperator<String> title,
      java.util.function.BinaryOperator<String> intro, java.util.function.IntFunction<String> votes, String anonymous,
      String lateQuestion) {}

  private final NotificationService notifications;
  /** Registrations, told when a Talk moves or its room closes; wired once mail has started. */
  private volatile TalkRegistrations registrations;
  private final TalkAttendance attendance;

  public TalkService(Pool pool, Clock clock, GroupService groups, ThreadService threads, ChangeFeed changes,
      NotificationService notifications, RateLimits limiter) {
    this.notifications = notifications;
    this.pool = pool;
    this.clock = clock;
    this.groups = groups;
    this.threads = threads;
    this.changes = changes;
    this.limiter = limiter;
    this.attendance = new TalkAttendance(pool, clock);
  }

  /** Attendance in the live rooms, recorded from presence on {@code talk.<id>}. */
  public TalkAttendance attendance() {
    return attendance;
  }

  /** Wires registrations: a moved Talk re-times their reminders, a closed room mails them the recording. */
  public void registrationsWith(TalkRegistrations registrations) {
    this.registrations = registrations;
  }

  /** Registrations, once wired (null before). */
  public TalkRegistrations registrations() {
    return registrations;
  }

  private Future<Void> retimeRegistrations(io.vertx.sqlclient.SqlConnection conn, long talkId) {
    TalkRegistrations r = registrations;
    return r == null ? Future.succeededFuture() : r.retime(conn, talkId);
  }

  /** Talks that have not ended yet, soonest first. */
  public Future<List<Talk>> upcoming(int limit) {
    return repository.upcoming(pool, clock.instant(), limit);
  }

  /**
   * Talks that have not ended yet, soonest first, as a short list shows them (the home page): two bounded
   * index reads, however many Talks have ended.
   */
  public Future<List<TalkListing>> upcomingListed(int limit) {
    return repository.upcomingListed(pool, clock.instant(), limit);
  }

  /** Talks that have ended, most recent first, as a short list shows them (the home page). */
  public Future<List<TalkListing>> recentListed(int limit) {
    return repository.pastListed(pool, clock.instant(), limit);
  }

  /** One page of the Talks that have ended, most recent first, and how many have ended. */
  public Future<java.util.Map.Entry<List<Talk>, Long>> pastPage(int page, int size) {
    var list = repository.pastPage(pool, clock.instant(), size, Math.max(0, page - 1) * size);
    var count = repository.countPast(pool, clock.instant());
    return Future.all(list, count).map(x -> java.util.Map.entry(list.result(), count.result()));
  }

  /** Talks that have ended, most recent first. */
  public Future<List<Talk>> recent(int limit) {
    return repository.past(pool, clock.instant(), limit);
  }

  /** One Talk; fails with NOT_FOUND. */
  public Future<Talk> find(String slug) {
    return repository.bySlug(pool, slug).map(t -> t.orElseThrow(DomainException::notFound));
  }

  /** Succeeds when the Talk exists (its room's events are public); fails with NOT_FOUND. */
  public Future<Void> exists(long talkId) {
    return repository.exists(pool, talkId).compose(found -> found ? Future.succeededFuture()
        : Future.failedFuture(DomainException.notFound()));
  }

  /**
   * The Talk with what the viewer may see of its groups and follow-ups, and whether they moderate it
   * (the groups' names and the viewer's roles, without counts).
   */
  public Future<Room> room(String slug, Optional<Member> viewer) {
    // the Talk, and its groups and follow-ups with the viewer's role in each, are asked for together (one wait); only
    // the Talk's own groups are read, not every group the viewer may read: the page's cost no longer grows with the
    // Hub's groups (issue 18, the archive's 300)
    Future<Talk> found = find(slug);
    Future<List<TalkRepository.TalkGroup>> attached = repository.groupsBySlug(pool, slug, viewer.map(Member::id).orElse(-1L));
    return Future.all(found, attached).map(x -> {
      Talk talk = found.result();
      // the group feature's read rule, on the groups as this viewer sees them
      List<TalkRepository.TalkGroup> readable = attached.result().stream()
          .filter(g -> GroupPolicy.canRead(viewer, g.group())).toList();
      List<WorkingGroup> mine = readable.stream().filter(g -> g.attached() && talk.groupIds().contains(g.group().id()))
          .map(TalkRepository.TalkGroup::group).toList();
      List<Followup> shown = readable.stream().filter(g -> g.followupThread() != null)
          .sorted(Comparator.comparingInt(TalkRepository.TalkGroup::followupPosition))
          .map(g -> new Followup(g.group(), g.followupThread())).toList();
      return new Room(talk, mine, TalkPolicy.canModerate(viewer, mine), shown);
    });
  }

  /**
   * Every group the viewer may read, with their role, without counts (the Talk form's choice of groups and the
   * programme's follow-ups show names only, so no group's threads are counted for them).
   */
  public Future<List<WorkingGroup>> groupsFor(Optional<Member> viewer) {
    return groups.readableBy(viewer);
  }

  /** The newest messages of the room after {@code afterId}, oldest first. */
  public Future<List<RoomMessage>> messages(Talk talk, long afterId) {
    return repository.messages(pool, talk.id(), Math.max(0, afterId), MESSAGES_SHOWN);
  }

  /** The questions the viewer may see, by votes (then oldest first) or newest first. */
  public Future<List<Question>> questions(Room room, Optional<Member> viewer, boolean newest) {
    return repository.questions(pool, room.talk().id(), viewer.map(Member::id).orElse(0L))
        .map(all -> all.stream().filter(q -> TalkPolicy.canSee(viewer, room.moderator(), q))
            .sorted(newest ? Comparator.comparingLong(Question::id).reversed()
                : Comparator.comparingInt(Question::votes).reversed().thenComparingLong(Question::id))
            .toList());
  }

  /** The questions a room page lists, and whether the viewer may see more than these. */
  public record ShownQuestions(List<Question> questions, boolean more) {}

  /**
   * The questions the viewer may see as {@link #questions} orders them: every one with {@code all}, otherwise the
   * first {@link #QUESTIONS_SHOWN}, read as such (the database sorts and stops; the rest is never sent).
   */
  public Future<ShownQuestions> shownQuestions(Room room, Optional<Member> viewer, boolean newest, boolean all) {
    if (all) {
      return questions(room, viewer, newest).map(list -> new ShownQuestions(list, false));
    }
    return repository.questionsSeen(pool, room.talk().id(), viewer.map(Member::id).orElse(0L), room.moderator(),
            newest, QUESTIONS_SHOWN + 1)
        .map(read -> {
          // the statement applies the rule; the policy decides again, as for the whole list
          List<Question> seen = read.stream().filter(q -> TalkPolicy.canSee(viewer, room.moderator(), q)).toList();
          return new ShownQuestions(seen.size() > QUESTIONS_SHOWN ? seen.subList(0, QUESTIONS_SHOWN) : seen,
              read.size() > QUESTIONS_SHOWN);
        });
  }

  /**
   * The pinned question and the top visible unanswered ones, as anyone may see them, best voted first: at most
   * {@link #PRESENTER_TOP} besides the pinned one (read as such: the database sorts and stops), which is there
   * wherever it ranks. The statement applies the rule; the policy decides again.
   */
  public Future<List<Question>> presenterQuestions(Talk talk) {
    long pinned = talk.pinnedQuestionId() == null ? 0L : talk.pinnedQuestionId();
    return repository.presenterQuestions(pool, talk.id(), pinned, PRESENTER_TOP + 1)
        .map(read -> read.stream().filter(q -> TalkPolicy.onPresenterView(q) && !q.answered()).toList());
  }

  private static String clean(String token) {
    return token == null || token.isBlank() || token.length() > 100 ? null : token;
  }

  private static DomainException notOpen(RoomState state) {
    return new DomainException(Kind.CONFLICT, state == RoomState.CLOSED ? "talk.room.error.closed" : "talk.room.error.notOpen");
  }

  /** Succeeds when a form has no problems; fails with BAD_REQUEST and the first of them otherwise. */
  private static Future<Void> check(Map<String, String> problems) {
    return problems.isEmpty() ? Future.succeededFuture() : refusal(problems);
  }

  /** A form refused for the first of its problems: BAD_REQUEST. */
  private static <T> Future<T> refusal(Map<String, String> problems) {
    return Future.failedFuture(DomainException.badRequest(problems.values().iterator().next()));
  }

  /**
   * Posts a chat message in an open room. A second submission with the same client token
   * completes with the first message's id and stores nothing.
   */
  public Future<Sent> postMessage(String slug, Member author, RoomForms.MessageForm form) {
    if (!form.problems().isEmpty()) {
      return refusal(form.problems());
    }
    String markdown = form.text();
    String html = Markdown.toHtml(markdown);
    String token = clean(form.clientToken());
    return limiter.take(MESSAGES, author).compose(limited -> changes.transactionWithEvents(conn -> repository.roomShared(conn, slug).compose(found -> {
      TalkRepository.SharedRoom room = found.orElseThrow(DomainException::notFound);
      if (room.state() != RoomState.OPEN) {
        return Future.failedFuture(notOpen(room.state()));
      }
      return repository.insertMessage(conn, room.talkId(), author.id(), markdown, html, token)
          .compose(id -> id.isPresent()
              ? Future.succeededFuture(Outcome.of(id.get(), Change.at(LiveAddress.of("talk", room.talkId()), "message.created", id.get())))
              : repository.messageByToken(conn, author.id(), token).map(existing -> Outcome.of(existing.orElseThrow())));
    }))).map(TalkService::sent);
  }

  /** The question an open room queued, or none (null) when the room was not open. */
  private record Queued(Long questionId, TalkRepository.SharedRoom room) {
    static Queued as(long questionId, TalkRepository.SharedRoom room) {
      return new Queued(questionId, room);
    }

    static Queued notOpen(TalkRepository.SharedRoom room) {
      return new Queued(null, room);
    }
  }

  /**
   * Asks a question. In an open room it joins the queue (pending when the room requires approval);
   * after the room closed it becomes a reply in the first follow-up thread the asker may post in.
   * Fails with CONFLICT when the room was never opened, and after the close with exactly the
   * CONFLICT of a closed room ({@code talk.room.error.closed}) when there is no follow-up thread
   * or the asker may post in none of them.
   */
  public Future<Asked> ask(String slug, Member author, RoomForms.QuestionForm form, FollowupTexts texts) {
    if (!form.problems().isEmpty()) {
      return refusal(form.problems());
    }
    String text = form.text();
    boolean anonymous = form.anonymous();
    String token = clean(form.clientToken());
    return limiter.take(QUESTIONS, author).compose(limited -> changes.transaction(conn -> repository.roomShared(conn, slug).compose(found -> {
      TalkRepository.SharedRoom room = found.orElseThrow(DomainException::notFound);
      if (room.state() != RoomState.OPEN) {
        // closed rooms pass their questions on to the follow-up thread, outside this transaction
        return Future.succeededFuture(Outcome.of(Queued.notOpen(room)));
      }
      String status = room.approvalRequired() ? "pending" : "visible";
      return repository.insertQuestion(conn, room.talkId(), author.id(), text, anonymous, status, token)
          .compose(id -> id.isPresent()
              ? Future.succeededFuture(Outcome.of(Queued.as(id.get(), room), new Change("talk." + room.talkId(),
                  // pending questions refresh moderators' lists without being announced to everyone
                  "pending".equals(status) ? "question.pending" : "question.created", id.get())))
              : repository.questionByToken(conn, author.id(), token)
                  .map(existing -> Outcome.of(Queued.as(existing.orElseThrow(), room))));
    }))).compose(queued -> {
      if (queued.questionId() != null) {
        return Future.succeededFuture(new Asked(queued.questionId(), null));
      }
      if (queued.room().state() != RoomState.CLOSED) {
        return Future.failedFuture(notOpen(queued.room().state()));
      }
      Optional<Member> viewer = Optional.of(author);
      return Future.all(repository.followups(pool, queued.room().talkId()), groups.visibleTo(viewer)).compose(all -> {
        List<TalkRepository.FollowupThread> followups = all.resultAt(0);
        List<WorkingGroup> readable = all.resultAt(1);
        if (followups.isEmpty()) {
          return Future.failedFuture(notOpen(RoomState.CLOSED));
        }
        // the first follow-up thread the asker may post in, by the group's ordinary rules
        Optional<TalkRepository.FollowupThread> target = followups.stream().filter(f -> readable.stream()
            .anyMatch(g -> g.id() == f.groupId() && GroupPolicy.canPost(viewer, g))).findFirst();
        if (target.isEmpty()) {
          // someone who may not post in any follow-up thread gets what a closed room answers, so
          // the answer tells nothing of follow-up threads in groups they cannot see
          return Future.failedFuture(notOpen(RoomState.CLOSED));
        }
        String markdown = "**" + texts.lateQuestion() + "** " + text;
        return threads.reply(target.get().threadId(), author, markdown, null, token, List.of())
            .map(postId -> new Asked(null, postId));
      });
    });
  }

  /**
   * Sets the member's vote on a question: {@code up} adds it, otherwise takes it back. Setting it
   * twice changes nothing (a table's primary key holds one vote per member and question).
   * Completes with the question's votes and the event's number. Fails with CONFLICT for a closed room or a question that
   * is pending, hidden or merged.
   */
  public Future<Voted> vote(String slug, long questionId, Member member, RoomForms.VoteForm form) {
    if (!form.problems().isEmpty()) {
      return refusal(form.problems());
    }
    boolean up = form.upvote();
    return limiter.take(VOTES, member).compose(limited -> changes.transactionWithEvents(conn -> repository.roomShared(conn, slug).compose(found -> {
      TalkRepository.SharedRoom room = found.orElseThrow(DomainException::notFound);
      if (room.state() != RoomState.OPEN) {
        return repository.question(conn, room.talkId(), questionId, member.id()).compose(q -> q.isEmpty()
            ? Future.failedFuture(DomainException.notFound()) : Future.failedFuture(notOpen(room.state())));
      }
      return repository.vote(conn, room.talkId(), questionId, member.id(), up).compose(r -> {
        if (r.isPresent()) {
          return Future.succeededFuture(!r.get().changed() ? Outcome.of(r.get().votes())
              : Outcome.of(r.get().votes(), Change.at(LiveAddress.of("talk", room.talkId()), "question.voted", questionId)));
        }
        // not votable: say why
        return repository.question(conn, room.talkId(), questionId, member.id()).compose(q -> {
          Question question = q.orElseThrow(DomainException::notFound);
          return Future.failedFuture(new DomainException(Kind.CONFLICT,
              question.merged() ? "talk.question.error.merged" : "talk.question.error.notVotable"));
        });
      });
    }))).map(c -> new Voted(c.value(), c.events().isEmpty() ? 0 : c.events().get(0).seq()));
  }

  /** A question's votes after a vote, and the number of the vote's event (0 when nothing changed). */
  public record Voted(int votes, long seq) {}

  private static Sent sent(ChangeFeed.Committed<Long> c) {
    return new Sent(c.value(), c.events().isEmpty() ? 0 : c.events().get(0).seq());
  }

  /** Moderator actions on one question. */
  public enum Action { APPROVE, HIDE, PIN, UNPIN, ANSWER, MERGE }

  /**
   * A moderator acts on a question: approve (pending or hidden to visible), hide, pin (the question
   * being answered), unpin, answer (with a short text; unpins it), merge into {@code targetId}
   * (its voters vote for the target, once each). Logged in the moderation log.
   */
  public Future<Void> moderate(String slug, Member by, RoomForms.ModerationForm form) {
    Optional<Member> viewer = Optional.of(by);
    long questionId = form.questionId();
    Action action = form.action();
    String text = form.answer();
    Long targetId = form.into();
    return check(form.problems()).compose(ok -> room(slug, viewer)).compose(room -> {
      if (!room.moderator()) {
        return Future.failedFuture(DomainException.forbidden());
      }
      long talkId = room.talk().id();
      Change changed = new Change(room.talk().address(), "question.changed", questionId);
      return changes.transaction(conn -> repository.roomShared(conn, slug)
          .compose(state -> repository.lockQuestion(conn, talkId, questionId, by.id()))
          .compose(found -> {
            Question q = found.orElseThrow(DomainException::notFound);
            if (q.merged()) {
              return Future.failedFuture(new DomainException(Kind.CONFLICT, "talk.question.error.merged"));
            }
            Future<Void> done = switch (action) {
              case APPROVE -> q.visible() ? conflict("talk.question.error.state") : repository.setStatus(conn, questionId, "visible");
              case HIDE -> q.hidden() ? conflict("talk.question.error.state")
                  : repository.setStatus(conn, questionId, "hidden").compose(v -> repository.unpinIf(conn, talkId, questionId));
              case PIN -> q.visible() ? repository.pin(conn, talkId, questionId) : conflict("talk.question.error.state");
              case UNPIN -> repository.unpinIf(conn, talkId, questionId);
              case ANSWER -> q.visible() ? repository.answer(conn, questionId, text)
                  .compose(v -> repository.unpinIf(conn, talkId, questionId)) : conflict("talk.question.error.state");
              case MERGE -> repository.lockQuestion(conn, talkId, targetId, by.id()).compose(t -> {
                Question target = t.orElseThrow(() -> DomainException.badRequest("talk.question.error.mergeTarget"));
                return target.merged() || target.hidden() ? conflict("talk.question.error.mergeTarget")
                    : repository.merge(conn, questionId, targetId).compose(v -> repository.unpinIf(conn, talkId, questionId));
              });
            };
            List<Change> made = action == Action.MERGE
                ? List.of(changed, new Change(room.talk().address(), "question.changed", targetId)) : List.of(changed);
            return done.compose(v -> action != Action.ANSWER && action != Action.MERGE ? Future.<Void>succeededFuture()
                    : notifications.record(conn, Notice.about("talk", talkId, "/talks/" + room.talk().slug() + "#question-"
                        + (action == Action.MERGE ? targetId : questionId)).by(by.id())
                        .in("talk", talkId, null, room.talk().title()).detail(action == Action.ANSWER ? text : q.body())
                        .tell(q.authorId(), action == Action.ANSWER ? NotificationKind.QUESTION_ANSWERED
                            : NotificationKind.QUESTION_MERGED)))
                .compose(v -> repository.log(conn, null, by.id(), "talk.question." + action.name().toLowerCase(),
                    "talk_question", questionId, action == Action.MERGE ? String.valueOf(targetId) : text))
                .map(v -> new Outcome<Void>(null, made));
          }));
    });
  }

  /** Whether a question can take a duplicate's votes: visible or awaiting approval, not hidden or merged. */
  public static boolean mergeTarget(Question q) {
    return q.visible() || q.pending();
  }

  /**
   * What a moderator chooses from to merge a duplicate: the Talk, the duplicate, the search text,
   * the best voted {@link #MERGE_CHOICES} questions that match it, and how many match in all.
   */
  public record MergeChoices(Talk talk, Question question, String query, List<Question> candidates, long matching) {
    /** How many are shown. */
    public int shown() {
      return candidates.size();
    }

    /** Whether more questions match than are shown. */
    public boolean more() {
      return matching > candidates.size();
    }
  }

  /**
   * The questions a moderator may merge {@code questionId} into (see {@link #mergeTarget}): those
   * whose text contains {@code query}, ignoring case, or whose number it is ({@code 12} or
   * {@code #12}); all of them for an empty query. Best voted first, at most {@link #MERGE_CHOICES}.
   * Fails with FORBIDDEN for a member who does not moderate the Talk, NOT_FOUND for a question
   * not in it, CONFLICT for a question merged already, BAD_REQUEST for a query longer than a question.
   */
  public Future<MergeChoices> mergeChoices(String slug, long questionId, Member by, String query) {
    String text = query == null ? "" : query.strip();
    if (text.length() > Question.MAX_BODY) {
      return Future.failedFuture(DomainException.badRequest("talk.merge.error.query"));
    }
    String number = text.startsWith("#") ? text.substring(1).strip() : text;
    return room(slug, Optional.of(by)).compose(room -> {
      if (!room.moderator()) {
        return Future.failedFuture(DomainException.forbidden());
      }
      long talkId = room.talk().id();
      return repository.question(pool, talkId, questionId, by.id()).compose(found -> {
        Question q = found.orElseThrow(DomainException::notFound);
        if (q.merged()) {
          return Future.failedFuture(new DomainException(Kind.CONFLICT, "talk.question.error.merged"));
        }
        var candidates = repository.mergeCandidates(pool, talkId, questionId, by.id(), text, number, MERGE_CHOICES);
        var matching = repository.countMergeCandidates(pool, talkId, questionId, text, number);
        return Future.all(candidates, matching)
            .map(all -> new MergeChoices(room.talk(), q, text, candidates.result(), matching.result()));
      });
    });
  }

  /** A moderator hides a chat message (kept, shown to nobody); NOT_FOUND when it is missing or hidden already. */
  public Future<Void> hideMessage(String slug, long messageId, Member by) {
    return room(slug, Optional.of(by)).compose(room -> !room.moderator() ? Future.failedFuture(DomainException.forbidden())
        : changes.transaction(conn -> repository.hideMessage(conn, room.talk().id(), messageId, by.id())
            .compose(hidden -> !hidden ? Future.<Void>failedFuture(DomainException.notFound())
                : repository.log(conn, null, by.id(), "talk.hideMessage", "talk_message", messageId, ""))
            .map(v -> Outcome.<Void>of(null, new Change(room.talk().address(), "message.hidden", messageId)))));
  }

  /**
   * A chat message or question as a flag sees it (kind {@code message} or {@code question}).
   *
   * @param groupId   the Talk's first working group, whose flag threshold applies; null for a Talk of no group
   * @param authorName null for an anonymous question: the flag page does not reveal its author
   * @param hidden    hidden already (by a moderator, or held for review)
   */
  public record FlagTarget(String kind, long id, String url, Long groupId, long authorId, String authorName,
      String text, boolean hidden) {}

  /**
   * The message or question a member may flag. Fails NOT_FOUND for an unknown kind, a missing item,
   * or one the member cannot see in the room (pending, merged, hidden by a moderator).
   */
  public Future<FlagTarget> flagTarget(String kind, long id) {
    Future<Optional<TalkRepository.ToFlag>> found = switch (kind) {
      case "message" -> repository.messageToFlag(pool, id);
      case "question" -> repository.questionToFlag(pool, id);
      default -> Future.succeededFuture(Optional.empty());
    };
    return found.map(f -> f.filter(t -> !t.hidden() || t.held()).map(t -> new FlagTarget(kind, t.id(),
            "/talks/" + t.slug() + "#" + kind + "-" + t.id(), t.groupId(), t.authorId(),
            t.anonymous() ? null : t.authorName(), t.text(), t.hidden()))
        .orElseThrow(DomainException::notFound));
  }

  /**
   * Hides a flagged message or question pending review, in the flag's transaction; the room shows
   * a notice in its place. The change to announce after commit, empty when it was hidden already.
   */
  public Future<Optional<Change>> holdForReview(io.vertx.sqlclient.SqlConnection conn, FlagTarget target) {
    boolean message = "message".equals(target.kind());
    Future<Boolean> held = message ? repository.holdMessage(conn, target.id()) : repository.holdQuestion(conn, target.id());
    return held.compose(changed -> {
      if (!changed) {
        return Future.succeededFuture(Optional.<Change>empty());
      }
      return (message ? repository.messageToFlag(conn, target.id()) : repository.questionToFlag(conn, target.id()))
          .compose(t -> {
            long talkId = t.orElseThrow(DomainException::notFound).talkId();
            Future<Void> unpinned = message ? Future.succeededFuture() : repository.unpinIf(conn, talkId, target.id());
            return unpinned.map(v -> Optional.of(new Change(LiveAddress.of("talk", talkId).toString(),
                message ? "message.held" : "question.changed", target.id())));
          });
    });
  }

  private static Future<Void> conflict(String key) {
    return Future.failedFuture(new DomainException(Kind.CONFLICT, key));
  }

  /** Room settings a moderator changes: open it, require approval or not. */
  public enum Setting { OPEN, APPROVAL_ON, APPROVAL_OFF }

  /** A moderator opens the room or changes whether questions need approval. */
  public Future<Void> configure(String slug, Member by, RoomForms.SettingForm form) {
    Optional<Member> viewer = Optional.of(by);
    Setting setting = form.setting();
    return check(form.problems()).compose(ok -> room(slug, viewer)).compose(room -> !room.moderator()
        ? Future.failedFuture(DomainException.forbidden())
        : changes.transaction(conn -> repository.lockBySlug(conn, slug).compose(found -> {
          Talk talk = found.orElseThrow(DomainException::notFound);
          Future<Void> done = switch (setting) {
            case OPEN -> talk.roomScheduled() ? repository.setState(conn, talk.id(), RoomState.OPEN) : conflict(talk.roomOpen()
                ? "talk.room.error.alreadyOpen" : "talk.room.error.closed");
            case APPROVAL_ON, APPROVAL_OFF -> talk.roomClosed() ? conflict("talk.room.error.closed")
                : repository.setApproval(conn, talk.id(), setting == Setting.APPROVAL_ON);
          };
          return done.compose(v -> setting != Setting.OPEN ? Future.<Void>succeededFuture()
                  : notifications.record(conn, Notice.about("talk", talk.id(), "/talks/" + talk.slug()).by(by.id())
                      .in("talk", talk.id(), null, talk.title()).watchers("talk", talk.id(), NotificationKind.TALK_ROOM_OPENED)))
              .compose(v -> repository.log(conn, null, by.id(), "talk.room." + setting.name().toLowerCase(),
                  "talk", talk.id(), ""))
              .map(v -> Outcome.<Void>of(null, new Change(talk.address(), "room.changed", talk.id())));
        })));
  }

  /**
   * A moderator closes an open room with a summary: in each chosen group (among the Talk's groups
   * the moderator may read) a follow-up thread opens with the summary, then every unanswered
   * visible question, most votes first, under its author (the moderator stands in for anonymous
   * askers) with its votes. All in one transaction. Completes with the follow-up thread ids.
   * {@code room} is the Talk as {@code by} sees it ({@link #room}). Fails with BAD_REQUEST for the
   * form's problems or a group that is not one of the Talk's, FORBIDDEN for anyone who does not
   * moderate the Talk, CONFLICT when the room is not open.
   */
  public Future<List<Long>> close(Room room, Member by, RoomForms.CloseForm form, FollowupTexts texts) {
    String text = form.text();
    String slug = room.talk().slug();
    return check(form.problems()).compose(ok -> {
      if (!room.moderator()) {
        return Future.failedFuture(DomainException.forbidden());
      }
      Set<Long> chosen = Set.copyOf(form.groupIds());
      List<WorkingGroup> targets = room.groups().stream().filter(g -> chosen.contains(g.id())).toList();
      if (targets.size() != chosen.size() || targets.isEmpty() && !room.groups().isEmpty()) {
        return Future.failedFuture(DomainException.badRequest("talk.close.error.groups"));
      }
      Talk talk = room.talk();
      return changes.transaction(conn -> repository.lockBySlug(conn, slug).compose(found -> {
        Talk locked = found.orElseThrow(DomainException::notFound);
        if (!locked.roomOpen()) {
          return Future.failedFuture(new DomainException(Kind.CONFLICT, locked.roomClosed()
              ? "talk.room.error.closed" : "talk.room.error.notOpen"));
        }
        return repository.unanswered(conn, talk.id()).compose(open -> {
          List<ThreadService.Carried> posts = new ArrayList<>();
          posts.add(new ThreadService.Carried(by.id(), texts.intro().apply(talk.title(), "/talks/" + talk.slug())
              + "\n\n" + text));
          for (Question q : open) {
            String who = q.anonymous() ? "*" + texts.anonymous() + "*\n\n" : "";
            posts.add(new ThreadService.Carried(q.anonymous() ? by.id() : q.authorId(),
                who + quote(q.body()) + "\n\n*" + texts.votes().apply(q.votes()) + "*"));
          }
          List<Change> made = new ArrayList<>();
          List<Long> threadIds = new ArrayList<>();
          Future<Void> chain = Future.succeededFuture();
          for (int i = 0; i < targets.size(); i++) {
            WorkingGroup g = targets.get(i);
            int position = i;
            chain = chain.compose(v -> threads.startThreadIn(conn, g, texts.title().apply(talk.title()), posts)
                .compose(outcome -> {
                  made.addAll(outcome.changes());
                  threadIds.add(outcome.value());
                  return repository.insertFollowup(conn, talk.id(), g.id(), outcome.value(), position);
                }));
          }
          return chain.compose(v -> repository.close(conn, talk.id(), text, by.id()))
              .compose(v -> registrations == null ? Future.<Void>succeededFuture()
                  : registrations.afterTalk(conn, talk.id(), targets, threadIds))
              .compose(v -> repository.log(conn, null, by.id(), "talk.closed", "talk", talk.id(), ""))
              .map(v -> {
                made.add(new Change(talk.address(), "room.closed", talk.id()));
                return new Outcome<List<Long>>(List.copyOf(threadIds), List.copyOf(made));
              });
        });
      }));
    });
  }

  /**
   * Creates a Talk (admins, or moderators for groups they moderate); completes with its slug.
   * {@code readable} are the groups the viewer may read, with their role ({@link #groupsFor}).
   * Fails with FORBIDDEN for anyone else, BAD_REQUEST for the form's problems or a group they may
   * not attach, CONFLICT for a slug in use.
   */
  public Future<String> create(Optional<Member> viewer, List<WorkingGroup> readable, TalkForm form) {
    if (!TalkPolicy.canCreate(viewer, readable)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return check(form.problems(true)).compose(ok -> {
      if (!allowedGroups(viewer, readable, form.groupIds())) {
        return Future.failedFuture(DomainException.badRequest("talk.form.error.groups"));
      }
      return changes.transaction(conn -> repository.bySlug(conn, form.slug()).compose(existing -> existing.isPresent()
          ? Future.failedFuture(new DomainException(Kind.CONFLICT, "talk.form.error.slugTaken"))
          : repository.insertTalk(conn, form).compose(id -> repository.replaceSpeakersAndGroups(conn, id, form, Map.of())
              .compose(v -> repository.log(conn, null, viewer.orElseThrow().id(), "talk.create", "talk", id, form.slug()))
              .map(v -> Outcome.of(form.slug(), Change.at(LiveAddress.of("talk", id), "talk.changed", id))))));
    });
  }

  /**
   * Edits a Talk (its moderators); {@code room} is the Talk as the viewer sees it ({@link #room}), {@code readable}
   * every group they may read ({@link #groupsFor}). Fails as {@link #create} does.
   */
  public Future<Void> update(Room room, List<WorkingGroup> readable, Optional<Member> viewer, TalkForm form) {
    if (!room.moderator()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return check(form.problems(false)).compose(ok -> {
      if (!allowedGroups(viewer, readable, form.groupIds())) {
        return Future.failedFuture(DomainException.badRequest("talk.form.error.groups"));
      }
      // groups the editor cannot read stay as they were
      List<Long> kept = new ArrayList<>(room.talk().groupIds().stream()
          .filter(id -> readable.stream().noneMatch(g -> g.id() == id)).toList());
      kept.addAll(form.groupIds());
      TalkForm merged = new TalkForm(room.talk().slug(), form.title(), form.description(), form.startText(),
          form.endText(), form.startsAt(), form.endsAt(), form.slidesUrl(), form.recordingUrl(), form.speakers(),
          kept.stream().distinct().toList(), form.language());
      Map<String, Talk.SpeakerDeclaration> previous = new java.util.HashMap<>();
      room.talk().speakers().stream().filter(sp -> sp.declaration() != null)
          .forEach(sp -> previous.put(sp.key(), sp.declaration()));
      long id = room.talk().id();
      return changes.transaction(conn -> repository.updateTalk(conn, id, merged)
          .compose(v -> repository.replaceSpeakersAndGroups(conn, id, merged, previous))
          .compose(v -> retimeRegistrations(conn, id))
          .compose(v -> repository.log(conn, null, viewer.orElseThrow().id(), "talk.update", "talk", id, ""))
          .map(v -> Outcome.<Void>of(null, Change.at(LiveAddress.of("talk", id), "talk.changed", id))));
    });
  }

  /**
   * The form with its speakers' members found by handle (case aside, erased members never), so that
   * {@link TalkForm#problems} can name a handle nobody has.
   */
  public Future<TalkForm> withSpeakerMembers(TalkForm form) {
    List<String> handles = form.speakers().stream().map(TalkForm.SpeakerForm::handle).filter(h -> !h.isEmpty())
        .map(h -> h.toLowerCase(java.util.Locale.ROOT)).distinct().toList();
    return handles.isEmpty() ? Future.succeededFuture(form)
        : repository.membersByHandle(pool, handles).map(form::withMembers);
  }

  /** Admins may attach any readable group; moderators only groups they moderate. */
  private static boolean allowedGroups(Optional<Member> viewer, List<WorkingGroup> readable, List<Long> ids) {
    boolean admin = viewer.map(Member::admin).orElse(false);
    return ids.stream().allMatch(id -> readable.stream().anyMatch(g -> g.id() == id && (admin || g.viewerIsModerator())));
  }

  /** A question as a Markdown block quote, so it reads as quoted words whatever it holds. */
  private static String quote(String text) {
    return "> " + text.strip().replace("\n", "\n> ");
  }

  /** Whether the viewer follows the Talk (a visitor follows nothing). */
  public Future<Boolean> following(Optional<Member> viewer, long talkId) {
    return viewer.map(m -> notifications.watching(m, "talk", talkId)).orElse(Future.succeededFuture(false));
  }
}
