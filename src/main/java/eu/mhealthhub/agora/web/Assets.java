package eu.mhealthhub.agora.web;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The style sheet, the one script bundle, the logo and the SockJS client, read once at start and
 * served from memory under names that carry a hash of their bytes ({@code /static/css/agora.1a2b3c4d5e6f.css}),
 * cached by browsers for a year ({@code immutable}); gzip-compressed once at start, at the highest level,
 * for clients that accept it. A release changes the hash of what changed: an old or unknown hash is
 * not one of these names and falls through to the static files, which answer 404 (never old bytes
 * under a name cached for a year). The plain names ({@code /static/css/agora.css}, {@code /static/js/main.js})
 * keep working with a short cache for anyone who linked them.
 *
 * <p>The bundle ({@code js/main.js}, which is not a file) is the page scripts of {@link #BUNDLE}
 * concatenated in that order: each file assigns its module to {@code agora.<name>} and {@code start.js}
 * starts the ones a page needs, so a page loads one script instead of one per concern.
 */
public final class Assets {

  /** The files served under hashed names, by their path under {@code webroot/}. */
  static final List<String> FILES = List.of("css/agora.css", "img/agora.svg");
  /** The page scripts, in the order the bundle concatenates them: modules first, start.js last. */
  public static final List<String> BUNDLE = List.of("js/live.js", "js/page.js", "js/search.js", "js/thread.js",
      "js/regions.js", "js/badge.js", "js/notifications.js", "js/talk.js", "js/cite.js", "js/start.js");
  /** Where the bundle is served (its plain name; the hashed one is {@code js/main.<hash>.js}). */
  static final String BUNDLE_NAME = "js/main.js";
  /** The SockJS client, loaded by live.js only when a plain WebSocket does not connect. */
  static final String SOCKJS = "vendor/sockjs/sockjs.min.js";
  private static final String SOCKJS_SOURCE = "META-INF/resources/webjars/sockjs-client/1.6.1/dist/sockjs.min.js";
  /** A year, the longest browsers honour. */
  /** For a response whose address carries its content version: cached a year, never revalidated. */
  public static final String IMMUTABLE = "public, max-age=31536000, immutable";
  /** For the plain names: a release reaches those who linked them within minutes. */
  static final String SHORT = "public, max-age=300";

  /** One file: its plain and hashed addresses, bytes and gzip bytes. */
  record Asset(String plain, String hashed, String contentType, String etag, Buffer raw, Buffer gzip) {}

  private final Map<String, Asset> byAddress;
  private final Map<String, String> urls;
  private final String version;

  private Assets(Map<String, Asset> byAddress, Map<String, String> urls, String version) {
    this.byAddress = byAddress;
    this.urls = urls;
    this.version = version;
  }

  /**
   * Reads, hashes and compresses every asset, from {@code webroot/} as the static files are found
   * (the working directory first, then the class path). Blocking: call it before serving, not on an event loop.
   */
  public static Assets load(Vertx vertx) {
    Map<String, byte[]> sources = new LinkedHashMap<>();
    for (String file : FILES) {
      sources.put(file, vertx.fileSystem().readFileBlocking("webroot/" + file).getBytes());
    }
    StringBuilder bundle = new StringBuilder("// Agora's page scripts, one file: ")
        .append(String.join(", ", BUNDLE)).append(" (see Assets.java)\nconst agora = {};\n");
    for (String file : BUNDLE) {
      bundle.append("\n// ---- ").append(file).append('\n')
          .append(vertx.fileSystem().readFileBlocking("webroot/" + file).toString(StandardCharsets.UTF_8));
    }
    sources.put(BUNDLE_NAME, bundle.toString().getBytes(StandardCharsets.UTF_8));
    sources.put(SOCKJS, vertx.fileSystem().readFileBlocking(SOCKJS_SOURCE).getBytes());

    Map<String, Asset> byAddress = new LinkedHashMap<>();
    Map<String, String> urls = new LinkedHashMap<>();
    MessageDigest all = sha256();
    for (Map.Entry<String, byte[]> e : sources.entrySet()) {
      byte[] bytes = e.getValue();
      String hash = HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 12);
      all.update(hash.getBytes(StandardCharsets.US_ASCII));
      String plain = "/static/" + e.getKey();
      int dot = plain.lastIndexOf('.');
      String hashed = plain.substring(0, dot) + "." + hash + plain.substring(dot);
      Asset asset = new Asset(plain, hashed, contentType(e.getKey()), "\"" + hash + "\"", Buffer.buffer(bytes),
          Buffer.buffer(gzip(bytes)));
      byAddress.put(hashed, asset);
      if (e.getKey().equals(BUNDLE_NAME)) {
        byAddress.put(plain, asset); // not a file: its plain name is served from here too
      }
      urls.put(key(e.getKey()), hashed);
    }
    return new Assets(Map.copyOf(byAddress), Map.copyOf(urls),
        HexFormat.of().formatHex(all.digest()).substring(0, 12));
  }

  /** The template's names for the addresses: css, js, icon, sockjs. */
  private static String key(String file) {
    return switch (file) {
      case "css/agora.css" -> "css";
      case BUNDLE_NAME -> "js";
      case "img/agora.svg" -> "icon";
      case SOCKJS -> "sockjs";
      default -> throw new IllegalArgumentException(file);
    };
  }

  /** The hashed addresses for templates ({@code {{assets.css}}}, {@code {{assets.js}}}, {@code {{assets.sockjs}}}). */
  public Map<String, String> urls() {
    return urls;
  }

  /** A hash of all the hashes: changes whenever any asset does (cache keys of rendered pages). */
  public String version() {
    return version;
  }

  /** The asset at this address ({@code /static/...}), hashed name or the bundle's plain one; null if none. */
  Asset at(String address) {
    return byAddress.get(address);
  }

  /**
   * Serves GET and HEAD for the hashed addresses (and the bundle's plain one) from memory; any
   * other path goes on to the static files.
   */
  public Handler<RoutingContext> handler() {
    return ctx -> {
      HttpMethod method = ctx.request().method();
      Asset asset = method == HttpMethod.GET || method == HttpMethod.HEAD ? byAddress.get(ctx.request().path()) : null;
      if (asset == null) {
        ctx.next();
        return;
      }
      var response = ctx.response();
      response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
          .putHeader(HttpHeaders.CACHE_CONTROL, asset.hashed().equals(ctx.request().path()) ? IMMUTABLE : SHORT)
          .putHeader(HttpHeaders.ETAG, asset.etag())
          .putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
      if (asset.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        response.setStatusCode(304).end();
        return;
      }
      Buffer body;
      if (acceptsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING))) {
        body = asset.gzip();
        response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      } else {
        body = asset.raw();
        if (method == HttpMethod.GET) {
          // as this client wants it: Vert.x must not compress it per request (it drops this header)
          response.putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY);
        }
      }
      if (method == HttpMethod.HEAD) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length())).end();
      } else {
        response.end(body);
      }
    };
  }

  /** Whether an Accept-Encoding header admits gzip (and does not refuse it with q=0). */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    for (String part : header.split(",")) {
      String[] fields = part.trim().split(";");
      String coding = fields[0].trim().toLowerCase(java.util.Locale.ROOT);
      if (!coding.equals("gzip") && !coding.equals("x-gzip") && !coding.equals("*")) {
        continue;
      }
      boolean refused = false;
      for (int i = 1; i < fields.length; i++) {
        String p = fields[i].trim().replace(" ", "");
        if (p.matches("q=0(\\.0*)?")) {
          refused = true;
        }
      }
      return !refused;
    }
    return false;
  }

  private static String contentType(String file) {
    if (file.endsWith(".css")) {
      return "text/css; charset=utf-8";
    }
    if (file.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    if (file.endsWith(".svg")) {
      return "image/svg+xml";
    }
    throw new IllegalArgumentException("no content type for " + file);
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out) {
      {
        def.setLevel(Deflater.BEST_COMPRESSION);
      }
    }) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
