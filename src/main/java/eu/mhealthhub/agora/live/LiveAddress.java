package eu.mhealthhub.agora.live;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where changes to one thing are announced: a kind ({@code thread}, {@code group}, {@code document},
 * {@code talk}, {@code member}) and the thing's id, written {@code thread.12}. The one parse and the
 * one format of live addresses; which kinds exist, and who may read each, is declared by the
 * features in {@link LiveAudience}.
 */
public record LiveAddress(String kind, long id) {

  private static final Pattern FORM = Pattern.compile("([a-z]{1,20})\\.([1-9][0-9]{0,18})");

  public LiveAddress {
    if (!kind.matches("[a-z]{1,20}") || id <= 0) {
      throw new IllegalArgumentException("not a live address: " + kind + "." + id);
    }
  }

  public static LiveAddress of(String kind, long id) {
    return new LiveAddress(kind, id);
  }

  /** The address written as {@code kind.id}, or empty for anything else (null included). */
  public static Optional<LiveAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = FORM.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new LiveAddress(m.group(1), Long.parseLong(m.group(2))));
    } catch (NumberFormatException e) {
      return Optional.empty(); // beyond a long
    }
  }

  /** The pattern of every address a browser may register, for the bridge's outbound permit. */
  public static String pattern() {
    return FORM.pattern();
  }

  @Override
  public String toString() {
    return kind + "." + id;
  }
}
