package eu.mhealthhub.agora.moderation;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The notice form (template {@code moderation/notice-new}), empty, prefilled or as submitted with its problems. */
public record NoticePage(NoticeForm form, List<Option> categories, Map<String, String> problems, boolean hasProblems) {

  /** One category in the select. */
  public record Option(String value, String label, boolean selected) {}

  static NoticePage of(NoticeForm form, boolean showProblems) {
    Map<String, String> problems = showProblems ? form.problems() : Map.of();
    List<Option> options = Arrays.stream(NoticeCategory.values())
        .map(c -> new Option(c.value(), c.label(), c.value().equals(form.category()))).toList();
    return new NoticePage(form, options, problems, !problems.isEmpty());
  }
}
