package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.web.SuspensionCheck;

import eu.mhealthhub.agora.web.*;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.member.MemberService;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Settles the {@link Viewer} of every request: ends sessions past their absolute lifetime or whose
 * sign-in the identity provider ended, loads the signed-in member from the database (so a role
 * change or an erasure takes effect at once), and picks language and time zone.
 */
public final class ViewerHandler implements Handler<RoutingContext> {

  public static final String LANGUAGE_COOKIE = "agora_lang";

  private final MemberService members;
  private final SignInCheck signIns;
  private final I18n i18n;
  private final ZoneId defaultZone;
  private final Duration maxAge;
  private final Clock clock;

  private final String sessionCookie;
  private final SuspensionCheck suspensions;

  public ViewerHandler(MemberService members, SignInCheck signIns, I18n i18n, ZoneId defaultZone, Duration maxAge,
      Clock clock, String sessionCookie) {
    this(members, signIns, i18n, defaultZone, maxAge, clock, sessionCookie, SuspensionCheck.NONE);
  }

  /**
   * @param suspensions this node's knowledge of suspended members: a session of one is destroyed
   *                    (an API request is refused with 403 "suspended"), with no database round trip
   */
  public ViewerHandler(MemberService members, SignInCheck signIns, I18n i18n, ZoneId defaultZone, Duration maxAge,
      Clock clock, String sessionCookie, SuspensionCheck suspensions) {
    this.suspensions = suspensions;
    this.sessionCookie = sessionCookie;
    this.members = members;
    this.signIns = signIns;
    this.i18n = i18n;
    this.defaultZone = defaultZone;
    this.maxAge = maxAge;
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    // Asking the context for its session marks it used, and a used session is stored and given a
    // cookie; anonymous readers without a cookie stay sessionless.
    Session session = ctx.request().getCookie(sessionCookie) == null ? null : ctx.session();
    Long memberId = session == null ? null : session.get(SessionKeys.MEMBER_ID);
    if (memberId != null) {
      Long signedInAt = session.get(SessionKeys.SIGNED_IN_AT);
      if (signedInAt == null || clock.millis() - signedInAt > maxAge.toMillis()) {
        session.destroy();
        memberId = null;
      }
    }
    if (memberId != null && suspensions.suspended(memberId)) {
      // a suspended member's session (signed in before the suspension, on this node or another) ends here
      session.destroy();
      memberId = null;
      if (ctx.request().path().startsWith("/api/")) {
        refuseSuspended(ctx);
        return;
      }
    }
    // The member lookup is asynchronous: hold the body until a body handler asks for it (it resumes).
    if (!ctx.request().isEnded()) {
      ctx.request().pause();
    }
    Long signInId = memberId == null ? null : session.get(SessionKeys.SIGN_IN_ID);
    Long signedIn = memberId;
    Future<Optional<Member>> member = signedIn == null
        ? Future.succeededFuture(Optional.empty())
        : (signInId == null ? Future.succeededFuture(true) : signIns.stillSignedIn(signInId))
            .compose(active -> active ? members.find(signedIn) : Future.succeededFuture(Optional.<Member>empty()));
    member.map(m -> {
      if (m.isEmpty() && session != null && session.get(SessionKeys.MEMBER_ID) != null) {
        session.destroy();
      }
      Cookie langCookie = ctx.request().getCookie(LANGUAGE_COOKIE);
      Optional<String> chosen = m.map(Member::locale)
          .or(() -> Optional.ofNullable(langCookie).map(Cookie::getValue));
      var locale = i18n.choose(chosen, ctx.request().getHeader("Accept-Language"));
      ZoneId zone = m.map(Member::timeZone).map(ViewerHandler::zone).orElse(defaultZone);
      String csrf = null;
      if (m.isEmpty() && session != null && session.get(SessionKeys.APPELLANT_ID) != null) {
        // a suspended member's browser, allowed for a while to read and appeal their statements of reasons
        Long until = session.get(SessionKeys.APPELLANT_UNTIL);
        if (until != null && clock.millis() < until) {
          ctx.put(SessionKeys.APPELLANT_CONTEXT, session.<Long>get(SessionKeys.APPELLANT_ID));
          csrf = session.get(SessionKeys.CSRF);
        }
      }
      if (m.isPresent()) {
        csrf = session.get(SessionKeys.CSRF);
        if (csrf == null) {
          csrf = Tokens.csrf();
          session.put(SessionKeys.CSRF, csrf);
        }
      }
      return new Viewer(m, locale, zone == null ? defaultZone : zone, csrf);
    }).compose(viewer -> viewer.member().isEmpty() ? Future.succeededFuture(viewer)
        // read with the member a moment ago: no second round trip
        : Future.all(members.preferences(viewer.memberId()), members.avatarVersion(viewer.memberId())).map(all -> {
          ctx.put(DisplayPreferences.KEY, all.resultAt(0));
          all.<Optional<String>>resultAt(1).ifPresent(v -> ctx.put(Pages.VIEWER_AVATAR, v));
          return viewer;
        })).onSuccess(viewer -> {
      ctx.put(Viewer.KEY, viewer);
      ctx.next();
    }).onFailure(ctx::fail);
  }

  /** The API's answer to a suspended member: 403 with a JSON problem whose code is "suspended". */
  private void refuseSuspended(RoutingContext ctx) {
    var locale = i18n.choose(Optional.empty(), ctx.request().getHeader("Accept-Language"));
    io.vertx.core.json.JsonObject error = new io.vertx.core.json.JsonObject().put("status", 403).put("code", "suspended")
        .put("title", i18n.message(locale, "error.403.title")).put("message", i18n.message(locale, "suspension.api"));
    ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(new io.vertx.core.json.JsonObject().put("error", error).toBuffer());
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      return null;
    }
  }
}
