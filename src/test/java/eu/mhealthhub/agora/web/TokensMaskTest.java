package eu.mhealthhub.agora.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CSRF token as each response shows it (BREACH): different bytes every time, the same token behind them. */
class TokensMaskTest {

  @Test
  @DisplayName("a session token is masked as the bytes it encodes: twice as long in bytes, new each time, and unmasked back")
  void sessionToken() {
    String token = Tokens.csrf();
    String one = Tokens.mask(token);
    String two = Tokens.mask(token);
    assertThat(one).isNotEqualTo(two).doesNotContain(token);
    assertThat(token).hasSize(32);
    assertThat(one).as("twice 24 bytes, in Base64").hasSize(64);
    // a 32-byte token of a session made before the tokens got shorter is still masked and unmasked
    String older = Tokens.random(32);
    assertThat(Tokens.unmask(Tokens.mask(older))).isEqualTo(older);
    assertThat(Tokens.unmask(one)).isEqualTo(token);
    assertThat(Tokens.unmask(two)).isEqualTo(token);
  }

  @Test
  @DisplayName("any other text is masked behind a dot and unmasked back; garbage unmasks to nothing or to another token")
  void otherText() {
    String odd = "not base64 / ünïcode=";
    String masked = Tokens.mask(odd);
    assertThat(masked).startsWith(".");
    assertThat(Tokens.unmask(masked)).isEqualTo(odd);
    assertThat(Tokens.unmask(null)).isNull();
    assertThat(Tokens.unmask("!!!")).isNull();
    assertThat(Tokens.unmask("ab")).as("one byte: no pad and token").isNull();
    assertThat(Tokens.unmask("x".repeat(401))).isNull();
    String token = Tokens.random(32);
    String tampered = Tokens.mask(token);
    tampered = (tampered.charAt(50) == 'A' ? "B" : "A").concat(tampered.substring(1));
    assertThat(Tokens.same(token, Tokens.unmask(tampered))).isFalse();
  }
}
