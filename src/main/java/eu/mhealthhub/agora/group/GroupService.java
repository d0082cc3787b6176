package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.live.ChangeFeed.Change;
import eu.mhealthhub.agora.live.ChangeFeed.Outcome;
import eu.mhealthhub.agora.live.Narrowing;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPages.AboutPage;
import eu.mhealthhub.agora.group.GroupPages.FormPage;
import eu.mhealthhub.agora.group.GroupPages.ListPage;
import eu.mhealthhub.agora.group.GroupPages.MembersPage;
import eu.mhealthhub.agora.notify.Notice;
import eu.mhealthhub.agora.notify.NotificationKind;
import eu.mhealthhub.agora.notify.NotificationService;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Optional;

/**
 * Working groups: who sees them, who belongs, and how they are run. Methods that change something
 * run in one transaction, record moderator actions in the moderation log, and announce the change
 * after commit. Every method that takes a viewer fails with NOT_FOUND for a group the viewer may
 * not read and FORBIDDEN for an action the viewer may not take.
 */
public final class GroupService {

  private final Pool pool;
  private final ChangeFeed changes;
  private final GroupRepository repository = new GroupRepository();
  private final NotificationService notifications;

  public GroupService(Pool pool, ChangeFeed changes, NotificationService notifications) {
    this.pool = pool;
    this.changes = changes;
    this.notifications = notifications;
  }

  /**
   * The members among {@code memberIds} who may read the group now, by {@link GroupPolicy#canRead}
   * (for notifications about what is inside it).
   */
  public Future<java.util.Set<Long>> readers(long groupId, java.util.Set<Long> memberIds) {
    if (memberIds.isEmpty()) {
      return Future.succeededFuture(java.util.Set.of());
    }
    return repository.accessFor(pool, groupId, memberIds).map(all -> all.stream()
        .filter(a -> GroupPolicy.canRead(Optional.of(new Member(a.memberId(), "", "", null, null, null, a.admin(), null)),
            a.group()))
        .map(a -> a.memberId()).collect(java.util.stream.Collectors.toSet()));
  }

  /** The ids among {@code groupIds} of groups the viewer may read now. */
  public Future<java.util.Set<Long>> readable(Optional<Member> viewer, java.util.Set<Long> groupIds) {
    List<Long> ids = List.copyOf(groupIds);
    return Future.all(ids.stream().map(id -> access(id, viewer).map(true).recover(e -> e instanceof DomainException
            ? Future.succeededFuture(false) : Future.failedFuture(e))).toList())
        .map(done -> {
          java.util.Set<Long> readable = new java.util.HashSet<>();
          for (int i = 0; i < ids.size(); i++) {
            if (done.<Boolean>resultAt(i)) {
              readable.add(ids.get(i));
            }
          }
          return readable;
        });
  }

  private static Long id(Optional<Member> viewer) {
    return viewer.map(Member::id).orElse(null);
  }

  /** The active groups the viewer may read, in the Hub's order. */
  public Future<List<WorkingGroup>> visibleTo(Optional<Member> viewer) {
    return repository.active(pool, id(viewer))
        .map(groups -> groups.stream().filter(g -> GroupPolicy.canRead(viewer, g)).toList());
  }

  /**
   * The groups the viewer may read, as {@link #visibleTo} decides, but without their counts (they
   * read as 0): for deciding what the viewer may see elsewhere (search), where counting every
   * group's threads and unread threads on each request would be wasted.
   */
  public Future<List<WorkingGroup>> readableBy(Optional<Member> viewer) {
    return repository.activeAccess(pool, id(viewer))
        .map(groups -> groups.stream().filter(g -> GroupPolicy.canRead(viewer, g)).toList());
  }

  /**
   * One group by its slug. Fails with NOT_FOUND both when there is no such group and when the
   * viewer may not read it, so a closed group's existence is not revealed.
   */
  public Future<WorkingGroup> find(String slug, Optional<Member> viewer) {
    return repository.bySlug(pool, slug, id(viewer))
        .map(g -> g.filter(group -> GroupPolicy.canRead(viewer, group)).orElseThrow(DomainException::notFound));
  }

  /** One group by id, with the same rule as {@link #find(String, Optional)}. */
  public Future<WorkingGroup> find(long groupId, Optional<Member> viewer) {
    return repository.byId(pool, groupId, id(viewer))
        .map(g -> g.filter(group -> GroupPolicy.canRead(viewer, group)).orElseThrow(DomainException::notFound));
  }

  /**
   * The groups a member belongs to that the viewer may also read, with the member's role in each:
   * read from the member's memberships alone (not every group of the Hub), the read rule applied to each.
   */
  public Future<List<GroupPages.Membership>> groupsOf(long memberId, Optional<Member> viewer) {
    return repository.groupsOf(pool, memberId, id(viewer)).map(all -> all.stream()
        .filter(l -> GroupPolicy.canRead(viewer, l.group()))
        .map(l -> new GroupPages.Membership(l.group(), "moderator".equals(l.memberRole()))).toList());
  }

  /**
   * The home page's groups: the viewer's own (at most {@code mine}) and the most recently active of the
   * others they may read (at most {@code others}), from the groups' counters; one statement whatever the
   * number of groups, threads and posts. Every group shown passes {@link GroupPolicy#canRead}.
   */
  public Future<HomeGroups> home(Optional<Member> viewer, int mine, int others) {
    return repository.home(pool, id(viewer), GroupPolicy.canAdminister(viewer), mine + 1, others + 1).map(all -> {
      List<HomeGroups.Listed> own = all.stream().filter(l -> l.mine() && GroupPolicy.canRead(viewer, l.group()))
          .map(l -> new HomeGroups.Listed(l.group(), l.postCount(), l.lastActiveAt())).toList();
      List<HomeGroups.Listed> rest = all.stream().filter(l -> !l.mine() && GroupPolicy.canRead(viewer, l.group()))
          .map(l -> new HomeGroups.Listed(l.group(), l.postCount(), l.lastActiveAt())).toList();
      return new HomeGroups(List.copyOf(own.subList(0, Math.min(mine, own.size()))), own.size() > mine,
          List.copyOf(rest.subList(0, Math.min(others, rest.size()))), rest.size() > others);
    });
  }

  /**
   * The group with the viewer's role but without counts (they read as 0), for deciding access to
   * something inside it; same NOT_FOUND rule as {@link #find(String, Optional)}.
   */
  public Future<WorkingGroup> access(long groupId, Optional<Member> viewer) {
    return repository.access(pool, groupId, id(viewer))
        .map(g -> g.filter(group -> GroupPolicy.canRead(viewer, group)).orElseThrow(DomainException::notFound));
  }

  /**
   * The read rule for a group that another feature read in the same query as its own row (with
   * the columns of {@link #access}): the group, or NOT_FOUND exactly as {@link #access}.
   */
  public Future<WorkingGroup> readable(WorkingGroup group, Optional<Member> viewer) {
    return GroupPolicy.canRead(viewer, group) ? Future.succeededFuture(group)
        : Future.failedFuture(DomainException.notFound());
  }

  // ---- pages

  /** The list of groups the viewer may read. */
  public Future<ListPage> listPage(Optional<Member> viewer) {
    return visibleTo(viewer).map(list -> new ListPage(list, GroupPolicy.canAdminister(viewer)));
  }

  /**
   * What the page of the group {@code slug} says about the group, in one statement (the group, its moderators
   * and the viewer's latest join request); NOT_FOUND as {@link #find(String, Optional)}.
   */
  public Future<AboutPage> page(String slug, Optional<Member> viewer) {
    return repository.page(pool, slug, id(viewer)).map(found -> found
        .filter(row -> GroupPolicy.canRead(viewer, row.group())).orElseThrow(DomainException::notFound))
        .map(row -> {
          WorkingGroup group = row.group();
          Optional<JoinRequest> request = viewer.isPresent() && !group.viewerIsMember() ? row.request() : Optional.empty();
          return new AboutPage(group, row.moderators(), request.orElse(null), GroupPolicy.canPost(viewer, group),
              GroupPolicy.canJoin(viewer, group) && request.map(r -> !r.pending()).orElse(true),
              GroupPolicy.canModerate(viewer, group), GroupPolicy.canAdminister(viewer), viewer.isPresent());
        });
  }

  /** The members page of the group {@code slug}; NOT_FOUND as {@link #find(String, Optional)}. */
  public Future<MembersPage> membersPage(String slug, Optional<Member> viewer) {
    return find(slug, viewer).compose(group -> {
      boolean canModerate = GroupPolicy.canModerate(viewer, group);
      Future<List<GroupMember>> members = members(group);
      Future<List<JoinRequest>> pending = canModerate ? pendingRequests(group, viewer) : Future.succeededFuture(List.of());
      return Future.all(members, pending).map(all -> new MembersPage(group, members.result(), pending.result(),
          canModerate, viewer.map(Member::id).orElse(-1L)));
    });
  }

  /** The empty form for a new group; FORBIDDEN but for admins. */
  public Future<FormPage> createForm(Optional<Member> viewer) {
    return GroupPolicy.canAdminister(viewer) ? Future.succeededFuture(FormPage.create())
        : Future.failedFuture(DomainException.forbidden());
  }

  /** The form to edit the group {@code slug}, filled with it; NOT_FOUND as {@link #find(String, Optional)}, FORBIDDEN but for admins. */
  public Future<FormPage> editForm(String slug, Optional<Member> viewer) {
    return find(slug, viewer).compose(group -> GroupPolicy.canAdminister(viewer)
        ? Future.succeededFuture(FormPage.edit(group)) : Future.failedFuture(DomainException.forbidden()));
  }

  /** The member's own groups with how many of their threads have unread posts. */
  public Future<List<UnreadInGroup>> unreadFor(Member member) {
    return repository.unread(pool, member.id());
  }

  /** Members of a group the viewer may read, moderators first. */
  public Future<List<GroupMember>> members(WorkingGroup group) {
    return repository.members(pool, group.id());
  }

  /** Open requests, for the group's moderators. */
  public Future<List<JoinRequest>> pendingRequests(WorkingGroup group, Optional<Member> viewer) {
    if (!GroupPolicy.canModerate(viewer, group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    return repository.pending(pool, group.id());
  }

  /**
   * Joins an open group at once, or records a request for a group joined by request. Completes
   * with true when the viewer is now a member, false when a request waits for a moderator.
   */
  public Future<Boolean> join(WorkingGroup group, Member viewer, String message) {
    if (!GroupPolicy.canJoin(Optional.of(viewer), group)) {
      return Future.failedFuture(group.viewerIsMember()
          ? new DomainException(DomainException.Kind.CONFLICT, "group.join.already")
          : DomainException.forbidden());
    }
    if (message != null && message.length() > 1000) {
      return Future.failedFuture(DomainException.badRequest("group.join.error.message"));
    }
    if (group.openJoin()) {
      return changes.transaction(conn -> repository.join(conn, group.id(), viewer.id())
          .map(joined -> joined ? Outcome.of(true, Change.group(group.id(), "membership.changed", viewer.id()),
              Change.member(viewer.id(), "membership.changed", group.id())) : Outcome.of(true)));
    }
    return changes.transaction(conn -> repository.ask(conn, group.id(), viewer.id(), message == null ? "" : message.strip())
        .compose(asked -> !asked ? Future.succeededFuture(Outcome.of(false)) : repository.moderators(conn, group.id())
            .compose(moderators -> notifications.record(conn, Notice.about("group", group.id(), "/groups/" + group.slug()
                + "/members#requests-heading").by(viewer.id()).in("group", group.id(), group.id(), group.name())
                .tell(moderators, NotificationKind.JOIN_REQUEST)))
            .map(v -> Outcome.of(false, Change.group(group.id(), "join.requested", viewer.id())))));
  }

  /** Leaves the group. Fails with CONFLICT when the viewer is not a member. */
  public Future<Void> leave(WorkingGroup group, Member viewer) {
    return changes.transaction(conn -> repository.leave(conn, group.id(), viewer.id()).compose(role -> role.isEmpty()
        ? Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "group.leave.notMember"))
        : Future.succeededFuture(Outcome.<Void>of(null, Change.group(group.id(), "membership.changed", viewer.id()),
            Change.member(viewer.id(), "membership.changed", group.id()))
            .narrowing(Narrowing.memberOfGroup(viewer.id(), group.id())))));
  }

  /** Longest reason a moderator may give for removing a member. */
  public static final int MAX_REASON = 1000;

  /**
   * A moderator of the group (or an admin) removes a member, with a reason that is logged and shown
   * to the member. Only an admin removes a moderator; nobody removes themselves this way (they
   * leave). The member's open live subscriptions to the group are re-checked on every node and
   * closed. Fails with BAD_REQUEST without a reason, NOT_FOUND when the person is not a member.
   */
  public Future<Void> removeMember(WorkingGroup group, Optional<Member> viewer, long memberId, String reason) {
    if (!GroupPolicy.canModerate(viewer, group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String why = reason == null ? "" : reason.strip();
    if (why.isEmpty() || why.length() > MAX_REASON) {
      return Future.failedFuture(DomainException.badRequest("group.members.error.removeReason"));
    }
    Member actor = viewer.orElseThrow();
    if (actor.id() == memberId) {
      return Future.failedFuture(DomainException.badRequest("group.members.error.removeSelf"));
    }
    return changes.transaction(conn -> repository.leave(conn, group.id(), memberId).compose(role -> {
      if (role.isEmpty()) {
        return Future.failedFuture(DomainException.notFound());
      }
      if ("moderator".equals(role.get()) && !actor.admin()) {
        // rolls the transaction back: the membership stays
        return Future.failedFuture(DomainException.forbidden());
      }
      return repository.log(conn, group.id(), actor.id(), "member.remove", "member", memberId, why)
          .map(v -> Outcome.<Void>of(null, Change.group(group.id(), "membership.changed", memberId),
                  Change.member(memberId, "membership.changed", group.id()))
              .narrowing(Narrowing.memberOfGroup(memberId, group.id())));
    }));
  }

  /**
   * A moderator approves or declines a join request, with a reason the requester sees. Fails with
   * NOT_FOUND when the request is not an open request of this group.
   */
  public Future<Void> decide(WorkingGroup group, Optional<Member> viewer, long requestId, boolean approve, String reason) {
    if (!GroupPolicy.canModerate(viewer, group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String why = reason == null ? "" : reason.strip();
    if (why.length() > 1000) {
      return Future.failedFuture(DomainException.badRequest("group.requests.error.reason"));
    }
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.decide(conn, group.id(), requestId,
            approve ? "approved" : "declined", why, actor)
        .compose(member -> member.isEmpty()
            ? Future.failedFuture(DomainException.notFound())
            : (approve ? repository.join(conn, group.id(), member.get()).map(member.get()) : Future.succeededFuture(member.get())))
        .compose(member -> notifications.record(conn, Notice.about("group", group.id(), "/groups/" + group.slug())
                .by(actor).in("group", group.id(), group.id(), group.name()).detail((approve ? "approved" : "declined") + "|" + why)
                .tell(member, NotificationKind.JOIN_DECISION)).map(member))
        .compose(member -> repository.log(conn, group.id(), actor, approve ? "join.approve" : "join.decline",
            "member", member, why).map(v -> Outcome.<Void>of(null, Change.group(group.id(), "membership.changed", member),
                Change.member(member, "join.decided", group.id())))));
  }

  /**
   * A moderator of the group (or an admin) makes a member a moderator, or a moderator a member
   * again. Fails with NOT_FOUND when the person is not a member of the group.
   */
  public Future<Void> setRole(WorkingGroup group, Optional<Member> viewer, long memberId, boolean moderator) {
    if (!GroupPolicy.canModerate(viewer, group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.setRole(conn, group.id(), memberId, moderator ? "moderator" : "member")
        .compose(found -> found
            ? repository.log(conn, group.id(), actor, moderator ? "moderator.appoint" : "moderator.revoke", "member", memberId, "")
                .map(v -> Outcome.<Void>of(null, Change.group(group.id(), "membership.changed", memberId))
                    .narrowing(Narrowing.memberOfGroup(memberId, group.id())))
            : Future.failedFuture(DomainException.notFound())));
  }

  /** A moderator adds someone by @handle (the only way into a closed group). */
  public Future<Void> addMember(WorkingGroup group, Optional<Member> viewer, String handle) {
    if (!GroupPolicy.canModerate(viewer, group)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    String h = handle == null ? "" : handle.strip().replaceFirst("^@", "");
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.memberByHandle(conn, h).compose(member -> member.isEmpty()
        ? Future.failedFuture(DomainException.badRequest("group.members.error.unknownHandle", h))
        : repository.addByHandle(conn, group.id(), h).compose(added -> added
            ? repository.log(conn, group.id(), actor, "member.add", "member", member.get(), "")
                .map(v -> Outcome.<Void>of(null, Change.group(group.id(), "membership.changed", member.get()),
                    Change.member(member.get(), "membership.changed", group.id())))
            : Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "group.members.error.already")))));
  }

  /** An admin creates a group. Fails with BAD_REQUEST on a bad form and CONFLICT when the slug is taken. */
  public Future<String> create(Optional<Member> viewer, GroupForm form) {
    if (!GroupPolicy.canAdminister(viewer)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (!form.problems(true).isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems(true).values().iterator().next()));
    }
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.create(conn, form)
            .compose(id -> repository.log(conn, id, actor, "group.create", "group", id, form.slug())
                .map(v -> Outcome.of(form.slug(), new Change("groups", "group.created", id)))));
  }

  /** An admin edits a group's name, purpose, visibility and joining. */
  public Future<Void> update(WorkingGroup group, Optional<Member> viewer, GroupForm form) {
    if (!GroupPolicy.canAdminister(viewer)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    if (!form.problems(false).isEmpty()) {
      return Future.failedFuture(DomainException.badRequest(form.problems(false).values().iterator().next()));
    }
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.update(conn, group.id(), form)
            .compose(v -> repository.log(conn, group.id(), actor, "group.edit", "group", group.id(), ""))
            // visibility may have closed: everyone's subscriptions to the group are decided again
            .map(v -> Outcome.<Void>of(null, Change.group(group.id(), "group.changed", group.id()))
                .narrowing(Narrowing.group(group.id()))));
  }

  /** An admin archives a group (read-only, off the lists) or brings it back. */
  public Future<Void> archive(WorkingGroup group, Optional<Member> viewer, boolean archived) {
    if (!GroupPolicy.canAdminister(viewer)) {
      return Future.failedFuture(DomainException.forbidden());
    }
    long actor = viewer.orElseThrow().id();
    return changes.transaction(conn -> repository.archive(conn, group.id(), archived)
            .compose(v -> repository.log(conn, group.id(), actor, archived ? "group.archive" : "group.unarchive",
                "group", group.id(), ""))
            .map(v -> Outcome.<Void>of(null, Change.group(group.id(), "group.changed", group.id()))
                .narrowing(Narrowing.group(group.id()))));
  }
}
