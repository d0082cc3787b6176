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
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
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
 * POST /me               save name, language, time zone and the profile (affiliation, country,
 *                        stakeholder type, languages spoken, bio, links); a new e-mail address is mailed a
 *                        confirmation link and changes only once confirmed (EmailChanges)
 * POST /me/preferences   save reduced motion (on, off, system) and live announcements (on, off)
 * GET  /me/email/confirm?token=   the page a confirmation link opens (signed in): the address, a button
 * POST /me/email/confirm the address becomes the one used for mail; the link is used up
 * POST /me/language      save the language from the footer switcher (signed in)
 * GET  /language?lang=   remember an anonymous reader's language in a cookie
 * POST /me/avatar        upload a picture (multipart field "avatar"): checked, resized to 64 and 256, stored as PNG
 * POST /me/avatar/remove back to the initials
 * GET  /members/:handle  a member's page: profile, groups and latest posts the viewer may read
 * GET  /members/:handle/avatar/64|256   the avatar as PNG (404 when the member has none)
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
  private final EmailChanges emails;

  public MemberRoutes(Pages pages, MemberService members, GroupService groups, ThreadService threads,
      boolean secureCookies, eu.mhealthhub.agora.web.SuspensionCheck suspensions, EmailChanges emails) {
    this.emails = emails;
    this.threads = threads;
    this.suspensions = suspensions;
    this.pages = pages;
    this.members = members;
    this.groups = groups;
    this.secureCookies = secureCookies;
  }

  /**
   * The avatar upload: members only, then {@code uploadBody} (the body handler that accepts files), then
   * {@code csrf}; mounted before the router's general body handler.
   */
  public void mountUploads(Router router, io.vertx.core.Handler<RoutingContext> uploadBody,
      io.vertx.core.Handler<RoutingContext> csrf) {
    router.post("/me/avatar").handler(ctx -> {
      if (Forms.requireMember(ctx)) {
        uploadBody.handle(ctx);
      }
    }).handler(csrf).handler(this::uploadAvatar);
  }

  public void mount(Router router) {
    router.post("/me/avatar/remove").handler(Forms::members).handler(this::removeAvatar);
    router.get("/members/:handle/avatar/:size").handler(this::avatar);
    router.get("/me").handler(Forms::members).handler(this::profile);
    router.post("/me").handler(Forms::members).handler(this::saveProfile);
    router.post("/me/preferences").handler(Forms::members).handler(this::savePreferences);
    router.get("/me/email/confirm").handler(Forms::members).handler(this::emailConfirmation);
    router.post("/me/email/confirm").handler(Forms::members).handler(this::confirmEmail);
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
   * both only from groups the viewer may read. Its reads are bounded: the member with their profile, then
   * at once their own memberships, their latest posts by index (one statement, stopping at the limit) and
   * the suspension a moderator may see: two waits for PostgreSQL.
   */
  private void show(RoutingContext ctx) {
    Optional<Member> viewer = Viewer.of(ctx).member();
    java.util.Locale reader = Viewer.of(ctx).locale();
    members.findWithProfile(ctx.pathParam("handle"))
        .compose(found -> {
          Member m = found.member();
          return Future.all(groups.groupsOf(m.id(), viewer), threads.recentPostsBy(m.id(), viewer, RECENT_POSTS),
                  suspensions.shownTo(viewer, m.id()))
              .map(all -> {
                Optional<eu.mhealthhub.agora.web.SuspensionCheck.Notice> s = all.resultAt(2);
                return new MemberPages.ModeratedMemberPage(m, ProfileView.of(found.profile(), reader), all.resultAt(0),
                    all.resultAt(1), s.orElse(null), s.map(n -> n.until() == null).orElse(false));
              });
        })
        .map(ViewModel::of)
        // one page for every viewer who sees the same member page (keyed by the whole model: a new post,
        // group or profile change is a new page on any node)
        .onSuccess(model -> pages.renderShared(ctx, "member/show", model))
        .onFailure(ctx::fail);
  }

  private void profile(RoutingContext ctx) {
    boolean saved = ctx.request().getParam("saved") != null;
    String notice = switch (String.valueOf(ctx.request().getParam("email"))) {
      case "sent" -> "settings.email.sent";
      case "changed" -> "settings.email.changed";
      default -> ctx.request().getParam("preferences") != null ? "settings.preferences.saved" : null;
    };
    Member me = member(ctx);
    Future.all(members.profile(me.id()), state(me, null, notice))
        .map(all -> ViewModel.of(ProfilePage.current(me, all.resultAt(0), saved, Viewer.of(ctx).locale(),
            all.resultAt(1))))
        .onSuccess(model -> pages.render(ctx, "member/profile", model))
        .onFailure(ctx::fail);
  }

  /** The preferences (as stored, or {@code submitted}) and the address waiting for confirmation. */
  private Future<MemberPages.SettingsState> state(Member me, PreferencesForm submitted, String notice) {
    return Future.all(members.preferences(me.id()), emails.pending(me.id()))
        .map(all -> new MemberPages.SettingsState(
            submitted != null ? submitted : PreferencesForm.current(all.resultAt(0)),
            all.<Optional<String>>resultAt(1).orElse(null), notice));
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

  /**
   * The profile form again (400) with its problems, or (409) with the new e-mail address taken by
   * another member, nothing stored; or saved and back to it with a notice (and one that a confirmation
   * link went to the new address).
   */
  private Future<FormResult<ProfilePage>> save(Member me, ProfileForm form, java.util.Locale reader) {
    if (!form.problems().isEmpty()) {
      return Future.all(members.profile(me.id()), state(me, null, null))
          .map(all -> new FormResult.Problems<>(400, ProfilePage.submitted(form, java.util.Map.of(), reader,
              all.<eu.mhealthhub.agora.member.Profile>resultAt(0).avatarVersion(), all.resultAt(1))));
    }
    return emails.saveProfile(me, form, reader)
        .map(sent -> FormResult.<ProfilePage>done(sent ? "/me?saved=1&email=sent" : "/me?saved=1"))
        .recover(e -> FormResult.refused(e, d -> Future.all(members.profile(me.id()), state(me, null, null))
            .map(all -> ProfilePage.submitted(form, java.util.Map.of("email", d.messageKey()), reader,
                all.<eu.mhealthhub.agora.member.Profile>resultAt(0).avatarVersion(), all.resultAt(1)))));
  }

  /** Reduced motion and live announcements: stored and back to the page, or the page again (400) with the problems. */
  private void savePreferences(RoutingContext ctx) {
    MultiMap f = ctx.request().formAttributes();
    PreferencesForm form = PreferencesForm.of(f.get("reducedMotion"), f.get("liveAnnounce"));
    Member me = member(ctx);
    java.util.Locale reader = Viewer.of(ctx).locale();
    Future<FormResult<ProfilePage>> result = !form.problems().isEmpty()
        ? Future.all(members.profile(me.id()), state(me, form, null))
            .map(all -> new FormResult.Problems<>(400, ProfilePage.preferencesRefused(me, all.resultAt(0), reader,
                all.resultAt(1))))
        : members.updatePreferences(me.id(), form).map(p -> FormResult.<ProfilePage>done("/me?preferences=1#preferences"));
    result.onSuccess(r -> r.send(ctx, pages, "member/profile")).onFailure(ctx::fail);
  }

  /** The page a confirmation link opens: which address it confirms, and the button; a bad link is an error page. */
  private void emailConfirmation(RoutingContext ctx) {
    String token = ctx.request().getParam("token");
    emails.check(member(ctx).id(), token)
        .map(address -> ViewModel.of(new MemberPages.EmailConfirmPage(address, token)))
        .onSuccess(model -> pages.render(ctx, "member/email-confirm", model))
        .onFailure(ctx::fail);
  }

  private void confirmEmail(RoutingContext ctx) {
    Respond.to(ctx, emails.confirm(member(ctx).id(), ctx.request().getFormAttribute("token")),
        address -> Forms.redirect(ctx, "/me?email=changed"));
  }

  /**
   * A new avatar from the multipart field {@code avatar}: checked, resized and stored, then back to the
   * profile; refused (not an image, too large in bytes or pixels) as the profile form with the problem.
   */
  private void uploadAvatar(RoutingContext ctx) {
    Member me = member(ctx);
    java.util.Locale reader = Viewer.of(ctx).locale();
    Optional<FileUpload> file = ctx.fileUploads().stream().filter(u -> "avatar".equals(u.name())).findFirst();
    Future<byte[]> bytes = file.isEmpty() || file.get().size() == 0
        ? Future.failedFuture(DomainException.badRequest("profile.error.avatar.missing"))
        : file.get().size() > AvatarImages.MAX_BYTES
            ? Future.failedFuture(new DomainException(DomainException.Kind.TOO_LARGE, "profile.error.avatar.bytes"))
            : ctx.vertx().fileSystem().readFile(file.get().uploadedFileName()).map(Buffer::getBytes);
    bytes.compose(data -> members.setAvatar(ctx.vertx(), me.id(), data))
        .map(v -> FormResult.<ProfilePage>done("/me?saved=1"))
        .recover(e -> FormResult.refused(e, d -> members.profile(me.id())
            .compose(p -> state(me, null, null).map(st -> ProfilePage.avatarRefused(me, p, d.messageKey(), reader, st)))))
        .onSuccess(result -> result.send(ctx, pages, "member/profile"))
        .onFailure(ctx::fail);
  }

  private void removeAvatar(RoutingContext ctx) {
    Respond.to(ctx, members.removeAvatar(member(ctx).id()), v -> Forms.redirect(ctx, "/me?saved=1"));
  }

  /**
   * One size of a member's avatar, as the attachment rules serve an image: its own type, inline,
   * nosniff, a sandbox policy. Public (the member's page is). Asked for with the current version
   * ({@code ?v=}, as the profile and the header do) it is cached for a year, as that URL never shows
   * anything else; asked for without (beside posts, whose cached fragments do not know the version) it
   * is revalidated every time, answered 304 while the ETag still matches.
   */
  private void avatar(RoutingContext ctx) {
    int size = ctx.pathParam("size").matches("\\d{1,4}") ? Integer.parseInt(ctx.pathParam("size")) : 0;
    String cached = ctx.request().getHeader("If-None-Match");
    String asked = ctx.request().getParam("v");
    Respond.to(ctx, members.avatar(ctx.pathParam("handle"), size), a -> {
      String etag = "\"" + a.version() + "-" + size + "\"";
      ctx.response()
          .putHeader("Content-Type", a.contentType())
          .putHeader("Content-Disposition", "inline; filename=\"avatar-" + size + "." + a.extension() + "\"")
          .putHeader("X-Content-Type-Options", "nosniff")
          .putHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
          .putHeader("Cache-Control", a.version().equals(asked) ? eu.mhealthhub.agora.web.Assets.IMMUTABLE : "public, no-cache")
          .putHeader("ETag", etag);
      if (etag.equals(cached)) {
        ctx.response().setStatusCode(304).end();
      } else {
        ctx.response().end(a.bytes());
      }
    });
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
