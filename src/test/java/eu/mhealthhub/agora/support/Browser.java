package eu.mhealthhub.agora.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client that behaves like a browser without JavaScript: it does not follow
 * redirects by itself, so tests see every hop of a sign-in. Every HTML answer it receives, whatever
 * its status, goes through the Nu HTML Checker ({@link HtmlChecker}): an invalid page fails the test.
 */
public final class Browser {

  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient client;
  private String acceptLanguage = "en";
  private Duration timeout = Duration.ofSeconds(30);
  private boolean checkHtml = true;
  private String uncheckedOrigin = null;

  public Browser() {
    this(false);
  }

  private Browser(boolean loopbackIsSecure) {
    client = HttpClient.newBuilder()
        .cookieHandler(loopbackIsSecure ? new LoopbackSecureCookies(cookies) : cookies)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * A browser that, like Chromium, sends {@code Secure} cookies back to plain-http loopback
   * addresses. Keycloak marks its cookies Secure even on http://127.0.0.1, and Java's cookie store
   * would otherwise keep them to itself, so its login form would never see its own session.
   */
  public static Browser treatingLoopbackAsSecure() {
    return new Browser(true);
  }

  /** Stores and finds cookies of http://127.0.0.1 and http://localhost as if the address were https. */
  private static final class LoopbackSecureCookies extends java.net.CookieHandler {
    private final CookieManager delegate;

    LoopbackSecureCookies(CookieManager delegate) {
      this.delegate = delegate;
    }

    @Override
    public Map<String, java.util.List<String>> get(URI uri, Map<String, java.util.List<String>> headers) throws IOException {
      return delegate.get(secure(uri), headers);
    }

    @Override
    public void put(URI uri, Map<String, java.util.List<String>> headers) throws IOException {
      delegate.put(secure(uri), headers);
    }

    private static URI secure(URI uri) {
      boolean loopback = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
      if (!loopback || !"http".equals(uri.getScheme())) {
        return uri;
      }
      return URI.create("https" + uri.toString().substring("http".length()));
    }
  }

  public Browser acceptLanguage(String value) {
    this.acceptLanguage = value;
    return this;
  }

  /** How long a request may take before it fails with {@link java.net.http.HttpTimeoutException}. */
  public Browser timeout(Duration value) {
    this.timeout = value;
    return this;
  }

  /**
   * Stops passing this browser's HTML answers through the Nu HTML Checker: only for a test that
   * times how fast pages come back, on pages it has had checked already.
   */
  public Browser withoutHtmlCheck() {
    this.checkHtml = false;
    return this;
  }

  /**
   * Leaves the HTML of one other server (scheme, host and port) unchecked: a real identity
   * provider's login pages are not Agora's to fix. Agora's own pages are still checked.
   */
  public Browser notCheckingHtmlOf(String url) {
    URI uri = URI.create(url);
    this.uncheckedOrigin = uri.getScheme() + "://" + uri.getRawAuthority() + "/";
    return this;
  }

  public Response get(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
  }

  /** HEAD: the headers a GET would have, without its body. */
  public Response head(String url, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody()), headers);
  }

  public Response post(String url, Map<String, String> form, String... headers) {
    String body = form.entrySet().stream()
        .map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(Collectors.joining("&"));
    return send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)), headers);
  }

  /** Any method with a text body (JSON, say), with this browser's cookies. */
  public Response request(String method, String url, String contentType, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .method(method, body == null || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return send(b, headers);
  }

  /** A file for a multipart form. */
  public record FilePart(String field, String fileName, String contentType, byte[] data) {}

  /** Posts a multipart form, as a browser does for a form with enctype="multipart/form-data". */
  public Response postMultipart(String url, Map<String, String> fields, java.util.List<FilePart> files, String... headers) {
    String boundary = "----AgoraTest" + System.nanoTime();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      for (Map.Entry<String, String> f : fields.entrySet()) {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      for (FilePart p : files) {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p.field() + "\"; filename=\""
            + p.fileName() + "\"\r\nContent-Type: " + p.contentType() + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(p.data());
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return postRaw(url, "multipart/form-data; boundary=" + boundary, out.toByteArray(), headers);
  }

  public Response postRaw(String url, String contentType, byte[] body, String... headers) {
    return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)), headers);
  }

  /** Follows the redirect of a response with a GET, as browsers do after 302 and 303. */
  public Response follow(Response r) {
    if (r.location() == null) {
      throw new AssertionError("expected a redirect, got " + r.status() + ": " + r.body());
    }
    return get(r.location());
  }

  /** Follows redirects until a page that is not one. */
  public Response followAll(Response r) {
    Response current = r;
    for (int i = 0; i < 10 && current.location() != null; i++) {
      current = get(current.location());
    }
    return current;
  }

  public String cookie(String host, String name) {
    return cookies.getCookieStore().get(URI.create("http://" + host)).stream()
        .filter(c -> c.getName().equals(name)).map(HttpCookie::getValue).findFirst().orElse(null);
  }

  public void addCookie(String host, String name, String value) {
    HttpCookie c = new HttpCookie(name, value);
    c.setPath("/");
    c.setVersion(0);
    cookies.getCookieStore().add(URI.create("http://" + host), c);
  }

  /** A response whose body is kept as bytes (PDFs, attachments). */
  public record Download(int status, java.net.http.HttpHeaders headers, byte[] bytes) {
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  public Download download(String url) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().timeout(Duration.ofSeconds(60))
        .header("Accept-Language", acceptLanguage).build();
    try {
      HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      return new Download(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public void clearCookies() {
    cookies.getCookieStore().removeAll();
  }

  private Response send(HttpRequest.Builder builder, String... headers) {
    builder.timeout(timeout);
    builder.header("Accept-Language", acceptLanguage);
    for (int i = 0; i + 1 < headers.length; i += 2) {
      builder.setHeader(headers[i], headers[i + 1]);
    }
    HttpRequest request = builder.build();
    try {
      HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      Response response = new Response(r.statusCode(), r.headers(), r.body(), request.uri());
      boolean checked = uncheckedOrigin == null || !request.uri().toString().startsWith(uncheckedOrigin);
      if (checkHtml && checked && isHtmlPage(response)) {
        HtmlChecker.assertValid(response.body(), request.method() + " " + request.uri() + " -> " + response.status());
      }
      return response;
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A page or fragment a person would see: HTML with a body, whatever the status. */
  private static boolean isHtmlPage(Response r) {
    String type = r.header("content-type");
    return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("text/html") && !r.body().isBlank();
  }

  /** Every hidden input of the first form in the page whose action ends with the given path. */
  public static Map<String, String> hiddenFields(String html, String actionSuffix) {
    Matcher form = Pattern.compile("<form[^>]*action=\"[^\"]*" + Pattern.quote(actionSuffix) + "\"[^>]*>(.*?)</form>",
        Pattern.DOTALL).matcher(html);
    if (!form.find()) {
      throw new AssertionError("no form posting to " + actionSuffix + " in:\n" + html);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher input = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">").matcher(form.group(1));
    while (input.find()) {
      fields.put(input.group(1), Response.unescape(input.group(2)));
    }
    return fields;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
