package eu.mhealthhub.agora.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.MutableClock;
import eu.mhealthhub.agora.support.ProviderApp;
import eu.mhealthhub.agora.support.TamperingProvider;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The provider rotates its signing key: Agora fetches the key set again when a token names a key
 * it does not know (rate-limited), and periodically. Against the development provider, which can
 * rotate its key on demand; {@code KeycloakSignInIT} does the same against Keycloak.
 */
class KeyRotationTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final DevIdentity ROSA = new DevIdentity("rosa-" + RUN, "Rosa Schlüssel", "rosa." + RUN + "@example.org", "");
  private static MutableClock clock;
  private static ProviderApp env;

  @BeforeAll
  static void start() {
    clock = new MutableClock(Instant.now());
    env = ProviderApp.start(List.of(ROSA), clock);
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  @BeforeEach
  void pastEveryRateLimit() {
    // Agora's clock: each test starts outside the rate-limit windows of the tests before it
    clock.advance(Duration.ofMinutes(2));
  }

  private static JsonObject logoutClaims() {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", env.issuer()).put("aud", TamperingProvider.CLIENT_ID).put("iat", now)
        .put("jti", UUID.randomUUID().toString()).put("sub", ROSA.subject())
        .put("events", new JsonObject().put(ProviderLogout.BACKCHANNEL_LOGOUT_EVENT, new JsonObject()));
  }

  private static int post(String logoutToken) throws Exception {
    return env.provider().postLogoutToken(logoutToken).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("after the provider rotates its signing key, the next sign-in fetches the key set once and succeeds")
  void signInAfterRotation() {
    Browser before = new Browser();
    env.signIn(before, ROSA);
    int fetches = env.provider().keySetRequests();
    String oldKey = env.provider().keyId();
    assertNotEquals(oldKey, env.provider().rotateKey());

    Browser after = new Browser();
    env.signIn(after, ROSA);
    assertTrue(env.signedIn(after), "signed in with a token from the new key");
    assertEquals(fetches + 1, env.provider().keySetRequests(), "one fetch of the key set for the unknown key");

    env.signIn(new Browser(), ROSA);
    assertEquals(fetches + 1, env.provider().keySetRequests(), "the new key is known now: no further fetch");
    assertTrue(env.signedIn(before), "sessions from before the rotation stay signed in");
  }

  @Test
  @DisplayName("logout tokens naming unknown keys make Agora fetch the key set at most once in 30 seconds, and are refused")
  void unknownKeysAreRateLimited() throws Exception {
    // a provider that was never started: its key was never published
    TamperingProvider stranger = new TamperingProvider(env.vertx(), env.app().port(), List.of());
    Browser rosa = new Browser();
    env.signIn(rosa, ROSA);
    int fetches = env.provider().keySetRequests();

    assertEquals(400, post(stranger.signedToken(logoutClaims())));
    assertEquals(fetches + 1, env.provider().keySetRequests(), "the first unknown key causes a fetch");
    assertEquals(400, post(stranger.signedToken(logoutClaims())));
    assertEquals(400, post(stranger.signedToken(logoutClaims())));
    assertEquals(fetches + 1, env.provider().keySetRequests(), "more within 30 s cause none");

    clock.advance(Duration.ofSeconds(31));
    assertEquals(400, post(stranger.signedToken(logoutClaims())));
    assertEquals(fetches + 2, env.provider().keySetRequests(), "30 s later one more");
    assertTrue(env.signedIn(rosa), "forged logout tokens sign no one out");
  }

  @Test
  @DisplayName("when forged logout tokens have just used up the key fetch, a sign-in after a real rotation may fetch again 5 seconds later")
  void forgedTokensDoNotBlockRotation() throws Exception {
    TamperingProvider stranger = new TamperingProvider(env.vertx(), env.app().port(), List.of());
    assertEquals(400, post(stranger.signedToken(logoutClaims())));
    env.provider().rotateKey();
    clock.advance(Duration.ofSeconds(6));
    int fetches = env.provider().keySetRequests();
    Browser rosa = new Browser();
    env.signIn(rosa, ROSA);
    assertTrue(env.signedIn(rosa));
    assertEquals(fetches + 1, env.provider().keySetRequests());
  }

  @Test
  @DisplayName("the key set is fetched again periodically, so a rotated key is known before any token names it")
  void periodicRefresh() throws Exception {
    WebClient client = WebClient.create(env.vertx());
    ProviderKeys keys = new ProviderKeys(env.vertx(), client, env.issuer() + "/jwks", env.issuer(),
        TamperingProvider.CLIENT_ID, Clock.systemUTC());
    keys.load().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    keys.refreshEvery(Duration.ofMillis(200));
    env.provider().rotateKey();
    int fetches = env.provider().keySetRequests();
    long deadline = System.currentTimeMillis() + 10_000;
    while (env.provider().keySetRequests() < fetches + 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    keys.close();
    Thread.sleep(300);
    int settled = env.provider().keySetRequests();
    assertTrue(settled >= fetches + 2, "fetched periodically");

    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = keys.verify(env.provider().signedToken(new JsonObject().put("iss", env.issuer())
            .put("aud", TamperingProvider.CLIENT_ID).put("sub", "someone").put("iat", now).put("exp", now + 60)),
        ProviderKeys.Source.UNSOLICITED).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("someone", claims.getString("sub"));
    assertEquals(settled, env.provider().keySetRequests(), "the new key was already known");
    client.close();
  }
}
