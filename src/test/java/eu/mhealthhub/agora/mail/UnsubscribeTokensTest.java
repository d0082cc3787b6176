package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Unsubscribe tokens name one member and one kind, and nobody can make one for another. */
class UnsubscribeTokensTest {

  private static byte[] key(int fill) {
    byte[] k = new byte[32];
    Arrays.fill(k, (byte) fill);
    return k;
  }

  private final UnsubscribeTokens tokens = new UnsubscribeTokens(key(7));

  @Test
  @DisplayName("a token gives back the member and the kind it was made for")
  void roundTrip() {
    String token = tokens.token(42, "digest.daily");
    assertThat(tokens.verify(token)).contains(new UnsubscribeTokens.Subject(42, "digest.daily"));
    assertThat(token).matches("[A-Za-z0-9_.-]+").as("safe in a URL without encoding");
  }

  @Test
  @DisplayName("a token whose member id was changed is refused")
  void otherMember() {
    String token = tokens.token(42, "mention");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("43:mention".getBytes(StandardCharsets.UTF_8))
        + token.substring(token.indexOf('.'));
    assertThat(tokens.verify(forged)).isEmpty();
  }

  @Test
  @DisplayName("a token whose kind was changed is refused")
  void otherKind() {
    String token = tokens.token(42, "mention");
    String forged = Base64.getUrlEncoder().withoutPadding().encodeToString("42:digest.weekly".getBytes(StandardCharsets.UTF_8))
        + token.substring(token.indexOf('.'));
    assertThat(tokens.verify(forged)).isEmpty();
  }

  @Test
  @DisplayName("a token made with another server key is refused")
  void otherKey() {
    assertThat(tokens.verify(new UnsubscribeTokens(key(8)).token(42, "mention"))).isEmpty();
  }

  @Test
  @DisplayName("truncated, empty, malformed and overlong tokens are refused without an exception")
  void malformed() {
    String token = tokens.token(42, "mention");
    for (String bad : new String[] {null, "", ".", "abc", token.substring(0, token.length() - 2), token + "x", token + ".x",
        "!!!.???", "a".repeat(500), "NDI6bWVudGlvbg." /* a claim without a MAC */}) {
      assertThat(tokens.verify(bad)).as(String.valueOf(bad)).isEmpty();
    }
  }
}
