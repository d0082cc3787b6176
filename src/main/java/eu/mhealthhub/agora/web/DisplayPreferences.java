package eu.mhealthhub.agora.web;

import java.util.Optional;
import java.util.Set;

/**
 * How the signed-in member wants pages to behave (issue 14, point 3), as the layout writes it on
 * {@code <html>}: {@code data-reduced-motion} ({@code on}, {@code off}, {@code system}) and
 * {@code data-live-announce} ({@code on}, {@code off}, or empty for an anonymous reader, whose choice
 * on the page itself is kept by the browser). The style sheet and the live script read both, so they
 * hold on the first paint and without JavaScript. Put in the request by {@code ViewerHandler} under {@link #KEY}.
 */
public record DisplayPreferences(String reducedMotion, String liveAnnounce) {

  public static final String KEY = "agora.displayPreferences";

  /** The values reduced motion may take. */
  public static final Set<String> MOTIONS = Set.of("on", "off", "system");

  /** An anonymous reader's: follow the system, announcements as the page's own switch says. */
  public static final DisplayPreferences ANONYMOUS = new DisplayPreferences("system", "");

  /** A member's stored choice. */
  public static DisplayPreferences of(String reducedMotion, boolean liveAnnounce) {
    return new DisplayPreferences(MOTIONS.contains(reducedMotion) ? reducedMotion : "system", liveAnnounce ? "on" : "off");
  }

  /** What the request's viewer chose; {@link #ANONYMOUS} when nothing was put. */
  static DisplayPreferences of(io.vertx.ext.web.RoutingContext ctx) {
    return Optional.ofNullable(ctx.<DisplayPreferences>get(KEY)).orElse(ANONYMOUS);
  }
}
