package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;

import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.Viewer;
import eu.mhealthhub.agora.auth.ViewerHandler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

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

  private static final List<String> ZONES = List.copyOf(new TreeSet<>(ZoneId.getAvailableZoneIds()).stream()
      .filter(z -> z.matches("(Europe|Africa|America|Asia|Atlantic|Australia|Indian|Pacific)/[A-Za-z_/]+") || z.equals("UTC"))
      .toList());

  private final Pages pages;
  private final MemberService members;
  private final GroupService groups;
  private final boolean secureCookies;

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, boolean secureCookies) {
    this.pages = pages;
    this.members = members;
    this.groups = groups;
    this.secureCookies = secureCookies;
  }

  public void mount(Router router) {
    router.get("/me").handler(this::profile);
    router.post("/me").handler(this::saveProfile);
    router.post("/me/language").handler(this::saveLanguage);
    router.get("/language").handler(this::chooseLanguage);
    router.get("/members/:handle").handler(this::show);
  }

  /** A member's public page: name, handle, and the groups they share with what the viewer may read. */
  private void show(RoutingContext ctx) {
    var viewer = Viewer.of(ctx).member();
    members.findByHandle(ctx.pathParam("handle"))
        .compose(m -> groups.groupsOf(m.id(), viewer).map(list -> Map.<String, Object>of("member", m,
            "groups", list.stream().map(e -> Map.of("group", e.getKey(), "moderator", "moderator".equals(e.getValue())))
                .toList())))
        .onSuccess(model -> pages.render(ctx, "member/show", model))
        .onFailure(ctx::fail);
  }

  private void profile(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    Member m = Viewer.of(ctx).member().orElseThrow();
    renderForm(ctx, 200, ProfileForm.of(m.displayName(), m.email(), m.locale(), m.timeZone()), Map.of(),
        ctx.request().getParam("saved") != null);
  }

  private void saveProfile(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    MultiMap f = ctx.request().formAttributes();
    ProfileForm form = ProfileForm.of(f.get("displayName"), f.get("email"), f.get("locale"), f.get("timeZone"));
    Map<String, String> problems = form.problems();
    if (!problems.isEmpty()) {
      renderForm(ctx, 400, form, problems, false);
      return;
    }
    members.updateProfile(Viewer.of(ctx).memberId(), form)
        .onSuccess(m -> ctx.response().setStatusCode(303).putHeader("Location", "/me?saved=1").end())
        .onFailure(ctx::fail);
  }

  private void renderForm(RoutingContext ctx, int status, ProfileForm form, Map<String, String> problems, boolean saved) {
    Map<String, Object> model = new HashMap<>();
    model.put("form", form);
    model.put("problems", problems);
    model.put("hasProblems", !problems.isEmpty());
    model.put("saved", saved);
    model.put("zones", ZONES);
    pages.render(ctx, status, "member/profile", model);
  }

  private void saveLanguage(RoutingContext ctx) {
    if (!Forms.requireMember(ctx)) {
      return;
    }
    String lang = ctx.request().getFormAttribute("lang");
    Optional<String> locale = I18n.supported(lang).map(l -> l.toLanguageTag());
    String next = ctx.request().getFormAttribute("next");
    String target = Tokens.isLocalPath(next) ? next : "/";
    members.updateLocale(Viewer.of(ctx).memberId(), locale.orElse(null))
        .onSuccess(m -> ctx.response().setStatusCode(303).putHeader("Location", target).end())
        .onFailure(ctx::fail);
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
