package eu.mhealthhub.agora.web;

import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.ValueResolver;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import eu.mhealthhub.agora.AppConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders pages: a feature template (e.g. {@code home/index}) inside the layout, with the model the
 * layout needs (viewer, language, CSRF token, development notice). Templates live under
 * {@code src/main/resources/templates}; partials resolve from that root, whatever folder the page
 * is in. Everything is HTML-escaped unless a helper returns markup it built itself.
 */
public final class Pages {

  /**
   * Stands for the viewer's CSRF token in fragments shared between viewers (see {@link #fragment});
   * it holds NUL characters, which PostgreSQL text cannot, so no stored content can contain it.
   */
  static final String CSRF_PLACEHOLDER = "\u0000csrf-" + Tokens.random(6) + "\u0000";
  private static final int FRAGMENT_CACHE_SIZE = 20_000;

  private final Map<Object, String> fragments = new ConcurrentHashMap<>();

  static final String MESSAGES = "_messages";
  static final String ZONE = "_zone";

  private final Handlebars handlebars;
  private final ValueResolver[] resolvers;
  private final Map<String, Template> compiled = new ConcurrentHashMap<>();
  private final I18n i18n;
  private final boolean devSignIn;

  public Pages(Vertx vertx, I18n i18n, boolean devSignIn) {
    this.i18n = i18n;
    this.devSignIn = devSignIn;
    HandlebarsTemplateEngine engine = HandlebarsTemplateEngine.create(vertx);
    this.handlebars = engine.unwrap()
        .with(new ClassPathTemplateLoader("/templates", ".hbs"))
        // without a cache Handlebars.java reads and parses every partial on every use
        .with(new com.github.jknack.handlebars.cache.ConcurrentMapTemplateCache())
        .infiniteLoops(false);
    // view models are maps and records: try those first, Java beans last (each miss costs a lookup)
    this.resolvers = new ValueResolver[] {com.github.jknack.handlebars.context.MapValueResolver.INSTANCE,
        com.github.jknack.handlebars.context.MethodValueResolver.INSTANCE,
        com.github.jknack.handlebars.context.JavaBeanValueResolver.INSTANCE};
    registerHelpers(handlebars);
  }

  /** Compiles a template once; blocking on first use of each name, so {@link #warm} runs at start. */
  private Template template(String name) {
    return compiled.computeIfAbsent(name, n -> {
      try {
        return handlebars.compile(n);
      } catch (IOException e) {
        throw new UncheckedIOException("template " + n, e);
      }
    });
  }

  /** Compiles the given templates ahead of the first request (call off the event loop). */
  public void warm(List<String> names) {
    names.forEach(this::template);
  }

  /** Renders a full page with status 200. */
  public void render(RoutingContext ctx, String template, Map<String, Object> model) {
    render(ctx, 200, template, model);
  }

  /** Renders a full page in the layout with the given status. */
  public void render(RoutingContext ctx, int status, String template, Map<String, Object> model) {
    Viewer viewer = ctx.get(Viewer.KEY);
    String html = renderToString(ctx, viewer, template, model);
    if (html.indexOf(CSRF_PLACEHOLDER) >= 0) {
      html = html.replace(CSRF_PLACEHOLDER, viewer == null || viewer.csrfToken() == null ? "" : viewer.csrfToken());
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(html);
  }

  /**
   * A template rendered on its own, outside the layout and any request: for files people download
   * (document exports). Same helpers and messages as pages.
   */
  public String standalone(String template, Map<String, Object> model, Locale locale, ZoneId zone) {
    Map<String, Object> root = new HashMap<>(model);
    root.put(MESSAGES, i18n.forLocale(locale));
    root.put(ZONE, zone);
    root.put("lang", locale.toLanguageTag());
    Context context = Context.newBuilder(root).resolver(resolvers).build();
    try {
      return template(template).apply(context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      context.destroy();
    }
  }

  String renderToString(RoutingContext ctx, Viewer viewer, String template, Map<String, Object> model) {
    Map<String, Object> root = new HashMap<>(model);
    Locale locale = viewer == null ? i18n.fallback() : viewer.locale();
    I18n.Messages messages = i18n.forLocale(locale);
    root.put(MESSAGES, messages);
    root.put(ZONE, viewer == null ? ZoneId.of("UTC") : viewer.zone());
    root.put("lang", locale.toLanguageTag());
    root.put("viewer", viewer == null ? null : viewer.member().orElse(null));
    root.put("csrf", viewer == null ? null : viewer.csrfToken());
    root.put("devSignIn", devSignIn);
    root.put("assetVersion", ctx.get("assetVersion"));
    String path = ctx.request().path();
    String query = ctx.request().query();
    String here = query == null ? path : path + "?" + query;
    String local = Tokens.isLocalPath(here) ? here : "/";
    root.put("here", local);
    root.put("hereEncoded", java.net.URLEncoder.encode(local, java.nio.charset.StandardCharsets.UTF_8));
    root.put("languages", languages(locale));
    Context context = Context.newBuilder(root).resolver(resolvers).build();
    try {
      // pages are tens of kilobytes: start big rather than grow a small buffer many times
      java.io.StringWriter out = new java.io.StringWriter(48 * 1024);
      template(template).apply(context, out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      context.destroy();
    }
  }

  /**
   * A piece of a page rendered once and reused while {@code key} is equal: the key must hold
   * everything the piece shows (for a post: its revision, state, counts and what the viewer may do
   * with it). The CSRF token is left as a placeholder and filled in per page by {@link #render}.
   * The cache is bounded; when full it starts again.
   */
  public String fragment(RoutingContext ctx, Object key, String template, Map<String, Object> model) {
    Viewer viewer = ctx.get(Viewer.KEY);
    Locale locale = viewer == null ? i18n.fallback() : viewer.locale();
    ZoneId zone = viewer == null ? ZoneId.of("UTC") : viewer.zone();
    List<Object> fullKey = List.of(template, key, locale, zone);
    String cached = fragments.get(fullKey);
    if (cached != null) {
      return cached;
    }
    Viewer shared = viewer == null ? null
        : new Viewer(viewer.member(), viewer.locale(), viewer.zone(), viewer.csrfToken() == null ? null : CSRF_PLACEHOLDER);
    String html = renderToString(ctx, shared, template, model);
    if (fragments.size() >= FRAGMENT_CACHE_SIZE) {
      fragments.clear();
    }
    fragments.put(fullKey, html);
    return html;
  }

  /** Sends a fragment from {@link #fragment} on its own, with the viewer's CSRF token filled in. */
  public void sendFragment(RoutingContext ctx, String html) {
    Viewer viewer = ctx.get(Viewer.KEY);
    String token = viewer == null || viewer.csrfToken() == null ? "" : viewer.csrfToken();
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
        .end(html.replace(CSRF_PLACEHOLDER, token));
  }

  private static List<Map<String, Object>> languages(Locale current) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      list.add(Map.of("tag", l.toLanguageTag(), "name", l.getDisplayLanguage(l),
          "selected", l.getLanguage().equals(current.getLanguage())));
    }
    return list;
  }

  private static void registerHelpers(Handlebars hb) {
    hb.registerHelper("t", (Helper<String>) (key, options) -> {
      I18n.Messages m = options.get(MESSAGES);
      return m.get(key, options.params);
    });
    hb.registerHelper("datetime", (Helper<Object>) (value, options) -> {
      Instant instant = toInstant(value);
      if (instant == null) {
        return "";
      }
      I18n.Messages m = options.get(MESSAGES);
      ZoneId zone = options.get(ZONE);
      String style = options.hash("style", "datetime");
      String text = formatter(style, m.locale(), zone).format(instant);
      return new Handlebars.SafeString("<time datetime=\"" + instant + "\">"
          + Handlebars.Utils.escapeExpression(text) + "</time>");
    });
    hb.registerHelper("concat", (Helper<Object>) (a, options) -> {
      StringBuilder b = new StringBuilder(String.valueOf(a));
      for (Object p : options.params) {
        b.append(p);
      }
      return b.toString();
    });
    hb.registerHelper("eq", (Helper<Object>) (a, options) -> Objects.equals(String.valueOf(a),
        String.valueOf(options.param(0, (Object) null))) ? options.fn() : options.inverse());
  }

  private static final Map<String, DateTimeFormatter> FORMATTERS = new ConcurrentHashMap<>();

  /**
   * A formatter per style, locale and zone, built once. Date-times end with the zone's abbreviation
   * in force at the instant ("zzz": CEST in summer, CET in winter).
   */
  private static DateTimeFormatter formatter(String style, Locale locale, ZoneId zone) {
    return FORMATTERS.computeIfAbsent(style + "|" + locale.toLanguageTag() + "|" + zone.getId(), k -> {
      DateTimeFormatter f = switch (style) {
        case "date" -> DateTimeFormatter.ofLocalizedDate(FormatStyle.LONG).withLocale(locale);
        case "time" -> DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale);
        default -> new java.time.format.DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ofLocalizedDateTime(FormatStyle.LONG, FormatStyle.SHORT))
            .appendLiteral(' ').appendPattern("zzz").toFormatter(locale);
      };
      return f.withZone(zone);
    });
  }

  private static Instant toInstant(Object value) {
    if (value instanceof Instant i) {
      return i;
    }
    if (value instanceof java.time.OffsetDateTime o) {
      return o.toInstant();
    }
    return null;
  }
}
