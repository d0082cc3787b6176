package eu.mhealthhub.agora.home;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import eu.mhealthhub.agora.support.SlowTest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The privacy notice and the accessibility statement (issue 14 point 6): an operator replaces them
 * with Markdown files per language in AGORA_CONTENT_DIR, rendered through the sanitiser; a language
 * without a file gets the built-in page, whose accessibility statement follows the EU model.
 */
@SlowTest
class StatementsTest {

  private static Path dir;
  private static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("agora-content");
    Files.writeString(dir.resolve("privacy.fr.md"), """
        # Notre politique

        Les données sont traitées par **l'Association Exemple**.

        <script>alert(1)</script> [un lien](javascript:alert(2))
        """);
    Files.writeString(dir.resolve("accessibility.de.md"), "# Unsere Erklärung\n\nVollständig vereinbar.\n");
    app = TestApp.start(Map.of("AGORA_CONTENT_DIR", dir.toString()), java.time.Clock.systemUTC(), r -> {});
  }

  @AfterAll
  static void stop() throws Exception {
    app.close();
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  @Test
  @DisplayName("an operator's privacy notice in the reader's language replaces the built-in one, sanitised")
  void operatorPrivacyNotice() {
    Document page = new Browser().acceptLanguage("fr").get(app.url("/privacy")).html();
    assertThat(page.select("#statement-operator h3").text()).isEqualTo("Notre politique");
    assertThat(page.select("#statement-operator strong").text()).isEqualTo("l'Association Exemple");
    assertThat(page.select("#statement-operator script")).isEmpty();
    assertThat(page.select("#statement-operator a[href^=javascript]")).isEmpty();
    assertThat(page.select("#statement-builtin")).isEmpty();
  }

  @Test
  @DisplayName("a language without an operator's file gets the built-in page, which names the cookies and links to the erasure")
  void builtInFallback() {
    Document page = new Browser().acceptLanguage("en").get(app.url("/privacy")).html();
    assertThat(page.select("#statement-operator")).isEmpty();
    assertThat(page.select("#statement-builtin #cookies + ul li")).hasSize(3);
    assertThat(page.select("a#privacy-erase").attr("href")).isEqualTo("/me/erase");
    Document accessibility = new Browser().acceptLanguage("fr").get(app.url("/accessibility")).html();
    assertThat(accessibility.select("#statement-builtin")).hasSize(1);
  }

  @Test
  @DisplayName("the built-in accessibility statement has the EU model statement's sections, in every language")
  void accessibilityModel() {
    for (String lang : new String[] {"en", "fr"}) {
      Document page = new Browser().acceptLanguage(lang).get(app.url("/accessibility")).html();
      assertThat(page.select("#statement-builtin h2").eachAttr("id"))
          .containsExactly("compliance", "non-accessible", "preparation", "feedback", "enforcement");
    }
    Document german = new Browser().acceptLanguage("de").get(app.url("/accessibility")).html();
    assertThat(german.select("#statement-operator h3").text()).isEqualTo("Unsere Erklärung");
  }

  @Test
  @DisplayName("a content directory that does not exist stops the start, naming the variable")
  void missingDirectory() {
    assertThatThrownBy(() -> AppConfig.fromEnvironment(Map.of("AGORA_CONTENT_DIR", dir.resolve("missing").toString())))
        .hasMessageContaining("AGORA_CONTENT_DIR");
  }
}
