package eu.mhealthhub.agora.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.ProviderApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provider's locale claim chooses a new member's language; the browser still chooses for visitors. */
class LocaleClaimTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final DevIdentity CLAIRE = new DevIdentity("claire-" + RUN, "Claire Dubois", "claire." + RUN + "@example.org", "", "fr-BE");
  private static final DevIdentity DIETER = new DevIdentity("dieter-" + RUN, "Dieter Wolf", "dieter." + RUN + "@example.org", "", "de");
  private static final DevIdentity PAULO = new DevIdentity("paulo-" + RUN, "Paulo Reis", "paulo." + RUN + "@example.org", "", "pt-BR");
  private static ProviderApp env;

  @BeforeAll
  static void start() {
    env = ProviderApp.start(List.of(CLAIRE, DIETER, PAULO), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    env.close();
  }

  private static String locale(DevIdentity who) {
    return TestDatabase.text("SELECT locale FROM members WHERE id = ?", env.memberId(who));
  }

  private static String pageLanguage(Browser browser) {
    return Jsoup.parse(browser.get(env.app().url("/")).body()).select("html").attr("lang");
  }

  @Test
  @DisplayName("a member's locale claim (fr-BE) sets their language at first sign-in, whatever the browser asks")
  void claimSetsLanguage() {
    Browser claire = new Browser().acceptLanguage("en-GB,en;q=0.9");
    env.signIn(claire, CLAIRE);
    assertEquals("fr", locale(CLAIRE));
    assertEquals("fr", pageLanguage(claire));
  }

  @Test
  @DisplayName("the locale claim does not override a language the member chose later")
  void laterChoiceWins() {
    Browser dieter = new Browser();
    env.signIn(dieter, DIETER);
    assertEquals("de", locale(DIETER));
    assertEquals(303, dieter.post(env.app().url("/me/language"), Map.of("_csrf", env.app().csrf(dieter), "lang", "en")).status());
    assertEquals("en", locale(DIETER));
    Browser again = new Browser();
    env.signIn(again, DIETER);
    assertEquals("en", locale(DIETER), "the second sign-in keeps the member's choice");
    assertEquals("en", pageLanguage(again));
  }

  @Test
  @DisplayName("a locale Agora does not speak leaves the language to the browser, as for visitors")
  void unsupportedClaim() {
    Browser paulo = new Browser().acceptLanguage("de-DE,de;q=0.9");
    env.signIn(paulo, PAULO);
    assertNull(locale(PAULO));
    assertEquals("de", pageLanguage(paulo));
    assertEquals("fr", pageLanguage(new Browser().acceptLanguage("fr")), "a visitor's browser chooses");
  }

  @Test
  @DisplayName("locale claims map to Agora's languages with or without a region, in either separator")
  void claimForms() {
    assertEquals("fr", IdTokenIdentity.language("fr-BE"));
    assertEquals("de", IdTokenIdentity.language("de_AT"));
    assertEquals("en", IdTokenIdentity.language("en"));
    assertNull(IdTokenIdentity.language("pt"));
    assertNull(IdTokenIdentity.language(""));
    assertNull(IdTokenIdentity.language(42));
    assertNull(IdTokenIdentity.language(null));
  }
}
