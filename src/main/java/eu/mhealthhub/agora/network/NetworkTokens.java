package eu.mhealthhub.agora.network;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed links a follower gets by e-mail, which work without signing in: {@code base64url(claim).base64url(mac)},
 * an HMAC-SHA256 over the purpose and the claim, keyed with the {@code network} secret of {@code server_keys} every
 * node shares. The confirmation link names the follower, the one-time nonce stored with them and an expiry; the
 * topics link the follower and an expiry; the unsubscribe link only the follower (people click old e-mails to stop
 * them). Changing any part breaks the MAC, and a token of one purpose is never valid for another.
 */
final class NetworkTokens {

  static final String KEY_NAME = "network";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** What a link is for. */
  enum Purpose { CONFIRM, TOPICS, UNSUBSCRIBE }

  /** A genuine token's content: the follower, the nonce (confirmation only, else empty) and the expiry (epoch seconds, 0: none). */
  record Claim(Purpose purpose, long followerId, String nonce, long expiresAt) {
    boolean expiredAt(Instant now) {
      return expiresAt != 0 && now.getEpochSecond() >= expiresAt;
    }
  }

  private final byte[] key;

  NetworkTokens(byte[] key) {
    if (key.length < 32) {
      throw new IllegalArgumentException("a network key has at least 32 bytes");
    }
    this.key = key.clone();
  }

  String confirm(long followerId, String nonce, Instant expires) {
    return sign(new Claim(Purpose.CONFIRM, followerId, nonce, expires.getEpochSecond()));
  }

  String topics(long followerId, Instant expires) {
    return sign(new Claim(Purpose.TOPICS, followerId, "", expires.getEpochSecond()));
  }

  String unsubscribe(long followerId) {
    return sign(new Claim(Purpose.UNSUBSCRIBE, followerId, "", 0));
  }

  private String sign(Claim c) {
    String claim = c.purpose().name().toLowerCase() + ":" + c.followerId() + ":" + c.nonce() + ":" + c.expiresAt();
    return B64.encodeToString(claim.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(mac(claim));
  }

  /** The claim of a genuine token of that purpose (expired or not); empty for anything else. */
  Optional<Claim> verify(String token, Purpose purpose) {
    if (token == null || token.length() > 300) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot <= 0 || dot != token.lastIndexOf('.')) {
      return Optional.empty();
    }
    try {
      String claim = new String(B64D.decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(mac(claim), B64D.decode(token.substring(dot + 1)))) {
        return Optional.empty();
      }
      String[] parts = claim.split(":", -1);
      if (parts.length != 4 || !parts[0].equals(purpose.name().toLowerCase())) {
        return Optional.empty();
      }
      long id = Long.parseLong(parts[1]);
      long expires = Long.parseLong(parts[3]);
      return id > 0 ? Optional.of(new Claim(purpose, id, parts[2], expires)) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String claim) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal((KEY_NAME + "\n" + claim).getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
