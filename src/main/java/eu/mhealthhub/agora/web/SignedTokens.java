package eu.mhealthhub.agora.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Tokens for links that work without signing in: {@code base64url(claim).base64url(mac)}, the MAC an HMAC-SHA256 over
 * the purpose and the claim, keyed with a secret every node reads from {@code server_keys}. Changing any character of
 * the claim breaks the MAC, and the purpose (also the key's name) is signed with it, so no token of one use stands in
 * for another. What a claim says, and whether it expires, is its user's business (mail/UnsubscribeTokens,
 * network/NetworkTokens).
 */
public final class SignedTokens {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  private final String purpose;
  private final byte[] key;
  private final int maxLength;

  /**
   * @param purpose    the key's name, signed before every claim
   * @param key        at least 32 bytes
   * @param maxLength  the longest token {@link #claim} reads (anything longer is not one of ours)
   */
  public SignedTokens(String purpose, byte[] key, int maxLength) {
    if (key.length < 32) {
      throw new IllegalArgumentException("a " + purpose + " key has at least 32 bytes");
    }
    this.purpose = purpose;
    this.key = key.clone();
    this.maxLength = maxLength;
  }

  /** The token for this claim. */
  public String sign(String claim) {
    return B64.encodeToString(claim.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac(claim));
  }

  /** The claim of a genuine token; empty for anything else (altered, truncated, malformed, too long, null). */
  public Optional<String> claim(String token) {
    if (token == null || token.length() > maxLength) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    try {
      String claim = new String(B64D.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      return MessageDigest.isEqual(mac(claim), B64D.decode(token.substring(dot + 1))) ? Optional.of(claim) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String claim) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal((purpose + "\n" + claim).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
