package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPages.Membership;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** What the member pages show, one record per page. */
public final class MemberPages {

  /** The time zones the profile offers: the regions' cities, and UTC. */
  private static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()).stream()
      .filter(z -> z.matches("(Europe|Africa|America|Asia|Atlantic|Australia|Indian|Pacific)/[A-Za-z_/]+") || z.equals("UTC"))
      .toList());

  private MemberPages() {}

  /** A member's public page: who they are and the groups they belong to that the viewer may read. */
  public record MemberPage(Member member, List<Membership> groups) {}

  /**
   * A member's page as a moderator sees it: with the suspension in force, when there is one and the
   * viewer may see it (null otherwise).
   */
  public record ModeratedMemberPage(Member member, List<Membership> groups,
      eu.mhealthhub.agora.web.SuspensionCheck.Notice suspension, boolean suspendedForever) {}

  /** The profile form, as shown, shown again with {@code problems} (field to message key), or after saving. */
  public record ProfilePage(ProfileForm form, Map<String, String> problems, boolean hasProblems, boolean saved,
      List<String> zones) {

    /** The form filled with what the member has now. */
    static ProfilePage current(Member m, boolean saved) {
      return new ProfilePage(ProfileForm.of(m.displayName(), m.email(), m.locale(), m.timeZone()), Map.of(), false,
          saved, ZONES);
    }

    /** The form as submitted, with its problems. */
    static ProfilePage submitted(ProfileForm form) {
      Map<String, String> problems = form.problems();
      return new ProfilePage(form, problems, !problems.isEmpty(), false, ZONES);
    }
  }
}
