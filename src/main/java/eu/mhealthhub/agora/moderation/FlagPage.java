package eu.mhealthhub.agora.moderation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The form to flag one item (template {@code moderation/flag}).
 *
 * @param kind      the kind of item, as in the path ({@code post})
 * @param itemId    its id
 * @param itemUrl   where it is shown
 * @param authorName who wrote it
 * @param excerpt   the start of its text, as plain text
 * @param refusal   a refusal in the reader's language (flagged twice already), else null
 */
public record FlagPage(String kind, long itemId, String itemUrl, String authorName, String excerpt,
    List<Option> reasons, String detail, Map<String, String> problems, boolean hasProblems, String refusal) {

  /** One reason as a radio button. */
  public record Option(String value, String label, boolean checked) {}

  static final int EXCERPT = 300;

  static FlagPage of(FlagService.Flaggable item, FlagForm form, String refusal) {
    Map<String, String> problems = form.problems();
    List<Option> options = Arrays.stream(FlagReason.values())
        .map(r -> new Option(r.value(), r.label(), r.value().equals(form.reason()))).toList();
    return new FlagPage(item.kind(), item.id(), item.url(), item.authorName(), excerpt(item.text()), options,
        form.detail(), problems, !problems.isEmpty() || refusal != null, refusal);
  }

  private static String excerpt(String text) {
    String oneLine = text.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= EXCERPT ? oneLine : oneLine.substring(0, EXCERPT) + "…";
  }
}
