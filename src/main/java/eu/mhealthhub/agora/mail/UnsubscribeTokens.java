package eu.mhealthhub.agora.mail;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

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
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** Who and what a valid token stands for. */
  public record Subject(long memberId, String kind) {}

  private final byte[] key;

  UnsubscribeTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("an unsubscribe key has at least 32 bytes");
    }
    this.key = key.clone();
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
    String claim = memberId + ":" + kind;
    return B64.encodeToString(claim.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac(claim));
  }

  /** The member and kind of a genuine token; empty for anything else (altered, truncated, malformed). */
  public Optional<Subject> verify(String token) {
    if (token == null || token.length() > 200) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    try {
      String claim = new String(B64D.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      byte[] presented = B64D.decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(mac(claim), presented)) {
        return Optional.empty();
      }
      int colon = claim.indexOf(':');
      long memberId = Long.parseLong(claim.substring(0, colon));
      String kind = claim.substring(colon + 1);
      return memberId > 0 && validKind(kind) ? Optional.of(new Subject(memberId, kind)) : Optional.empty();
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String claim) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal((PURPOSE + "\n" + claim).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
