package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.auth.ViewerHandler;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.member.MemberPages.MemberPage;
import eu.mhealthhub.agora.member.MemberPages.ProfilePage;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The member's own settings, and the language choice of anyone.
 *
 * <pre>
 * GET  /me               profile form (signed in)
 * POST /me               save name, e-mail, language, time zone
 * POST /me/language      save the language from the footer switcher (signed in)
 * GET  /language?lang=   remember an anonymous reader's language in a cookie
 * GET  /members/:handle  a member's page
 * </pre>
 */
public final class MemberRoutes {

  private final Pages pages;
  private final MemberService members;
  private final GroupService groups;
  private final boolean secureCookies;
  private final eu.mhealthhub.agora.web.SuspensionCheck suspensions;

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, boolean secureCookies) {
    this(pages, members, groups, secureCookies, eu.mhealthhub.agora.web.SuspensionCheck.NONE);
  }

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, boolean secureCookies,
      eu.mhealthhub.agora.web.SuspensionCheck suspensions) {
    this.suspensions = suspensions;
    this.pages = pages;
    this.members = members;
    this.groups = groups;
    this.secureCookies = secureCookies;
  }

  public void mount(Router router) {
    router.get("/me").handler(Forms::members).handler(this::profile);
    router.post("/me").handler(Forms::members).handler(this::saveProfile);
    router.post("/me/language").handler(Forms::members).handler(this::saveLanguage);
    router.get("/language").handler(this::chooseLanguage);
    router.get("/members/:handle").handler(this::show);
  }

  /** The signed-in member, on routes behind {@link Forms#members}. */
  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  /** A member's public page: name, handle, and the groups they share with what the viewer may read. */
  private void show(RoutingContext ctx) {
    Optional<Member> viewer = Viewer.of(ctx).member();
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> groups.groupsOf(m.id(), viewer).compose(list -> suspensions.shownTo(viewer, m.id())
            .map(s -> new MemberPages.ModeratedMemberPage(m, list, s.orElse(null), s.map(n -> n.until() == null).orElse(false)))))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "member/show", model))
        .onFailure(ctx::fail);
  }

  private void profile(RoutingContext ctx) {
    boolean saved = ctx.request().getParam("saved") != null;
    pages.render(ctx, "member/profile", ViewModel.of(ProfilePage.current(member(ctx), saved)));
  }

  private void saveProfile(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    ProfileForm form = ProfileForm.of(f.get("displayName"), f.get("email"), f.get("locale"), f.get("timeZone"));
    save(member(ctx), form)
        .onSuccess(result -> result.send(ctx, pages, "member/profile"))
        .onFailure(ctx::fail);
  }

  /** The profile form again (400) with its problems, or saved and back to it with a notice. */
  private Future<FormResult<ProfilePage>> save(Member me, ProfileForm form) {
    ProfilePage submitted = ProfilePage.submitted(form);
    if (submitted.hasProblems()) {
      return Future.succeededFuture(new FormResult.Problems<>(400, submitted));
    }
    return members.updateProfile(me.id(), form).map(m -> FormResult.done("/me?saved=1"));
  }

  private void saveLanguage(RoutingContext ctx) {
    Optional<String> locale = I18n.supported(ctx.request().getFormAttribute("lang")).map(l -> l.toLanguageTag());
    String next = ctx.request().getFormAttribute("next");
    String target = Tokens.isLocalPath(next) ? next : "/";
    Respond.to(ctx, members.updateLocale(member(ctx).id(), locale.orElse(null)), m -> Forms.redirect(ctx, target));
  }

  private void chooseLanguage(RoutingContext ctx) {
    Optional<String> locale = I18n.supported(ctx.request().getParam("lang")).map(l -> l.toLanguageTag());
    String next = ctx.request().getParam("next");
    String target = Tokens.isLocalPath(next) ? next : "/";
    if (locale.isPresent()) {
      ctx.response().addCookie(Cookie.cookie(ViewerHandler.LANGUAGE_COOKIE, locale.get())
          .setPath("/").setMaxAge(365L * 24 * 3600).setHttpOnly(true).setSecure(secureCookies)
          .setSameSite(CookieSameSite.LAX));
    }
    ctx.response().setStatusCode(303).putHeader("Location", target).end();
  }
}
