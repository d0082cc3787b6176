package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenID Connect provider Agora signs members in with, discovered lazily. Agora starts whether
 * or not the provider answers: until its discovery document and keys have been fetched, sign-in
 * answers 503 and the readiness check reports sign-in as DOWN, while discovery is retried in the
 * background with a growing pause (1 s doubling up to {@link #MAX_RETRY_PAUSE}); a sign-in attempt
 * retries at once when the last attempt is more than {@link #MIN_ATTEMPT_GAP} old. Once discovered,
 * the provider stays discovered; its keys are refreshed by {@link ProviderKeys}.
 *
 * <p>One instance per process, shared by every HTTP verticle; its state is safe to read from any
 * thread.
 */
public final class SignInProvider {

  private static final Logger LOG = LoggerFactory.getLogger(SignInProvider.class);

  static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(30);
  static final Duration MIN_ATTEMPT_GAP = Duration.ofSeconds(2);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(20);

  /** A discovered provider: Vert.x's client for its endpoints, its keys, and the issuer it names. */
  public record Discovered(OAuth2Auth oauth, ProviderKeys keys, String issuer) {}

  private final Vertx vertx;
  private final URI issuer;
  private final String clientId;
  private final String clientSecret;
  private final boolean development;
  private final Duration keyRefresh;
  private final Clock clock;
  private final WebClient client;

  private volatile Discovered discovered;
  private volatile String problem = "not contacted yet";
  private Future<Discovered> attempt;  // guarded by this; the attempt in flight
  private long lastAttemptAt;          // guarded by this
  private int failures;                // guarded by this
  private long retryTimer = -1;        // guarded by this
  private boolean closed;              // guarded by this

  /**
   * @param development the provider is Agora's own development provider: its identities are
   *                    recorded under {@link DevSignIn#IDENTITY_ISSUER}, and pages say so
   * @param keyRefresh  how often the signing keys are fetched again once discovered
   */
  public SignInProvider(Vertx vertx, URI issuer, String clientId, String clientSecret, boolean development,
      Duration keyRefresh, Clock clock) {
    this.vertx = vertx;
    this.issuer = issuer;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.development = development;
    this.keyRefresh = keyRefresh;
    this.clock = clock;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(15)
        .setFollowRedirects(false).setUserAgent("Agora"));
  }

  /**
   * Makes the first discovery attempt. Completes (never fails) when that attempt ends, discovered
   * or not; when not, attempts continue in the background.
   */
  public Future<Void> start() {
    return attempt().<Void>mapEmpty().otherwiseEmpty();
  }

  /** The configured issuer URL (what every token must name). */
  public URI issuer() {
    return issuer;
  }

  /** Scheme, host and port of the provider: where the sign-out form may send the browser. */
  public String origin() {
    return issuer.getScheme() + "://" + issuer.getRawAuthority();
  }

  /** What is stored as the issuer of identities from this provider. */
  public String identityIssuer() {
    return development ? DevSignIn.IDENTITY_ISSUER : issuer.toString();
  }

  public boolean development() {
    return development;
  }

  /**
   * The key of the cookie that carries sign-ins in progress ({@link PendingSignIns}), derived from
   * the client secret so that every node of a deployment, and a restarted one, has the same.
   */
  public byte[] pendingSignInKey() {
    return PendingSignIns.keyFrom(clientSecret);
  }

  public String clientId() {
    return clientId;
  }

  /** True once the provider's discovery document and keys have been fetched. */
  public boolean isReady() {
    return discovered != null;
  }

  /** Why the provider is not ready, for the log and the readiness check. */
  public String problem() {
    return discovered != null ? "" : problem;
  }

  /** The discovered provider, if it has been. */
  public Optional<Discovered> current() {
    return Optional.ofNullable(discovered);
  }

  /**
   * The discovered provider, or a failure with {@link DomainException.Kind#UNAVAILABLE} while it
   * has not answered yet; in that case a new attempt starts unless one ran moments ago.
   */
  public Future<Discovered> whenReady() {
    Discovered d = discovered;
    if (d != null) {
      return Future.succeededFuture(d);
    }
    retrySoon();
    return Future.failedFuture(new DomainException(DomainException.Kind.UNAVAILABLE, "signin.error.unavailable"));
  }

  /** Stops retrying and refreshing. */
  public synchronized void close() {
    closed = true;
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    Discovered d = discovered;
    if (d != null) {
      d.keys().close();
    }
    client.close();
  }

  private synchronized void retrySoon() {
    if (closed || attempt != null || clock.millis() - lastAttemptAt < MIN_ATTEMPT_GAP.toMillis()) {
      return;
    }
    if (retryTimer != -1) {
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    attempt();
  }

  private synchronized Future<Discovered> attempt() {
    if (attempt != null) {
      return attempt;
    }
    lastAttemptAt = clock.millis();
    Future<Discovered> next = discover().timeout(ATTEMPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    attempt = next;
    next.onComplete(result -> settle(result.succeeded() ? result.result() : null, result.cause()));
    return next;
  }

  private synchronized void settle(Discovered found, Throwable failure) {
    attempt = null;
    if (closed) {
      if (found != null) {
        found.keys().close();
      }
      return;
    }
    if (found != null) {
      found.keys().refreshEvery(keyRefresh);
      discovered = found;
      if (failures > 0) {
        LOG.info("the sign-in provider {} answers again; sign-in works", issuer);
      }
      failures = 0;
      return;
    }
    failures++;
    problem = failure == null ? "no answer" : String.valueOf(failure.getMessage());
    long pause = Math.min(MAX_RETRY_PAUSE.toMillis(), 1000L << Math.min(failures - 1, 10));
    if (failures == 1 || failures % 10 == 0) {
      LOG.warn("the sign-in provider {} cannot be reached ({}); sign-in answers 503 until it can, next attempt in {} ms",
          issuer, problem, pause);
    }
    retryTimer = vertx.setTimer(pause, id -> {
      synchronized (SignInProvider.this) {
        retryTimer = -1;
      }
      attempt();
    });
  }

  /**
   * Fetches the discovery document and then the keys; fails when either does not answer. The
   * document is read here rather than by Vert.x's {@code OpenIDConnectAuth.discover}, which would
   * also load the keys into Vert.x's own verifier (a second fetch, and a logged stack trace for
   * every encryption key a provider such as Keycloak publishes); Agora verifies tokens with
   * {@link ProviderKeys} and Vert.x only talks to the endpoints.
   */
  private Future<Discovered> discover() {
    String site = trimSlash(issuer.toString());
    return client.getAbs(site + "/.well-known/openid-configuration")
        .putHeader("Accept", "application/json")
        .send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("the discovery document answered " + response.statusCode());
          }
          JsonObject doc = response.bodyAsJsonObject();
          String named = doc.getString("issuer");
          if (named == null || !trimSlash(named).equals(site)) {
            return Future.failedFuture("the discovery document names the issuer " + named + ", not " + site);
          }
          String jwksUri = doc.getString("jwks_uri");
          if (doc.getString("authorization_endpoint") == null || doc.getString("token_endpoint") == null
              || jwksUri == null) {
            return Future.failedFuture("the discovery document lacks an authorization, token or jwks_uri endpoint");
          }
          OAuth2Options options = new OAuth2Options()
              .setSite(site)
              .setClientId(clientId)
              .setClientSecret(clientSecret)
              .setAuthorizationPath(doc.getString("authorization_endpoint"))
              .setTokenPath(doc.getString("token_endpoint"))
              .setLogoutPath(doc.getString("end_session_endpoint"))
              .setUserInfoPath(doc.getString("userinfo_endpoint"))
              .setJWTOptions(new JWTOptions().setIssuer(named));
          options.setHttpClientOptions(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(15));
          ProviderKeys keys = new ProviderKeys(vertx, client, jwksUri, named, clientId, clock);
          return keys.load().map(v -> new Discovered(OAuth2Auth.create(vertx, options), keys, named));
        });
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
