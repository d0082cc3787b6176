package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.Member;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;

/**
 * Who is asking, in which language and time zone, as settled once per request by
 * {@link ViewerHandler}. Handlers read it with {@link #of(RoutingContext)}; nothing about identity
 * or role ever comes from the request itself.
 */
public record Viewer(Optional<Member> member, Locale locale, ZoneId zone, String csrfToken) {

  public static final String KEY = "agora.viewer";

  public static Viewer of(RoutingContext ctx) {
    Viewer v = ctx.get(KEY);
    if (v == null) {
      throw new IllegalStateException("ViewerHandler did not run for " + ctx.normalizedPath());
    }
    return v;
  }

  /** Makes the rest of this request anonymous, after its session ended during it. */
  public static void forgetMember(RoutingContext ctx) {
    Viewer v = of(ctx);
    ctx.put(KEY, new Viewer(Optional.empty(), v.locale(), v.zone(), null));
  }

  public boolean signedIn() {
    return member.isPresent();
  }

  public long memberId() {
    return member.orElseThrow().id();
  }
}
