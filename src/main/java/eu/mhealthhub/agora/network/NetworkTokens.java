package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.web.SignedTokens;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The signed links a follower gets by e-mail, which work without signing in: {@code base64url(claim).base64url(mac)},
 * an HMAC-SHA256 over the purpose and the claim, keyed with the {@code network} secret of {@code server_keys} every
 * node shares. The confirmation link names the follower, the one-time nonce stored with them and an expiry; the
 * topics link the follower and an expiry; the unsubscribe link only the follower (people click old e-mails to stop
 * them). Changing any part breaks the MAC, and a token of one purpose is never valid for another.
 */
final class NetworkTokens {

  static final String KEY_NAME = "network";

  /** What a link is for. */
  enum Purpose { CONFIRM, TOPICS, UNSUBSCRIBE }

  /** A genuine token's content: the follower, the nonce (confirmation only, else empty) and the expiry (epoch seconds, 0: none). */
  record Claim(Purpose purpose, long followerId, String nonce, long expiresAt) {
    boolean expiredAt(Instant now) {
      return expiresAt != 0 && now.getEpochSecond() >= expiresAt;
    }
  }

  private final SignedTokens signed;

  NetworkTokens(byte[] key) {
    this.signed = new SignedTokens(KEY_NAME, key, 300);
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
    return signed.sign(name(c.purpose()) + ":" + c.followerId() + ":" + c.nonce() + ":" + c.expiresAt());
  }

  private static String name(Purpose purpose) {
    return purpose.name().toLowerCase(Locale.ROOT);
  }

  /** The claim of a genuine token of that purpose (expired or not); empty for anything else. */
  Optional<Claim> verify(String token, Purpose purpose) {
    return signed.claim(token).flatMap(claim -> {
      String[] parts = claim.split(":", -1);
      if (parts.length != 4 || !parts[0].equals(name(purpose))) {
        return Optional.empty();
      }
      try {
        long id = Long.parseLong(parts[1]);
        long expires = Long.parseLong(parts[3]);
        return id > 0 ? Optional.of(new Claim(purpose, id, parts[2], expires)) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    });
  }
}
