package eu.mhealthhub.agora.auth.dev;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The development provider keeps the rules a real provider keeps, so Agora's checks are exercised honestly. */
@ExtendWith(VertxExtension.class)
class DevOidcProviderTest {

  private static final String CALLBACK = "http://localhost:9/auth/callback";
  private WebClient client;
  private String issuer;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    DevOidcProvider provider = new DevOidcProvider(vertx,
        new DevOidcProvider.Client("agora-dev", "s3cret", CALLBACK, "http://localhost:9/"),
        List.of(new DevIdentity("demo-1", "Demo One", "one@example.org", "")), Clock.systemUTC());
    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
    provider.start(0).onComplete(ctx.succeeding(url -> {
      issuer = url;
      ctx.completeNow();
    }));
  }

  private static String challenge(String verifier) throws Exception {
    byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
  }

  /** Approves a sign-in for demo-1 and completes with the code. */
  private Future<String> code(String challenge) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("client_id", "agora-dev").add("redirect_uri", CALLBACK).add("response_type", "code")
        .add("scope", "openid").add("state", "st").add("nonce", "n1")
        .add("code_challenge", challenge).add("code_challenge_method", "S256").add("subject", "demo-1");
    return client.postAbs(issuer + "/authorize").sendForm(form).map(r -> {
      String location = r.getHeader("Location");
      String query = URI.create(location).getQuery();
      return query.substring(query.indexOf("code=") + 5, query.indexOf("&state"));
    });
  }

  private Future<HttpResponse<io.vertx.core.buffer.Buffer>> exchange(String code, String verifier, String secret) {
    return client.postAbs(issuer + "/token").basicAuthentication("agora-dev", secret)
        .sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "authorization_code").add("code", code)
            .add("redirect_uri", CALLBACK).add("code_verifier", verifier));
  }

  @Test
  @DisplayName("discovery names every endpoint Agora uses and only S256 PKCE")
  void discovery(VertxTestContext ctx) {
    client.getAbs(issuer + "/.well-known/openid-configuration").send().onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      JsonObject d = r.bodyAsJsonObject();
      assertEquals(issuer, d.getString("issuer"));
      assertEquals(issuer + "/logout", d.getString("end_session_endpoint"));
      assertEquals(List.of("S256"), d.getJsonArray("code_challenge_methods_supported").getList());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a code is exchanged once, with the right verifier and secret, for a token carrying the nonce")
  void codeRules(VertxTestContext ctx) throws Exception {
    String verifier = "v".repeat(50);
    String challenge = challenge(verifier);
    code(challenge)
        .compose(code -> exchange(code, "wrong-verifier-" + "x".repeat(40), "s3cret").map(r -> {
          assertEquals(400, r.statusCode(), "PKCE mismatch");
          return null;
        }))
        .compose(v -> code(challenge))
        .compose(code -> exchange(code, verifier, "wrong-secret").map(r -> {
          assertEquals(401, r.statusCode(), "client authentication");
          return code;
        }))
        .compose(v -> code(challenge))
        .compose(code -> exchange(code, verifier, "s3cret").compose(first -> {
          JsonObject tokens = first.bodyAsJsonObject();
          String payload = new String(Base64.getUrlDecoder().decode(tokens.getString("id_token").split("\\.")[1]),
              StandardCharsets.UTF_8);
          JsonObject claims = new JsonObject(payload);
          assertEquals("n1", claims.getString("nonce"));
          assertEquals("agora-dev", claims.getString("aud"));
          assertEquals("demo-1", claims.getString("sub"));
          return exchange(code, verifier, "s3cret");
        }))
        .onComplete(ctx.succeeding(second -> ctx.verify(() -> {
          assertEquals(400, second.statusCode(), "a code works once");
          assertTrue(second.bodyAsString().contains("invalid_grant"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("an unregistered redirect URI is refused without redirecting")
  void redirectUriMustBeRegistered(VertxTestContext ctx) {
    client.getAbs(issuer + "/authorize?client_id=agora-dev&redirect_uri=https%3A%2F%2Fevil.example%2F"
            + "&response_type=code&scope=openid&code_challenge=x&code_challenge_method=S256").send()
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertEquals(400, r.statusCode());
          assertEquals(null, r.getHeader("Location"));
          ctx.completeNow();
        })));
  }
}
