package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.auth.dev.DevOidcProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real OpenID Connect provider on loopback whose next ID token can be altered, and which signs
 * whatever a test asks, to check that Agora refuses what a provider, or an attacker between it and
 * Agora, should never send. It posts logout tokens to the Agora on {@code appPort}.
 */
public final class TamperingProvider extends DevOidcProvider {

  public static final String CLIENT_ID = "agora-test";
  public static final String SECRET = "test-secret-0123456789";

  private volatile UnaryOperator<JsonObject> nextTamper;

  public TamperingProvider(Vertx vertx, int appPort, List<DevIdentity> people) {
    super(vertx, new Client(CLIENT_ID, SECRET, "http://localhost:" + appPort + "/auth/callback",
        "http://localhost:" + appPort + "/", "http://localhost:" + appPort + "/auth/backchannel-logout"),
        people, Clock.systemUTC());
  }

  /** Any claims, signed with this provider's current key: to forge logout tokens Agora must refuse. */
  public String signedToken(JsonObject claims) {
    return sign(claims);
  }

  /** The next ID token's claims pass through this function once. */
  public void tamperNext(UnaryOperator<JsonObject> tamper) {
    this.nextTamper = tamper;
  }

  @Override
  protected JsonObject idTokenClaims(Grant grant, long nowSeconds) {
    JsonObject claims = super.idTokenClaims(grant, nowSeconds);
    UnaryOperator<JsonObject> tamper = nextTamper;
    nextTamper = null;
    return tamper == null ? claims : tamper.apply(claims);
  }
}
