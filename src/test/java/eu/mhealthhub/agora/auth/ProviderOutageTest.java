package eu.mhealthhub.agora.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.auth.dev.DevIdentity;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TamperingProvider;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Agora and its identity provider start in any order: sign-in waits for the provider, nothing else does. */
class ProviderOutageTest {

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final DevIdentity ADA = new DevIdentity("ada-" + RUN, "Ada Lovelace", "ada." + RUN + "@example.org", "");

  private static JsonObject readiness(TestApp app) {
    Response r = new Browser().get(app.url("/health/ready"));
    assertEquals(200, r.status(), "the node serves readers: " + r.body());
    return new JsonObject(r.body());
  }

  @Test
  @DisplayName("Agora starts while its provider is unreachable, says so on sign-in and in readiness, and signs in once the provider answers")
  void startsWithoutProvider() throws Exception {
    int appPort = TestApp.freePort();
    int providerPort = TestApp.freePort();
    Vertx vertx = Vertx.vertx();
    TamperingProvider provider = new TamperingProvider(vertx, appPort, List.of(ADA));
    long started = System.nanoTime();
    try (TestApp app = TestApp.start(appPort, Map.of(
        "AGORA_OIDC_ISSUER", "http://127.0.0.1:" + providerPort,
        "AGORA_OIDC_CLIENT_ID", TamperingProvider.CLIENT_ID,
        "AGORA_OIDC_CLIENT_SECRET", TamperingProvider.SECRET,
        "AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { })) {
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), "the start does not wait for the provider");

      JsonObject down = readiness(app);
      assertEquals("UP", down.getString("status"));
      assertEquals("UP", down.getJsonObject("checks").getString("database"));
      assertEquals("DOWN", down.getJsonObject("checks").getString("signIn"));
      assertEquals(200, new Browser().get(app.url("/")).status(), "readers still read");

      Browser visitor = new Browser();
      Response login = visitor.get(app.url("/auth/login?next=/groups"));
      assertEquals(503, login.status());
      assertTrue(Integer.parseInt(login.header("Retry-After")) > 0, "Retry-After: " + login.header("Retry-After"));
      Document page = Jsoup.parse(login.body());
      assertEquals("Temporarily unavailable", page.select("main h1").text());
      assertTrue(page.select("main p").first().text().startsWith("The sign-in service is unreachable at the moment."),
          page.select("main").text());
      assertTrue(login.setCookies().isEmpty(), "a visitor turned away gets no session");
      Document french = Jsoup.parse(new Browser().acceptLanguage("fr").get(app.url("/auth/login")).body());
      assertTrue(french.select("main p").first().text().startsWith("Le service de connexion est injoignable"),
          french.select("main").text());

      provider.start(providerPort).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      // no sign-in attempt meanwhile: Agora's own retries (pauses doubling up to 30 s) find the provider
      long deadline = System.currentTimeMillis() + 45_000;
      while (!"UP".equals(readiness(app).getJsonObject("checks").getString("signIn"))
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(250);
      }
      assertEquals("UP", readiness(app).getJsonObject("checks").getString("signIn"), "discovered in the background");
      assertEquals(302, visitor.get(app.url("/auth/login?next=/groups")).status(), "sign-in works again");

      Browser ada = new Browser();
      Response done = app.signIn(ada, ADA.subject(), "/groups");
      assertEquals(302, done.status(), done.body());
      assertEquals(app.url("/groups"), done.location());
      assertEquals(200, ada.get(app.url("/me")).status());
    } finally {
      provider.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
