package eu.mhealthhub.agora.rounds;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.document.ConsensusDocument;
import eu.mhealthhub.agora.document.DocumentRevision;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.live.LiveAddress;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import eu.mhealthhub.agora.rounds.RoundPages.Bar;
import eu.mhealthhub.agora.rounds.RoundPages.BalanceRow;
import eu.mhealthhub.agora.rounds.RoundPages.Choice;
import eu.mhealthhub.agora.rounds.RoundPages.DocumentRounds;
import eu.mhealthhub.agora.rounds.RoundPages.Interim;
import eu.mhealthhub.agora.rounds.RoundPages.NewRoundPage;
import eu.mhealthhub.agora.rounds.RoundPages.Point;
import eu.mhealthhub.agora.rounds.RoundPages.Previous;
import eu.mhealthhub.agora.rounds.RoundPages.Rater;
import eu.mhealthhub.agora.rounds.RoundPages.ResultsPage;
import eu.mhealthhub.agora.rounds.RoundPages.RoundPage;
import eu.mhealthhub.agora.rounds.RoundPages.SectionChoice;
import eu.mhealthhub.agora.rounds.RoundPages.SectionOutcome;
import eu.mhealthhub.agora.rounds.RoundPages.StatementItem;
import eu.mhealthhub.agora.rounds.RoundPages.StatementResult;
import eu.mhealthhub.agora.rounds.RoundRepository.NewStatement;
import eu.mhealthhub.agora.text.Markdown;
import io.vertx.core.CompositeFuture;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Consensus rounds (issue 17): moderators make a round on a document's statements as a draft, open
 * it (from then on its rule, panel and statements never change) and close it; panellists rate
 * until the deadline (server clock); results, with the statistics and the outcome by the rule fixed
 * beforehand, appear at close. Every moderator action goes to the audit log.
 *
 * <p>Failures: NOT_FOUND for a round in a group the viewer may not read (and for a draft to anyone
 * but its group's moderators), FORBIDDEN for an action the viewer may not take (a member who is not
 * on the panel rating, say), CONFLICT for a round no longer open (or not yet closed, for results),
 * BAD_REQUEST for invalid input, each with a message key.
 */
public final class RoundService {

  private final Pool pool;
  private final Clock clock;
  private final GroupService groups;
  private final DocumentService documents;
  private final ChangeFeed changes;
  private final NotificationService notifications;
  private final RoundRepository repository = new RoundRepository();

  /** A round with its group, as one viewer may see it, and whether the viewer is on its panel. */
  public record Located(WorkingGroup group, Round round, boolean panellist) {}

  public RoundService(Pool pool, Clock clock, GroupService groups, DocumentService documents, ChangeFeed changes,
      NotificationService notifications) {
    this.pool = pool;
    this.clock = clock;
    this.groups = groups;
    this.documents = documents;
    this.changes = changes;
    this.notifications = notifications;
  }

  private static DomainException conflict(String key) {
    return new DomainException(Kind.CONFLICT, key);
  }

  private static Change event(long documentId, String type, long id) {
    return Change.at(LiveAddress.of("document", documentId), type, id);
  }

  public Instant now() {
    return clock.instant();
  }

  // ---- locating

  /** The round and its group if the viewer may see it; NOT_FOUND otherwise. */
  public Future<Located> locate(long roundId, Optional<Member> viewer) {
    return repository.round(pool, roundId).compose(r -> r.isEmpty()
        ? Future.failedFuture(DomainException.notFound())
        : groups.access(r.get().groupId(), viewer).compose(g -> {
          if (!RoundPolicy.canSee(viewer, g, r.get())) {
            return Future.failedFuture(DomainException.notFound());
          }
          return viewer.isEmpty() ? Future.succeededFuture(new Located(g, r.get(), false))
              : repository.isPanellist(pool, roundId, viewer.get().id()).map(p -> new Located(g, r.get(), p));
        }));
  }

  private Future<Located> managed(long roundId, Optional<Member> viewer) {
    return locate(roundId, viewer).compose(at -> RoundPolicy.canManage(viewer, at.group())
        ? Future.succeededFuture(at) : Future.failedFuture(DomainException.forbidden()));
  }

  // ---- a new round

  /** The form of a new round on the document's current revision; FORBIDDEN for all but its group's moderators. */
  public Future<NewRoundPage> newRound(long documentId, Optional<Member> viewer, java.time.ZoneId zone) {
    return documents.locate(documentId, viewer).compose(at -> {
      if (!RoundPolicy.canManage(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      return documents.revision(at, at.document().currentRevision()).map(rev -> newRoundPage(at.group(), at.document(),
          rev.number(), rev.sections().stream().filter(s -> !s.heading()).map(s -> new SectionChoice(s.key(), s.label(),
              Markdown.plainText(s.source(), 160), false)).toList(), RoundForm.blank(zone), Map.of(), null));
    });
  }

  static NewRoundPage newRoundPage(WorkingGroup group, ConsensusDocument document, int revision,
      List<SectionChoice> sections, RoundForm form, Map<String, String> problems, String refusal) {
    List<Choice> scales = List.of(new Choice("nine", "rounds.scale.nine", "nine".equals(form.scale())),
        new Choice("five", "rounds.scale.five", "five".equals(form.scale())));
    List<Choice> panels = List.of(new Choice("all", "rounds.panel.all", "all".equals(form.panel())),
        new Choice("types", "rounds.panel.types", "types".equals(form.panel())),
        new Choice("named", "rounds.panel.named", "named".equals(form.panel())));
    List<Choice> types = java.util.Arrays.stream(StakeholderType.values())
        .map(t -> new Choice(t.code(), t.label(), form.types().contains(t.code()))).toList();
    return new NewRoundPage(group, document, revision, sections, form, scales, panels, types, problems,
        !problems.isEmpty() || refusal != null, refusal);
  }

  /**
   * Makes a draft round from the form: the chosen sections' text at the current revision (which
   * must still be {@code revision}), the written statements, the panel as it is now. Returns the
   * round's id. BAD_REQUEST for problems of the form, a section that is not in the revision, an
   * unknown handle or an empty panel; CONFLICT when the document moved on since the form.
   */
  public Future<Long> create(long documentId, Member moderator, RoundForm form, int revision) {
    Optional<Member> viewer = Optional.of(moderator);
    Instant now = now();
    Map<String, String> problems = form.problems(now);
    if (!problems.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(problems.values().iterator().next()));
    }
    return documents.locate(documentId, viewer).compose(at -> {
      if (!RoundPolicy.canManage(viewer, at.group())) {
        return Future.failedFuture(DomainException.forbidden());
      }
      if (at.document().currentRevision() != revision) {
        return Future.failedFuture(conflict("rounds.error.revisionMoved"));
      }
      Future<DocumentRevision> rev = documents.revision(at, revision);
      Future<List<Panellist>> members = repository.groupMembers(pool, at.group().id());
      return Future.all(rev, members).compose(x -> {
        Map<Integer, String> sourceByKey = new HashMap<>();
        rev.result().sections().stream().filter(s -> !s.heading()).forEach(s -> sourceByKey.put(s.key(), s.source()));
        List<NewStatement> statements = new ArrayList<>();
        for (int key : form.sections()) {
          if (!sourceByKey.containsKey(key)) {
            return Future.failedFuture(DomainException.badRequest("rounds.error.section"));
          }
          statements.add(new NewStatement(key, revision, sourceByKey.get(key), null, false));
        }
        form.writtenStatements().forEach(s -> statements.add(new NewStatement(null, null, s, null, false)));
        List<Long> panel;
        try {
          panel = panel(form, members.result());
        } catch (DomainException e) {
          return Future.failedFuture(e);
        }
        return changes.transaction(tx -> repository.insertRound(tx, documentId, at.group().id(), 1, null,
            form.title(), form.scaleOrDefault(), form.panel(), form.rule(), form.deadlineInstant(), form.showRaters(),
            form.reasonsRequired(), form.hideInterim(), form.balance(), moderator.id(), now)
            .compose(id -> repository.insertPanellists(tx, id, panel)
                .compose(v -> repository.insertStatements(tx, id, statements))
                .compose(v -> repository.log(tx, at.group().id(), moderator.id(), "round.create", id,
                    form.title() + " (" + statements.size() + " statements, panel of " + panel.size() + ")"))
                .map(v -> Outcome.of(id))));
      });
    });
  }

  private static List<Long> panel(RoundForm form, List<Panellist> members) {
    List<Long> ids = switch (form.panel()) {
      case "types" -> members.stream().filter(m -> m.stakeholderType() != null && form.types().contains(m.stakeholderType()))
          .map(Panellist::memberId).toList();
      case "named" -> {
        Map<String, Long> byHandle = members.stream().collect(Collectors.toMap(
            m -> m.handle().toLowerCase(java.util.Locale.ROOT), Panellist::memberId, (a, b) -> a));
        List<Long> named = new ArrayList<>();
        for (String h : form.handleList()) {
          Long id = byHandle.get(h);
          if (id == null) {
            throw DomainException.badRequest("rounds.error.unknownHandle", h);
          }
          named.add(id);
        }
        yield named;
      }
      default -> members.stream().map(Panellist::memberId).toList();
    };
    if (ids.isEmpty()) {
      throw DomainException.badRequest("rounds.error.emptyPanel");
    }
    return ids;
  }

  /** Opens a draft; CONFLICT when it is not a draft any more or its deadline has passed. */
  public Future<Void> open(long roundId, Member moderator) {
    Instant now = now();
    return managed(roundId, Optional.of(moderator)).compose(at -> changes.transaction(tx ->
        repository.open(tx, roundId, now).compose(opened -> opened
            ? repository.log(tx, at.group().id(), moderator.id(), "round.open", roundId, at.round().title())
                .map(v -> Outcome.of((Void) null, event(at.round().documentId(), "round", roundId)))
            : Future.failedFuture(conflict(at.round().draft() ? "rounds.error.deadlinePast" : "rounds.error.notDraft")))));
  }

  /** Closes an open round before its deadline; CONFLICT when it is not open. */
  public Future<Void> close(long roundId, Member moderator) {
    Instant now = now();
    return managed(roundId, Optional.of(moderator)).compose(at -> changes.transaction(tx ->
        repository.close(tx, roundId, now).compose(closed -> closed
            ? repository.log(tx, at.group().id(), moderator.id(), "round.close", roundId, at.round().title())
                .map(v -> Outcome.of((Void) null, event(at.round().documentId(), "round", roundId)))
            : Future.failedFuture(conflict("rounds.error.notOpen")))));
  }

  // ---- rating

  /** What a panellist sends for one statement. */
  public record RatingForm(long statementId, String rating, String reason, boolean recuse) {
    public static RatingForm of(long statementId, MultiMap form) {
      return new RatingForm(statementId, RoundForm.field(form, "rating"), RoundForm.field(form, "reason"),
          form.contains("recuse"));
    }

    /** The message key of what is wrong on {@code round}'s scale and settings, or null. */
    public String problem(Round round) {
      if (reason.length() > Round.MAX_REASON) {
        return "rounds.error.reasonLength";
      }
      if (recuse) {
        return null;
      }
      Integer value = value();
      if (value == null || !round.scale().contains(value)) {
        return "rounds.error.rating";
      }
      if (round.reasonsRequired() && value <= round.rule().againstTo() && reason.isBlank()) {
        return "rounds.error.reasonRequired";
      }
      return null;
    }

    Integer value() {
      try {
        return rating.isBlank() ? null : Integer.valueOf(rating);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  /**
   * Stores (or replaces) the panellist's answer to one statement: one answer per panellist and
   * statement, whatever races. FORBIDDEN for a member not on the panel, CONFLICT once the round is
   * closed or its deadline passed, BAD_REQUEST for a rating off the scale or a missing reason.
   */
  public Future<Void> rate(long roundId, Member panellist, RatingForm form) {
    Instant now = now();
    return locate(roundId, Optional.of(panellist)).compose(at -> {
      if (!at.panellist()) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "rounds.error.notPanellist"));
      }
      return changes.transaction(tx -> repository.lockRoundShared(tx, roundId).compose(locked -> {
        Round round = locked.orElseThrow(DomainException::notFound);
        if (!round.openAt(now)) {
          return Future.failedFuture(conflict(round.draft() ? "rounds.error.notOpen" : "rounds.error.closed"));
        }
        String problem = form.problem(round);
        if (problem != null) {
          return Future.failedFuture(DomainException.badRequest(problem));
        }
        return repository.statementOfRound(tx, form.statementId(), roundId).compose(ok -> !ok
            ? Future.failedFuture(DomainException.notFound())
            : (form.recuse() ? repository.declarationInForce(tx, panellist.id(), now) : Future.<Integer>succeededFuture(null))
                .compose(version -> repository.upsertRating(tx, roundId, new Rating(form.statementId(), panellist.id(),
                    form.recuse() ? null : form.value(), form.reason(), form.recuse(), version), now))
                .map(v -> Outcome.of((Void) null, Change.at(LiveAddress.of("round", roundId), "answer", roundId))));
      }));
    });
  }

  /**
   * Who may follow {@code round.<id>} live (participation as it changes; events name the round
   * only): its panel and its group's moderators. NOT_FOUND for anyone else. Narrowings of the
   * group or document re-check it.
   */
  public Future<Set<LiveAddress>> liveReaders(long roundId, Optional<Member> viewer) {
    return locate(roundId, viewer).compose(at -> at.panellist() || GroupPolicy.canModerate(viewer, at.group())
        ? Future.succeededFuture(Set.of(LiveAddress.of("group", at.group().id()),
            LiveAddress.of("document", at.round().documentId())))
        : Future.failedFuture(DomainException.notFound()));
  }

  /** Reminds the panellists who have not answered every statement; returns how many were told. */
  public Future<Integer> remind(long roundId, Member moderator) {
    Instant now = now();
    return managed(roundId, Optional.of(moderator)).compose(at -> {
      if (!at.round().openAt(now)) {
        return Future.failedFuture(conflict("rounds.error.notOpen"));
      }
      Future<List<Statement>> statements = repository.statements(pool, roundId);
      Future<List<Panellist>> panel = repository.panellists(pool, roundId);
      Future<Map<Long, Integer>> answered = repository.answerCounts(pool, roundId);
      return Future.all(statements, panel, answered).compose(x -> {
        List<Long> unfinished = panel.result().stream().map(Panellist::memberId)
            .filter(m -> answered.result().getOrDefault(m, 0) < statements.result().size()).toList();
        Round r = at.round();
        return changes.transaction(tx -> notifications.record(tx, Notice.about("document", r.documentId(), r.url())
                .by(moderator.id()).in("document", r.documentId(), r.groupId(), r.title())
                .tell(unfinished, NotificationKind.ROUND_REMINDER))
            .compose(v -> repository.log(tx, r.groupId(), moderator.id(), "round.remind", roundId,
                unfinished.size() + " reminded"))
            .map(v -> Outcome.of(unfinished.size())));
      });
    });
  }

  // ---- the round's page

  /** The round's page as the viewer may see it: the form for a panellist, progress for a moderator. */
  public Future<RoundPage> page(long roundId, Optional<Member> viewer, java.time.ZoneId zone, String notice) {
    Instant now = now();
    return locate(roundId, viewer).compose(at -> {
      boolean moderator = GroupPolicy.canModerate(viewer, at.group());
      if (!at.panellist() && !moderator) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "rounds.error.notPanellist"));
      }
      Round round = at.round();
      Future<List<Statement>> statements = repository.statements(pool, roundId);
      Future<List<Rating>> mine = at.panellist() ? repository.ratingsOf(pool, roundId, viewer.get().id())
          : Future.succeededFuture(List.of());
      Future<List<Panellist>> panel = repository.panellists(pool, roundId);
      Future<Map<Long, Integer>> answered = repository.answerCounts(pool, roundId);
      boolean figures = RoundPolicy.canSeeFigures(viewer, at.group(), round, at.panellist(), now);
      Future<List<Rating>> all = figures ? repository.ratings(pool, roundId) : Future.succeededFuture(List.of());
      Future<Previously> previous = previously(round, viewer);
      Future<Map<Integer, String>> headings = headings(round, viewer);
      return Future.all(List.of(statements, mine, panel, answered, all, previous, headings)).map(x -> {
        Map<Long, Rating> myAnswers = mine.result().stream().collect(Collectors.toMap(Rating::statementId, r -> r));
        List<StatementItem> items = new ArrayList<>();
        for (Statement s : statements.result()) {
          Rating a = myAnswers.get(s.id());
          List<Point> points = new ArrayList<>();
          for (int v : round.scale().points()) {
            points.add(new Point(v, round.scale().pointLabel(v), a != null && a.rating() != null && a.rating() == v,
                "rating-" + s.id() + "-" + v));
          }
          Interim interim = null;
          if (figures) {
            RatingStatistics st = stats(round, all.result(), s.id());
            interim = new Interim(st.count(), RatingStatistics.format(st.median()), bars(round, st));
          }
          items.add(new StatementItem(s.id(), s.position(), Markdown.toHtml(s.body()), s.sectionKey(),
              s.sectionLabel(), s.sectionKey() == null ? null : headings.result().get(s.sectionKey()),
              sectionLink(round, s), s.revision(), points, a == null ? "" : a.reason(), a != null && a.recused(),
              a != null, a == null ? null : a.rating(), null, previous.result().of(s, viewer), interim));
        }
        List<Rater> raters = new ArrayList<>();
        int finished = 0;
        for (Panellist p : panel.result()) {
          int n = answered.result().getOrDefault(p.memberId(), 0);
          boolean done = n >= items.size();
          finished += done ? 1 : 0;
          raters.add(new Rater(p.displayName(), p.handle(), n, done));
        }
        boolean showRaters = RoundPolicy.canSeeRaters(viewer, at.group(), round);
        return new RoundPage(at.group(), round, moderator, at.panellist(), round.openAt(now), round.closedAt(now),
            round.draft(), RoundPolicy.canRate(at.panellist(), round, now), round.reasonsRequired(),
            round.rule().againstTo(), items, showRaters, showRaters ? raters : List.of(), panel.result().size(),
            finished, notice, round.scale() == Scale.NINE ? "rounds.scale.nine" : "rounds.scale.five");
      });
    });
  }

  /** The page again with {@code problem} beside statement {@code statementId}, its answer as typed. */
  public Future<RoundPage> pageWithProblem(long roundId, Optional<Member> viewer, java.time.ZoneId zone,
      RatingForm typed, String problem) {
    return page(roundId, viewer, zone, null).map(p -> {
      List<StatementItem> items = p.statements().stream().map(s -> s.id() != typed.statementId() ? s
          : new StatementItem(s.id(), s.position(), s.html(), s.sectionKey(), s.sectionLabel(), s.sectionHeading(),
              s.sectionLink(), s.revision(), s.points().stream().map(pt -> new Point(pt.value(), pt.label(),
                  String.valueOf(pt.value()).equals(typed.rating()), pt.id())).toList(), typed.reason(),
              typed.recuse(), s.answered(), s.rating(), problem, s.previous(), s.interim())).toList();
      return new RoundPage(p.group(), p.round(), p.moderator(), p.panellist(), p.open(), p.closed(),
          p.draft(), p.canRate(), p.reasonsRequired(), p.lowerBandTop(), items, p.showRaters(), p.raters(),
          p.panelSize(), p.finished(), null, p.scaleLabel());
    });
  }

  private static String sectionLink(Round round, Statement s) {
    return s.sectionKey() == null ? null
        : "/documents/" + round.documentId() + "?revision=" + s.revision() + "#s" + s.sectionKey();
  }

  /** The heading each section of the round's revision sits under (its context), by section key. */
  private Future<Map<Integer, String>> headings(Round round, Optional<Member> viewer) {
    return repository.statements(pool, round.id()).compose(statements -> {
      Integer revision = statements.stream().map(Statement::revision).filter(java.util.Objects::nonNull).findFirst()
          .orElse(null);
      if (revision == null) {
        return Future.succeededFuture(Map.<Integer, String>of());
      }
      return documents.locate(round.documentId(), viewer).compose(at -> documents.revision(at, revision)).map(rev -> {
        Map<Integer, String> under = new HashMap<>();
        String heading = null;
        for (DocumentRevision.Section s : rev.sections()) {
          if (s.heading()) {
            heading = Markdown.plainText(s.source(), 200).replaceFirst("^#+\\s*", "");
          } else if (heading != null) {
            under.put(s.key(), heading);
          }
        }
        return under;
      });
    });
  }

  /** The previous round's ratings of the statements a next round continues. */
  private record Previously(int round, Map<Long, Statement> statements, List<Rating> ratings, Round previous) {
    Previous of(Statement s, Optional<Member> viewer) {
      if (s.previousId() == null || previous == null) {
        return null;
      }
      RatingStatistics st = stats(previous, ratings, s.previousId());
      Rating mine = viewer.flatMap(v -> ratings.stream()
          .filter(r -> r.statementId() == s.previousId() && r.memberId() == v.id()).findFirst()).orElse(null);
      Statement before = statements.get(s.previousId());
      return new Previous(round, bars(previous, st), RatingStatistics.format(st.median()),
          mine == null ? null : mine.rating(), mine != null && mine.recused(), s.reworded(),
          before == null ? "" : Markdown.toHtml(before.body()));
    }
  }

  private Future<Previously> previously(Round round, Optional<Member> viewer) {
    if (round.previousRoundId() == null) {
      return Future.succeededFuture(new Previously(0, Map.of(), List.of(), null));
    }
    long prev = round.previousRoundId();
    Future<Optional<Round>> r = repository.round(pool, prev);
    Future<List<Statement>> s = repository.statements(pool, prev);
    Future<List<Rating>> ratings = repository.ratings(pool, prev);
    return Future.all(r, s, ratings).map(x -> new Previously(r.result().map(Round::number).orElse(0),
        s.result().stream().collect(Collectors.toMap(Statement::id, st -> st)), ratings.result(),
        r.result().filter(pr -> pr.closedAt(now())).orElse(null)));
  }

  static RatingStatistics stats(Round round, List<Rating> ratings, long statementId) {
    return RatingStatistics.of(round.scale(), ratings.stream()
        .filter(r -> r.statementId() == statementId && !r.recused() && r.rating() != null)
        .map(Rating::rating).toList());
  }

  static List<Bar> bars(Round round, RatingStatistics st) {
    List<Bar> bars = new ArrayList<>();
    for (int v : round.scale().points()) {
      bars.add(new Bar(v, round.scale().pointLabel(v), st.countOf(v), st.percent(st.countOf(v))));
    }
    return bars;
  }

  // ---- results

  /**
   * The results of a closed round, for every reader of the group. CONFLICT while the round is open
   * or a draft: figures stay hidden until close.
   */
  public Future<ResultsPage> results(long roundId, Optional<Member> viewer, RoundCharts charts) {
    Instant now = now();
    return locate(roundId, viewer).compose(at -> {
      Round round = at.round();
      if (!round.closedAt(now)) {
        return Future.failedFuture(conflict("rounds.error.notClosed"));
      }
      return resultsOf(at.group(), round, RoundPolicy.canManage(viewer, at.group()), charts);
    });
  }

  /**
   * The results of every closed round of a document, oldest first, for its HTML and PDF exports
   * (issue 17 point 5); the caller has already decided that the viewer may read the document.
   */
  public Future<List<ResultsPage>> exportResults(long documentId, WorkingGroup group, RoundCharts charts) {
    Instant now = now();
    return repository.ofDocument(pool, documentId).compose(rounds -> {
      Future<List<ResultsPage>> all = Future.succeededFuture(new ArrayList<>());
      for (Round r : rounds) {
        if (r.closedAt(now)) {
          all = all.compose(list -> resultsOf(group, r, false, charts).map(page -> {
            list.add(page);
            return list;
          }));
        }
      }
      return all;
    });
  }

  private Future<ResultsPage> resultsOf(WorkingGroup group, Round round, boolean manager, RoundCharts charts) {
    long roundId = round.id();
    {
      Future<List<Statement>> statements = repository.statements(pool, roundId);
      Future<List<Panellist>> panel = repository.panellists(pool, roundId);
      Future<List<Rating>> ratings = repository.ratings(pool, roundId);
      Future<List<Round>> siblings = repository.ofDocument(pool, round.documentId());
      return Future.all(statements, panel, ratings, siblings).map(x -> {
        ConsensusRule rule = round.rule();
        List<StatementResult> results = new ArrayList<>();
        boolean anyWithout = false;
        for (Statement s : statements.result()) {
          RatingStatistics st = stats(round, ratings.result(), s.id());
          ConsensusRule.Outcome outcome = rule.outcome(st);
          anyWithout |= !outcome.consensus();
          int lower = st.atMost(rule.againstTo());
          int upper = st.atLeast(rule.forFrom());
          int middle = st.count() - lower - upper;
          int recusals = (int) ratings.result().stream().filter(r -> r.statementId() == s.id() && r.recused()).count();
          // anonymised: no author, ordered by rating then text, so the order tells nothing of who wrote
          List<String> reasons = ratings.result().stream()
              .filter(r -> r.statementId() == s.id() && !r.reason().isBlank())
              .sorted(Comparator.comparing((Rating r) -> r.rating() == null ? 0 : r.rating()).thenComparing(Rating::reason))
              .map(r -> r.reason()).toList();
          List<Bar> bars = bars(round, st);
          results.add(new StatementResult(s.id(), s.position(), Markdown.toHtml(s.body()), s.sectionKey(),
              sectionLink(round, s), outcome.code(), outcome.key(), outcome.consensus(), st.count(), recusals,
              RatingStatistics.format(st.median()), RatingStatistics.format(st.q1()), RatingStatistics.format(st.q3()),
              RatingStatistics.format(st.iqr()), lower, st.percent(lower), middle, st.percent(middle), upper,
              st.percent(upper), bars, charts.svg(s.id(), bars, st.count()), reasons, s.body(), s.reworded()));
        }
        Set<Long> responded = ratings.result().stream().map(Rating::memberId).collect(Collectors.toSet());
        int panelSize = panel.result().size();
        int recusals = (int) ratings.result().stream().filter(Rating::recused).count();
        List<BalanceRow> byType = balance(panel.result(), responded, Panellist::stakeholderType, true,
            round.balanceThreshold());
        List<BalanceRow> byCountry = balance(panel.result(), responded, Panellist::country, false, -1);
        Long next = siblings.result().stream().filter(r -> r.previousRoundId() != null && r.previousRoundId() == roundId)
            .map(Round::id).findFirst().orElse(null);
        Scale sc = round.scale();
        return new ResultsPage(group, round, manager, results, panelSize,
            responded.size(), percent(responded.size(), panelSize), recusals, byType, byCountry,
            byType.stream().anyMatch(BalanceRow::under), "1–" + rule.againstTo(),
            (rule.againstTo() + 1) + "–" + (rule.forFrom() - 1), rule.forFrom() + "–" + sc.max(),
            manager && next == null && anyWithout, anyWithout, next);
      });
    }
  }

  private static String percent(int part, int whole) {
    return whole == 0 ? "0" : RatingStatistics.format(java.math.BigDecimal.valueOf(part * 100L)
        .divide(java.math.BigDecimal.valueOf(whole), 1, java.math.RoundingMode.HALF_UP).doubleValue());
  }

  /**
   * Panellists and respondents per stakeholder type or country (unknown last). A type is
   * under-represented when its share of the panel or of the respondents is below the threshold.
   */
  private static List<BalanceRow> balance(List<Panellist> panel, Set<Long> responded,
      java.util.function.Function<Panellist, String> key, boolean types, int threshold) {
    Map<String, List<Panellist>> byKey = new TreeMap<>(Comparator.nullsLast(Comparator.naturalOrder()));
    panel.forEach(p -> byKey.computeIfAbsent(key.apply(p), k -> new ArrayList<>()).add(p));
    List<BalanceRow> rows = new ArrayList<>();
    byKey.forEach((k, members) -> {
      int n = members.size();
      int r = (int) members.stream().filter(p -> responded.contains(p.memberId())).count();
      boolean under = k != null && threshold > 0
          && (n * 100L < (long) threshold * panel.size() || r * 100L < (long) threshold * responded.size());
      String label = k == null ? (types ? "rounds.balance.unknownType" : "rounds.balance.unknownCountry")
          : types ? StakeholderType.labelOf(k) : k;
      rows.add(new BalanceRow(label, k == null || types, n, percent(n, panel.size()), r, percent(r, responded.size()),
          under));
    });
    return rows;
  }

  // ---- next round

  /**
   * A draft next round of the statements without consensus that the moderator carries over, each
   * possibly reworded (the rewording is kept and linked to the statement and its section), with the
   * same panel, scale, rule and settings and a new deadline. Returns the new round's id.
   */
  public Future<Long> next(long roundId, Member moderator, MultiMap form, java.time.ZoneId zone) {
    Instant now = now();
    return managed(roundId, Optional.of(moderator)).compose(at -> {
      Round round = at.round();
      if (!round.closedAt(now)) {
        return Future.failedFuture(conflict("rounds.error.notClosed"));
      }
      Instant deadline = new RoundForm("x", Set.of(), List.of(), "all", Set.of(), "", "nine", "", "", "", "", "",
          RoundForm.field(form, "deadline"), true, false, true, "", zone).deadlineInstant();
      if (deadline == null) {
        return Future.failedFuture(DomainException.badRequest("rounds.error.deadline"));
      }
      if (!deadline.isAfter(now)) {
        return Future.failedFuture(DomainException.badRequest("rounds.error.deadlinePast"));
      }
      Future<List<Statement>> statements = repository.statements(pool, roundId);
      Future<List<Rating>> ratings = repository.ratings(pool, roundId);
      Future<List<Panellist>> panel = repository.panellists(pool, roundId);
      Future<List<Round>> siblings = repository.ofDocument(pool, round.documentId());
      return Future.all(statements, ratings, panel, siblings).compose(x -> {
        if (siblings.result().stream().anyMatch(r -> r.previousRoundId() != null && r.previousRoundId() == roundId)) {
          return Future.failedFuture(conflict("rounds.error.nextExists"));
        }
        List<NewStatement> carried = new ArrayList<>();
        for (Statement s : statements.result()) {
          if (round.rule().outcome(stats(round, ratings.result(), s.id())).consensus()
              || !form.contains("carry." + s.id())) {
            continue;
          }
          String text = RoundForm.field(form, "text." + s.id());
          String body = text.isBlank() ? s.body() : text.replace("\r\n", "\n");
          if (body.length() > Round.MAX_STATEMENT) {
            return Future.failedFuture(DomainException.badRequest("rounds.error.statementLength"));
          }
          carried.add(new NewStatement(s.sectionKey(), s.revision(), body, s.id(), !body.equals(s.body())));
        }
        if (carried.isEmpty()) {
          return Future.failedFuture(DomainException.badRequest("rounds.error.noStatements"));
        }
        String title = round.title().replaceFirst("\\s*\\(\\d+\\)$", "");
        List<Long> members = panel.result().stream().map(Panellist::memberId).toList();
        return changes.transaction(tx -> repository.insertRound(tx, round.documentId(), round.groupId(),
            round.number() + 1, roundId, title.length() > Round.MAX_TITLE - 6 ? title.substring(0, Round.MAX_TITLE - 6)
                : title, round.scale(), round.panelKind(), round.rule(), deadline, round.showRaters(),
            round.reasonsRequired(), round.hideInterim(), round.balanceThreshold(), moderator.id(), now)
            .compose(id -> repository.insertPanellists(tx, id, members)
                .compose(v -> repository.insertStatements(tx, id, carried))
                .compose(v -> repository.log(tx, round.groupId(), moderator.id(), "round.next", id,
                    "after round " + roundId + ": " + carried.size() + " statements, "
                        + carried.stream().filter(NewStatement::reworded).count() + " reworded"))
                .map(v -> Outcome.of(id))));
      });
    });
  }

  // ---- the document's rounds

  /** The document's rounds the viewer may see, and each section's outcome in the latest closed round that rated it. */
  public Future<DocumentRounds> ofDocument(long documentId, WorkingGroup group, Optional<Member> viewer) {
    Instant now = now();
    // the rounds, each closed one now with its section statements and ratings, in one statement (one wait however
    // many rounds, and one statement instead of three: issue 18), then folded in the rounds' order so that a later
    // round's outcome for a section replaces an earlier one's; statements of rounds the viewer may not see are read
    // and left out
    return repository.ofDocumentWithSections(pool, documentId, now).map(read -> {
      List<Round> rounds = read.stream().map(RoundRepository.WithSections::round).toList();
      List<Round> visible = rounds.stream().filter(r -> RoundPolicy.canSee(viewer, group, r)).toList();
      List<Round> closed = visible.stream().filter(r -> r.closedAt(now)).toList();
      Map<Long, List<Statement>> statementsOf = new java.util.HashMap<>();
      Map<Long, List<Rating>> ratingsOf = new java.util.HashMap<>();
      read.forEach(w -> {
        statementsOf.put(w.round().id(), w.statements());
        ratingsOf.put(w.round().id(), w.ratings());
      });
      Map<Integer, SectionOutcome> map = new LinkedHashMap<>();
      for (Round r : closed) {
        List<Rating> ratings = ratingsOf.getOrDefault(r.id(), List.of());
        for (Statement s : statementsOf.getOrDefault(r.id(), List.of())) {
          RatingStatistics st = stats(r, ratings, s.id());
          ConsensusRule.Outcome o = r.rule().outcome(st);
          boolean against = o == ConsensusRule.Outcome.AGAINST;
          map.put(s.sectionKey(), new SectionOutcome(s.sectionKey(), r.id(), r.number(), o.code(), o.key(),
              RatingStatistics.format(st.median()), st.percent(st.atLeast(r.rule().forFrom())),
              against ? st.percent(st.atMost(r.rule().againstTo())) : st.percent(st.atLeast(r.rule().forFrom())),
              against ? r.scale().min() + "–" + r.rule().againstTo() : r.rule().forFrom() + "–" + r.scale().max()));
        }
      }
      List<RoundPages.RoundLink> links = visible.stream().map(r -> r.closedAt(now)
          ? new RoundPages.RoundLink(r.id(), r.title(), r.number(), "rounds.status.closed", r.url() + "/results")
          : new RoundPages.RoundLink(r.id(), r.title(), r.number(), "rounds.status." + r.status(), r.url())).toList();
      return new DocumentRounds(links, map, RoundPolicy.canManage(viewer, group));
    });
  }
}
