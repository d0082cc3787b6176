package eu.mhealthhub.agora.moderation;

import java.util.Arrays;
import java.util.List;

/**
 * The suspension page of a member (template {@code moderation/suspension}): the suspension in force,
 * the forms to suspend or lift, and the history.
 *
 * @param refusal a refusal in the reader's language (no reason, already suspended...), else null
 */
public record SuspensionPage(String displayName, String handle, Suspension current, List<Suspension> history,
    boolean maySuspend, boolean mayLift, List<Option> periods, String reason, String refusal, boolean hasProblems) {

  /** One period as a radio button. */
  public record Option(String value, String label, boolean checked) {}

  static SuspensionPage of(String displayName, String handle, SuspensionService.State state, String period, String reason,
      String refusal) {
    String chosen = SuspensionPeriod.of(period).map(SuspensionPeriod::value).orElse(SuspensionPeriod.DAY.value());
    List<Option> periods = Arrays.stream(SuspensionPeriod.values())
        .map(p -> new Option(p.value(), p.label(), p.value().equals(chosen))).toList();
    return new SuspensionPage(displayName, handle, state.current().orElse(null), state.history(), state.maySuspend(),
        state.mayLift(), periods, reason == null ? "" : reason, refusal, refusal != null);
  }
}
