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

  /** Two letters for the avatar circle in the header. */
  public String initials() {
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
