package eu.mhealthhub.agora.privacy;

import java.util.Map;

/**
 * The erasure form: what happens, the confirmation, the choice about posts, and for an admin the
 * reason. {@code action} is where the form posts; {@code name} the name of the member to be
 * erased, shown to an admin.
 */
public record ErasurePage(ErasureForm form, Map<String, String> problems, boolean hasProblems, boolean byAdmin,
    String action, String name, String handle) {

  static ErasurePage blank(ErasureForm form, String action, String name) {
    return new ErasurePage(form, Map.of(), false, form.byAdmin(), action, name, form.expectedHandle());
  }

  static ErasurePage submitted(ErasureForm form, String action, String name) {
    Map<String, String> problems = form.problems();
    return new ErasurePage(form, problems, !problems.isEmpty(), form.byAdmin(), action, name, form.expectedHandle());
  }

  /** The page asking to sign in again first: {@code next} brings the member back to the form. */
  public record Reauth(String signInUrl) {}
}
