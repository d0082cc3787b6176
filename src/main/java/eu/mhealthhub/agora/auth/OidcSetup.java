package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import java.net.URI;

/** Discovers the OpenID Connect provider Agora signs members in with. */
public final class OidcSetup {

  /**
   * The discovered provider and what Agora records as the issuer of its identities.
   *
   * @param pendingSignInKey key of the cookie that carries sign-ins in progress, derived from the
   *                         client secret so that every node of a deployment has the same one
   */
  public record Provider(OAuth2Auth oauth, URI issuer, String identityIssuer, boolean development,
      byte[] pendingSignInKey) {
    public String origin() {
      return issuer.getScheme() + "://" + issuer.getRawAuthority();
    }
  }

  private OidcSetup() {}

  /** Fetches the provider's discovery document and keys; fails when the provider cannot be reached. */
  public static Future<Provider> discover(Vertx vertx, URI issuer, String clientId, String clientSecret,
      boolean development) {
    OAuth2Options options = new OAuth2Options()
        .setSite(issuer.toString())
        .setClientId(clientId)
        .setClientSecret(clientSecret)
        .setValidateIssuer(true);
    return OpenIDConnectAuth.discover(vertx, options)
        .map(oauth -> new Provider(oauth, issuer,
            development ? DevSignIn.IDENTITY_ISSUER : issuer.toString(), development,
            PendingSignIns.keyFrom(clientSecret)));
  }

  public static Future<Provider> discover(Vertx vertx, AppConfig.OidcSettings settings) {
    return discover(vertx, settings.issuer(), settings.clientId(), settings.clientSecret(), false);
  }
}
