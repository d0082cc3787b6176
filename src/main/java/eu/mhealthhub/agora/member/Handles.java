package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;

import java.text.Normalizer;
import java.util.Locale;

/** Turns a display name into an @handle: lower-case ASCII letters and digits joined by dots. */
public final class Handles {

  public static final String PATTERN = "[a-z0-9][a-z0-9._-]{1,39}";

  private Handles() {}

  public static String fromName(String displayName) {
    String ascii = Normalizer.normalize(displayName == null ? "" : displayName, Normalizer.Form.NFD)
        .replaceAll("\\p{M}", "")
        .replace("ß", "ss").replace("æ", "ae").replace("Æ", "ae").replace("ø", "o").replace("Ø", "o")
        .replace("ł", "l").replace("Ł", "l")
        .toLowerCase(Locale.ROOT);
    String handle = ascii.replaceAll("[^a-z0-9]+", ".").replaceAll("^\\.+|\\.+$", "");
    if (handle.length() > 30) {
      handle = handle.substring(0, 30).replaceAll("\\.+$", "");
    }
    return handle.length() < 2 ? "member" : handle;
  }
}
