package eu.mhealthhub.agora.moderation;

import eu.mhealthhub.agora.text.CleanText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A notice of illegal content as submitted (DSA Art. 16(2)): where the content is, why it is
 * illegal and under which law, who sends it, and the statement of good faith. {@code website} is
 * the honeypot: a field hidden from people that only robots fill in. The routes and
 * {@link NoticeService} check it with the same {@link #problems()}.
 */
public record NoticeForm(String url, String category, String explanation, String legalGround, String name,
    String email, boolean goodFaith, String website) {

  public static final int MAX_URL = 2000;
  public static final int MAX_EXPLANATION = 5000;
  public static final int MAX_LEGAL_GROUND = 500;
  public static final int MAX_NAME = 200;
  public static final int MAX_EMAIL = 254;

  public NoticeForm {
    url = line(url);
    category = line(category);
    explanation = explanation == null ? "" : CleanText.body(explanation).strip();
    legalGround = legalGround == null ? "" : CleanText.body(legalGround).strip();
    name = line(name);
    email = line(email);
    website = website == null ? "" : website.strip();
  }

  private static String line(String raw) {
    return raw == null ? "" : CleanText.line(CleanText.body(raw)).strip();
  }

  /** An empty form, with the address of the item it was opened from when that is a path or web address. */
  public static NoticeForm prefilled(String url) {
    String u = url == null ? "" : url;
    return new NoticeForm(u.length() <= MAX_URL ? u : "", "", "", "", "", "", false, "");
  }

  /** Filled in by a robot (the field people do not see). */
  public boolean robot() {
    return !website.isEmpty();
  }

  /** Field name to message key; empty when the notice can be stored. */
  public Map<String, String> problems() {
    Map<String, String> problems = new LinkedHashMap<>();
    if (url.isEmpty() || url.length() > MAX_URL
        || !(url.startsWith("https://") || url.startsWith("http://") || (url.startsWith("/") && !url.startsWith("//")))) {
      problems.put("url", "notice.error.url");
    }
    var kind = NoticeCategory.fromForm(category);
    if (kind.isEmpty()) {
      problems.put("category", "notice.error.category");
    }
    if (explanation.isEmpty() || explanation.length() > MAX_EXPLANATION) {
      problems.put("explanation", "notice.error.explanation");
    }
    if (legalGround.isEmpty() || legalGround.length() > MAX_LEGAL_GROUND) {
      problems.put("legalGround", "notice.error.legalGround");
    }
    boolean anonymousAllowed = kind.map(NoticeCategory::anonymousAllowed).orElse(false);
    if ((name.isEmpty() && !anonymousAllowed) || name.length() > MAX_NAME) {
      problems.put("name", "notice.error.name");
    }
    if ((email.isEmpty() && !anonymousAllowed) || email.length() > MAX_EMAIL
        || (!email.isEmpty() && !email.matches("[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:]+"))) {
      problems.put("email", "notice.error.email");
    }
    if (!goodFaith) {
      problems.put("goodFaith", "notice.error.goodFaith");
    }
    return problems;
  }
}
