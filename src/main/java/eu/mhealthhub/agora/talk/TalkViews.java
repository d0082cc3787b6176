package eu.mhealthhub.agora.talk;

import eu.mhealthhub.agora.declaration.DeclarationPages;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.talk.RoomForms.MessageForm;
import eu.mhealthhub.agora.talk.RoomForms.QuestionForm;
import eu.mhealthhub.agora.talk.TalkService.Followup;
import eu.mhealthhub.agora.talk.TalkService.MergeChoices;
import eu.mhealthhub.agora.talk.TalkService.Room;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each Talk page and room fragment shows, as one record per page, built from
 * {@link TalkService} with the viewer's permissions decided here, so the routes only read the
 * request and render. Every method fails as the service does: NOT_FOUND for a missing Talk or
 * question, FORBIDDEN for a form the viewer may not use, CONFLICT for a room that cannot be closed.
 */
public final class TalkViews {

  private final TalkService talks;

  public TalkViews(TalkService talks) {
    this.talks = talks;
  }

  // ---- pages

  /**
   * A question in the room's list as this viewer sees it: its author only where they may see it,
   * the moderation buttons only for the Talk's moderators while the room is open.
   */
  public record QuestionView(long id, String slug, String sortQuery, String body, String author, boolean anonymous,
      int votes, boolean voted, boolean pending, boolean hidden, boolean answered, String answer, boolean pinned,
      boolean canVote, boolean moderate, boolean canMerge, boolean held, boolean canFlag, boolean canReport,
      String authorHandle, Integer declarationVersion) {}

  /**
   * A chat message as this viewer sees it: a notice instead of a held one's text; the flag link
   * for members on others' messages, the notice link for everyone.
   */
  public record MessageView(long id, String authorName, String html, java.time.Instant createdAt, boolean held,
      boolean canFlag, boolean canReport) {

    /** The Talk's moderators hide messages themselves: they get no flag or notice links. */
    static List<MessageView> of(List<RoomMessage> messages, Optional<Member> viewer, boolean moderator) {
      return messages.stream().map(m -> new MessageView(m.id(), m.authorName(), m.html(), m.createdAt(), m.held(),
          !moderator && !m.held() && TalkPolicy.canFlag(viewer, m.authorId()), !moderator && !m.held())).toList();
    }
  }

  /**
   * The room's question list, in the order asked for: the fragment the room's script fetches again. Without
   * {@code allQuestions} it holds the first {@link TalkService#QUESTIONS_SHOWN}, {@code moreQuestions} when there are more.
   */
  public record QuestionsView(Talk talk, List<QuestionView> questions, boolean newest, String sortParam,
      boolean moreQuestions, boolean allQuestions) {}

  /**
   * The Talk page with its room; a refused message or question comes back with its text and problem
   * at its form.
   */
  public record RoomPage(Talk talk, List<WorkingGroup> groups, List<Followup> followups, boolean moderator,
      List<QuestionView> questions, boolean newest, String sortParam, boolean signedIn, boolean canTakePart,
      boolean lateQuestions, boolean lateJoin, List<MessageView> messages, String clientToken, String messageBody,
      String messageProblem, String questionBody, String questionProblem, Map<String, String> problems,
      boolean hasProblems, boolean following, boolean moreQuestions, boolean allQuestions) {

    static RoomPage of(Room room, Optional<Member> viewer, QuestionsView list, List<RoomMessage> messages) {
      Talk talk = room.talk();
      boolean postsSomewhere = room.followups().stream().anyMatch(f -> GroupPolicy.canPost(viewer, f.group()));
      return new RoomPage(talk, room.groups(), room.followups(), room.moderator(), list.questions(), list.newest(),
          list.sortParam(), viewer.isPresent(), TalkPolicy.canTakePart(viewer, talk),
          talk.roomClosed() && postsSomewhere,
          talk.roomClosed() && viewer.isPresent() && !room.followups().isEmpty() && !postsSomewhere,
          MessageView.of(messages, viewer, room.moderator()), Tokens.random(16), null, null, null, null, Map.of(), false, false,
          list.moreQuestions(), list.allQuestions());
    }

    /** The same page, knowing whether the viewer follows the Talk. */
    RoomPage followed(boolean follows) {
      return new RoomPage(talk, groups, followups, moderator, questions, newest, sortParam, signedIn, canTakePart,
          lateQuestions, lateJoin, messages, clientToken, messageBody, messageProblem, questionBody, questionProblem,
          problems, hasProblems, follows, moreQuestions, allQuestions);
    }

    /** The page again with a refused chat message kept in its field. */
    public RoomPage refusing(MessageForm form) {
      String problem = form.problems().values().iterator().next();
      return new RoomPage(talk, groups, followups, moderator, questions, newest, sortParam, signedIn, canTakePart,
          lateQuestions, lateJoin, messages, clientToken, form.body(), problem, null, null, form.problems(), true, following,
          moreQuestions, allQuestions);
    }

    /** The page again with a refused question kept in its field. */
    public RoomPage refusing(QuestionForm form) {
      String problem = form.problems().values().iterator().next();
      return new RoomPage(talk, groups, followups, moderator, questions, newest, sortParam, signedIn, canTakePart,
          lateQuestions, lateJoin, messages, clientToken, null, null, form.body(), problem, form.problems(), true, following,
          moreQuestions, allQuestions);
    }
  }

  /** Chat messages after one the page has: the fragment the room's script fetches. */
  public record MessagesView(List<MessageView> messages, Talk talk, boolean moderator) {}

  /** A question as projected in the hall: never an anonymous author, whoever looks. */
  public record PresentedQuestion(long id, String body, String author, int votes) {

    static PresentedQuestion of(Question q) {
      return new PresentedQuestion(q.id(), q.body(), q.anonymous() ? null : q.authorName(), q.votes());
    }
  }

  /** The presenter view: the pinned question and the best voted open ones. */
  public record PresenterView(Talk talk, PresentedQuestion pinned, List<PresentedQuestion> top) {}

  /** The second step of a merge: the questions a duplicate may be merged into. */
  public record MergePage(MergeChoices choices, String sortParam, String roomPath) {}

  /** A group offered as a checkbox. */
  public record GroupChoice(long id, String name, boolean checked) {}

  /** The form that closes a room, as shown or shown again with its problems. */
  public record ClosePage(Talk talk, List<GroupChoice> groups, String summary, Map<String, String> problems,
      boolean hasProblems) {}

  /** The form for a new Talk ({@code talk} null) or an existing one, as shown or shown again. */
  public record TalkFormPage(boolean creating, Talk talk, TalkForm form, List<GroupChoice> groups, String zone,
      Map<String, String> problems, boolean hasProblems, List<SpeakerRow> speakerRows) {

    /**
     * The form on {@code talk} (null for a new one) with the groups the viewer may attach: any
     * readable group for admins, the groups they moderate for others.
     */
    static TalkFormPage of(Talk talk, TalkForm form, List<WorkingGroup> readable, Optional<Member> viewer,
        ZoneId zone) {
      boolean admin = viewer.map(Member::admin).orElse(false);
      List<GroupChoice> groups = readable.stream().filter(g -> admin || g.viewerIsModerator())
          .map(g -> new GroupChoice(g.id(), g.name(), form.groupIds().contains(g.id()))).toList();
      return new TalkFormPage(talk == null, talk, form, groups, zone.getId(), Map.of(), false,
          SpeakerRow.of(talk, form, Map.of(), ""));
    }

    /** The form again with its problems, field to message key. */
    public TalkFormPage refusing(Map<String, String> problems) {
      return new TalkFormPage(creating, talk, form, groups, zone, problems, !problems.isEmpty(),
          SpeakerRow.of(talk, form, problems, ""));
    }

    /**
     * The form again, nothing stored, with more blank rows: {@code speaker} another speaker,
     * {@code entries.N} more entries for the speaker in row N.
     */
    public TalkFormPage adding(String more) {
      return new TalkFormPage(creating, talk, form, groups, zone, Map.of(), false, SpeakerRow.of(talk, form, Map.of(), more));
    }
  }

  /**
   * A speaker's rows in the Talk form: their fields (named {@code prefix} + field), the rows of
   * their declaration's entries, the note migrated from the free text of before (shown, not
   * edited), and the problems of a refused submission by field name without the prefix.
   */
  public record SpeakerRow(int row, String prefix, String key, String name, String affiliation, String handle,
      boolean nothingToDeclare, String legacyNote, List<DeclarationPages.Row> entries, Map<String, String> problems,
      List<DeclarationPages.Choice> kinds, List<DeclarationPages.Choice> bands) {

    /** Blank entry rows each speaker is offered; "more entries" adds this many again. */
    static final int BLANK_ENTRIES = 1;

    public int number() {
      return row + 1;
    }

    static List<SpeakerRow> of(Talk talk, TalkForm form, Map<String, String> problems, String more) {
      Map<String, String> legacy = new java.util.HashMap<>();
      if (talk != null) {
        talk.speakers().stream().filter(s -> s.declaration() != null && s.declaration().legacyNote() != null)
            .forEach(s -> legacy.put(s.key(), s.declaration().legacyNote()));
      }
      List<SpeakerRow> rows = new java.util.ArrayList<>();
      for (TalkForm.SpeakerForm s : form.speakers()) {
        String prefix = "speaker." + rows.size() + ".";
        Map<String, String> own = new java.util.HashMap<>();
        problems.forEach((field, key) -> {
          if (field.startsWith(prefix)) {
            own.put(field.substring(prefix.length()), key);
          }
        });
        int blanks = BLANK_ENTRIES + (("entries." + rows.size()).equals(more) ? 2 * BLANK_ENTRIES + 1 : 0);
        rows.add(new SpeakerRow(rows.size(), prefix, s.key(), s.name(), s.affiliation(), s.handle(),
            s.declaration().nothingToDeclare(), legacy.get(s.key()),
            DeclarationPages.entryRows(s.declaration().entries(), own, blanks), Map.copyOf(own), DeclarationPages.kinds(),
            DeclarationPages.bands()));
      }
      int blankSpeakers = 1 + ("speaker".equals(more) ? 1 : 0);
      for (int i = 0; i < blankSpeakers && rows.size() < TalkForm.MAX_SPEAKERS; i++) {
        rows.add(new SpeakerRow(rows.size(), "speaker." + rows.size() + ".", "", "", "", "", false, null,
            DeclarationPages.entryRows(List.of(), Map.of(), BLANK_ENTRIES), Map.of(), DeclarationPages.kinds(),
            DeclarationPages.bands()));
      }
      return List.copyOf(rows);
    }
  }

  // ---- building them

  /** Past Talks per page of the programme. */
  public static final int PAST_PAGE = 10;

  /** One day of the programme, in the reader's time zone: the first Talk's start names the day. */
  public record ProgrammeDay(java.time.Instant day, List<Talk> talks) {}

  /** A past Talk with what a reader may follow up: summary, recording, slides and the follow-up threads they may read. */
  public record PastTalk(Talk talk, List<Followup> followups) {}

  /** {@code /talks}: upcoming Talks by day, then one page of past ones. */
  public record ProgrammePage(List<ProgrammeDay> upcoming, List<PastTalk> past, boolean canCreate, int page,
      Integer previousPage, Integer nextPage) {}

  /** The programme: upcoming Talks grouped by day in {@code zone}, and page {@code page} of past Talks (404 past the last). */
  public Future<ProgrammePage> programme(Optional<Member> viewer, java.time.ZoneId zone, int page) {
    Future<List<Talk>> upcoming = talks.upcoming(200);
    Future<java.util.Map.Entry<List<Talk>, Long>> past = talks.pastPage(page, PAST_PAGE);
    Future<List<WorkingGroup>> groups = talks.groupsFor(viewer);
    return Future.all(upcoming, past, groups).compose(all -> {
      long total = past.result().getValue();
      if (page < 1 || page > 1 && (long) (page - 1) * PAST_PAGE >= total) {
        return Future.failedFuture(eu.mhealthhub.agora.DomainException.notFound());
      }
      List<ProgrammeDay> days = new java.util.ArrayList<>();
      java.time.LocalDate current = null;
      for (Talk t : upcoming.result()) {
        java.time.LocalDate d = t.startsAt().atZone(zone).toLocalDate();
        if (!d.equals(current)) {
          days.add(new ProgrammeDay(t.startsAt(), new java.util.ArrayList<>()));
          current = d;
        }
        days.get(days.size() - 1).talks().add(t);
      }
      List<Future<PastTalk>> ended = past.result().getKey().stream()
          .map(t -> talks.room(t.slug(), viewer).map(room -> new PastTalk(t, room.followups()))).toList();
      return Future.all(ended).map(x -> new ProgrammePage(List.copyOf(days),
          ended.stream().map(Future::result).toList(), TalkPolicy.canCreate(viewer, groups.result()), page,
          page > 1 ? page - 1 : null, (long) page * PAST_PAGE < total ? page + 1 : null));
    });
  }

  /** The Talk page with its room, the first questions {@code newest} first or by votes. */
  public Future<RoomPage> room(String slug, Optional<Member> viewer, boolean newest) {
    return room(slug, viewer, newest, false, talk -> Future.succeededFuture(Boolean.TRUE)).map(WithExtra::page);
  }

  /** The room page and something else about its Talk (the viewer's registration), read together with the room's parts. */
  public record WithExtra<T>(RoomPage page, T extra) {}

  /**
   * {@link #room(String, Optional, boolean)}, with every question for {@code all}, and {@code alongside} of its Talk
   * sent in the same round trip as its parts.
   */
  public <T> Future<WithExtra<T>> room(String slug, Optional<Member> viewer, boolean newest, boolean all,
      java.util.function.Function<Talk, Future<T>> alongside) {
    return talks.room(slug, viewer).compose(room -> {
      Future<TalkService.ShownQuestions> questions = talks.shownQuestions(room, viewer, newest, all);
      Future<List<RoomMessage>> messages = talks.messages(room.talk(), 0);
      Future<Boolean> following = talks.following(viewer, room.talk().id());
      Future<T> extra = alongside.apply(room.talk());
      return Future.all(questions, messages, following, extra).map(done -> new WithExtra<>(RoomPage.of(room, viewer,
          questionsView(room, viewer, questions.result(), newest, all), messages.result()).followed(following.result()),
          extra.result()));
    });
  }

  /** The room's question list alone: the first ones, or every one for {@code all}. */
  public Future<QuestionsView> questions(String slug, Optional<Member> viewer, boolean newest, boolean all) {
    return talks.room(slug, viewer).compose(room -> talks.shownQuestions(room, viewer, newest, all)
        .map(list -> questionsView(room, viewer, list, newest, all)));
  }

  /** What the room's question list shows this viewer. */
  private static QuestionsView questionsView(Room room, Optional<Member> viewer, TalkService.ShownQuestions shown,
      boolean newest, boolean all) {
    List<Question> questions = shown.questions();
    Talk talk = room.talk();
    String sortQuery = newest ? "?sort=newest" : "";
    boolean moderate = room.moderator() && !talk.roomClosed();
    // the target is chosen on a page of its own: a menu of every other question on every question
    // made a moderator's page grow with the square of the questions
    // (with more questions than shown, there may be targets beyond them)
    long targets = questions.stream().filter(TalkService::mergeTarget).count() + (shown.more() ? 1 : 0);
    // a held question's text stays with its author and the moderators; everyone else reads a notice
    List<QuestionView> views = questions.stream().map(q -> new QuestionView(q.id(), talk.slug(), sortQuery,
        TalkPolicy.canReadText(viewer, room.moderator(), q) ? q.body() : "",
        TalkPolicy.canSeeAuthor(viewer, room.moderator(), q) ? q.authorName() : null, q.anonymous(), q.votes(),
        q.viewerVoted(), q.pending(), q.hidden(), q.answered(), q.answer(),
        talk.pinnedQuestionId() != null && talk.pinnedQuestionId() == q.id(), TalkPolicy.canVote(viewer, talk, q),
        moderate, targets - (TalkService.mergeTarget(q) ? 1 : 0) > 0, q.held(),
        // the Talk's moderators hide what they would flag: their links stay off (and their large rooms small)
        !room.moderator() && q.visible() && TalkPolicy.canFlag(viewer, q.authorId()), !room.moderator() && q.visible(),
        // the badge names its author through its link: only where the author is shown
        TalkPolicy.canSeeAuthor(viewer, room.moderator(), q) ? q.authorHandle() : null,
        TalkPolicy.canSeeAuthor(viewer, room.moderator(), q) ? q.declarationVersion() : null))
        .toList();
    return new QuestionsView(talk, views, newest, newest ? "newest" : "votes", shown.more(), all);
  }

  /** The room's chat messages after {@code afterId}. */
  public Future<MessagesView> messages(String slug, Optional<Member> viewer, long afterId) {
    return talks.room(slug, viewer).compose(room -> talks.messages(room.talk(), afterId)
        .map(list -> new MessagesView(MessageView.of(list, viewer, room.moderator()), room.talk(), room.moderator())));
  }

  /** The presenter view: visible questions only, the same for everyone, since it is projected in the hall. */
  public Future<PresenterView> presenter(String slug) {
    return talks.find(slug).compose(talk -> talks.presenterQuestions(talk).map(list -> {
      Question pinned = list.stream().filter(q -> talk.pinnedQuestionId() != null && q.id() == talk.pinnedQuestionId())
          .findFirst().orElse(null);
      return new PresenterView(talk, pinned == null ? null : PresentedQuestion.of(pinned), list.stream()
          .filter(q -> q != pinned).limit(TalkService.PRESENTER_TOP).map(PresentedQuestion::of).toList());
    }));
  }

  /** The merge step for question {@code questionId}; fails as {@link TalkService#mergeChoices} does. */
  public Future<MergePage> merge(String slug, long questionId, Member by, String query, boolean newest) {
    return talks.mergeChoices(slug, questionId, by, query).map(choices -> new MergePage(choices,
        newest ? "newest" : "votes", "/talks/" + choices.talk().slug() + (newest ? "?sort=newest" : "")));
  }

  /** The empty close form; FORBIDDEN but for the Talk's moderators, CONFLICT unless the room is open. */
  public Future<ClosePage> closing(String slug, Optional<Member> viewer) {
    return talks.room(slug, viewer).compose(room -> closePage(room, "", null, Map.of()));
  }

  /**
   * The close form on a room the viewer found, with {@code summary} and the {@code chosen} groups
   * checked (all of them for null), and {@code problems}; fails as {@link #closing} does.
   */
  static Future<ClosePage> closePage(Room room, String summary, List<Long> chosen, Map<String, String> problems) {
    if (!room.moderator()) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (!room.talk().roomOpen()) {
      return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT,
          room.talk().roomClosed() ? "talk.room.error.closed" : "talk.room.error.notOpen"));
    }
    List<GroupChoice> groups = room.groups().stream()
        .map(g -> new GroupChoice(g.id(), g.name(), chosen == null || chosen.contains(g.id()))).toList();
    return Future.succeededFuture(new ClosePage(room.talk(), groups, summary, problems, !problems.isEmpty()));
  }

  /** The empty form for a new Talk; FORBIDDEN but for admins and group moderators. */
  public Future<TalkFormPage> newTalk(Optional<Member> viewer, ZoneId zone) {
    return talks.groupsFor(viewer).compose(readable -> creating(viewer, readable, TalkForm.empty(), zone));
  }

  /** The form for a new Talk holding {@code form}, among the {@code readable} groups; FORBIDDEN as {@link #newTalk}. */
  static Future<TalkFormPage> creating(Optional<Member> viewer, List<WorkingGroup> readable, TalkForm form,
      ZoneId zone) {
    return Respond.ifAllowed(TalkPolicy.canCreate(viewer, readable), readable)
        .map(groups -> TalkFormPage.of(null, form, groups, viewer, zone));
  }

  /** The form for the Talk as it is; FORBIDDEN but for its moderators. */
  public Future<TalkFormPage> editTalk(String slug, Optional<Member> viewer, ZoneId zone) {
    Future<Room> found = talks.room(slug, viewer);
    Future<List<WorkingGroup>> readable = talks.groupsFor(viewer);
    return Future.all(found, readable).compose(all -> editing(found.result(), readable.result(), viewer,
        TalkForm.of(found.result().talk(), zone), zone));
  }

  /**
   * The form for a Talk the viewer found, holding {@code form}, with the {@code readable} groups to choose from;
   * FORBIDDEN as {@link #editTalk}.
   */
  static Future<TalkFormPage> editing(Room room, List<WorkingGroup> readable, Optional<Member> viewer, TalkForm form,
      ZoneId zone) {
    return Respond.ifAllowed(room.moderator(), room)
        .map(found -> TalkFormPage.of(found.talk(), form, readable, viewer, zone));
  }

  /** The texts of generated follow-up posts, in the reader's language. */
  public static TalkService.FollowupTexts followupTexts(I18n.Messages m) {
    return new TalkService.FollowupTexts(title -> m.get("talk.followup.title", title),
        (title, path) -> m.get("talk.followup.intro", title, path), votes -> m.get("talk.followup.votes", votes),
        m.get("talk.followup.anonymous"), m.get("talk.followup.late"));
  }
}
