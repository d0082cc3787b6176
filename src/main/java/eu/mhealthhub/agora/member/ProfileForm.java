package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.I18n;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a member may change about themselves, as submitted; blank optional fields become null.
 * Every single-line field is cleaned as a single line ({@link CleanText#line}): a name holds no control,
 * bidirectional or other invisible characters; the bio is cleaned as a body ({@link CleanText#body}).
 * Languages are typed as ISO 639-1 codes separated by commas or spaces, links one per line.
 */
public record ProfileForm(String displayName, String email, String locale, String timeZone, String affiliation,
    String country, String stakeholderType, List<String> languages, String bio, List<String> links) {

  public static final int MAX_AFFILIATION_LENGTH = 120;
  public static final int MAX_BIO_LENGTH = 2000;
  public static final int MAX_LANGUAGES = 10;
  public static final int MAX_LINKS = 5;
  public static final int MAX_LINK_LENGTH = 300;

  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  private static final Set<String> LANGUAGES = Set.of(Locale.getISOLanguages());

  /** The name, e-mail, language and time zone only; the rest of the profile left empty. */
  public static ProfileForm of(String displayName, String email, String locale, String timeZone) {
    return of(displayName, email, locale, timeZone, null, null, null, null, null, null);
  }

  /** The form as typed: {@code languages} one text of codes, {@code links} one text of lines. */
  public static ProfileForm of(String displayName, String email, String locale, String timeZone, String affiliation,
      String country, String stakeholderType, String languages, String bio, String links) {
    String countryCode = blankToNull(CleanText.line(country));
    String langs = CleanText.line(languages);
    String linkLines = CleanText.body(links);
    return new ProfileForm(trim(CleanText.line(displayName)), blankToNull(CleanText.line(email)),
        blankToNull(CleanText.line(locale)), blankToNull(CleanText.line(timeZone)),
        blankToNull(CleanText.line(affiliation)), countryCode == null ? null : countryCode.toUpperCase(Locale.ROOT),
        blankToNull(CleanText.line(stakeholderType)),
        langs == null ? List.of() : Arrays.stream(langs.split("[\\s,;]+")).filter(s -> !s.isBlank())
            .map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList(),
        trim(CleanText.body(bio)),
        linkLines == null ? List.of() : linkLines.lines().map(String::strip).filter(s -> !s.isEmpty()).toList());
  }

  /** The form filled with what the member has now. */
  static ProfileForm current(Member m, Profile p) {
    return new ProfileForm(m.displayName(), m.email(), m.locale(), m.timeZone(), p.affiliation(), p.country(),
        p.stakeholderType(), p.languages(), p.bio(), p.links());
  }

  /** The same form with another e-mail address (the one kept while a new one waits for confirmation). */
  ProfileForm withEmail(String kept) {
    return new ProfileForm(displayName, kept, locale, timeZone, affiliation, country, stakeholderType, languages, bio,
        links);
  }

  /** The languages as the form's field shows them. */
  public String languagesText() {
    return String.join(", ", languages);
  }

  /** The links as the form's field shows them, one per line. */
  public String linksText() {
    return String.join("\n", links);
  }

  /** Field name to message key for every problem; empty when the form is acceptable. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (displayName == null || displayName.isEmpty()) {
      problems.put("displayName", "profile.error.name.required");
    } else if (length(displayName) > Member.MAX_NAME_LENGTH) {
      problems.put("displayName", "profile.error.name.long");
    } else if (Member.formerName(displayName)) {
      problems.put("displayName", "settings.error.name.reserved");
    }
    if (email != null && (email.length() > Member.MAX_EMAIL_LENGTH || !email.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+"))) {
      problems.put("email", "profile.error.email");
    }
    if (locale != null && I18n.supported(locale).isEmpty()) {
      problems.put("locale", "profile.error.locale");
    }
    if (timeZone != null) {
      try {
        ZoneId.of(timeZone);
      } catch (DateTimeException e) {
        problems.put("timeZone", "profile.error.timezone");
      }
    }
    if (affiliation != null && length(affiliation) > MAX_AFFILIATION_LENGTH) {
      problems.put("affiliation", "profile.error.affiliation.long");
    }
    if (country != null && !COUNTRIES.contains(country)) {
      problems.put("country", "profile.error.country");
    }
    if (stakeholderType != null && StakeholderType.of(stakeholderType).isEmpty()) {
      problems.put("stakeholderType", "profile.error.stakeholder");
    }
    if (languages.size() > MAX_LANGUAGES) {
      problems.put("languages", "profile.error.languages.many");
    } else if (!LANGUAGES.containsAll(languages)) {
      problems.put("languages", "profile.error.languages");
    }
    if (length(bio) > MAX_BIO_LENGTH) {
      problems.put("bio", "profile.error.bio.long");
    }
    if (links.size() > MAX_LINKS) {
      problems.put("links", "profile.error.links.many");
    } else if (!links.stream().allMatch(ProfileForm::httpsLink)) {
      problems.put("links", "profile.error.links");
    }
    return problems;
  }

  /** An absolute https:// address with a host, no user part and no white space, of at most 300 characters. */
  static boolean httpsLink(String link) {
    if (link.length() > MAX_LINK_LENGTH || !link.regionMatches(true, 0, "https://", 0, 8)) {
      return false;
    }
    try {
      URI uri = new URI(link);
      return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank()
          && uri.getRawUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static int length(String s) {
    return s == null ? 0 : s.codePointCount(0, s.length());
  }

  private static String trim(String s) {
    return s == null ? "" : s.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
