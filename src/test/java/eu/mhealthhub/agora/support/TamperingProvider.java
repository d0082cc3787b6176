package eu.mhealthhub.agora.support;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.auth.dev.DevOidcProvider;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A real OpenID Connect provider on loopback whose next ID token can be altered, to check that
 * Agora refuses what a provider, or an attacker between it and Agora, should never send.
 */
public final class TamperingProvider extends DevOidcProvider {

  public static final String CLIENT_ID = "agora-test";
  public static final String SECRET = "test-secret-0123456789";

  private volatile UnaryOperator<JsonObject> nextTamper;

  public TamperingProvider(Vertx vertx, int appPort, List<DevIdentity> people) {
    super(vertx, new Client(CLIENT_ID, SECRET, "http://localhost:" + appPort + "/auth/callback",
        "http://localhost:" + appPort + "/"), people, Clock.systemUTC());
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
