package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.StakeholderType;
import eu.mhealthhub.agora.text.CleanText;
import io.vertx.core.MultiMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The "Join our network" form as submitted, cleaned where it enters. {@link #problems} is what both
 * the page and {@link NetworkService#join} check.
 *
 * @param topics  the topic codes ticked ({@code talks}, {@code results}, {@code group:<id>})
 * @param consent the announcements box, unticked until the visitor ticks it
 * @param website a honeypot no person sees: filled in, the form is refused
 */
public record JoinForm(String name, String email, String organisation, String country, String stakeholderType,
    List<String> topics, boolean consent, String website) {

  static final int MAX_NAME = 120;
  static final int MAX_ORGANISATION = 120;
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  /** The same test {@code mail/OutgoingMail} makes, with a dot required in the domain. */
  static final String EMAIL = "[^@\\s<>\"(),;:]+@[^@\\s<>\"(),;:]+\\.[^@\\s<>\"(),;:]+";

  /** The form with every field cleaned; blank optional fields become null. */
  public static JoinForm of(MultiMap form) {
    return new JoinForm(clean(form.get("name")), email(form.get("email")), blankToNull(clean(form.get("organisation"))),
        upper(blankToNull(clean(form.get("country")))), blankToNull(clean(form.get("stakeholderType"))),
        form.getAll("topic").stream().map(CleanText::line).filter(t -> t != null && !t.isBlank()).distinct().toList(),
        form.get("consent") != null, form.get("website") == null ? "" : form.get("website"));
  }

  /** Whether a robot filled in the honeypot. */
  public boolean robot() {
    return !website.isBlank();
  }

  /** Field name to message key; empty when the form may be stored. */
  public Map<String, String> problems(Set<String> knownTopics) {
    Map<String, String> problems = new LinkedHashMap<>();
    if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_NAME) {
      problems.put("name", "network.error.name");
    }
    if (!validEmail(email)) {
      problems.put("email", "network.error.email");
    }
    if (organisation != null && organisation.codePointCount(0, organisation.length()) > MAX_ORGANISATION) {
      problems.put("organisation", "network.error.organisation");
    }
    if (country != null && !COUNTRIES.contains(country)) {
      problems.put("country", "network.error.country");
    }
    if (stakeholderType != null && StakeholderType.of(stakeholderType).isEmpty()) {
      problems.put("stakeholderType", "network.error.stakeholder");
    }
    if (topics.isEmpty() || !knownTopics.containsAll(topics)) {
      problems.put("topics", "network.error.topics");
    }
    if (!consent) {
      problems.put("consent", "network.error.consent");
    }
    return problems;
  }

  static boolean validEmail(String email) {
    return email != null && email.length() <= 254 && email.matches(EMAIL);
  }

  /** Lower-cased: one follower per address, whatever the case typed. */
  static String email(String raw) {
    String e = clean(raw);
    return e.toLowerCase(Locale.ROOT);
  }

  private static String clean(String s) {
    String c = CleanText.line(s);
    return c == null ? "" : c.strip();
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String upper(String s) {
    return s == null ? null : s.toUpperCase(Locale.ROOT);
  }
}
