package eu.mhealthhub.agora.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable tokens and their constant-time comparison. */
public final class Tokens {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A URL-safe random token carrying {@code bytes * 8} bits. */
  /**
   * The bytes of a session's CSRF token: 192 bits, beyond guessing, and short, since every form of a page carries it
   * masked at twice its length (a Talk room's moderator view has a form per question).
   */
  public static final int CSRF_BYTES = 24;

  /** A new CSRF token for a session. */
  public static String csrf() {
    return random(CSRF_BYTES);
  }

  public static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static boolean same(String expected, String actual) {
    if (expected == null || actual == null) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The token as one response shows it (BREACH): random bytes, then the token's bytes XOR those, URL-safe.
   * Each response carries different bytes for the same token, so compressed sizes reveal nothing of it. A token
   * that is URL-safe Base64 (every session token, {@link #random}) is masked as the bytes it encodes, so the masked
   * form is twice the token's bytes, not twice its characters (a room page carries it in three forms per question);
   * any other token is masked as its UTF-8 bytes behind a '.', which Base64 never writes.
   */
  public static String mask(String token) {
    byte[] raw = decoded(token);
    byte[] t = raw != null ? raw : token.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[t.length * 2];
    byte[] pad = new byte[t.length];
    RANDOM.nextBytes(pad);
    for (int i = 0; i < t.length; i++) {
      out[i] = pad[i];
      out[t.length + i] = (byte) (pad[i] ^ t[i]);
    }
    String masked = Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    return raw != null ? masked : "." + masked;
  }

  /** The token a {@link #mask}ed one stands for; null if it is not one. */
  public static String unmask(String masked) {
    if (masked == null || masked.length() > 400) {
      return null;
    }
    boolean text = masked.startsWith(".");
    byte[] b;
    try {
      b = Base64.getUrlDecoder().decode(text ? masked.substring(1) : masked);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (b.length == 0 || b.length % 2 != 0) {
      return null;
    }
    int n = b.length / 2;
    byte[] t = new byte[n];
    for (int i = 0; i < n; i++) {
      t[i] = (byte) (b[i] ^ b[n + i]);
    }
    return text ? new String(t, StandardCharsets.UTF_8) : Base64.getUrlEncoder().withoutPadding().encodeToString(t);
  }

  /** The bytes a token encodes when it is canonical URL-safe Base64 without padding; null otherwise. */
  private static byte[] decoded(String token) {
    try {
      byte[] raw = Base64.getUrlDecoder().decode(token);
      return raw.length > 0 && Base64.getUrlEncoder().withoutPadding().encodeToString(raw).equals(token) ? raw : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** True for a path on this site that is safe to redirect to after sign-in. */
  public static boolean isLocalPath(String target) {
    return target != null && target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/\\")
        && target.length() <= 2000 && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\');
  }
}
