package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.auth.ViewerHandler;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.member.MemberPages.ProfilePage;
import eu.mhealthhub.agora.member.MemberPages.ProfileView;
import eu.mhealthhub.agora.thread.ThreadService;
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
 * POST /me               save name, e-mail, language, time zone and the profile (affiliation, country,
 *                        stakeholder type, languages spoken, bio, links)
 * POST /me/language      save the language from the footer switcher (signed in)
 * GET  /language?lang=   remember an anonymous reader's language in a cookie
 * GET  /members/:handle  a member's page: profile, groups and latest posts the viewer may read
 * </pre>
 */
public final class MemberRoutes {

  /** How many of a member's latest posts their page lists. */
  static final int RECENT_POSTS = 20;

  private final Pages pages;
  private final ThreadService threads;
  private final MemberService members;
  private final GroupService groups;
  private final boolean secureCookies;
  private final eu.mhealthhub.agora.web.SuspensionCheck suspensions;

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, ThreadService threads,
      boolean secureCookies) {
    this(pages, members, groups, threads, secureCookies, eu.mhealthhub.agora.web.SuspensionCheck.NONE);
  }

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, ThreadService threads,
      boolean secureCookies, eu.mhealthhub.agora.web.SuspensionCheck suspensions) {
    this.threads = threads;
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

  /**
   * A member's public page: name, handle, profile, the groups they share and their latest posts,
   * both only from groups the viewer may read.
   */
  private void show(RoutingContext ctx) {
    Optional<Member> viewer = Viewer.of(ctx).member();
    java.util.Locale reader = Viewer.of(ctx).locale();
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> Future.all(members.profile(m.id()), groups.groupsOf(m.id(), viewer),
                threads.recentPostsBy(m.id(), viewer, RECENT_POSTS), suspensions.shownTo(viewer, m.id()))
            .map(all -> {
              Optional<eu.mhealthhub.agora.web.SuspensionCheck.Notice> s = all.resultAt(3);
              return new MemberPages.ModeratedMemberPage(m, ProfileView.of(all.resultAt(0), reader), all.resultAt(1),
                  all.resultAt(2), s.orElse(null), s.map(n -> n.until() == null).orElse(false));
            }))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "member/show", model))
        .onFailure(ctx::fail);
  }

  private void profile(RoutingContext ctx) {
    boolean saved = ctx.request().getParam("saved") != null;
    Member me = member(ctx);
    members.profile(me.id())
        .map(p -> ViewModel.of(ProfilePage.current(me, p, saved, Viewer.of(ctx).locale())))
        .onSuccess(model -> pages.render(ctx, "member/profile", model))
        .onFailure(ctx::fail);
  }

  private void saveProfile(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    ProfileForm form = ProfileForm.of(f.get("displayName"), f.get("email"), f.get("locale"), f.get("timeZone"),
        f.get("affiliation"), f.get("country"), f.get("stakeholderType"), f.get("languages"), f.get("bio"),
        f.get("links"));
    save(member(ctx), form, Viewer.of(ctx).locale())
        .onSuccess(result -> result.send(ctx, pages, "member/profile"))
        .onFailure(ctx::fail);
  }

  /** The profile form again (400) with its problems, nothing stored, or saved and back to it with a notice. */
  private Future<FormResult<ProfilePage>> save(Member me, ProfileForm form, java.util.Locale reader) {
    ProfilePage submitted = ProfilePage.submitted(form, reader);
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
