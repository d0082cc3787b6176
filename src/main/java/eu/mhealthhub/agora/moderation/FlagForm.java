package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.text.CleanText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flag as submitted: the reason's value as sent, and the member's words (needed for "other").
 * The routes and {@link FlagService} check it with the same {@link #problems()}.
 */
public record FlagForm(String reason, String detail) {

  public static final int MAX_DETAIL = 1000;

  public FlagForm {
    reason = reason == null ? "" : reason.strip();
    detail = detail == null ? "" : CleanText.body(detail).strip();
  }

  /** Field name to message key; empty when the flag can be stored. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (FlagReason.fromForm(reason).isEmpty()) {
      problems.put("reason", "flag.error.reason");
    } else if (FlagReason.fromForm(reason).get() == FlagReason.OTHER && detail.isEmpty()) {
      problems.put("detail", "flag.error.detail");
    }
    if (detail.length() > MAX_DETAIL) {
      problems.put("detail", "flag.error.detail.long");
    }
    return problems;
  }
}
