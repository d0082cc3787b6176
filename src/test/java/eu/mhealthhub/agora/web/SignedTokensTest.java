package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The one signer behind the links that work without signing in (unsubscribe, the network's links). */
class SignedTokensTest {

  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

  @Test
  @DisplayName("a token is base64url(claim).base64url(HMAC-SHA256 of purpose, newline, claim): links already mailed keep working")
  void format() throws Exception {
    SignedTokens tokens = new SignedTokens("unsubscribe", KEY, 200);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String expected = b64.encodeToString("42:mention".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(mac.doFinal("unsubscribe\n42:mention".getBytes(StandardCharsets.UTF_8)));
    assertThat(tokens.sign("42:mention")).isEqualTo(expected);
    assertThat(tokens.claim(expected)).contains("42:mention");
  }

  @Test
  @DisplayName("an altered, truncated, foreign-purpose, too long or malformed token has no claim")
  void refused() {
    SignedTokens tokens = new SignedTokens("network", KEY, 60);
    String token = tokens.sign("topics:7::0");
    String claimPart = token.substring(0, token.indexOf('.'));
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("topics:8::0".getBytes(StandardCharsets.UTF_8))
        + token.substring(token.indexOf('.'));
    assertThat(tokens.claim(forged)).isEmpty();
    assertThat(tokens.claim(token.substring(0, token.length() - 2))).isEmpty();
    assertThat(tokens.claim(new SignedTokens("unsubscribe", KEY, 60).sign("topics:7::0"))).isEmpty();
    assertThat(tokens.claim(token + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isEmpty();
    assertThat(tokens.claim(claimPart)).isEmpty();
    assertThat(tokens.claim(claimPart + ".a.b")).isEmpty();
    assertThat(tokens.claim("!!!." + token.substring(token.indexOf('.') + 1))).isEmpty();
    assertThat(tokens.claim(null)).isEmpty();
    assertThrows(IllegalArgumentException.class, () -> new SignedTokens("network", new byte[31], 60));
  }
}
