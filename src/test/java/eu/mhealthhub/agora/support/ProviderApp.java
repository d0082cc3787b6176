package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * An Agora configured with an external OpenID Connect provider, as in production, and that provider:
 * a {@link TamperingProvider} on loopback, which tests can make rotate its key, end sessions
 * through back-channel logout, or sign forged tokens.
 */
public final class ProviderApp implements AutoCloseable {

  private final Vertx vertx;
  private final TamperingProvider provider;
  private final TestApp app;
  private final String issuer;

  private ProviderApp(Vertx vertx, TamperingProvider provider, TestApp app, String issuer) {
    this.vertx = vertx;
    this.provider = provider;
    this.app = app;
    this.issuer = issuer;
  }

  /** Starts the provider, then Agora configured with it (no demo content). */
  public static ProviderApp start(List<DevIdentity> people, Clock clock) {
    Vertx vertx = Vertx.vertx();
    int port = TestApp.freePort();
    TamperingProvider provider = new TamperingProvider(vertx, port, people);
    try {
      String issuer = provider.start(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      TestApp app = TestApp.start(port, Map.of(
          "AGORA_OIDC_ISSUER", issuer,
          "AGORA_OIDC_CLIENT_ID", TamperingProvider.CLIENT_ID,
          "AGORA_OIDC_CLIENT_SECRET", TamperingProvider.SECRET,
          "AGORA_DEMO_CONTENT", "false"), clock, r -> { });
      return new ProviderApp(vertx, provider, app, issuer);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(e);
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  public TamperingProvider provider() {
    return provider;
  }

  public TestApp app() {
    return app;
  }

  public String issuer() {
    return issuer;
  }

  /** Signs the browser in as this person and returns the provider session id (sid) of that sign-in. */
  public String signIn(Browser browser, DevIdentity who) {
    Set<String> before = new HashSet<>(provider.sessionIds(who.subject()));
    Response done = app.signIn(browser, who.subject());
    if (done.status() != 302) {
      throw new AssertionError("sign-in failed: " + done + "\n" + done.body());
    }
    Set<String> after = new HashSet<>(provider.sessionIds(who.subject()));
    after.removeAll(before);
    if (after.size() != 1) {
      throw new AssertionError("expected one new provider session, found " + after);
    }
    return after.iterator().next();
  }

  /** True when the browser's session is signed in (its profile page answers instead of sending it to sign in). */
  public boolean signedIn(Browser browser) {
    return browser.get(app.url("/me")).status() == 200;
  }

  public long memberId(DevIdentity who) {
    return TestDatabase.count("SELECT id FROM members WHERE issuer = ? AND subject = ?", issuer, who.subject());
  }

  @Override
  public void close() {
    try {
      app.close();
    } finally {
      provider.stop().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS)
          .exceptionally(e -> null).join();
    }
  }
}
