package eu.mhealthhub.agora.privacy;

import eu.mhealthhub.agora.text.CleanText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An erasure as submitted: the handle typed again to confirm, whether the posts go too, and (for an
 * admin erasing someone on request) the reason.
 *
 * @param expectedHandle the handle of the member to be erased, which {@code confirmation} must repeat
 * @param byAdmin        an admin erasing someone else: a reason is required
 */
public record ErasureForm(String confirmation, boolean deletePosts, String reason, String expectedHandle, boolean byAdmin) {

  /** The longest reason the audit log keeps for an erasure. */
  public static final int MAX_REASON = 2000;

  public static ErasureForm of(String confirmation, String deletePosts, String reason, String expectedHandle,
      boolean byAdmin) {
    String typed = CleanText.line(confirmation);
    String why = reason == null ? "" : reason.strip();
    return new ErasureForm(typed == null ? "" : typed.strip().replaceFirst("^@", ""), "yes".equals(deletePosts), why,
        expectedHandle, byAdmin);
  }

  /** An empty form for the page. */
  public static ErasureForm blank(String expectedHandle, boolean byAdmin) {
    return new ErasureForm("", false, "", expectedHandle, byAdmin);
  }

  /** Field name to message key for every problem; empty when the erasure may go ahead. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (!confirmation.equalsIgnoreCase(expectedHandle)) {
      problems.put("confirmation", "erasure.error.confirmation");
    }
    if (byAdmin && reason.isEmpty()) {
      problems.put("reason", "erasure.error.reason");
    } else if (reason.length() > MAX_REASON) {
      problems.put("reason", "erasure.error.reason.long");
    }
    return problems;
  }
}
