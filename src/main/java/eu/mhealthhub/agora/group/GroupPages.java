package eu.mhealthhub.agora.group;

import java.util.List;
import java.util.Map;

/**
 * What the group pages show, one record per page, built by {@link GroupService} with the viewer's
 * permissions decided there, so the routes only read the request and render. A group's own page
 * also lists its threads, which the thread feature owns: {@code GroupRoutes} adds them to
 * {@link AboutPage}.
 */
public final class GroupPages {

  private GroupPages() {}

  /** The groups the viewer may read, and whether they may create one. */
  public record ListPage(List<WorkingGroup> groups, boolean canCreate) {}

  /**
   * What a group's page says about the group itself: its moderators, the viewer's latest join
   * request (null when none or when they are a member) and what the viewer may do there.
   */
  public record AboutPage(WorkingGroup group, List<GroupMember> moderators, JoinRequest request, boolean canPost,
      boolean canJoin, boolean canModerate, boolean canAdminister, boolean signedIn) {}

  /** A group's members; for its moderators, the open join requests too. {@code viewerId} is -1 for a visitor. */
  public record MembersPage(WorkingGroup group, List<GroupMember> members, List<JoinRequest> requests,
      boolean canModerate, long viewerId) {}

  /** A group in the list of those a member belongs to, with their role in it. */
  public record Membership(WorkingGroup group, boolean moderator) {}

  /**
   * The form to create a group ({@code group} null) or edit one, as shown or shown again with
   * {@code problems} (field to message key).
   */
  public record FormPage(GroupForm form, Map<String, String> problems, boolean hasProblems, boolean creating,
      WorkingGroup group) {

    static FormPage create() {
      return new FormPage(GroupForm.of("", "", "", "public", "open"), Map.of(), false, true, null);
    }

    static FormPage edit(WorkingGroup group) {
      return new FormPage(GroupForm.of(group.slug(), group.name(), group.purpose(),
          group.closed() ? "closed" : "public", group.openJoin() ? "open" : "request"), Map.of(), false, false, group);
    }

    /** The form as submitted, with its problems. */
    public FormPage filled(GroupForm submitted, Map<String, String> problems) {
      return new FormPage(submitted, problems, !problems.isEmpty(), creating, group);
    }
  }
}
