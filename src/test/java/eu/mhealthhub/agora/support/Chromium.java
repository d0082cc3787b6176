package eu.mhealthhub.agora.support;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Selenium. The driver and the browser are named
 * explicitly ({@code /usr/bin/chromedriver}, {@code /usr/bin/chromium}), so Selenium Manager is
 * never asked to find, let alone download, either. Each instance has a fresh profile in a temporary
 * directory that {@link #close()} deletes.
 *
 * <p>{@link #axe()} runs axe-core in the current page through Deque's Selenium integration
 * ({@code com.deque.html.axe-core:selenium}, which carries its own {@code axe.min.js}). It injects the
 * script with WebDriver's execute-script, which Chromium evaluates through the DevTools protocol and
 * which the page's {@code script-src 'self'} does not block.
 *
 * <p>Test classes get their browsers from {@link ChromiumExtension}, which starts each once per run.
 */
public final class Chromium implements AutoCloseable {

  public static final String DRIVER = "/usr/bin/chromedriver";
  public static final String BINARY = "/usr/bin/chromium";
  public static final List<String> WCAG_21_AA = List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa");

  private static final int NODES_SHOWN = 3;
  /**
   * Selenium has no DevTools bindings for every Chromium release Debian ships and says so at each
   * start; nothing here uses those bindings (only chromedriver's own CDP passthrough), so quiet it.
   * Held in a field because java.util.logging keeps loggers weakly.
   */
  private static final java.util.logging.Logger CDP_VERSION_LOG =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  static {
    CDP_VERSION_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  /** Fetches pages again for the HTML checker; no redirects, no cookie store of its own. */
  private static final HttpClient PAGE_CLIENT = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

  private final ChromeDriver driver;
  private final Path profile;

  private Chromium(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** A browser with JavaScript on, as most readers have it. */
  public static Chromium start() {
    return start(true);
  }

  /** A browser whose content settings block every page script. */
  public static Chromium withoutJavaScript() {
    return start(false);
  }

  private static Chromium start(boolean javascript) {
    // Belt and braces: even if some code path reached Selenium Manager, it would stay offline.
    System.setProperty("SE_OFFLINE", "true");
    System.setProperty("webdriver.chrome.driver", DRIVER);
    Path profile;
    try {
      profile = Files.createTempDirectory("agora-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=en-US",
        "--user-data-dir=" + profile.toAbsolutePath());
    Map<String, Object> prefs = new java.util.HashMap<>();
    prefs.put("intl.accept_languages", "en-US,en");
    if (!javascript) {
      prefs.put("profile.managed_default_content_settings.javascript", 2);
    }
    options.setExperimentalOption("prefs", prefs);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(DRIVER))
        .usingAnyFreePort()
        .withSilent(true)
        .build();
    ChromeDriver driver;
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      delete(profile);
      throw e;
    }
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    return new Chromium(driver, profile);
  }

  /**
   * A wait for a page that may be navigating: an element found before the page changed is stale,
   * and Chromium 156 reports some of those as an "unknown error" ("Node with given id does not
   * belong to the document") rather than as a stale element, which a plain {@code WebDriverWait}
   * does not ignore. This wait treats both as "not yet" and polls again; any other error still
   * ends the wait at once.
   */
  public static org.openqa.selenium.support.ui.WebDriverWait waiting(org.openqa.selenium.WebDriver d, long seconds) {
    var wait = new org.openqa.selenium.support.ui.WebDriverWait(d, Duration.ofSeconds(seconds)) {
      @Override
      public <V> V until(java.util.function.Function<? super org.openqa.selenium.WebDriver, ? extends V> isTrue) {
        return super.until(x -> {
          try {
            return isTrue.apply(x);
          } catch (org.openqa.selenium.StaleElementReferenceException e) {
            throw e;
          } catch (org.openqa.selenium.WebDriverException e) {
            if (!String.valueOf(e.getMessage()).contains("does not belong to the document")) {
              throw e;
            }
            throw new org.openqa.selenium.StaleElementReferenceException("the element left the page", e);
          }
        });
      }
    };
    wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    return wait;
  }

  /**
   * Signs in by clicking, as a person without a keyboard shortcut would: the header's "Sign in"
   * link, then the person's button on the development provider's page. Returns the name the header
   * then shows.
   */
  public static String signIn(org.openqa.selenium.WebDriver d, String homeUrl, String person) {
    org.openqa.selenium.support.ui.WebDriverWait wait = new org.openqa.selenium.support.ui.WebDriverWait(d, Duration.ofSeconds(10));
    d.get(homeUrl);
    d.findElement(org.openqa.selenium.By.linkText("Sign in")).click();
    wait.until(x -> java.net.URI.create(x.getCurrentUrl()).getHost().equals("127.0.0.1"));
    d.findElement(org.openqa.selenium.By.xpath("//button[normalize-space()='" + person + "']")).click();
    return wait.until(org.openqa.selenium.support.ui.ExpectedConditions.visibilityOfElementLocated(
        org.openqa.selenium.By.cssSelector(".member-name"))).getText();
  }

  /**
   * Whether an element has left the page: Selenium's stalenessOf, but also for the error Chromium
   * gives when the node was swapped out at the very moment it was asked about.
   */
  public static org.openqa.selenium.support.ui.ExpectedCondition<Boolean> replaced(org.openqa.selenium.WebElement element) {
    return d -> {
      try {
        element.isEnabled();
        return false;
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        return true;
      } catch (org.openqa.selenium.WebDriverException e) {
        if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
          return true;
        }
        throw e;
      }
    };
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Forgets every cookie of every origin, as if the browser had just started. */
  public void clearCookies() {
    driver.executeCdpCommand("Network.clearBrowserCookies", Map.of());
  }

  /** The current page's {@code <html lang>}. */
  public String lang() {
    return (String) driver.executeScript("return document.documentElement.lang;");
  }

  /**
   * Runs axe-core on the current page with the given tags and returns its violations. First the
   * page, as the server sends it to this browser, goes through the Nu HTML Checker
   * ({@link #assertValidHtml()}), so every page scanned for accessibility is also valid HTML.
   */
  public List<JsonObject> axe(List<String> tags) {
    assertValidHtml();
    // Legacy mode runs axe.run in the page itself, as before, instead of finishing the run in a new
    // blank window, which would take the focus from the page a live test is watching.
    Results results = new AxeBuilder().withTags(tags).setLegacyMode(true).analyze(driver);
    if (results.isErrored()) {
      throw new AssertionError("axe-core failed on " + driver.getCurrentUrl() + ": " + results.getErrorMessage());
    }
    List<JsonObject> violations = new ArrayList<>();
    for (Rule rule : results.getViolations()) {
      JsonArray nodes = new JsonArray();
      for (CheckedNode node : rule.getNodes()) {
        nodes.add(new JsonObject().put("html", node.getHtml()).put("failureSummary", node.getFailureSummary()));
      }
      violations.add(new JsonObject().put("id", rule.getId()).put("impact", rule.getImpact())
          .put("help", rule.getHelp()).put("helpUrl", rule.getHelpUrl()).put("nodes", nodes));
    }
    return violations;
  }

  /**
   * Fetches the current page again with this browser's cookies and language and fails with every
   * error the Nu HTML Checker finds in it. The served HTML is checked, not the DOM after scripts:
   * the DOM is Chromium's serialisation of what it repaired and what scripts (and tests) added.
   */
  public void assertValidHtml() {
    String url = driver.getCurrentUrl();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      return;
    }
    int fragment = url.indexOf('#');
    URI uri = URI.create(fragment < 0 ? url : url.substring(0, fragment));
    String cookies = driver.manage().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
        .collect(Collectors.joining("; "));
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(30))
        .header("Accept-Language", "en-US,en");
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookies);
    }
    try {
      HttpResponse<String> r = PAGE_CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      String type = r.headers().firstValue("content-type").orElse("");
      if (type.startsWith("text/html")) {
        HtmlChecker.assertValid(r.body(), "GET " + uri + " -> " + r.statusCode() + " (as Chromium sees it)");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The violations of WCAG 2.1 A and AA rules on the current page. */
  public List<JsonObject> axe() {
    return axe(WCAG_21_AA);
  }

  /** Fails listing every WCAG 2.1 AA violation axe-core finds on the current page. */
  public void assertAccessible(String what) {
    List<JsonObject> violations = axe();
    if (!violations.isEmpty()) {
      throw new AssertionError(describe(what + " (" + driver.getCurrentUrl() + ")", violations));
    }
  }

  /** Each violation's id, impact and help, and the HTML of its first few nodes. */
  public static String describe(String what, List<JsonObject> violations) {
    StringBuilder s = new StringBuilder().append(violations.size()).append(" axe-core violation(s) on ")
        .append(what).append(':');
    for (JsonObject v : violations) {
      JsonArray nodes = v.getJsonArray("nodes", new JsonArray());
      s.append("\n- ").append(v.getString("id")).append(" [").append(v.getString("impact")).append("] ")
          .append(v.getString("help")).append(" (").append(nodes.size()).append(" node(s)) ")
          .append(v.getString("helpUrl", ""));
      for (int i = 0; i < Math.min(NODES_SHOWN, nodes.size()); i++) {
        JsonObject node = nodes.getJsonObject(i);
        s.append("\n    ").append(node.getString("html"));
        String summary = node.getString("failureSummary");
        if (summary != null) {
          s.append("\n      ").append(summary.replace("\n", "\n      "));
        }
      }
      if (nodes.size() > NODES_SHOWN) {
        s.append("\n    … and ").append(nodes.size() - NODES_SHOWN).append(" more");
      }
    }
    return s.toString();
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      delete(profile);
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a test for
    }
  }
}
