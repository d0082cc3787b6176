package eu.mhealthhub.agora.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.Helper;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.ValueResolver;
import com.github.jknack.handlebars.io.ClassPathTemplateLoader;
import eu.mhealthhub.agora.AppConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.templ.handlebars.HandlebarsTemplateEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.time.temporal.ChronoUnit;
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
   * Starts every marker that stands for a part filled in per view: the viewer's CSRF token
   * ({@link #CSRF_PLACEHOLDER}), a cached fragment, a per-view value in a shared page. It holds a
   * NUL character, which PostgreSQL text cannot, and a random part, so no stored or requested text
   * can contain or forge one; HTML escaping leaves it as it is.
   */
  private static final String MARK = "\u0000" + Tokens.random(6) + ":";
  /** Stands for the viewer's CSRF token in fragments and pages shared between viewers. */
  static final String CSRF_PLACEHOLDER = MARK + "c\u0000";
  /** The {@link Holes} of the current request. */
  private static final String HOLES = "agora.holes";
  private static final int FRAGMENT_CACHE_SIZE = 20_000;
  private static final int SHELL_CACHE_SIZE = 2_000;

  /** Post fragments and the like, by what they show (see {@link #fragment}). */
  private final Cache<Object, Encoded> fragments = bounded(FRAGMENT_CACHE_SIZE);
  /** Pages rendered with holes for what differs per view, by everything else they show (see {@link #renderShared}). */
  private final Cache<Object, Encoded> shells = bounded(SHELL_CACHE_SIZE);

  /**
   * A size-bounded cache (Caffeine's frequency-aware eviction); housekeeping runs on the thread
   * that writes, between renders, rather than on a shared pool.
   */
  private static Cache<Object, Encoded> bounded(int size) {
    return Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
  }

  /**
   * The request's count of unread notifications for the header badge (a Long), put by a handler
   * before the page is rendered; absent, the badge shows no number.
   */
  public static final String NOTIFICATIONS = "agora.notificationCount";

  /**
   * The version of the signed-in viewer's uploaded picture for the header (a String), put by
   * {@code ViewerHandler}; absent, the header shows their initials.
   */
  public static final String VIEWER_AVATAR = "agora.viewerAvatar";

  static final String MESSAGES = "_messages";
  static final String ZONE = "_zone";
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** The messages of the template being rendered on this thread (rendering is synchronous), for the escaping below. */
  private static final ThreadLocal<I18n.Messages> RENDERING = new ThreadLocal<>();

  /**
   * HTML escaping, and an erased member's name ({@link eu.mhealthhub.agora.Member#FORMER_NAME}, which no
   * one else may take) shown in the reader's language wherever a page or export prints a name: beside
   * posts, document comments and proposals, Talk questions, search results, document exports.
   */
  private static final com.github.jknack.handlebars.EscapingStrategy FORMER_IN_READERS_LANGUAGE = value -> {
    I18n.Messages m = RENDERING.get();
    CharSequence shown = m != null && eu.mhealthhub.agora.Member.formerName(value) ? m.get("member.former") : value;
    return com.github.jknack.handlebars.EscapingStrategy.HTML_ENTITY.escape(shown);
  };

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
        .with(FORMER_IN_READERS_LANGUAGE)
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

  /**
   * Renders a full page in the layout with the given status. A template that fails fails the
   * request (an error page), so a caller's {@code onSuccess} never throws from here.
   */
  public void render(RoutingContext ctx, int status, String template, Map<String, Object> model) {
    Respond.guarded(ctx, () -> renderOrThrow(ctx, status, template, model));
  }

  /** {@link #render} for the error handler, which has its own fallback when even the error page fails. */
  void renderOrThrow(RoutingContext ctx, int status, String template, Map<String, Object> model) {
    Viewer viewer = ctx.get(Viewer.KEY);
    send(ctx, status, Encoded.of(renderToString(ctx, viewer, template, model, false)));
  }

  /**
   * Renders a page like {@link #render}, status 200, but reuses an earlier rendering of the same
   * template when everything it shows is equal, for any viewer: the page is cached with holes for
   * the viewer's name and initials, the CSRF token, the address it was asked at, the values of the
   * {@code perView} keys of the model (printed escaped, never tested), and the fragments. So the
   * template may use the viewer only as {@code {{#if viewer}}}, {@code viewer.initials} and
   * {@code viewer.displayName}, and every other value it shows must be in the model, with value
   * equality (records, strings, numbers, lists and maps of them). Nothing derived from the database
   * is kept beyond what the model holds: the model is read afresh for each view, and a changed
   * model is a different key, so a cached page cannot go stale on any node.
   */
  public void renderShared(RoutingContext ctx, String template, Map<String, Object> model, String... perView) {
    Respond.guarded(ctx, () -> renderSharedOrThrow(ctx, template, model, perView));
  }

  private void renderSharedOrThrow(RoutingContext ctx, String template, Map<String, Object> model, String... perView) {
    Viewer viewer = ctx.get(Viewer.KEY);
    Holes holes = holes(ctx);
    Map<String, Object> shown = new HashMap<>(model);
    for (String key : perView) {
      shown.put(key, holes.value(escape(model.get(key))));
    }
    boolean signedIn = viewer != null && viewer.member().isPresent();
    // holes are numbered in the same order in every view (perView keys, then viewer and address), and the
    // key holds their markers: equal keys mean the cached page's holes stand for the same values
    String initials = holes.value(signedIn ? escape(viewer.member().get().initials()) : "");
    String name = holes.value(signedIn ? escape(viewer.member().get().displayName()) : "");
    String here = holes.value(escape(here(ctx)));
    String hereEncoded = holes.value(escape(URLEncoder.encode(here(ctx), StandardCharsets.UTF_8)));
    String notificationCount = holes.value(signedIn ? escape(ctx.get(NOTIFICATIONS)) : "");
    DisplayPreferences chosen = DisplayPreferences.of(ctx);
    String motion = holes.value(escape(chosen.reducedMotion()));
    String announce = holes.value(escape(chosen.liveAnnounce()));
    String avatar = holes.value(signedIn ? headerAvatar(ctx, viewer) : "");
    Locale locale = viewer == null ? i18n.fallback() : viewer.locale();
    ZoneId zone = viewer == null ? UTC : viewer.zone();
    boolean token = viewer != null && viewer.csrfToken() != null;
    boolean admin = signedIn && viewer.member().get().admin();
    List<Object> key = List.of(template, shown, locale, zone, signedIn, admin, token, String.valueOf(ctx.<Object>get("assetVersion")),
        List.of(initials, name, here, hereEncoded, notificationCount, motion, announce, avatar));
    Encoded page = shells.getIfPresent(key);
    if (page == null) {
      Viewer shared = viewer == null ? null : new Viewer(viewer.member(), locale, zone, token ? CSRF_PLACEHOLDER : null);
      Map<String, Object> root = new HashMap<>(shown);
      root.put("viewer", signedIn ? new ShownViewer(initials, name, admin) : null);
      root.put("here", here);
      root.put("hereEncoded", hereEncoded);
      root.put("notificationCount", notificationCount);
      root.put("prefs", new DisplayPreferences(motion, announce));
      root.put("viewerAvatar", avatar);
      page = Encoded.of(renderToString(ctx, shared, template, root, true));
      shells.put(key, page);
    }
    send(ctx, 200, page);
  }

  /**
   * The signed-in viewer's picture in the header, as markup: the small uploaded image, or the initials.
   * Decorative either way (the name stands beside it), so the image has an empty alt text.
   */
  private String headerAvatar(RoutingContext ctx, Viewer viewer) {
    eu.mhealthhub.agora.Member m = viewer.member().orElseThrow();
    String version = ctx.get(VIEWER_AVATAR);
    if (version == null || version.isEmpty()) {
      return "<span class=\"avatar\" aria-hidden=\"true\">" + escape(m.initials()) + "</span>";
    }
    return "<img class=\"avatar avatar-image\" src=\"/members/" + escape(URLEncoder.encode(m.handle(), StandardCharsets.UTF_8))
        + "/avatar/64?v=" + escape(version) + "\" alt=\"\" width=\"28\" height=\"28\">";
  }

  /** What a shared page shows of its viewer: holes, and whether the header links the administration (in the key). */
  public record ShownViewer(String initials, String displayName, boolean admin) {}

  private String escape(Object value) {
    return value == null ? "" : handlebars.getEscapingStrategy().escape(String.valueOf(value)).toString();
  }

  private void send(RoutingContext ctx, int status, Encoded page) {
    Buffer body = assemble(ctx, page);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store");
    Respond.end(ctx, body);
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
    I18n.Messages before = RENDERING.get();
    RENDERING.set(i18n.forLocale(locale));
    try {
      return template(template).apply(context);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      RENDERING.set(before);
      context.destroy();
    }
  }

  /**
   * The page's bytes: its UTF-8 text, encoded once when it was rendered or cached, with every hole
   * filled with the viewer's CSRF token, a per-view value or a fragment's bytes. A thread page is
   * mostly posts, so most of it is copied rather than rendered or encoded.
   */
  private Buffer assemble(RoutingContext ctx, Encoded page) {
    Viewer viewer = ctx.get(Viewer.KEY);
    byte[] token = viewer == null || viewer.csrfToken() == null ? new byte[0]
        : Tokens.mask(viewer.csrfToken()).getBytes(StandardCharsets.UTF_8); // new bytes per response: BREACH
    Holes holes = holes(ctx);
    Buffer out = Buffer.buffer(page.size(holes, token.length));
    page.writeTo(out, holes, token);
    return out;
  }

  private static Holes holes(RoutingContext ctx) {
    Holes holes = ctx.get(HOLES);
    if (holes == null) {
      holes = new Holes();
      ctx.put(HOLES, holes);
    }
    return holes;
  }

  /** What fills the holes of one request's page: fragments and per-view values, by number. */
  private static final class Holes {
    final List<Encoded> fragments = new ArrayList<>();
    final List<byte[]> values = new ArrayList<>();

    String fragment(Encoded e) {
      fragments.add(e);
      return MARK + "f" + (fragments.size() - 1) + "\u0000";
    }

    /** A hole for text that is already escaped. */
    String value(String escaped) {
      values.add(escaped.getBytes(StandardCharsets.UTF_8));
      return MARK + "v" + (values.size() - 1) + "\u0000";
    }
  }

  private static String here(RoutingContext ctx) {
    String path = ctx.request().path();
    String query = ctx.request().query();
    String here = query == null ? path : path + "?" + query;
    return Tokens.isLocalPath(here) ? here : "/";
  }

  /** Renders a template in the layout; {@code shared}: the model already holds the viewer and the address. */
  String renderToString(RoutingContext ctx, Viewer viewer, String template, Map<String, Object> model, boolean shared) {
    Map<String, Object> root = new HashMap<>(model);
    Locale locale = viewer == null ? i18n.fallback() : viewer.locale();
    I18n.Messages messages = i18n.forLocale(locale);
    root.put(MESSAGES, messages);
    root.put(ZONE, viewer == null ? UTC : viewer.zone());
    root.put("lang", locale.toLanguageTag());
    // a real token is masked afresh in each response (BREACH); the placeholder is filled, masked, per response
    root.put("csrf", viewer == null || viewer.csrfToken() == null ? null
        : viewer.csrfToken().equals(CSRF_PLACEHOLDER) ? CSRF_PLACEHOLDER : Tokens.mask(viewer.csrfToken()));
    root.put("devSignIn", devSignIn);
    root.put("assetVersion", ctx.get("assetVersion"));
    root.put("assets", ctx.get("assets"));
    root.put("webcalTalks", ctx.get(WEBCAL_TALKS));
    if (!shared) {
      root.put("viewer", viewer == null ? null : viewer.member().orElse(null));
      String local = here(ctx);
      root.put("here", local);
      root.put("hereEncoded", URLEncoder.encode(local, StandardCharsets.UTF_8));
      root.put("notificationCount", ctx.get(NOTIFICATIONS));
      root.put("prefs", DisplayPreferences.of(ctx));
      root.put("viewerAvatar", viewer == null || viewer.member().isEmpty() ? "" : headerAvatar(ctx, viewer));
    }
    root.put("languages", languages(locale));
    Context context = Context.newBuilder(root).resolver(resolvers).build();
    I18n.Messages before = RENDERING.get();
    RENDERING.set(messages);
    try {
      // pages are tens of kilobytes: start big rather than grow a small buffer many times
      java.io.StringWriter out = new java.io.StringWriter(48 * 1024);
      template(template).apply(context, out);
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      RENDERING.set(before);
      context.destroy();
    }
  }

  /**
   * A piece of a page rendered once and reused while {@code key} is equal: the key must hold
   * everything the piece shows (for a post: its revision, state, counts and what the viewer may do
   * with it). It is kept UTF-8 encoded, with a hole for the CSRF token filled per view. The result
   * is a marker to put in the page's model (as {@code {{{html}}}}) or to hand to
   * {@link #sendFragment}, valid in this request only. The cache is bounded: the least used go first.
   */
  public String fragment(RoutingContext ctx, Object key, String template, Map<String, Object> model) {
    Viewer viewer = ctx.get(Viewer.KEY);
    Locale locale = viewer == null ? i18n.fallback() : viewer.locale();
    ZoneId zone = viewer == null ? UTC : viewer.zone();
    List<Object> fullKey = List.of(template, key, locale, zone);
    Encoded cached = fragments.getIfPresent(fullKey);
    if (cached == null) {
      Viewer shared = viewer == null ? null
          : new Viewer(viewer.member(), viewer.locale(), viewer.zone(), viewer.csrfToken() == null ? null : CSRF_PLACEHOLDER);
      cached = Encoded.of(renderToString(ctx, shared, template, model, false));
      fragments.put(fullKey, cached);
    }
    return holes(ctx).fragment(cached);
  }

  /** Sends a fragment from {@link #fragment} on its own, with the viewer's CSRF token filled in. */
  public void sendFragment(RoutingContext ctx, String fragment) {
    Respond.guarded(ctx, () -> {
      Buffer body = assemble(ctx, Encoded.of(fragment));
      ctx.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store");
      Respond.end(ctx, body);
    });
  }

  /**
   * Rendered HTML in UTF-8 with its markers cut out: {@code holeAt} are byte offsets, and
   * {@code holeIs} what goes there: -1 the CSRF token, 2n the n-th value, 2n+1 the n-th fragment
   * of the request's {@link Holes}.
   */
  private record Encoded(byte[] utf8, int[] holeAt, int[] holeIs) {

    static Encoded of(String html) {
      ByteBuf bytes = Unpooled.buffer(html.length() + 16);
      List<int[]> holes = new ArrayList<>();
      int from = 0;
      for (int at = html.indexOf(MARK); at >= 0; at = html.indexOf(MARK, from)) {
        ByteBufUtil.writeUtf8(bytes, html, from, at);
        int kind = at + MARK.length();
        int end = html.indexOf('\u0000', kind);
        int is = switch (html.charAt(kind)) {
          case 'c' -> -1;
          case 'v' -> 2 * Integer.parseInt(html, kind + 1, end, 10);
          default -> 2 * Integer.parseInt(html, kind + 1, end, 10) + 1;
        };
        holes.add(new int[] {bytes.writerIndex(), is});
        from = end + 1;
      }
      ByteBufUtil.writeUtf8(bytes, html, from, html.length());
      byte[] utf8 = new byte[bytes.readableBytes()];
      bytes.readBytes(utf8);
      return new Encoded(utf8, holes.stream().mapToInt(h -> h[0]).toArray(), holes.stream().mapToInt(h -> h[1]).toArray());
    }

    int size(Holes holes, int tokenLength) {
      int size = utf8.length;
      for (int is : holeIs) {
        size += is == -1 ? tokenLength
            : is % 2 == 0 ? holes.values.get(is / 2).length : holes.fragments.get(is / 2).size(holes, tokenLength);
      }
      return size;
    }

    void writeTo(Buffer out, Holes holes, byte[] token) {
      int from = 0;
      for (int i = 0; i < holeAt.length; i++) {
        out.appendBytes(utf8, from, holeAt[i] - from);
        int is = holeIs[i];
        if (is == -1) {
          out.appendBytes(token);
        } else if (is % 2 == 0) {
          out.appendBytes(holes.values.get(is / 2));
        } else {
          holes.fragments.get(is / 2).writeTo(out, holes, token);
        }
        from = holeAt[i];
      }
      out.appendBytes(utf8, from, utf8.length - from);
    }
  }

  private static List<Map<String, Object>> languages(Locale current) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Locale l : AppConfig.SUPPORTED_LOCALES) {
      list.add(Map.of("tag", l.toLanguageTag(), "name", l.getDisplayLanguage(l),
          "selected", l.getLanguage().equals(current.getLanguage())));
    }
    return list;
  }

  /** The request's key of the {@code webcal:} address of the Talks' calendar, which every page's model gets as {@code webcalTalks}. */
  public static final String WEBCAL_TALKS = "webcalTalks";

  private static void registerHelpers(Handlebars hb) {
    hb.registerHelper("t", (Helper<String>) (key, options) -> {
      I18n.Messages m = options.get(MESSAGES);
      Object[] params = options.params;
      for (int i = 0; i < params.length; i++) {
        if (params[i] instanceof CharSequence name && eu.mhealthhub.agora.Member.formerName(name)) {
          params = params.clone();
          params[i] = m.get("member.former");
        }
      }
      return m.get(key, params);
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
      // HTML allows at most three digits of a second in a datetime; PostgreSQL keeps six
      return new Handlebars.SafeString("<time datetime=\"" + instant.truncatedTo(ChronoUnit.SECONDS) + "\">"
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
