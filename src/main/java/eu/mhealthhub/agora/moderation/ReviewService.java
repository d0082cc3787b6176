package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.DomainException.Kind;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPolicy;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.group.WorkingGroup;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.thread.ThreadService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The review queue (issue 13 point 3): open flags, notices of illegal content (admins), posts held
 * for approval, pending join requests and appeals, for a group's moderators or site-wide for
 * admins; items of members suspended now leave it while the suspension lasts. A moderator claims an
 * item (one claim per item: a second gets CONFLICT naming who holds it) and acts on it with a
 * required reason; each action changes the content, resolves the item's flags, writes the audit
 * log and records a statement of reasons ({@link DecisionService#record}) in one transaction.
 *
 * <p>Failures: NOT_FOUND for an item in a group the viewer may not read (or none), FORBIDDEN for a
 * viewer who does not moderate its group (notices: not an admin; an appeal: the moderator who made
 * the decision), BAD_REQUEST for an empty reason or an action that does not apply, CONFLICT for an
 * item decided already or claimed by someone else. A refusal stores nothing.
 */
public final class ReviewService {

  public static final int PAGE_SIZE = 25;
  public static final int MAX_REASON = 2000;
  /** The kinds the queue filters by. */
  public static final List<String> KINDS = List.of("flagged", "held", "notice", "join", "appeal");
  /** The actions that apply to each item type. */
  static final Map<String, List<String>> ACTIONS = Map.of(
      "post", List.of("approve", "hide", "delete", "restore", "warn"),
      "comment", List.of("approve", "hide", "warn"),
      "notice", List.of("none", "hide", "delete"),
      "appeal", List.of("uphold", "reverse"),
      "join", List.of());
  private static final Pattern POST_URL = Pattern.compile("/posts/(\\d{1,18})(?:[/?#].*)?$");

  private final Pool pool;
  private final GroupService groups;
  private final ThreadService threads;
  private final ChangeFeed changes;
  private final DecisionService decisions;
  private final ReviewRepository repository = new ReviewRepository();

  public ReviewService(Pool pool, GroupService groups, ThreadService threads, ChangeFeed changes, DecisionService decisions) {
    this.pool = pool;
    this.groups = groups;
    this.threads = threads;
    this.changes = changes;
    this.decisions = decisions;
  }

  /** One page of the queue: the group (null site-wide), its rows, the kind shown (null: all). */
  public record QueuePage(WorkingGroup group, List<ReviewRepository.Row0> rows, long total, int page, int pages, String kind) {}

  private static String kind(String asked) {
    if (asked == null || asked.isBlank()) {
      return null;
    }
    if (!KINDS.contains(asked)) {
      throw DomainException.badRequest("review.error.kind");
    }
    return asked;
  }

  /** A group's queue, for its moderators and admins: NOT_FOUND if the group is not readable, FORBIDDEN for others. */
  public Future<QueuePage> groupQueue(String slug, Optional<Member> viewer, String kind, int page) {
    String k;
    try {
      k = kind(kind);
    } catch (DomainException e) {
      return Future.failedFuture(e);
    }
    return groups.find(slug, viewer).compose(g -> GroupPolicy.canModerate(viewer, g)
        ? page(g, k, false, page) : Future.failedFuture(DomainException.forbidden()));
  }

  /** The site-wide queue, notices included, for admins (FORBIDDEN otherwise). */
  public Future<QueuePage> siteQueue(Optional<Member> viewer, String kind, int page) {
    if (!viewer.map(Member::admin).orElse(false)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String k;
    try {
      k = kind(kind);
    } catch (DomainException e) {
      return Future.failedFuture(e);
    }
    return page(null, k, true, page);
  }

  private Future<QueuePage> page(WorkingGroup group, String kind, boolean notices, int page) {
    int p = Math.max(1, page);
    return repository.queue(pool, group == null ? null : group.id(), kind, notices, PAGE_SIZE, (p - 1) * PAGE_SIZE)
        .compose(q -> {
          if (q.rows().isEmpty() && p > 1) {
            return Future.failedFuture(DomainException.notFound());
          }
          int pages = (int) Math.max(1, (q.total() + PAGE_SIZE - 1) / PAGE_SIZE);
          return Future.succeededFuture(new QueuePage(group, q.rows(), q.total(), p, pages, kind));
        });
  }

  // ---- one item

  /** A flag on an item, as the item page lists it. */
  public record FlagRow(String reason, String detail, OffsetDateTime at, String by) {}

  /** The author's history: since when, how much, and what moderators decided before. */
  public record History(long id, String name, String handle, OffsetDateTime since, long posts, long decisions,
      long flagsUpheld, long suspensions, boolean suspended, List<Map<String, Object>> earlier) {}

  /**
   * An item of the queue with its context. {@code text} is the content; {@code title} and
   * {@code link} say where it is; {@code context} is the post it answers or the section commented;
   * {@code extra} carries what only some types have (a notice's fields, an appeal's decision).
   */
  public record Item(String type, long id, WorkingGroup group, Long authorId, String text, String title, String link,
      String context, boolean hidden, boolean held, boolean open, String ground, String facts, List<FlagRow> flags,
      Optional<ReviewRepository.Claimant> claim, History history, Map<String, Object> extra, List<String> actions,
      long threadId) {}

  private static Future<Member> member(Optional<Member> viewer) {
    return viewer.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.forbidden()));
  }

  /** The item for a moderator of its group or an admin; fails as the class says. */
  public Future<Item> item(String type, long id, Optional<Member> viewer) {
    return member(viewer).compose(m -> load(pool, type, id, m));
  }

  /** Loads and checks: the group is readable (NOT_FOUND) and moderated by the viewer (FORBIDDEN). */
  private Future<Item> load(SqlClient db, String type, long id, Member viewer) {
    Future<Item> raw = switch (type) {
      case "post" -> repository.post(db, id).compose(r -> found(r).compose(row -> flags(db, type, id).map(flags -> {
        boolean hidden = row.getBoolean("hidden");
        boolean held = row.getBoolean("held") && !hidden;
        long threadId = row.getLong("context_id");
        return new Item(type, id, groupOnly(row.getLong("group_id")), row.getLong("author_id"), row.getString("body"),
            row.getString("title"), "/posts/" + id, row.getString("answers"), hidden, held, held || !flags.isEmpty(),
            ground(flags), facts(flags, held), flags, Optional.empty(), null,
            Map.of("deleteReason", row.getString("delete_reason") == null ? "" : row.getString("delete_reason"),
                "hiddenByFlags", hidden && row.getLong("deleted_by") == null, "threadId", threadId),
            ACTIONS.get(type), threadId);
      })));
      case "comment" -> repository.comment(db, id).compose(r -> found(r).compose(row -> flags(db, type, id).map(flags -> {
        String link = "/documents/" + row.getLong("context_id") + "/sections/" + row.getInteger("section_key") + "#comment-" + id;
        return new Item(type, id, groupOnly(row.getLong("group_id")), row.getLong("author_id"), row.getString("body"),
            row.getString("title"), link, "§" + row.getInteger("section_key"), row.getBoolean("hidden"), false,
            !flags.isEmpty(), ground(flags), facts(flags, false), flags, Optional.empty(), null, Map.of(),
            ACTIONS.get(type), 0);
      })));
      case "notice" -> repository.notice(db, id).compose(r -> found(r).map(row -> {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("reference", row.getString("reference"));
        extra.put("url", row.getString("url"));
        extra.put("category", row.getString("category"));
        extra.put("legalGround", row.getString("legal_ground"));
        extra.put("notifierName", row.getString("notifier_name"));
        extra.put("notifierEmail", row.getString("notifier_email"));
        extra.put("locale", row.getString("locale"));
        extra.put("status", row.getString("status"));
        return new Item(type, id, null, null, row.getString("explanation"), row.getString("reference"),
            row.getString("url"), row.getString("legal_ground"), false, false, !"decided".equals(row.getString("status")),
            "notice: " + row.getString("category") + " (" + row.getString("legal_ground") + ")",
            row.getString("explanation"), List.of(), Optional.empty(), null, extra, ACTIONS.get(type), 0);
      }));
      case "join" -> repository.join(db, id).compose(r -> found(r).map(row -> new Item(type, id,
          groupOnly(row.getLong("group_id")), row.getLong("member_id"), row.getString("message"), "", "", "", false, false,
          row.getOffsetDateTime("decided_at") == null, Decision.GUIDELINES, "", List.of(), Optional.empty(), null, Map.of(),
          ACTIONS.get(type), 0)));
      case "appeal" -> repository.appeal(db, id).compose(r -> found(r).map(row -> {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("decisionId", row.getLong("decision_id"));
        extra.put("decidedBy", row.getLong("decided_by"));
        extra.put("decisionAction", row.getString("action"));
        extra.put("decisionReason", row.getString("decision_reason"));
        extra.put("ofType", row.getString("of_type"));
        extra.put("ofId", row.getLong("of_id"));
        extra.put("ofLink", row.getString("of_link"));
        return new Item(type, id, row.getLong("group_id") == null ? null : groupOnly(row.getLong("group_id")),
            row.getLong("member_id"), row.getString("body"), row.getString("title"),
            "/moderation/decisions/" + row.getLong("decision_id"), row.getString("decision_reason"), false, false,
            row.getOffsetDateTime("decided_at") == null, row.getString("ground"), "", List.of(), Optional.empty(), null,
            extra, ACTIONS.get(type), 0);
      }));
      default -> Future.failedFuture(DomainException.notFound());
    };
    Optional<Member> v = Optional.of(viewer);
    return raw.compose(item -> {
      if (item.group() == null) {
        return viewer.admin() ? Future.succeededFuture(item) : Future.failedFuture(DomainException.forbidden());
      }
      return groups.access(item.group().id(), v).compose(g -> GroupPolicy.canModerate(v, g)
          ? Future.succeededFuture(with(item, g, item.claim(), item.history()))
          : Future.<Item>failedFuture(DomainException.forbidden()));
    }).compose(item -> repository.claimant(db, type, id).compose(claim -> history(db, item.authorId())
        .map(h -> with(item, item.group(), claim, h))));
  }

  private static Item with(Item i, WorkingGroup g, Optional<ReviewRepository.Claimant> claim, History h) {
    return new Item(i.type(), i.id(), g, i.authorId(), i.text(), i.title(), i.link(), i.context(), i.hidden(), i.held(),
        i.open(), i.ground(), i.facts(), i.flags(), claim, h, i.extra(), i.actions(), i.threadId());
  }

  /** A group known by id only, until {@link GroupService#access} fills it in. */
  private static WorkingGroup groupOnly(long id) {
    return new WorkingGroup(id, "", "", "", false, false, false, 0, 0, null, 0);
  }

  private static Future<Row> found(Optional<Row> row) {
    return row.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(DomainException.notFound()));
  }

  private Future<List<FlagRow>> flags(SqlClient db, String type, long id) {
    return repository.openFlags(db, type, id).map(rows -> {
      List<FlagRow> list = new ArrayList<>();
      for (Row r : rows) {
        list.add(new FlagRow(r.getString("reason"), r.getString("detail"), r.getOffsetDateTime("created_at"),
            r.getString("display_name")));
      }
      return list;
    });
  }

  private Future<History> history(SqlClient db, Long memberId) {
    if (memberId == null) {
      return Future.succeededFuture(null);
    }
    return repository.history(db, memberId).compose(found -> found.isEmpty() ? Future.succeededFuture((History) null)
        : repository.earlier(db, memberId).map(rows -> {
          List<Map<String, Object>> earlier = new ArrayList<>();
          for (Row r : rows) {
            earlier.add(Map.of("id", r.getLong("id"), "action", r.getString("action"), "reason", r.getString("reason"),
                "at", r.getOffsetDateTime("created_at")));
          }
          Row h = found.get();
          return new History(h.getLong("id"), h.getString("display_name"), h.getString("handle"),
              h.getOffsetDateTime("created_at"), h.getLong("posts"), h.getLong("decisions"), h.getLong("flags_upheld"),
              h.getLong("suspensions"), h.getBoolean("suspended"), earlier);
        }));
  }

  /** The ground of a decision on a flagged item: its flags' reasons; community guidelines otherwise. */
  private static String ground(List<FlagRow> flags) {
    if (flags.isEmpty()) {
      return Decision.GUIDELINES;
    }
    return "flags: " + String.join(", ", flags.stream().map(FlagRow::reason).distinct().toList());
  }

  private static String facts(List<FlagRow> flags, boolean held) {
    List<String> parts = new ArrayList<>();
    if (held) {
      parts.add("held for approval");
    }
    if (!flags.isEmpty()) {
      parts.add(flags.size() + " open flag(s): " + String.join("; ", flags.stream()
          .map(f -> f.reason() + (f.detail().isBlank() ? "" : " (" + f.detail() + ")")).toList()));
    }
    String s = String.join(" · ", parts);
    return s.length() > 2000 ? s.substring(0, 2000) : s;
  }

  // ---- claims

  /** Claims the item for the moderator; CONFLICT naming who holds it when someone else does. */
  public Future<Void> claim(String type, long id, Member moderator) {
    return load(pool, type, id, moderator).compose(item -> !item.open()
        ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "review.error.decided"))
        : pool.withTransaction(tx -> repository.lockItem(tx, type, id)
            .compose(v -> takeClaim(tx, type, id, moderator))));
  }

  private Future<Void> takeClaim(SqlConnection tx, String type, long id, Member moderator) {
    return repository.claim(tx, type, id, moderator.id()).compose(stored -> stored ? Future.<Void>succeededFuture()
        : repository.claimant(tx, type, id).compose(c -> c.isEmpty() || c.get().memberId() == moderator.id()
            ? Future.<Void>succeededFuture()
            : Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "review.error.claimed", c.get().name()))));
  }

  /** Releases the moderator's claim (an admin releases anyone's); CONFLICT when someone else holds it. */
  public Future<Void> release(String type, long id, Member moderator) {
    return load(pool, type, id, moderator).compose(item -> {
      Optional<ReviewRepository.Claimant> c = item.claim();
      if (c.isEmpty()) {
        return Future.succeededFuture();
      }
      if (c.get().memberId() != moderator.id() && !moderator.admin()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "review.error.claimed", c.get().name()));
      }
      return pool.withTransaction(tx -> repository.dropClaim(tx, type, id));
    });
  }

  // ---- actions

  /**
   * Acts on an item with a reason; completes with the statement of reasons' id (null for an
   * action that affects nobody). Fails as the class says.
   */
  public Future<Long> act(String type, long id, Member moderator, String action, String reason) {
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty()) {
      return Future.failedFuture(DomainException.badRequest("review.error.reason"));
    }
    if (why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("review.error.reason.long"));
    }
    return load(pool, type, id, moderator).compose(item -> {
      if (action == null || !item.actions().contains(action)) {
        return Future.failedFuture(DomainException.badRequest("review.error.action"));
      }
      if (!item.open()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "review.error.decided"));
      }
      if (type.equals("appeal") && Long.valueOf(moderator.id()).equals(item.extra().get("decidedBy"))) {
        return Future.failedFuture(new DomainException(Kind.FORBIDDEN, "review.error.ownDecision"));
      }
      if (item.claim().isPresent() && item.claim().get().memberId() != moderator.id()) {
        return Future.failedFuture(new DomainException(Kind.CONFLICT, "review.error.claimed", item.claim().get().name()));
      }
      if (type.equals("post") && item.held() && List.of("approve", "hide", "delete").contains(action)) {
        // the trust feature's approval publishes the post, and its rejection leaves the author the post
        // to edit and resubmit; the statement follows in its own transaction
        return (action.equals("approve") ? threads.approveHeld(moderator, id, why) : threads.rejectHeld(moderator, id, why))
            .compose(v -> changes.transaction(tx -> repository.lockItem(tx, type, id)
                .compose(x -> repository.resolveFlags(tx, type, id))
                .compose(x -> repository.dropClaim(tx, type, id))
                .compose(x -> decisions.record(tx, decision(item, moderator, action, why)))
                .map(d -> Outcome.of(d))));
      }
      return changes.transaction(tx -> repository.lockItem(tx, type, id)
          .compose(v -> load(tx, type, id, moderator))
          .compose(fresh -> {
            if (!fresh.open()) {
              return Future.failedFuture(new DomainException(Kind.CONFLICT, "review.error.decided"));
            }
            return takeClaim(tx, type, id, moderator).compose(v -> perform(tx, fresh, moderator, action, why));
          }));
    });
  }

  private static Decision decision(Item item, Member moderator, String action, String why) {
    Long groupId = item.group() == null ? null : item.group().id();
    return new Decision(item.type(), item.id(), groupId, item.authorId(), moderator.id(), action, item.ground(),
        item.facts(), why, false, item.title() == null ? "" : item.title(), item.link());
  }

  private Future<Outcome<Long>> perform(SqlConnection tx, Item item, Member moderator, String action, String why) {
    Long groupId = item.group() == null ? null : item.group().id();
    String type = item.type();
    long id = item.id();
    List<Change> changed = new ArrayList<>();
    Future<Void> content = switch (type) {
      case "post" -> postAction(tx, item, item.id(), item.threadId(), groupId, moderator, action, why, item.ground(), changed);
      case "comment" -> commentAction(tx, item.id(), groupId, moderator, action, why, item.ground());
      case "notice" -> noticeAction(tx, item, moderator, action, why, changed);
      case "appeal" -> appealAction(tx, item, moderator, action, why, changed);
      default -> Future.failedFuture(DomainException.badRequest("review.error.action"));
    };
    return content
        .compose(v -> type.equals("post") || type.equals("comment") ? repository.resolveFlags(tx, type, id)
            : Future.<Void>succeededFuture())
        .compose(v -> repository.dropClaim(tx, type, id))
        .compose(v -> type.equals("notice") || type.equals("appeal") ? Future.succeededFuture((Long) null)
            : decisions.record(tx, decision(item, moderator, action, why)))
        .map(d -> new Outcome<>(d, changed));
  }

  private Future<Void> postAction(SqlConnection tx, Item item, long postId, long threadId, Long groupId, Member moderator,
      String action, String why, String ground, List<Change> changed) {
    return switch (action) {
      case "approve", "restore" -> repository.restorePost(tx, postId).compose(restored -> {
        if (restored) {
          changed.add(Change.thread(threadId, "post.restored", postId));
        }
        return repository.log(tx, groupId, moderator.id(), action.equals("approve") ? "post.approve" : "post.restore",
            "post", postId, why, ground, restored ? "hidden" : "visible", "visible");
      });
      case "hide", "delete" -> repository.hidePost(tx, postId, moderator.id(), why).compose(hidden -> {
        if (hidden) {
          changed.add(Change.thread(threadId, "post.deleted", postId));
        }
        return repository.log(tx, groupId, moderator.id(), "post.delete", "post", postId, why, ground,
            item == null || !item.hidden() ? "visible" : "hidden", "hidden");
      });
      case "warn" -> repository.log(tx, groupId, moderator.id(), "member.warn", "post", postId, why, ground, "", "");
      default -> Future.failedFuture(DomainException.badRequest("review.error.action"));
    };
  }

  private Future<Void> commentAction(SqlConnection tx, long commentId, Long groupId, Member moderator, String action,
      String why, String ground) {
    return switch (action) {
      case "approve", "restore" -> repository.showComment(tx, commentId).compose(v -> repository.log(tx, groupId,
          moderator.id(), "comment.approve", "comment", commentId, why, ground, "", "visible"));
      case "hide", "delete" -> repository.hideComment(tx, commentId).compose(v -> repository.log(tx, groupId,
          moderator.id(), "comment.hide", "comment", commentId, why, ground, "", "hidden"));
      case "warn" -> repository.log(tx, groupId, moderator.id(), "member.warn", "comment", commentId, why, ground, "", "");
      default -> Future.failedFuture(DomainException.badRequest("review.error.action"));
    };
  }

  /** An admin decides a notice: no action, or hide/delete the post its address names; the notifier is told after commit. */
  private Future<Void> noticeAction(SqlConnection tx, Item notice, Member admin, String action, String why,
      List<Change> changed) {
    Future<Void> onItem = Future.succeededFuture();
    if (!action.equals("none")) {
      Matcher m = POST_URL.matcher(String.valueOf(notice.extra().get("url")));
      if (!m.find()) {
        return Future.failedFuture(DomainException.badRequest("review.error.noticeTarget"));
      }
      long postId = Long.parseLong(m.group(1));
      onItem = repository.post(tx, postId).compose(r -> r.isEmpty()
          ? Future.<Void>failedFuture(DomainException.badRequest("review.error.noticeTarget"))
          : postAction(tx, null, postId, r.get().getLong("context_id"), r.get().getLong("group_id"), admin, action, why,
              notice.ground(), changed)
              .compose(v -> decisions.record(tx, new Decision("post", postId, r.get().getLong("group_id"),
                  r.get().getLong("author_id"), admin.id(), action, notice.ground(), notice.text().length() > 2000
                  ? notice.text().substring(0, 2000) : notice.text(), why, false, r.get().getString("title"),
                  "/posts/" + postId)).<Void>mapEmpty()));
    }
    return onItem.compose(v -> repository.decideNotice(tx, notice.id(), why))
        .compose(done -> !done ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "review.error.decided"))
            : repository.log(tx, null, admin.id(), "notice.decide", "notice", notice.id(), why, notice.ground(),
                String.valueOf(notice.extra().get("status")), "decided"))
        .compose(v -> noticeDecided.apply(tx, notice, why));
  }

  /** Tells the notifier of a decided notice in the caller's transaction; set by the composition root. */
  public interface NoticeDecided {
    Future<Void> apply(SqlConnection tx, Item notice, String decision);
  }

  private NoticeDecided noticeDecided = (tx, notice, decision) -> Future.succeededFuture();

  private SuspensionService suspensions;

  /** Lifts a suspension when an appeal against it is reversed; suspensions stay otherwise. */
  public ReviewService liftingSuspensions(SuspensionService suspensions) {
    this.suspensions = suspensions;
    return this;
  }

  /** Who tells a notifier about the decision on their notice (the mail outbox); none by default. */
  public ReviewService onNoticeDecided(NoticeDecided told) {
    this.noticeDecided = told;
    return this;
  }

  /** Another moderator or an admin settles an appeal: uphold, or reverse with the opposite action. */
  private Future<Void> appealAction(SqlConnection tx, Item appeal, Member moderator, String action, String why,
      List<Change> changed) {
    Long groupId = appeal.group() == null ? null : appeal.group().id();
    String outcome = action.equals("reverse") ? "reversed" : "upheld";
    String ofType = (String) appeal.extra().get("ofType");
    long ofId = (Long) appeal.extra().get("ofId");
    String original = (String) appeal.extra().get("decisionAction");
    Future<Void> undo = Future.succeededFuture();
    if (action.equals("reverse")) {
      String opposite = switch (original) {
        case "hide", "delete" -> "restore";
        case "restore", "approve" -> "hide";
        default -> null;
      };
      if (opposite != null && ofType.equals("post")) {
        undo = repository.post(tx, ofId).compose(r -> r.isEmpty() ? Future.<Void>succeededFuture()
            : postAction(tx, null, ofId, r.get().getLong("context_id"), groupId, moderator, opposite, why,
                appeal.ground(), changed));
      } else if (opposite != null && ofType.equals("comment")) {
        undo = commentAction(tx, ofId, groupId, moderator, opposite, why, appeal.ground());
      } else if (original.equals("suspend") && ofType.equals("suspension") && suspensions != null) {
        undo = suspensions.liftOnAppeal(tx, ofId, moderator, why);
      }
    }
    return undo.compose(v -> repository.decideAppeal(tx, appeal.id(), outcome))
        .compose(done -> !done ? Future.<Void>failedFuture(new DomainException(Kind.CONFLICT, "review.error.decided"))
            : repository.log(tx, groupId, moderator.id(), "appeal." + action, "appeal", appeal.id(), why, appeal.ground(),
                original, outcome))
        .compose(v -> decisions.record(tx, new Decision("appeal", appeal.id(), groupId, appeal.authorId(), moderator.id(),
            action, appeal.ground(), "appeal: " + clip(appeal.text()), why, false, appeal.title(), (String) appeal.extra().get("ofLink"))))
        .mapEmpty();
  }

  private static String clip(String s) {
    return s.length() > 1900 ? s.substring(0, 1900) : s;
  }

  /** The types of item that have a page. */
  static final Set<String> TYPES = ACTIONS.keySet();
}
