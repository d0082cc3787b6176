package eu.mhealthhub.agora.auth;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.member.SignInIdentity;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Tokens;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Who an ID token says signed in, once its signature, issuer and expiry are verified: the checks
 * Vert.x does not make (our nonce, the audience and authorised party, a subject) and the member's
 * name, e-mail, admin role and language as Agora reads them from the claims.
 */
final class IdTokenIdentity {

  /** Longest provider session id Agora keeps; a longer one is dropped (the sign-in then has none). */
  static final int MAX_SID_LENGTH = 255;

  private final AppConfig config;
  private final SignInProvider provider;

  /** What the ID token establishes: who signed in, and in which provider session. */
  record VerifiedSignIn(SignInIdentity identity, String providerSid) {}

  IdTokenIdentity(AppConfig config, SignInProvider provider) {
    this.config = config;
    this.provider = provider;
  }

  /**
   * The sign-in the verified {@code idToken} establishes. Fails with BAD_REQUEST
   * ({@code signin.error.nonce}) when it does not carry our {@code nonce}, and
   * ({@code signin.error.token}) when it is not meant for us or names no subject.
   */
  Future<VerifiedSignIn> of(JsonObject idToken, String nonce) {
    if (!Tokens.same(nonce, idToken.getString("nonce"))) {
      return Future.failedFuture(SignInRoutes.signInFailure("signin.error.nonce"));
    }
    String clientId = provider.clientId();
    Object aud = idToken.getValue("aud");
    boolean forUs = aud instanceof String s ? s.equals(clientId)
        : aud instanceof JsonArray a && a.contains(clientId);
    String azp = idToken.getString("azp");
    String subject = idToken.getString("sub");
    if (!forUs || (azp != null && !azp.equals(clientId)) || idToken.getValue("exp") == null
        || subject == null || subject.isBlank()) {
      return Future.failedFuture(SignInRoutes.signInFailure("signin.error.token"));
    }
    String email = idToken.getString("email");
    if (Boolean.FALSE.equals(idToken.getValue("email_verified"))) {
      email = null;
    }
    String name = firstNonBlank(idToken.getString("name"), idToken.getString("preferred_username"),
        email == null ? null : email.substring(0, email.indexOf('@') < 0 ? email.length() : email.indexOf('@')),
        "Member");
    boolean admin = (email != null && config.adminEmails().contains(email.toLowerCase(Locale.ROOT)))
        || config.adminClaim().map(c -> claimMatches(idToken.getValue(c.claim()), c.value())).orElse(false);
    String sid = idToken.getValue("sid") instanceof String s && !s.isBlank() && s.length() <= MAX_SID_LENGTH ? s : null;
    return Future.succeededFuture(new VerifiedSignIn(new SignInIdentity(provider.identityIssuer(), subject,
        name.strip(), email, admin, language(idToken.getValue("locale"))), sid));
  }

  /** The locale claim ("fr", "de-AT", "fr_BE") as one of Agora's languages, or null. */
  static String language(Object claim) {
    if (!(claim instanceof String tag) || tag.length() > 35) {
      return null;
    }
    return I18n.supported(tag.strip().replace('_', '-')).map(Locale::toLanguageTag).orElse(null);
  }

  private static boolean claimMatches(Object claim, String expected) {
    if (claim instanceof JsonArray array) {
      return array.stream().anyMatch(v -> expected.equals(String.valueOf(v)));
    }
    if (claim instanceof String s) {
      return List.of(s.split("[ ,]")).contains(expected);
    }
    return claim != null && expected.equals(String.valueOf(claim));
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return "Member";
  }
}
