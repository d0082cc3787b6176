package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.app.Agora;
import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Respond;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real Agora on a free loopback port, on the shared test PostgreSQL. {@link #shared()} runs with
 * the development sign-in provider and the demo content, as the one-command start does; tests that
 * need another configuration start their own and close it.
 */
public final class TestApp implements AutoCloseable {

  private static TestApp shared;

  private final Agora agora;
  private final int port;

  private TestApp(Agora agora, int port) {
    this.agora = agora;
    this.port = port;
  }

  /** Browser helpers for an Agora the test started itself; closing it does nothing. */
  public static TestApp at(int port) {
    return new TestApp(null, port);
  }

  /** The app most tests use: development provider, demo content, routes that fail on purpose. */
  public static synchronized TestApp shared() {
    if (shared == null) {
      shared = start(Map.of(), Clock.systemUTC(), TestApp::failingRoutes);
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  /** Routes that fail in each way the error handler must render. */
  public static void failingRoutes(Router router) {
    router.get("/test/fail/500").handler(ctx -> {
      throw new IllegalStateException("secret internal detail from the database layer");
    });
    router.get("/test/fail/400").handler(ctx -> ctx.fail(DomainException.badRequest("error.400.text")));
    router.get("/test/fail/403").handler(ctx -> ctx.fail(DomainException.forbidden()));
    router.get("/test/fail/409").handler(ctx -> ctx.fail(new DomainException(DomainException.Kind.CONFLICT, "error.409.text")));
    router.get("/test/fail/429").handler(ctx -> ctx.fail(new DomainException(DomainException.Kind.TOO_MANY, "error.429.text")));
    // Asynchronous failures, each after a real event-loop turn, as a service call would be:
    // a page whose template throws while it renders, sent from onSuccess
    router.get("/test/fail/template").handler(ctx -> ctx.vertx().timer(1)
        .onSuccess(t -> pages(ctx).render(ctx, "error/error", Map.of("status", 200, "title", new Exploding(),
            "text", "never shown", "errorId", "")))
        .onFailure(ctx::fail));
    // a service whose Future fails
    router.get("/test/fail/service").handler(ctx -> ctx.vertx().timer(1)
        .compose(t -> Future.<Map<String, Object>>failedFuture(new IllegalStateException("service failed on purpose")))
        .onSuccess(model -> pages(ctx).render(ctx, "home/privacy", model))
        .onFailure(ctx::fail));
    // a mapping step that throws between the service and the sending
    router.get("/test/fail/mapping").handler(ctx -> ctx.vertx().timer(1)
        .<Map<String, Object>>map(t -> {
          throw new IllegalStateException("mapping failed on purpose");
        })
        .onSuccess(model -> pages(ctx).render(ctx, "home/privacy", model))
        .onFailure(ctx::fail));
    // a sending step that throws, run by the helper every handler can end with
    router.get("/test/fail/send").handler(ctx -> Respond.to(ctx, ctx.vertx().timer(1), t -> {
      throw new IllegalStateException("sending failed on purpose");
    }));
  }

  /** A value that cannot be shown: a template printing it fails while it renders. */
  public static final class Exploding {
    @Override
    public String toString() {
      throw new IllegalStateException("template failed on purpose");
    }
  }

  private static volatile Pages testPages;

  /** The real page renderer, built once for the routes above (they have no access to the app's own). */
  private static Pages pages(RoutingContext ctx) {
    if (testPages == null) {
      testPages = new Pages(ctx.vertx(), new I18n(Locale.ENGLISH), true);
    }
    return testPages;
  }

  /** Base environment: a free port, the shared database, demo content. Overrides win. */
  public static Map<String, String> env(int port, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("AGORA_PORT", Integer.toString(port));
    env.put("AGORA_PUBLIC_URL", "http://localhost:" + port);
    env.put("AGORA_DATABASE_URL", TestDatabase.url());
    env.put("AGORA_DEMO_CONTENT", "true");
    // hundreds of tests sign in and post from one address as few members: the limits they do not
    // test are off (RateLimitTest turns them on); the Talk room keeps its defaults
    env.put("AGORA_RATE_LIMITS", "post=off,thread=off,post.new=off,thread.new=off,reaction=off,search=off,signin=off,callback=off,bridge=off,notice=off");
    env.putAll(overrides);
    return env;
  }

  public static TestApp start(Map<String, String> overrides, Clock clock, Consumer<Router> extraRoutes) {
    return start(freePort(), overrides, clock, extraRoutes);
  }

  public static TestApp start(int port, Map<String, String> overrides, Clock clock, Consumer<Router> extraRoutes) {
    AppConfig config = AppConfig.fromEnvironment(env(port, overrides));
    return new TestApp(Agora.start(config, clock, extraRoutes), port);
  }

  /**
   * Two nodes clustered through Hazelcast on loopback, on the shared database (migrated and seeded
   * first), both answering for the first node's public address as behind a load balancer.
   * {@code firstClusterPort} is the first node's Hazelcast member port.
   */
  public record Pair(TestApp first, TestApp second, int firstClusterPort) {
    public void close() {
      second.close();
      first.close();
    }
  }

  /** A clustered {@link Pair}, each node with {@code overrides} added to its environment. */
  public static Pair clustered(Map<String, String> overrides) {
    shared();
    // A port found free may be taken before it is bound (the first node's Hazelcast connects out from an ephemeral
    // port, which can be the one picked for the second node): try again with new ports, and never leave the first
    // node running when the second cannot start (it would go on claiming the shared database's jobs and mail).
    for (int attempt = 1; ; attempt++) {
      try {
        return clusteredOnce(overrides);
      } catch (IllegalStateException e) {
        if (attempt == 3 || e.getMessage() == null || !e.getMessage().contains("already in use")) {
          throw e;
        }
      }
    }
  }

  private static Pair clusteredOnce(Map<String, String> overrides) {
    int port1 = freePort();
    int port2 = freePort();
    int hz1 = freePort();
    int hz2 = freePort();
    String members = "127.0.0.1:" + hz1 + ",127.0.0.1:" + hz2;
    String publicUrl = "http://localhost:" + port1;
    Map<String, String> env1 = new HashMap<>(overrides);
    env1.putAll(Map.of("AGORA_CLUSTER_MEMBERS", members, "AGORA_CLUSTER_PORT", Integer.toString(hz1), "AGORA_PUBLIC_URL", publicUrl));
    Map<String, String> env2 = new HashMap<>(overrides);
    env2.putAll(Map.of("AGORA_CLUSTER_MEMBERS", members, "AGORA_CLUSTER_PORT", Integer.toString(hz2), "AGORA_PUBLIC_URL", publicUrl));
    TestApp first = start(port1, env1, Clock.systemUTC(), r -> { });
    try {
      return new Pair(first, start(port2, env2, Clock.systemUTC(), r -> { }), hz1);
    } catch (RuntimeException e) {
      first.close();
      throw e;
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String url() {
    return "http://localhost:" + port;
  }

  public String url(String path) {
    return url() + path;
  }

  public int port() {
    return port;
  }

  public Agora agora() {
    return agora;
  }

  /**
   * Signs in through the provider's page as a demo person (by subject), the way a browser without
   * JavaScript does, and returns Agora's answer to the callback (a redirect to {@code next}).
   */
  public Response signIn(Browser browser, String subject, String next) {
    Response start = browser.get(url("/auth/login?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8)));
    if (start.status() != 302) {
      throw new AssertionError("sign-in did not redirect: " + start);
    }
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("subject", subject);
    URI provider = URI.create(start.location());
    Response decision = browser.post(provider.resolve("/authorize").toString(), fields);
    if (decision.status() != 302) {
      throw new AssertionError("provider did not redirect back: " + decision + "\n" + decision.body());
    }
    return browser.get(decision.location());
  }

  /** Signs in as a new person through the provider's "someone new" form; returns the member id. */
  public long signInNew(Browser browser, String name, String email) {
    signUp(browser, name, email);
    return TestDatabase.count("SELECT id FROM members WHERE email = ? ORDER BY id DESC LIMIT 1", email);
  }

  /** Signs a new person in through the development provider (for an app on a database of its own). */
  public void signUp(Browser browser, String name, String email) {
    Response start = browser.get(url("/auth/login?next=/"));
    Response page = browser.get(start.location());
    Map<String, String> fields = new HashMap<>(Browser.hiddenFields(page.body(), "/authorize"));
    fields.put("name", name);
    fields.put("email", email);
    URI provider = URI.create(start.location());
    Response back = browser.get(browser.post(provider.resolve("/authorize").toString(), fields).location());
    if (back.status() != 302) {
      throw new AssertionError("sign-in failed: " + back + "\n" + back.body());
    }
  }

  public Response signIn(Browser browser, String subject) {
    return signIn(browser, subject, "/");
  }

  /** The CSRF token of the browser's session, read from a page as a browser would. */
  public String csrf(Browser browser) {
    String token = browser.get(url("/me")).inputValue("_csrf");
    if (token == null) {
      throw new AssertionError("no CSRF token on /me: is the browser signed in?");
    }
    return token;
  }

  @Override
  public void close() {
    if (agora != null) {
      agora.stop();
    }
  }
}
