package eu.mhealthhub.agora.mail;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.InputCheck;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * E-mail pages.
 *
 * <pre>
 * GET  /mail/unsubscribe?t=   what the signed link would stop, with a button (changes nothing: mail
 *                             scanners fetch links)
 * POST /mail/unsubscribe?t=   stop it: the page's button and the RFC 8058 one-click POST
 *                             (body List-Unsubscribe=One-Click); no session or CSRF token, the
 *                             signed token is the authority
 * GET  /admin/mail            admins: queued and failed messages with their last error
 * GET  /dev/mail              development mode, admins: what the loopback SMTP server received
 * GET  /dev/mail/:n           one received message: headers, text part, HTML part (sandboxed)
 * </pre>
 */
public final class MailRoutes {

  /** Pages compiled before the first request. */
  public static final List<String> TEMPLATES = List.of("mail/unsubscribe", "mail/admin", "mail/dev-list",
      "mail/dev-message", MailComposer.TEMPLATE);
  /** How many rows of each state the admin page lists. */
  static final int ADMIN_ROWS = 200;

  /** The unsubscribe page: the token, what it stops (in the reader's language), and whether it is done. */
  public record UnsubscribePage(String token, String kind, boolean done) {}

  /** The admin page. */
  public record AdminPage(String transport, boolean local, long queuedCount, long failedCount, long sentCount,
      long cancelledCount, List<OutboxEntry> failed, List<OutboxEntry> queued) {}

  /** What the loopback server received, newest first. */
  public record DevListPage(List<DevMailServer.Received> messages) {}

  /** One received message. */
  public record DevMessagePage(DevMailServer.Received message) {}

  private final Pages pages;
  private final Mail mail;
  private final I18n i18n;
  private final boolean development;

  /** @param development the development sign-in runs: /dev/mail is served (when the loopback server runs) */
  public MailRoutes(Pages pages, Mail mail, I18n i18n, boolean development) {
    this.pages = pages;
    this.mail = mail;
    this.i18n = i18n;
    this.development = development;
  }

  /**
   * The one-click POST, mounted after the body handler and before the CSRF check: a mail provider
   * posts it with no session and no token of ours. Only this path is exempt, and its body is still
   * checked for text Agora can accept.
   */
  public void mountOneClick(Router router) {
    router.post("/mail/unsubscribe").handler(InputCheck.body(RoutingContext::next)).handler(this::unsubscribe);
  }

  public void mount(Router router) {
    router.get("/mail/unsubscribe").handler(this::confirm);
    router.get("/admin/mail").handler(Forms::members).handler(MailRoutes::admins).handler(this::admin);
    if (development && mail.devServer().isPresent()) {
      router.get("/dev/mail").handler(Forms::members).handler(MailRoutes::admins).handler(this::devList);
      router.get("/dev/mail/:number").handler(Forms::members).handler(MailRoutes::admins)
          .handler(MailRoutes::styledFrame).handler(this::devMessage);
    }
  }

  private static void admins(RoutingContext ctx) {
    if (Viewer.of(ctx).member().map(Member::admin).orElse(false)) {
      ctx.next();
    } else {
      ctx.fail(DomainException.forbidden());
    }
  }

  /**
   * The sandboxed frame of a received message inherits the page's Content-Security-Policy, which
   * forbids inline styles, and an e-mail's HTML has nothing else. This page (development mode,
   * admins) lets style attributes apply; scripts, forms and remote images stay forbidden.
   */
  private static void styledFrame(RoutingContext ctx) {
    String csp = ctx.response().headers().get("Content-Security-Policy");
    if (csp != null) {
      ctx.response().headers().set("Content-Security-Policy", csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    }
    ctx.next();
  }

  /** The token's member and kind, or a 400 that says the link is not valid. */
  private Future<UnsubscribeTokens.Subject> subject(RoutingContext ctx) {
    return mail.tokens().verify(ctx.request().getParam("t"))
        .map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(DomainException.badRequest("mail.unsubscribe.invalid")));
  }

  /** The kind as people read it: its label from the bundle when there is one, else its name. */
  private String kindLabel(RoutingContext ctx, String kind) {
    String key = "mail.kind." + kind;
    String label = i18n.message(Viewer.of(ctx).locale(), key);
    return label.equals(key) ? kind : label;
  }

  private void confirm(RoutingContext ctx) {
    Respond.to(ctx, subject(ctx).map(s -> new UnsubscribePage(ctx.request().getParam("t"), kindLabel(ctx, s.kind()), false)),
        page -> pages.render(ctx, "mail/unsubscribe", ViewModel.of(page)));
  }

  private void unsubscribe(RoutingContext ctx) {
    Respond.to(ctx, subject(ctx)
            .compose(s -> mail.unsubscribe().stop(s.memberId(), s.kind())
                .map(v -> new UnsubscribePage(ctx.request().getParam("t"), kindLabel(ctx, s.kind()), true))),
        page -> pages.render(ctx, "mail/unsubscribe", ViewModel.of(page)));
  }

  private void admin(RoutingContext ctx) {
    Outbox outbox = mail.outbox();
    Future<Map<String, Long>> counts = outbox.counts();
    Future<List<OutboxEntry>> failed = outbox.list("failed", ADMIN_ROWS);
    Future<List<OutboxEntry>> queued = outbox.list("queued", ADMIN_ROWS);
    Respond.to(ctx, Future.all(counts, failed, queued).map(all -> new AdminPage(mail.transport(), mail.devServer().isPresent(),
            counts.result().getOrDefault("queued", 0L), counts.result().getOrDefault("failed", 0L),
            counts.result().getOrDefault("sent", 0L), counts.result().getOrDefault("cancelled", 0L),
            failed.result(), queued.result())),
        page -> pages.render(ctx, "mail/admin", ViewModel.of(page)));
  }

  private void devList(RoutingContext ctx) {
    DevMailServer server = mail.devServer().orElseThrow();
    Respond.to(ctx, ctx.vertx().executeBlocking(() -> {
      List<DevMailServer.Received> all = new java.util.ArrayList<>(server.received());
      java.util.Collections.reverse(all);
      return new DevListPage(all);
    }), page -> pages.render(ctx, "mail/dev-list", ViewModel.of(page)));
  }

  private void devMessage(RoutingContext ctx) {
    DevMailServer server = mail.devServer().orElseThrow();
    Respond.to(ctx, Future.succeededFuture(ctx.pathParam("number"))
            .map(n -> n.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(n) : 0)
            .compose(n -> ctx.vertx().executeBlocking(() -> server.received(n)))
            .compose(found -> found.map(m -> Future.succeededFuture(new DevMessagePage(m)))
                .orElseGet(() -> Future.failedFuture(DomainException.notFound()))),
        page -> pages.render(ctx, "mail/dev-message", ViewModel.of(page)));
  }
}
