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

  /** True for a path on this site that is safe to redirect to after sign-in. */
  public static boolean isLocalPath(String target) {
    return target != null && target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/\\")
        && target.length() <= 2000 && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c == '\\');
  }
}
