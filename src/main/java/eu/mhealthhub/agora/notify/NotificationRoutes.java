package eu.mhealthhub.agora.notify;

import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.notify.NotificationViews.DeliveryChoice;
import eu.mhealthhub.agora.notify.NotificationViews.Filter;
import eu.mhealthhub.agora.notify.NotificationViews.KindChoice;
import eu.mhealthhub.agora.notify.NotificationViews.NotificationsPage;
import eu.mhealthhub.agora.notify.NotificationViews.PreferencesPage;
import eu.mhealthhub.agora.web.Forms;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import eu.mhealthhub.agora.web.Tokens;
import eu.mhealthhub.agora.web.ViewModel;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A member's notifications and how they want them. Every route is for signed-in members.
 *
 * <pre>
 * GET  /notifications                   newest first, grouped by thread or document (?kind=, ?page=)
 * GET  /notifications/count             {"unread": n, "address": "member.7"} for the header badge
 * GET  /notifications/:id/open          marks it read and redirects to what it is about
 * POST /notifications/:id/read          marks one read
 * POST /notifications/read-all          marks all read
 * GET  /notifications/preferences       one choice per kind: page, immediately, daily, weekly, never
 * POST /notifications/preferences       saves them all (any unknown value: 400, nothing saved)
 * POST /notifications/watch             subject=document|talk, id, watch=true|false, next
 * </pre>
 */
public final class NotificationRoutes {

  private final Pages pages;
  private final NotificationService notifications;
  private final I18n i18n;

  public NotificationRoutes(Pages pages, NotificationService notifications, I18n i18n) {
    this.pages = pages;
    this.notifications = notifications;
    this.i18n = i18n;
  }

  public void mount(Router router) {
    router.get("/notifications").handler(Forms::members).handler(this::list);
    router.get("/notifications/count").handler(Forms::members).handler(this::count);
    router.get("/notifications/preferences").handler(Forms::members).handler(this::preferences);
    router.post("/notifications/preferences").handler(Forms::members).handler(this::savePreferences);
    router.post("/notifications/read-all").handler(Forms::members).handler(this::readAll);
    router.post("/notifications/watch").handler(Forms::members).handler(this::watch);
    router.get("/notifications/:id/open").handler(Forms::members).handler(this::open);
    router.post("/notifications/:id/read").handler(Forms::members).handler(this::read);
  }

  private static Member member(RoutingContext ctx) {
    return Viewer.of(ctx).member().orElseThrow(DomainException::forbidden);
  }

  private I18n.Messages messages(RoutingContext ctx) {
    return i18n.forLocale(Viewer.of(ctx).locale());
  }

  private static String back(RoutingContext ctx, String fallback) {
    String next = ctx.request().getFormAttribute("next");
    return Tokens.isLocalPath(next) ? next : fallback;
  }

  private void list(RoutingContext ctx) {
    String kind = ctx.request().getParam("kind");
    Future<NotificationKind> filter = kind == null || kind.isEmpty() ? Future.succeededFuture(null)
        : Future.succeededFuture(kind).map(NotificationKind::of);
    I18n.Messages m = messages(ctx);
    filter.compose(f -> notifications.page(member(ctx), f, Forms.page(ctx)).map(p -> {
          List<Filter> filters = new ArrayList<>();
          filters.add(new Filter("", m.get("notifications.filter.all"), f == null));
          Arrays.stream(NotificationKind.values()).forEach(k -> filters.add(new Filter(k.value(), m.get(k.label()), k == f)));
          return new NotificationsPage(NotificationViews.grouped(m, p.items()), p.items().isEmpty(), p.unread(), filters,
              f == null ? "" : f.value(), Forms.pageLinks(p.page(), p.pages()),
              "/notifications?" + (f == null ? "" : "kind=" + f.value() + "&"));
        }))
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "notify/list", model))
        .onFailure(ctx::fail);
  }

  private void count(RoutingContext ctx) {
    Member member = member(ctx);
    notifications.unreadCount(member)
        .map(n -> new JsonObject().put("unread", n).put("address", "member." + member.id()).encode())
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(body))
        .onFailure(ctx::fail);
  }

  private void open(RoutingContext ctx) {
    notifications.open(member(ctx), Forms.id(ctx, "id"))
        .onSuccess(link -> ctx.response().setStatusCode(303).putHeader("Location", link).end())
        .onFailure(ctx::fail);
  }

  private void read(RoutingContext ctx) {
    String to = back(ctx, "/notifications");
    notifications.markRead(member(ctx), Forms.id(ctx, "id"))
        .onSuccess(v -> Forms.redirect(ctx, to))
        .onFailure(ctx::fail);
  }

  private void readAll(RoutingContext ctx) {
    String to = back(ctx, "/notifications");
    notifications.markAllRead(member(ctx))
        .onSuccess(v -> Forms.redirect(ctx, to))
        .onFailure(ctx::fail);
  }

  private void watch(RoutingContext ctx) {
    String subject = ctx.request().getFormAttribute("subject");
    String watch = ctx.request().getFormAttribute("watch");
    String to = back(ctx, "/notifications/preferences");
    Future<Boolean> on = "true".equals(watch) || "false".equals(watch) ? Future.succeededFuture("true".equals(watch))
        : Future.failedFuture(DomainException.badRequest("error.400.text"));
    on.compose(o -> notifications.watch(member(ctx), subject, formId(ctx.request().getFormAttribute("id")), o))
        .onSuccess(v -> Forms.redirect(ctx, to))
        .onFailure(ctx::fail);
  }

  /** A numeric form field; anything else is a 404, like a missing thing. */
  private static long formId(String value) {
    try {
      return Long.parseLong(value == null ? "" : value);
    } catch (NumberFormatException e) {
      throw DomainException.notFound();
    }
  }

  private PreferencesPage preferencesPage(I18n.Messages m, Map<NotificationKind, String> chosen, List<NotificationKind> problems,
      boolean saved) {
    List<KindChoice> kinds = Arrays.stream(NotificationKind.values())
        .map(k -> new KindChoice(k.value(), m.get(k.label()), chosen.get(k), problems.contains(k))).toList();
    List<DeliveryChoice> deliveries = Arrays.stream(Delivery.values())
        .map(d -> new DeliveryChoice(d.value(), m.get("notifications.delivery." + d.value()))).toList();
    return new PreferencesPage(kinds, deliveries, saved, !problems.isEmpty());
  }

  private void preferences(RoutingContext ctx) {
    I18n.Messages m = messages(ctx);
    notifications.preferences(member(ctx).id())
        .map(all -> {
          Map<NotificationKind, String> chosen = new EnumMap<>(NotificationKind.class);
          all.forEach((k, d) -> chosen.put(k, d.value()));
          return preferencesPage(m, chosen, List.of(), ctx.request().getParam("saved") != null);
        })
        .map(ViewModel::of)
        .onSuccess(model -> pages.render(ctx, "notify/preferences", model))
        .onFailure(ctx::fail);
  }

  /** Every kind must come with a known delivery; otherwise the form comes back (400) and nothing is saved. */
  private void savePreferences(RoutingContext ctx) {
    Map<NotificationKind, String> typed = new EnumMap<>(NotificationKind.class);
    Map<NotificationKind, Delivery> choices = new EnumMap<>(NotificationKind.class);
    List<NotificationKind> problems = new ArrayList<>();
    for (NotificationKind k : NotificationKind.values()) {
      String value = ctx.request().getFormAttribute(k.value());
      typed.put(k, value);
      try {
        choices.put(k, Delivery.of(value));
      } catch (DomainException e) {
        problems.add(k);
      }
    }
    if (!problems.isEmpty()) {
      PreferencesPage page = preferencesPage(messages(ctx), typed, problems, false);
      pages.render(ctx, 400, "notify/preferences", ViewModel.of(page));
      return;
    }
    notifications.savePreferences(member(ctx).id(), choices)
        .onSuccess(v -> Forms.redirect(ctx, "/notifications/preferences?saved=1"))
        .onFailure(ctx::fail);
  }
}
