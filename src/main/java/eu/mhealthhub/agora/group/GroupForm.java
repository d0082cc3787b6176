package eu.mhealthhub.agora.group;

import eu.mhealthhub.agora.text.CleanText;
import java.util.LinkedHashMap;
import java.util.Map;

/** A group as an admin creates or edits it, as submitted. */
public record GroupForm(String slug, String name, String purpose, String visibility, String joinPolicy) {

  /** The form as submitted, its text cleaned ({@link CleanText}: the name a single line, the purpose multi-line). */
  public static GroupForm of(String slug, String name, String purpose, String visibility, String joinPolicy) {
    return new GroupForm(slug == null ? "" : CleanText.line(slug).toLowerCase(java.util.Locale.ROOT),
        name == null ? "" : CleanText.line(name), purpose == null ? "" : CleanText.body(purpose).strip(),
        visibility == null ? "public" : visibility, joinPolicy == null ? "open" : joinPolicy);
  }

  public boolean closed() {
    return "closed".equals(visibility);
  }

  public boolean openJoin() {
    return "open".equals(joinPolicy);
  }

  /** Field to message key for every problem. */
  public Map<String, String> problems(boolean creating) {
    Map<String, String> p = new LinkedHashMap<>();
    if (creating && !slug.matches("[a-z0-9]+(-[a-z0-9]+)*") || slug.length() > 60) {
      p.put("slug", "group.form.error.slug");
    }
    if (name.isEmpty() || name.length() > WorkingGroup.MAX_NAME) {
      p.put("name", "group.form.error.name");
    }
    if (purpose.length() > WorkingGroup.MAX_PURPOSE) {
      p.put("purpose", "group.form.error.purpose");
    }
    if (!visibility.equals("public") && !visibility.equals("closed")) {
      p.put("visibility", "group.form.error.visibility");
    }
    if (!joinPolicy.equals("open") && !joinPolicy.equals("request")) {
      p.put("joinPolicy", "group.form.error.join");
    }
    return p;
  }
}
