package eu.mhealthhub.agora;

import java.time.Instant;

/**
 * A person with an account. The identity is the provider's issuer and subject; the name and e-mail
 * start from the provider's claims and the member may change them. {@code locale} and
 * {@code timeZone} are null while the member has not chosen.
 */
public record Member(
    long id,
    String displayName,
    String handle,
    String email,
    String locale,
    String timeZone,
    boolean admin,
    Instant createdAt) {

  public static final int MAX_NAME_LENGTH = 80;
  public static final int MAX_EMAIL_LENGTH = 254;
  /**
   * The name an erased member's row keeps. It is never shown as stored: pages render it from the
   * bundles (key {@code member.former}) in the reader's language, and no one may choose it as a name.
   */
  public static final String FORMER_NAME = "Former member";

  /** Whether a name would pass for an erased member's. */
  public static boolean formerName(CharSequence name) {
    return name != null && FORMER_NAME.equalsIgnoreCase(name.toString().strip());
  }

  /** Two letters for the avatar circle in the header. */
  public String initials() {
    return initialsOf(displayName);
  }

  /** Two letters of {@code displayName} for an avatar circle; "?" when it has none. */
  public static String initialsOf(String displayName) {
    if (displayName == null) {
      return "?";
    }
    String[] parts = displayName.trim().split("\\s+");
    StringBuilder b = new StringBuilder();
    for (String p : parts) {
      if (!p.isEmpty() && b.length() < 2 && Character.isLetterOrDigit(p.codePointAt(0))) {
        b.appendCodePoint(Character.toUpperCase(p.codePointAt(0)));
      }
    }
    return b.length() == 0 ? "?" : b.toString();
  }
}
