package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.auth.ViewerHandler;
import eu.mhealthhub.agora.home.HomeRoutes;
import eu.mhealthhub.agora.search.SearchRoutes;
import eu.mhealthhub.agora.search.SearchService;

import eu.mhealthhub.agora.document.DocumentExport;
import eu.mhealthhub.agora.document.DocumentRoutes;
import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.app.Services;
import eu.mhealthhub.agora.api.ApiRoutes;
import eu.mhealthhub.agora.api.Idempotency;
import eu.mhealthhub.agora.attachment.AttachmentRoutes;
import eu.mhealthhub.agora.attachment.Upload;
import eu.mhealthhub.agora.auth.SignInRoutes;
import eu.mhealthhub.agora.thread.ThreadRoutes;
import eu.mhealthhub.agora.group.GroupRoutes;
import eu.mhealthhub.agora.live.LiveBridge;
import eu.mhealthhub.agora.live.LiveRoutes;
import eu.mhealthhub.agora.live.PresenceRoutes;
import eu.mhealthhub.agora.member.MemberRoutes;
import eu.mhealthhub.agora.moderation.FlagRoutes;
import eu.mhealthhub.agora.moderation.FlagService;
import eu.mhealthhub.agora.moderation.NoticeRoutes;
import eu.mhealthhub.agora.moderation.NoticeService;
import eu.mhealthhub.agora.talk.TalkRoutes;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.List;
import java.util.function.Consumer;

/**
 * The one place the Router is assembled. Order matters and is the security model:
 * headers on everything; the raw address checked before anything decodes it; HEAD served by the
 * GET routes; probes and static files before sessions; then a small form-only body limit, the
 * session, the viewer, the body check, CSRF, the feature routes; one failure handler last.
 */
public final class WebRouter {

  /** Templates compiled before the first request. */
  public static final List<String> TEMPLATES = List.of("home/index", "search/results", "home/privacy",
      "home/accessibility", "group/list", "group/show", "group/form", "group/members", "thread/new", "thread/show",
      "thread/reply", "thread/edit", "thread/history", "thread/reactions", "talk/list", "talk/show", "talk/form",
      "talk/close", "talk/presenter", "talk/presenter-questions", "talk/messages", "talk/questions",
      "document/list", "document/show", "document/form", "document/revisions", "document/compare", "document/proposal",
      "document/section", "document/dispositions", "document/export",
      "member/profile", "member/show", "auth/signed-out", "error/error", "notify/list", "notify/preferences", "privacy/export",
      "moderation/audit", "moderation/summary", "moderation/suspension", "auth/suspended",
      "privacy/erase", "privacy/reauth", "privacy/erased",
      "declaration/form", "declaration/history", "declaration/version", "declaration/requirement",
      "network/join", "network/joined", "network/confirm", "network/topics", "network/unsubscribe",
      "network/announcements", "network/announcement", "network/announce", "network/import", "network/import-report",
      "network/overview", "network/member", "ops/admin");

  private WebRouter() {}

  /**
   * Builds the router.
   *
   * @param extraRoutes lets tests mount routes that fail on purpose; production passes a no-op
   */
  public static Router build(Vertx vertx, Services services, Pages pages, SessionStore sessions,
      Consumer<Router> extraRoutes) {
    AppConfig config = services.config();
    Router router = Router.router(vertx);

    router.route().handler(new SecurityHeaders(services.provider().origin(), config.secureCookies()));
    // the client's address for per-address limits: X-Forwarded-For only from AGORA_TRUSTED_PROXIES
    router.route().handler(new eu.mhealthhub.agora.web.ClientAddress(config.trustedProxies()));
    // an id for every request (X-Request-Id, error pages) and, when asked for, one log line each
    router.route().handler(new eu.mhealthhub.agora.web.RequestLog(config.observability().node(),
        config.observability().requestLog()));
    // for a bearer of AGORA_METRICS_TOKEN: the request's statements and round trips to PostgreSQL (Server-Timing)
    router.route().handler(services.metrics().serverTiming());
    // before anything decodes the path or a parameter: broken escapes, NUL and non-UTF-8 bytes are a 400
    router.route().handler(InputCheck.address());
    // the assets' addresses for every page, error pages of static paths included
    router.route().handler(assetVersion(services.assetVersion(), services.assets().urls()));
    // HEAD is GET without the body, wherever GET answers
    router.route().method(HttpMethod.HEAD).handler(Respond::headAsGet);
    new HealthRoutes(services.database(), services.draining(), services.provider()::isReady).mount(router);
    // Prometheus text format for a bearer of AGORA_METRICS_TOKEN; without a token configured the path does not exist
    router.get("/metrics").handler(services.metrics().scrape());

    // Mounted on the root router, never a sub-router: Vert.x 5.0 does not normalise encoded ".."
    // segments under sub-routers.
    // The style sheet, script bundle, logo and SockJS client under content-hashed names, cached a year
    // and precompressed (web/Assets); other paths, old hashes included, go on to the files below (404).
    router.route("/static/*").handler(services.assets().handler());
    // Plain names, for anyone who linked them: a short cache, so a release reaches them within minutes.
    router.route("/static/*").handler(StaticHandler.create("webroot")
        .setIncludeHidden(false)
        .setDirectoryListing(false)
        .setCachingEnabled(true)
        .setMaxAgeSeconds(300)
        .setDefaultContentEncoding("UTF-8"));
    // the SockJS client from its webjar, on the root router like every static route
    router.route("/static/vendor/sockjs/*").handler(StaticHandler.create("META-INF/resources/webjars/sockjs-client/1.6.1/dist")
        .setIncludeHidden(false).setDirectoryListing(false).setCachingEnabled(true).setMaxAgeSeconds(300));

    SessionHandler sessionHandler = sessionHandler(sessions, config);
    router.route().handler(sessionHandler);
    router.route().handler(new ViewerHandler(services.members(), services.signIns(), services.i18n(), config.defaultTimeZone(),
        config.sessionMaxAge(), services.clock(), sessionCookieName(config), services.suspended()));
    // the webcal: address of the upcoming Talks' calendar, for the links on /talks and /results
    String webcalTalks = eu.mhealthhub.agora.results.ResultsService.webcal(config.publicUrl());
    router.route().handler(ctx -> {
      ctx.put(Pages.WEBCAL_TALKS, webcalTalks);
      ctx.next();
    });
    router.route().method(HttpMethod.GET).handler(notificationCount(services.notifications()));
    CsrfHandler csrf = new CsrfHandler(config.publicOrigin());

    // Rate limits (AGORA_RATE_LIMITS), each a route of its own before the route it guards: one round
    // trip to PostgreSQL on these routes only. New posts and threads take theirs in ThreadService,
    // once the submission is known to make something new (not a double-click, a preview or a refusal).
    eu.mhealthhub.agora.limits.RateLimits limits = new eu.mhealthhub.agora.limits.RateLimits(services.database().pool(),
        config.rateLimits());
    for (String prefix : new String[] {"", "/api/v1"}) {
      router.post(prefix + "/posts/:id/reactions").handler(limits.perMember("reaction"));
      router.get(prefix + "/search").handler(limits.perMemberOrAddress("search"));
    }
    router.get("/auth/login").handler(limits.perAddress("signin"));
    router.get("/auth/callback").handler(limits.perAddress("callback"));

    // The only routes that accept files: members only, their own body handler writing to this
    // instance's private temporary directory (each file deleted when its request ends), then the CSRF check.
    MemberRoutes memberRoutes = new MemberRoutes(pages, services.members(), services.groups(), services.threads(),
        config.secureCookies(), services.suspended(), new eu.mhealthhub.agora.member.EmailChanges(
            services.database().pool(), services.members(), services.mail().outbox(), services.mail().composer(),
            services.i18n(), services.clock()));
    ThreadRoutes threadRoutes = new ThreadRoutes(pages, services.groups(), services.threads(), services.attachments(),
        services.i18n(), services.documents());
    threadRoutes.mountUploads(router, BodyHandler.create(services.uploadDirectory().toString())
        .setHandleFileUploads(true)
        .setBodyLimit(services.attachments().maxBytes() * Upload.MAX_FILES + config.maxFormBytes())
        .setDeleteUploadedFilesOnEnd(true)
        .setMergeFormAttributes(false), InputCheck.body(csrf));
    // The avatar upload (issue 14): one picture of at most AvatarImages' size, checked by content.
    memberRoutes.mountUploads(router, BodyHandler.create(services.uploadDirectory().toString())
        .setHandleFileUploads(true)
        .setBodyLimit(2L * 1024 * 1024 + config.maxFormBytes())
        .setDeleteUploadedFilesOnEnd(true)
        .setMergeFormAttributes(false), InputCheck.body(csrf));

    // The network's CSV import of former followers (issue 15 point 4): one file of at most 2 MB.
    eu.mhealthhub.agora.network.NetworkService network = new eu.mhealthhub.agora.network.NetworkService(
        services.database().pool(), services.clock(), services.mail().outbox(), services.mail().composer(), services.i18n(),
        limits, services.groups(), config.publicUrl(), config.announcePerMinute(),
        config.retention().getOrDefault("unconfirmed_followers", java.time.Duration.ofDays(30)));
    eu.mhealthhub.agora.network.NetworkRoutes networkRoutes = new eu.mhealthhub.agora.network.NetworkRoutes(pages, network,
        config.publicOrigin());
    networkRoutes.mountUploads(router, BodyHandler.create(services.uploadDirectory().toString())
        .setHandleFileUploads(true)
        .setBodyLimit(2L * 1024 * 1024 + config.maxFormBytes())
        .setDeleteUploadedFilesOnEnd(true)
        .setMergeFormAttributes(false), InputCheck.body(csrf));

    // Everything else: forms and JSON only, nothing written to disk.
    router.route().handler(BodyHandler.create(false)
        .setHandleFileUploads(false)
        .setBodyLimit(config.maxFormBytes())
        .setDeleteUploadedFilesOnEnd(true));
    // The bridge sits after the body handler (its XHR transports need one) and before the CSRF
    // check: it is protected by its origin check, the session, and an authorised address per register.
    new LiveBridge(vertx, services.database().pool(), services.changes().log(), services.audience(), services.presence(),
        config.publicOrigin(), limits, services.changes().stats()).mount(router);
    SignInRoutes signIn = new SignInRoutes(services.provider(), config, services.members(), services.signIns(),
        services.changes(), pages, services.clock(), sessionHandler).refusingSuspended(services.suspended());
    // the provider's back-channel logout comes from its server, with a signed token and no session
    signIn.mountProviderCalls(router);
    // the one-click unsubscribe (RFC 8058) comes from mail providers with no session: its signed token is the authority
    eu.mhealthhub.agora.mail.MailRoutes mailRoutes = new eu.mhealthhub.agora.mail.MailRoutes(pages, services.mail(),
        services.i18n(), services.provider().development());
    mailRoutes.mountOneClick(router);
    // notices of illegal content come from visitors without a session too (Origin check; members' need the token)
    NoticeRoutes noticeRoutes = new NoticeRoutes(pages, new NoticeService(services.database().pool(),
        services.mail().outbox(), services.mail().composer(), services.i18n(), limits),
        config.publicOrigin());
    noticeRoutes.mountAnonymous(router, csrf);
    // a visitor registers for a Talk, and a cancel link is confirmed, without a session (Origin check)
    eu.mhealthhub.agora.talk.RegistrationRoutes registrationRoutes = new eu.mhealthhub.agora.talk.RegistrationRoutes(
        pages, services.talks(), services.talks().registrations(), config.publicOrigin());
    registrationRoutes.mountAnonymous(router, csrf);
    // the network's sign-up, confirmation and topics come from visitors without a session (Origin check), and its
    // one-click unsubscribe from mail providers (the signed token is the authority)
    networkRoutes.mountAnonymous(router, csrf);
    router.route().handler(InputCheck.body(csrf));

    signIn.mount(router);
    new HomeRoutes(pages, services.groups(), services.talks(), vertx, config.contentDirectory()).mount(router);
    SearchService search = new SearchService(services.database().pool(), services.groups());
    new SearchRoutes(pages, search, services.groups(), services.i18n()).mount(router);
    new GroupRoutes(pages, services.groups(), services.threads()).mount(router);
    threadRoutes.mount(router);
    eu.mhealthhub.agora.declaration.DeclarationService declarations = new eu.mhealthhub.agora.declaration.DeclarationService(
        services.database().pool(), services.clock(), services.notifications());
    eu.mhealthhub.agora.rounds.RoundService rounds = new eu.mhealthhub.agora.rounds.RoundService(
        services.database().pool(), services.clock(), services.groups(), services.documents(), services.changes(),
        services.notifications());
    new DocumentRoutes(pages, services.groups(), services.documents(),
        new DocumentExport(vertx, pages, services.documents(), declarations::documentAnnex,
            (view, messages) -> rounds.exportResults(view.document().id(), view.group(),
                new eu.mhealthhub.agora.rounds.RoundCharts(messages)).map(list -> list)), services.i18n(),
        config.publicUrl(), services.clock(), rounds).mount(router);
    new eu.mhealthhub.agora.rounds.RoundRoutes(pages, rounds, services.i18n()).mount(router);
    // issue 15: the results library, and the feeds, sitemap and robots.txt drawn from public groups only
    eu.mhealthhub.agora.results.ResultsService results = new eu.mhealthhub.agora.results.ResultsService(
        services.database().pool(), services.groups(), search, config.publicUrl());
    new eu.mhealthhub.agora.results.ResultsRoutes(pages, results).mount(router);
    new eu.mhealthhub.agora.feed.FeedRoutes(new eu.mhealthhub.agora.feed.FeedService(services.database().pool(),
        services.groups(), results, services.talks(), network, config.publicUrl()), services.i18n()).mount(router);
    new AttachmentRoutes(services.attachments()).mount(router);
    new eu.mhealthhub.agora.privacy.ExportRoutes(pages, services.exports()).mount(router);
    Idempotency idempotency = new Idempotency(vertx, services.database().pool());
    // before ApiRoutes, whose last route answers 404 for every other /api/v1 path
    new eu.mhealthhub.agora.api.DocumentApi(services.groups(), services.documents(), idempotency).mount(router);
    new eu.mhealthhub.agora.api.TalkApi(services.talks(), idempotency, services.i18n()).mount(router);
    new eu.mhealthhub.agora.api.RoundApi(rounds, services.i18n()).mount(router);
    new ApiRoutes(services.groups(), services.threads(), idempotency, search, services.i18n()).mount(router);
    new LiveRoutes(services.database().pool(), services.changes().log(), services.audience()).mount(router);
    // presence in a Talk's room: only while it is open, and it records the member's attendance
    new PresenceRoutes(services.audience(), services.presence(),
        java.util.Map.of("talk", services.talks().attendance()::seen)).mount(router);
    new TalkRoutes(pages, services.talks(), services.i18n(), services.clock(), config.publicUrl().toString()).mount(router);
    registrationRoutes.mount(router);
    memberRoutes.mount(router);
    new eu.mhealthhub.agora.privacy.ErasureRoutes(pages, new eu.mhealthhub.agora.privacy.ErasureService(
        services.database().pool(), services.clock(), services.signIns(), services.members()::forget), services.members())
        .mount(router);
    new eu.mhealthhub.agora.declaration.DeclarationRoutes(pages, declarations, services.members(), services.groups())
        .mount(router);
    new eu.mhealthhub.agora.moderation.SuspensionRoutes(pages, services.members(), services.suspensions(), services.i18n(),
        services.clock()).mount(router);
    new eu.mhealthhub.agora.notify.NotificationRoutes(pages, services.notifications(), services.i18n()).mount(router);
    mailRoutes.mount(router);
    new eu.mhealthhub.agora.moderation.AuditRoutes(pages, new eu.mhealthhub.agora.moderation.AuditService(
        services.database().pool(), services.groups()), services.i18n()).mount(router);
    noticeRoutes.mount(router);
    networkRoutes.mount(router);
    new eu.mhealthhub.agora.ops.AdminRoutes(pages).mount(router);
    eu.mhealthhub.agora.moderation.DecisionService decisions = new eu.mhealthhub.agora.moderation.DecisionService(
        services.database().pool(), services.groups(), services.notifications());
    new FlagRoutes(pages, new FlagService(services.threads(), services.documents(), services.talks(),
        services.changes(), limits)
        .recordingDecisions(decisions), services.i18n()).mount(router);
    new eu.mhealthhub.agora.moderation.ReviewRoutes(pages, new eu.mhealthhub.agora.moderation.ReviewService(
        services.database().pool(), services.groups(), services.threads(), services.changes(), decisions)
        .liftingSuspensions(services.suspensions())
        .onNoticeDecided(new eu.mhealthhub.agora.moderation.DecisionNoticeMail(
            services.mail().outbox(), services.mail().composer(), services.i18n())), decisions, services.i18n()).mount(router);
    new eu.mhealthhub.agora.moderation.TrustRoutes(pages, services.groups(),
        new eu.mhealthhub.agora.moderation.TrustService(services.database().pool())).mount(router);
    extraRoutes.accept(router);

    ErrorPages errors = new ErrorPages(pages, services.i18n(), services.database());
    router.route().failureHandler(errors);
    for (int status : new int[] {400, 403, 404, 405, 413, 500}) {
      router.errorHandler(status, errors.forStatus(status));
    }
    return router;
  }

  private static SessionHandler sessionHandler(SessionStore store, AppConfig config) {
    boolean https = config.secureCookies();
    return SessionHandler.create(store)
        .setSessionCookieName(sessionCookieName(config))
        .setSessionCookiePath("/")
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(https)
        // Lax, not Strict: the provider's redirect back to /auth/callback is a cross-site navigation
        .setCookieSameSite(CookieSameSite.LAX)
        .setSessionTimeout(config.sessionIdle().toMillis())
        .setMinLength(32)
        .setLazySession(true)
        .setNagHttps(false);
  }

  /** The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/. */
  static String sessionCookieName(AppConfig config) {
    return config.secureCookies() ? "__Host-agora" : "agora_session";
  }

  /** Requests that are not pages (API, live, files, fragments) need no badge count. */
  private static final java.util.regex.Pattern NOT_A_PAGE = java.util.regex.Pattern.compile(
      "^/(api|live|eventbus|static|attachments|health)(/.*)?$|^/notifications/count$|/fragment$|^/talks/[^/]+/(room|presenter)/.*$"
          + "|\\.(ics|pdf|html|atom|xml|txt|bib|json)$");

  /**
   * Puts the signed-in member's unread notification count in the request for the header badge of
   * pages ({@link Pages#NOTIFICATIONS}); GET only (no body is waiting), and a failed count leaves
   * the badge without a number rather than failing the page.
   */
  private static Handler<RoutingContext> notificationCount(eu.mhealthhub.agora.notify.NotificationService notifications) {
    return ctx -> {
      Viewer viewer = ctx.get(Viewer.KEY);
      if (viewer == null || viewer.member().isEmpty() || NOT_A_PAGE.matcher(ctx.request().path()).find()) {
        ctx.next();
        return;
      }
      notifications.badgeCount(viewer.member().get()).onComplete(count -> {
        if (count.succeeded()) {
          ctx.put(Pages.NOTIFICATIONS, count.result());
        }
        ctx.next();
      });
    };
  }

  private static Handler<RoutingContext> assetVersion(String version, java.util.Map<String, String> urls) {
    return ctx -> {
      ctx.put("assetVersion", version);
      ctx.put("assets", urls);
      ctx.next();
    };
  }
}
