package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.web.DisplayPreferences;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The display preferences as submitted: reduced motion ({@code on}, {@code off}, {@code system}) and
 * live announcements ({@code on}, {@code off}). Anything else, or a missing field, is a problem.
 */
public record PreferencesForm(String reducedMotion, String liveAnnounce) {

  public static PreferencesForm of(String reducedMotion, String liveAnnounce) {
    return new PreferencesForm(reducedMotion == null ? null : reducedMotion.strip(),
        liveAnnounce == null ? null : liveAnnounce.strip());
  }

  /** The form filled with what the member has now. */
  static PreferencesForm current(DisplayPreferences p) {
    return new PreferencesForm(p.reducedMotion(), p.liveAnnounce());
  }

  /** Whether live updates are announced. */
  public boolean announces() {
    return "on".equals(liveAnnounce);
  }

  /** Field name to message key for every problem; empty when the form is acceptable. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (reducedMotion == null || !DisplayPreferences.MOTIONS.contains(reducedMotion)) {
      problems.put("reducedMotion", "settings.error.motion");
    }
    if (!"on".equals(liveAnnounce) && !"off".equals(liveAnnounce)) {
      problems.put("liveAnnounce", "settings.error.announce");
    }
    return problems;
  }
}
