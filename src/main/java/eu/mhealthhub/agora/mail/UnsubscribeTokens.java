package eu.mhealthhub.agora.mail;

import eu.mhealthhub.agora.web.SignedTokens;
import java.util.Optional;

/**
 * Unsubscribe links that work without signing in: the token names a member and a kind of e-mail and
 * carries an HMAC-SHA256 over both and the purpose, keyed with a secret every node reads from
 * {@code server_keys}. Changing the member or the kind breaks the MAC, so a link can stop only the
 * e-mails it was sent with, for the member it was sent to; tokens do not expire, as people click
 * old e-mails.
 */
public final class UnsubscribeTokens {

  /** The name of the key in {@code server_keys}; also part of what is signed, so no other use of it can stand in. */
  static final String PURPOSE = "unsubscribe";

  /** Who and what a valid token stands for. */
  public record Subject(long memberId, String kind) {}

  private final SignedTokens signed;

  UnsubscribeTokens(byte[] key) {
    this.signed = new SignedTokens(PURPOSE, key, 200);
  }

  /** Kinds are short lower-case names: {@code mention}, {@code digest.daily}. */
  public static boolean validKind(String kind) {
    return kind != null && kind.matches("[a-z][a-z0-9_.-]{0,39}");
  }

  /** The token for the member and kind: {@code base64url(id:kind).base64url(mac)}. */
  public String token(long memberId, String kind) {
    if (memberId <= 0 || !validKind(kind)) {
      throw new IllegalArgumentException("no unsubscribe token for " + memberId + "/" + kind);
    }
    return signed.sign(memberId + ":" + kind);
  }

  /** The member and kind of a genuine token; empty for anything else (altered, truncated, malformed). */
  public Optional<Subject> verify(String token) {
    return signed.claim(token).flatMap(claim -> {
      try {
        int colon = claim.indexOf(':');
        long memberId = Long.parseLong(claim.substring(0, colon));
        String kind = claim.substring(colon + 1);
        return memberId > 0 && validKind(kind) ? Optional.of(new Subject(memberId, kind)) : Optional.empty();
      } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
        return Optional.empty();
      }
    });
  }
}
