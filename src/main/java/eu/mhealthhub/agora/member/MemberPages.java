package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.group.GroupPages.Membership;
import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.text.Markdown;
import java.text.Collator;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
   * A member's page: who they are ({@code profile}), the groups they belong to and their latest posts
   * that the viewer may read, and, for a moderator, the suspension in force when there is one and the
   * viewer may see it (null otherwise).
   */
  public record ModeratedMemberPage(Member member, ProfileView profile, List<Membership> groups,
      List<eu.mhealthhub.agora.thread.AuthoredPost> posts,
      eu.mhealthhub.agora.web.SuspensionCheck.Notice suspension, boolean suspendedForever) {}

  /**
   * The profile as a reader sees it, in the reader's language: the country's and languages' names,
   * the stakeholder type's message key (null when not given), the bio rendered by the sanitiser.
   */
  public record ProfileView(String affiliation, String countryName, String stakeholderLabel, List<String> languageNames,
      String bioHtml, List<String> links, boolean empty, String avatarVersion) {

    static ProfileView of(Profile p, Locale reader) {
      List<String> languages = p.languages().stream().map(l -> Locale.forLanguageTag(l).getDisplayLanguage(reader))
          .toList();
      String country = p.country() == null ? null : new Locale("", p.country()).getDisplayCountry(reader);
      String bio = p.bio().isBlank() ? "" : Markdown.toHtml(p.bio());
      return new ProfileView(p.affiliation(), country, StakeholderType.labelOf(p.stakeholderType()), languages, bio,
          p.links(), p.affiliation() == null && country == null && p.stakeholderType() == null && languages.isEmpty()
              && bio.isEmpty() && p.links().isEmpty(), p.avatarVersion());
    }
  }

  /** A choice in a select: its value, the label as text or message key, and whether it is chosen. */
  public record Option(String value, String label, boolean selected) {}

  /** The countries to choose from, by name in the reader's language. */
  static List<Option> countries(Locale reader, String chosen) {
    return Arrays.stream(Locale.getISOCountries())
        .map(c -> new Option(c, new Locale("", c).getDisplayCountry(reader), c.equals(chosen)))
        .sorted(Comparator.comparing(Option::label, Collator.getInstance(reader))).toList();
  }

  /** The stakeholder types, labels as message keys. */
  static List<Option> stakeholderTypes(String chosen) {
    return Arrays.stream(StakeholderType.values())
        .map(t -> new Option(t.code(), t.label(), t.code().equals(chosen))).toList();
  }

  /** The choices of reduced motion, labels as message keys. */
  static List<Option> motions(String chosen) {
    return java.util.stream.Stream.of("system", "on", "off")
        .map(v -> new Option(v, "settings.motion." + v, v.equals(chosen))).toList();
  }

  /**
   * What the settings page shows besides the profile form: the display preferences (as stored, or as
   * submitted with problems), the address waiting for confirmation (null: none) and a notice (a message
   * key, null: none).
   */
  record SettingsState(PreferencesForm preferences, String pendingEmail, String notice) {}

  /**
   * The settings page: the profile form, as shown, shown again with {@code problems} (field to message
   * key), or after saving; {@code avatarVersion} names the member's uploaded picture (null: none); the
   * display preferences and the e-mail address waiting for confirmation.
   */
  public record ProfilePage(ProfileForm form, Map<String, String> problems, boolean hasProblems, boolean saved,
      List<String> zones, List<Option> countries, List<Option> stakeholderTypes, int maxBio, int maxLinks,
      String avatarVersion, PreferencesForm preferences, List<Option> motions, boolean announceOn, String pendingEmail,
      String notice) {

    /** The form filled with what the member has now. */
    static ProfilePage current(Member m, Profile p, boolean saved, Locale reader, SettingsState state) {
      return page(ProfileForm.current(m, p), Map.of(), saved, reader, p.avatarVersion(), state);
    }

    /** The form as submitted, with its problems (the form's own and {@code more}). */
    static ProfilePage submitted(ProfileForm form, Map<String, String> more, Locale reader, String avatarVersion,
        SettingsState state) {
      Map<String, String> problems = new java.util.LinkedHashMap<>(form.problems());
      problems.putAll(more);
      return page(form, problems, false, reader, avatarVersion, state);
    }

    /** The form as the member has it, with the avatar upload refused for the reason {@code problem} (a message key). */
    static ProfilePage avatarRefused(Member m, Profile p, String problem, Locale reader, SettingsState state) {
      return page(ProfileForm.current(m, p), Map.of("avatar", problem), false, reader, p.avatarVersion(), state);
    }

    /** The page as the member has it, with the preferences as submitted and their problems. */
    static ProfilePage preferencesRefused(Member m, Profile p, Locale reader, SettingsState state) {
      return page(ProfileForm.current(m, p), state.preferences().problems(), false, reader, p.avatarVersion(), state);
    }

    private static ProfilePage page(ProfileForm form, Map<String, String> problems, boolean saved, Locale reader,
        String avatarVersion, SettingsState state) {
      return new ProfilePage(form, problems, !problems.isEmpty(), saved, ZONES, MemberPages.countries(reader, form.country()),
          MemberPages.stakeholderTypes(form.stakeholderType()), ProfileForm.MAX_BIO_LENGTH, ProfileForm.MAX_LINKS,
          avatarVersion, state.preferences(), MemberPages.motions(state.preferences().reducedMotion()),
          !"off".equals(state.preferences().liveAnnounce()), state.pendingEmail(), state.notice());
    }
  }

  /** The page a confirmation link opens: the address it would confirm, and the link's secret for the form. */
  public record EmailConfirmPage(String newEmail, String token) {}
}
