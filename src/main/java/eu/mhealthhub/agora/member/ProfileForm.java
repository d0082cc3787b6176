package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.text.CleanText;
import eu.mhealthhub.agora.web.I18n;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a member may change about themselves, as submitted; blank optional fields become null.
 * Every field is cleaned as a single line ({@link CleanText#line}): a name holds no control,
 * bidirectional or other invisible characters.
 */
public record ProfileForm(String displayName, String email, String locale, String timeZone) {

  public static ProfileForm of(String displayName, String email, String locale, String timeZone) {
    return new ProfileForm(trim(CleanText.line(displayName)), blankToNull(CleanText.line(email)),
        blankToNull(CleanText.line(locale)), blankToNull(CleanText.line(timeZone)));
  }

  /** Field name to message key for every problem; empty when the form is acceptable. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (displayName == null || displayName.isEmpty()) {
      problems.put("displayName", "profile.error.name.required");
    } else if (displayName.codePointCount(0, displayName.length()) > Member.MAX_NAME_LENGTH) {
      problems.put("displayName", "profile.error.name.long");
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
    return problems;
  }

  private static String trim(String s) {
    return s == null ? "" : s.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
