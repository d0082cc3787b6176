package eu.mhealthhub.agora.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.NoSuchKeyIdException;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.WebClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider's signing keys, and the check of what it signs (ID tokens, logout tokens):
 * signature, issuer, audience and times. Providers rotate their keys. A token naming a key Agora
 * does not know makes Agora fetch the key set again and verify once more. Such fetches are
 * rate-limited per node by where the token came from ({@link Source}): anyone can post a logout
 * token naming a made-up key, so those cause at most one fetch per 30 seconds; an ID token Agora
 * itself fetched from the provider's token endpoint is a trustworthy sign of a rotation and may
 * cause one every 5 seconds, so that a stream of forged logout tokens cannot hold sign-in back
 * after a real rotation. Concurrent fetches are shared. The key set is also fetched periodically.
 *
 * <p>Vert.x's {@code OAuth2Auth} could keep a key set of its own, but it drops an ID token it cannot
 * verify without saying why, and cannot verify a logout token at all; so Agora gives it no keys (it
 * only talks to the provider's endpoints) and verifies the raw tokens here.
 */
final class ProviderKeys {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderKeys.class);

  /** Where a token came from, and so how often one naming an unknown key may make Agora fetch the keys. */
  enum Source {
    /** An ID token in the answer of the provider's token endpoint, which Agora called itself. */
    TOKEN_ENDPOINT(Duration.ofSeconds(5)),
    /** A token anyone could have sent (a logout token). */
    UNSOLICITED(Duration.ofSeconds(30));

    /** The shortest interval between the last key fetch and one caused by such a token. */
    final Duration minGap;

    Source(Duration minGap) {
      this.minGap = minGap;
    }
  }
  /** Clock skew tolerated on exp, iat and nbf. */
  private static final int LEEWAY_SECONDS = 60;

  private final Vertx vertx;
  private final WebClient client;
  private final String jwksUri;
  private final String issuer;
  private final String clientId;
  private final Clock clock;
  private final AtomicInteger fetches = new AtomicInteger();
  private volatile JWTAuth verifier;
  private long lastUnknownKeyFetch = Long.MIN_VALUE / 2; // guarded by this
  private Future<Boolean> unknownKeyFetch;               // guarded by this; the fetch in flight
  private long periodic = -1;                            // guarded by this

  /**
   * @param issuer   the issuer every token must name (the provider's discovery document says it)
   * @param clientId Agora's client id, which every token's audience must contain
   */
  ProviderKeys(Vertx vertx, WebClient client, String jwksUri, String issuer, String clientId, Clock clock) {
    this.vertx = vertx;
    this.client = client;
    this.jwksUri = jwksUri;
    this.issuer = issuer;
    this.clientId = clientId;
    this.clock = clock;
  }

  /** Fetches the key set; fails when the provider does not answer with at least one signing key. */
  Future<Void> load() {
    fetches.incrementAndGet();
    return client.getAbs(jwksUri)
        .putHeader("Accept", "application/jwk-set+json, application/json")
        .timeout(TimeUnit.SECONDS.toMillis(10))
        .send()
        .compose(response -> {
          if (response.statusCode() != 200) {
            return Future.failedFuture("the key set answered " + response.statusCode());
          }
          JsonArray keys = response.bodyAsJsonObject().getJsonArray("keys", new JsonArray());
          // keys for encryption ("use": "enc") cannot verify a signature
          List<JsonObject> signing = keys.stream()
              .filter(k -> k instanceof JsonObject).map(k -> (JsonObject) k)
              .filter(k -> k.getString("use") == null || "sig".equals(k.getString("use")))
              .toList();
          if (signing.isEmpty()) {
            return Future.failedFuture("the key set has no signing key");
          }
          verifier = JWTAuth.create(vertx, new JWTAuthOptions()
              .setJwks(signing)
              .setJWTOptions(new JWTOptions().setIssuer(issuer).setAudience(List.of(clientId))
                  .setLeeway(LEEWAY_SECONDS)));
          return Future.<Void>succeededFuture();
        });
  }

  /** Fetches the key set again every {@code interval}, until {@link #close()}. */
  synchronized void refreshEvery(Duration interval) {
    if (periodic != -1) {
      vertx.cancelTimer(periodic);
    }
    periodic = vertx.setPeriodic(interval.toMillis(), id -> load()
        .onFailure(e -> LOG.warn("the sign-in provider's keys were not refreshed: {}", e.getMessage())));
  }

  synchronized void close() {
    if (periodic != -1) {
      vertx.cancelTimer(periodic);
      periodic = -1;
    }
  }

  /** How many times the key set was fetched (for tests and the log). */
  int fetches() {
    return fetches.get();
  }

  /**
   * The token's claims once its signature, issuer, audience and times check out. Fails when they
   * do not, with {@link NoSuchKeyIdException} when even a fresh key set (or the rate limit) leaves
   * its key unknown.
   */
  Future<JsonObject> verify(String token, Source source) {
    return verifyWithCurrentKeys(token).recover(e -> e instanceof NoSuchKeyIdException
        ? fetchForUnknownKey(source).compose(fetched -> fetched ? verifyWithCurrentKeys(token) : Future.failedFuture(e))
        : Future.failedFuture(e));
  }

  private Future<JsonObject> verifyWithCurrentKeys(String token) {
    // A signed JWT has three parts and a signature; Vert.x would accept an unsigned one if it held no key.
    String[] parts = token == null ? new String[0] : token.split("\\.", -1);
    JWTAuth current = verifier;
    if (parts.length != 3 || parts[2].isEmpty() || current == null) {
      return Future.failedFuture("not a signed token");
    }
    // the principal lacks exp, iat and nbf; the attributes keep the whole payload
    return current.authenticate(new TokenCredentials(token)).map(user -> user.attributes().getJsonObject("accessToken"));
  }

  /** Completes with true once a fresh key set is in place, false when the rate limit refused a fetch. */
  private synchronized Future<Boolean> fetchForUnknownKey(Source source) {
    if (unknownKeyFetch != null) {
      return unknownKeyFetch;
    }
    long now = clock.millis();
    if (now - lastUnknownKeyFetch < source.minGap.toMillis()) {
      LOG.info("a token names an unknown key; the key set was fetched for one less than {} s ago, so not again",
          source.minGap.toSeconds());
      return Future.succeededFuture(false);
    }
    lastUnknownKeyFetch = now;
    LOG.info("a token names an unknown key: fetching the sign-in provider's key set again");
    Future<Boolean> fetch = load().map(true).otherwise(e -> {
      LOG.warn("the sign-in provider's keys could not be fetched: {}", e.getMessage());
      return false;
    });
    unknownKeyFetch = fetch;
    fetch.onComplete(r -> {
      synchronized (ProviderKeys.this) {
        unknownKeyFetch = null;
      }
    });
    return fetch;
  }
}
