package eu.mhealthhub.agora.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sign-ins a browser has started and not finished (state, nonce, PKCE verifier, where to go
 * next), kept in the browser itself: one short-lived cookie, encrypted and authenticated with
 * AES-256-GCM, HttpOnly, SameSite=Lax (the provider's redirect back is a cross-site navigation),
 * {@code __Host-} prefixed and Secure under https. So a visit to {@code /auth/login} costs the
 * server no session and no memory, however many arrive, and any node can finish a sign-in another
 * node started.
 *
 * <p>The key is derived from the OpenID Connect client secret, which every node of a deployment
 * shares and which outlives restarts; whoever knows the secret could forge this cookie, but no more
 * than its own browser's sign-in attempt depends on it.
 */
final class PendingSignIns {

  /** How long a started sign-in may take at the provider. */
  static final Duration LIFETIME = Duration.ofMinutes(10);
  /** Sign-ins started in other tabs that are kept alongside; the oldest goes first. */
  static final int MAX_PENDING = 5;

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int IV_BYTES = 12;
  /** Browsers keep cookies up to 4096 bytes, name and attributes included. */
  private static final int MAX_COOKIE_CHARS = 3800;

  private final SecretKeySpec key;
  private final String cookieName;
  private final boolean secure;
  private final Clock clock;

  PendingSignIns(byte[] key, boolean secure, Clock clock) {
    this.key = new SecretKeySpec(key, "AES");
    this.secure = secure;
    this.cookieName = secure ? "__Host-agora_signin" : "agora_signin";
    this.clock = clock;
  }

  /** A 256-bit key for this cookie, derived from the client secret (HMAC-SHA256 as the derivation). */
  static byte[] keyFrom(String clientSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal("agora: pending sign-ins cookie, v1".getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  String cookieName() {
    return cookieName;
  }

  /**
   * The unexpired attempts this browser carries, by state; empty when it carries none, or a cookie
   * that was altered, made with another key, or is not ours.
   */
  JsonObject read(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(cookieName);
    if (cookie == null || cookie.getValue().isEmpty() || cookie.getValue().length() > MAX_COOKIE_CHARS) {
      return new JsonObject();
    }
    try {
      byte[] sealed = Base64.getUrlDecoder().decode(cookie.getValue());
      if (sealed.length <= IV_BYTES) {
        return new JsonObject();
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, IV_BYTES));
      cipher.updateAAD(cookieName.getBytes(StandardCharsets.US_ASCII));
      byte[] plain = cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
      JsonObject attempts = new JsonObject(new String(plain, StandardCharsets.UTF_8));
      dropExpired(attempts);
      return attempts;
    } catch (GeneralSecurityException | IllegalArgumentException | DecodeException | ClassCastException e) {
      return new JsonObject();
    }
  }

  /** Sets the cookie to these attempts (the oldest beyond {@link #MAX_PENDING} dropped), or removes it when none are left. */
  void write(RoutingContext ctx, JsonObject attempts) {
    dropExpired(attempts);
    while (attempts.size() > MAX_PENDING) {
      attempts.remove(oldest(attempts));
    }
    String sealed = attempts.isEmpty() ? "" : seal(attempts);
    while (sealed.length() > MAX_COOKIE_CHARS) {
      // long next paths in several tabs: keep what fits in one cookie, newest first
      attempts.remove(oldest(attempts));
      sealed = attempts.isEmpty() ? "" : seal(attempts);
    }
    Cookie cookie = sealed.isEmpty() ? Cookie.cookie(cookieName, "").setMaxAge(0)
        : Cookie.cookie(cookieName, sealed).setMaxAge(LIFETIME.toSeconds());
    ctx.response().addCookie(cookie.setPath("/").setHttpOnly(true).setSecure(secure).setSameSite(CookieSameSite.LAX));
  }

  /** A new attempt's record: when it started, with its nonce, verifier and next path. */
  JsonObject attempt(String nonce, String verifier, String next) {
    return new JsonObject().put("nonce", nonce).put("verifier", verifier).put("next", next).put("at", clock.millis());
  }

  private String seal(JsonObject attempts) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
      cipher.updateAAD(cookieName.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = cipher.doFinal(attempts.encode().getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[IV_BYTES + sealed.length];
      System.arraycopy(iv, 0, out, 0, IV_BYTES);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void dropExpired(JsonObject attempts) {
    long now = clock.millis();
    for (Iterator<Map.Entry<String, Object>> it = attempts.iterator(); it.hasNext(); ) {
      Object value = it.next().getValue();
      long at = value instanceof JsonObject a && a.getValue("at") instanceof Number n ? n.longValue() : Long.MIN_VALUE;
      if (at == Long.MIN_VALUE || now - at > LIFETIME.toMillis() || at > now + 60_000) {
        it.remove();
      }
    }
  }

  private static String oldest(JsonObject attempts) {
    String oldest = null;
    long at = Long.MAX_VALUE;
    for (String state : attempts.fieldNames()) {
      long started = attempts.getJsonObject(state).getLong("at");
      if (started < at) {
        at = started;
        oldest = state;
      }
    }
    return oldest;
  }
}
