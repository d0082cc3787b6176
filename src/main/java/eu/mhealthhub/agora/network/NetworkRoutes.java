package eu.mhealthhub.agora.network;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.network.NetworkPages.AnnouncePage;
import eu.mhealthhub.agora.network.NetworkPages.AnnouncementPage;
import eu.mhealthhub.agora.network.NetworkPages.AnnouncementView;
import eu.mhealthhub.agora.network.NetworkPages.AnnouncementsPage;
import eu.mhealthhub.agora.network.NetworkPages.ConfirmPage;
import eu.mhealthhub.agora.network.NetworkPages.JoinPage;
import eu.mhealthhub.agora.network.NetworkPages.JoinedPage;
import eu.mhealthhub.agora.network.NetworkPages.MemberPage;
import eu.mhealthhub.agora.network.NetworkPages.TopicsPage;
import eu.mhealthhub.agora.network.NetworkPages.UnsubscribePage;
import eu.mhealthhub.agora.web.ClientAddress;
import eu.mhealthhub.agora.web.FormResult;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.InputCheck;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * "Join our network" and announcements.
 *
 * <pre>
 * GET  /network/join                  the sign-up form
 * POST /network/join                  sign up; 303 to /network/joined whatever the address (no enumeration)
 * GET  /network/joined                check your inbox
 * GET  /network/confirm?token=        a button that confirms (GET changes nothing: mail scanners fetch links)
 * POST /network/confirm               confirm (token in the form); 303 to the topics page
 * GET  /network/topics?token=         the follower's topics, without signing in (signed, expiring link)
 * POST /network/topics                change them, or ("unsubscribe") stop everything
 * GET  /network/unsubscribe?token=    what the link stops, with a button
 * POST /network/unsubscribe?token=    stop: the page's button and the RFC 8058 one-click POST
 * GET  /announcements                 the published announcements
 * GET  /announcements/:id             one
 * GET  /announcements.atom            the same as an Atom feed
 * GET  /admin/announcements           admins (any topic) and moderators (their public groups): write one,
 *                                     preview, send a test to myself, send
 * POST /admin/announcements
 * </pre>
 *
 * Visitors have no session and so no CSRF token: their POSTs are mounted before the CSRF check and
 * checked by their Origin (a signed-in member's need the session's token like every form); the
 * one-click unsubscribe comes from mail providers with neither, its signed token is the authority.
 */
public final class NetworkRoutes {

  /** Pages compiled before the first request. */
  public static final List<String> TEMPLATES = List.of("network/join", "network/joined", "network/confirm",
      "network/topics", "network/unsubscribe", "network/announcements", "network/announcement", "network/announce", "network/import", "network/import-report", "network/overview");
  static final int LIST_SIZE = 50;

  private final Pages pages;
  private final NetworkService network;
  private final String publicOrigin;

  public NetworkRoutes(Pages pages, NetworkService network, String publicOrigin) {
    this.pages = pages;
    this.network = network;
    this.publicOrigin = publicOrigin;
  }

  /** The visitors' POSTs, after the body handler and before the CSRF check. */
  public void mountAnonymous(Router router, Handler<RoutingContext> csrf) {
    Handler<RoutingContext> visitorOrToken = eu.mhealthhub.agora.web.Forms.visitorOrMember(csrf, publicOrigin);
    router.post("/network/join").handler(visitorOrToken).handler(this::join);
    router.post("/network/confirm").handler(visitorOrToken).handler(this::confirm);
    router.post("/network/topics").handler(visitorOrToken).handler(this::saveTopics);
    router.post("/network/unsubscribe").handler(InputCheck.body(RoutingContext::next)).handler(this::unsubscribe);
  }

  /**
   * The CSV upload: admins only, its own body handler (files to this instance's private upload
   * directory, deleted when the request ends, up to the file limit), then the CSRF check.
   */
  public void mountUploads(Router router, Handler<RoutingContext> bodyHandler, Handler<RoutingContext> csrfCheck) {
    // one handler before the body handler (Vert.x wants body handlers first): signed in, an admin, then the body
    router.post("/admin/network/import").handler(ctx -> {
      if (!Forms.requireMember(ctx)) {
        return;
      }
      if (Viewer.of(ctx).member().map(Member::admin).orElse(false)) {
        bodyHandler.handle(ctx);
      } else {
        ctx.fail(DomainException.forbidden());
      }
    }).handler(csrfCheck).handler(this::upload);
  }

  public void mount(Router router) {
    router.get("/admin/network").handler(Forms::members).handler(NetworkRoutes::admins).handler(this::overview);
    router.get("/admin/network/followers.csv").handler(Forms::members).handler(NetworkRoutes::admins)
        .handler(this::followersCsv);
    router.get("/admin/network/overview.csv").handler(Forms::members).handler(NetworkRoutes::admins)
        .handler(this::overTimeCsv);
    router.get("/admin/network/import").handler(Forms::members).handler(NetworkRoutes::admins).handler(this::importForm);
    router.get("/admin/network/import/:id").handler(Forms::members).handler(NetworkRoutes::admins).handler(this::importReport);
    router.post("/admin/network/import/:id/apply").handler(Forms::members).handler(NetworkRoutes::admins)
        .handler(this::applyImport);
    router.post("/admin/network/repermission").handler(Forms::members).handler(NetworkRoutes::admins)
        .handler(this::repermission);
    router.get("/network/join").handler(this::form);
    // a member follows announcements from their account, without the sign-up form and its confirmation link
    router.post("/network/follow").handler(Forms::members).handler(this::follow);
    router.get("/network/joined").handler(this::joined);
    router.get("/network/confirm").handler(this::confirmPage);
    router.get("/network/topics").handler(this::topics);
    router.get("/network/unsubscribe").handler(this::unsubscribePage);
    router.get("/announcements").handler(this::announcements);
    router.get("/announcements.atom").handler(this::atom);
    router.get("/announcements/:id").handler(this::announcement);
    // admins, and a group's moderators for their own group's followers (the service decides)
    router.get("/admin/announcements").handler(Forms::members).handler(this::announceForm);
    router.post("/admin/announcements").handler(Forms::members).handler(this::announce);
  }

  private static void admins(RoutingContext ctx) {
    if (Viewer.of(ctx).member().map(Member::admin).orElse(false)) {
      ctx.next();
    } else {
      ctx.fail(DomainException.forbidden());
    }
  }

  private static String param(RoutingContext ctx, String name) {
    String v = ctx.request().getParam(name);
    return v == null ? "" : v;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private void form(RoutingContext ctx) {
    Optional<Member> member = Viewer.of(ctx).member();
    if (member.isPresent()) {
      memberPage(member.get(), ctx.request().getParam("saved") != null, ctx.request().getParam("stopped") != null, null)
          .map(ViewModel::of)
          .onSuccess(model -> pages.render(ctx, "network/member", model))
          .onFailure(ctx::fail);
      return;
    }
    network.topics()
        .map(topics -> ViewModel.of(JoinPage.empty(topics, Viewer.of(ctx).locale())))
        .onSuccess(model -> pages.render(ctx, "network/join", model))
        .onFailure(ctx::fail);
  }

  private void join(RoutingContext ctx) {
    JoinForm form = JoinForm.of(ctx.request().formAttributes());
    Viewer viewer = Viewer.of(ctx);
    network.topics().<FormResult<JoinPage>>compose(topics -> {
      Map<String, String> problems = form.problems(network.codes(topics));
      if (!form.robot() && !problems.isEmpty()) {
        return Future.succeededFuture(new FormResult.Problems<>(400, JoinPage.of(form, problems, topics, viewer.locale())));
      }
      return network.join(form, viewer.locale(), ClientAddress.of(ctx)).map(v -> FormResult.done("/network/joined"));
    })
        .onSuccess(result -> result.send(ctx, pages, "network/join"))
        .onFailure(ctx::fail);
  }

  private Future<MemberPage> memberPage(Member member, boolean saved, boolean stopped, List<String> refused) {
    return network.following(member).compose(f -> network.topics().map(topics -> new MemberPage(
        member.email() == null ? "" : member.email(), f.following(), f.bounced(), saved, stopped,
        NetworkPages.boxes(topics, refused == null ? f.topics() : refused), refused != null,
        refused == null ? Map.of() : Map.of("topics", "network.error.topics"))));
  }

  private void follow(RoutingContext ctx) {
    Member member = Viewer.of(ctx).member().orElseThrow();
    boolean stop = ctx.request().getFormAttribute("stop") != null;
    List<String> chosen = stop ? List.of() : ctx.request().formAttributes().getAll("topic");
    network.follow(member, chosen)
        .<FormResult<MemberPage>>map(v -> FormResult.done(chosen.isEmpty() ? "/network/join?stopped=1" : "/network/join?saved=1"))
        .recover(e -> e instanceof DomainException d && "network.error.topics".equals(d.messageKey())
            ? memberPage(member, false, false, chosen).map(page -> new FormResult.Problems<>(400, page))
            : Future.failedFuture(e))
        .onSuccess(result -> result.send(ctx, pages, "network/member"))
        .onFailure(ctx::fail);
  }

  private void joined(RoutingContext ctx) {
    Future.succeededFuture(ViewModel.of(new JoinedPage(true)))
        .onSuccess(model -> pages.render(ctx, "network/joined", model))
        .onFailure(ctx::fail);
  }

  private void confirmPage(RoutingContext ctx) {
    String token = param(ctx, "token");
    network.confirmable(token)
        .map(ok -> {
          if (!ok) {
            throw DomainException.badRequest("network.error.link");
          }
          return ViewModel.of(new ConfirmPage(token));
        })
        .onSuccess(model -> pages.render(ctx, "network/confirm", model))
        .onFailure(ctx::fail);
  }

  private void confirm(RoutingContext ctx) {
    network.confirm(param(ctx, "token"))
        .onSuccess(topics -> Forms.redirect(ctx, "/network/topics?confirmed=1&token=" + enc(topics)))
        .onFailure(ctx::fail);
  }

  private void topics(RoutingContext ctx) {
    String token = param(ctx, "token");
    boolean saved = ctx.request().getParam("saved") != null;
    boolean confirmed = ctx.request().getParam("confirmed") != null;
    network.followerByTopicsToken(token)
        .compose(f -> network.topics().map(topics -> new TopicsPage(token, f.name(), NetworkPages.boxes(topics, f.topics()),
            saved, confirmed, false, Map.of())))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "network/topics", model))
        .onFailure(ctx::fail);
  }

  private void saveTopics(RoutingContext ctx) {
    String token = param(ctx, "token");
    boolean stop = ctx.request().getFormAttribute("unsubscribe") != null;
    List<String> chosen = ctx.request().formAttributes().getAll("topic");
    Future<FormResult<TopicsPage>> result = stop
        ? network.unsubscribeByTopics(token).map(v -> FormResult.<TopicsPage>done("/network/unsubscribe?done=1"))
        : network.setTopics(token, chosen).map(v -> FormResult.<TopicsPage>done("/network/topics?saved=1&token=" + enc(token)))
            .recover(e -> FormResult.refusesInput(e) && e instanceof DomainException d && "network.error.topics".equals(d.messageKey())
                ? network.followerByTopicsToken(token).compose(f -> network.topics().map(topics ->
                    new FormResult.Problems<>(400, new TopicsPage(token, f.name(), NetworkPages.boxes(topics, chosen),
                        false, false, true, Map.of("topics", "network.error.topics")))))
                : Future.failedFuture(e));
    result.onSuccess(r -> r.send(ctx, pages, "network/topics")).onFailure(ctx::fail);
  }

  private void unsubscribePage(RoutingContext ctx) {
    String token = param(ctx, "token");
    boolean done = ctx.request().getParam("done") != null;
    (done ? Future.succeededFuture(true) : network.unsubscribable(token))
        .map(ok -> {
          if (!ok) {
            throw DomainException.badRequest("network.error.link");
          }
          return ViewModel.of(new UnsubscribePage(done ? "" : token, done));
        })
        .onSuccess(model -> pages.render(ctx, "network/unsubscribe", model))
        .onFailure(ctx::fail);
  }

  private void unsubscribe(RoutingContext ctx) {
    network.unsubscribe(param(ctx, "token"))
        .map(v -> ViewModel.of(new UnsubscribePage("", true)))
        .onSuccess(model -> pages.render(ctx, "network/unsubscribe", model))
        .onFailure(ctx::fail);
  }

  private static long id(RoutingContext ctx) {
    try {
      return Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw DomainException.notFound();
    }
  }

  private static Member me(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private void importForm(RoutingContext ctx) {
    int asked = ctx.request().getParam("asked") == null ? -1 : parseOr(ctx.request().getParam("asked"), -1);
    Future.succeededFuture(ViewModel.of(new NetworkPages.ImportUploadPage(FollowerCsv.MAX_ROWS,
            FollowerCsv.MAX_BYTES / 1024 / 1024, asked >= 0, asked)))
        .onSuccess(model -> pages.render(ctx, "network/import", model))
        .onFailure(ctx::fail);
  }

  private static int parseOr(String s, int fallback) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private void upload(RoutingContext ctx) {
    var files = ctx.fileUploads();
    if (files.size() != 1) {
      ctx.fail(DomainException.badRequest("import.error.file"));
      return;
    }
    var file = files.get(0);
    if (file.size() > FollowerCsv.MAX_BYTES) {
      ctx.fail(new DomainException(DomainException.Kind.TOO_LARGE, "import.error.size", FollowerCsv.MAX_BYTES / 1024 / 1024));
      return;
    }
    ctx.vertx().fileSystem().readFile(file.uploadedFileName())
        .compose(buffer -> network.upload(me(ctx), file.fileName(), buffer.getBytes()))
        .onSuccess(id -> Forms.redirect(ctx, "/admin/network/import/" + id))
        .onFailure(ctx::fail);
  }

  private void importReport(RoutingContext ctx) {
    int created = ctx.request().getParam("created") == null ? -1 : parseOr(ctx.request().getParam("created"), -1);
    Future.succeededFuture(ctx).map(NetworkRoutes::id)
        .compose(id -> network.importReport(me(ctx), id, created))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "network/import-report", model))
        .onFailure(ctx::fail);
  }

  private void applyImport(RoutingContext ctx) {
    Future.succeededFuture(ctx).map(NetworkRoutes::id)
        .compose(id -> network.applyImport(me(ctx), id).map(n -> "/admin/network/import/" + id + "?created=" + n))
        .onSuccess(location -> Forms.redirect(ctx, location))
        .onFailure(ctx::fail);
  }

  private void repermission(RoutingContext ctx) {
    network.sendRepermission(me(ctx))
        .onSuccess(n -> Forms.redirect(ctx, "/admin/network/import?asked=" + n))
        .onFailure(ctx::fail);
  }

  private void overview(RoutingContext ctx) {
    network.overview(me(ctx), Viewer.of(ctx).locale())
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "network/overview", model))
        .onFailure(ctx::fail);
  }

  private void overTimeCsv(RoutingContext ctx) {
    network.overTimeCsv(me(ctx), Viewer.of(ctx).locale())
        .onSuccess(csv -> ctx.response()
            .putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"network-over-time.csv\"")
            .putHeader("Cache-Control", "no-store")
            .end(csv))
        .onFailure(ctx::fail);
  }

  private void followersCsv(RoutingContext ctx) {
    network.followersCsv(me(ctx))
        .onSuccess(csv -> ctx.response()
            .putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"network-followers.csv\"")
            .putHeader("Cache-Control", "no-store")
            .end(csv))
        .onFailure(ctx::fail);
  }

  private void announcements(RoutingContext ctx) {
    network.announcements(LIST_SIZE)
        .map(list -> new AnnouncementsPage(list.stream().map(a -> AnnouncementView.of(a, Viewer.of(ctx).locale())).toList()))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "network/announcements", model))
        .onFailure(ctx::fail);
  }

  private void atom(RoutingContext ctx) {
    network.announcementsAtom(LIST_SIZE)
        .onSuccess(xml -> ctx.response()
            .putHeader("Content-Type", "application/atom+xml; charset=utf-8")
            .end(xml))
        .onFailure(ctx::fail);
  }

  private void announcement(RoutingContext ctx) {
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.notFound());
      return;
    }
    network.announcement(id)
        .map(a -> ViewModel.of(new AnnouncementPage(AnnouncementView.of(a, Viewer.of(ctx).locale()))))
        .onSuccess(model -> pages.render(ctx, "network/announcement", model))
        .onFailure(ctx::fail);
  }

  private void announceForm(RoutingContext ctx) {
    boolean sent = ctx.request().getParam("sent") != null;
    network.announceableTopics(me(ctx))
        .map(topics -> ViewModel.of(new AnnouncePage(AnnounceForm.empty(), Map.of(), false,
            NetworkPages.boxes(topics, List.of()), null, null, null, false, sent)))
        .onSuccess(model -> pages.render(ctx, "network/announce", model))
        .onFailure(ctx::fail);
  }

  private void announce(RoutingContext ctx) {
    Member me = Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
    AnnounceForm form = AnnounceForm.of(ctx.request().formAttributes());
    String action = param(ctx, "action");
    network.announceableTopics(me).<FormResult<AnnouncePage>>compose(topics -> {
      Map<String, String> problems = form.problems(network.codes(topics));
      var boxes = NetworkPages.boxes(topics, form.topics());
      if (!problems.isEmpty()) {
        return Future.succeededFuture(new FormResult.Problems<>(400,
            new AnnouncePage(form, problems, true, boxes, null, null, null, false, false)));
      }
      Announcement a = form.toAnnouncement(java.time.Instant.EPOCH);
      return switch (action) {
        case "test" -> network.sendTest(me, a).map(v -> new FormResult.Preview<>(new AnnouncePage(form, Map.of(), false,
            boxes, null, null, null, true, false)));
        case "send" -> network.announce(me, a).map(id -> FormResult.<AnnouncePage>done("/admin/announcements?sent=" + id));
        default -> Future.succeededFuture(new FormResult.Preview<>(new AnnouncePage(form, Map.of(), false, boxes,
            a.en().html(), a.fr() == null ? null : a.fr().html(), a.de() == null ? null : a.de().html(), false, false)));
      };
    })
        .onSuccess(result -> result.send(ctx, pages, "network/announce"))
        .onFailure(ctx::fail);
  }
}
