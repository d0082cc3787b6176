package eu.mhealthhub.agora.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Keycloak;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.SlowTest;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Sign-in against a real Keycloak (Maven Central's server distribution, started on loopback with
 * the realm of {@code docker/keycloak/agora-realm.json}, its addresses pointed at this test's
 * Agora): the login form, the realm's key rotated, sessions ended by Keycloak, the locale claim.
 * One Keycloak for the class; skipped, saying why, where no JDK 21+ is installed.
 */
@SlowTest
class KeycloakSignInIT {

  private static final String REALM = "agora";
  private static final String SECRET = "agora-dev-secret-change-me";
  private static final String PASSWORD = "agora";

  private static Keycloak keycloak;
  private static TestApp app;
  private static String issuer;

  @BeforeAll
  static void start() throws Exception {
    Keycloak.Installation installation;
    try {
      installation = Keycloak.find();
    } catch (Keycloak.MissingKeycloak e) {
      Assumptions.abort("Keycloak tests skipped: " + e.getMessage());
      return;
    }
    int appPort = TestApp.freePort();
    keycloak = Keycloak.start(installation, realm("http://localhost:" + appPort, "http://127.0.0.1:" + appPort));
    issuer = keycloak.issuer(REALM);
    app = TestApp.start(appPort, Map.of(
        "AGORA_OIDC_ISSUER", issuer,
        "AGORA_OIDC_CLIENT_ID", "agora",
        "AGORA_OIDC_CLIENT_SECRET", SECRET,
        "AGORA_ADMIN_CLAIM", "roles=agora-admin",
        "AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { });
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.close();
    }
    if (keycloak != null) {
      keycloak.close();
    }
  }

  /**
   * The realm shipped for docker compose, with its client's addresses moved to this test's Agora:
   * the browser's address for redirects, a loopback address for Keycloak's back-channel calls.
   */
  private static JsonObject realm(String appUrl, String appBackChannel) throws Exception {
    JsonObject realm = new JsonObject(Files.readString(Path.of("docker/keycloak/agora-realm.json")));
    JsonObject client = realm.getJsonArray("clients").stream().map(c -> (JsonObject) c)
        .filter(c -> "agora".equals(c.getString("clientId"))).findFirst().orElseThrow();
    client.put("rootUrl", appUrl)
        .put("redirectUris", new JsonArray().add(appUrl + "/auth/callback"))
        .put("webOrigins", new JsonArray().add(appUrl));
    JsonObject attributes = client.getJsonObject("attributes");
    assertNotNull(attributes.getString("backchannel.logout.url"), "the shipped realm names Agora's back-channel logout URL");
    assertNotNull(attributes.getString("frontchannel.logout.url"), "and its front-channel logout URL");
    attributes.put("post.logout.redirect.uris", appUrl + "/*")
        .put("backchannel.logout.url", appBackChannel + "/auth/backchannel-logout")
        .put("frontchannel.logout.url", appUrl + "/auth/frontchannel-logout");
    return realm;
  }

  /** A browser for Agora and Keycloak: Keycloak's pages are not Agora's, so their HTML goes unchecked. */
  private static Browser atKeycloak() {
    return Browser.treatingLoopbackAsSecure().notCheckingHtmlOf(issuer);
  }

  /** Signs in through Agora and Keycloak's login form, as a person at a browser; returns Agora's last answer. */
  private static Response signIn(Browser browser, String username) {
    Response start = browser.get(app.url("/auth/login?next=/"));
    assertEquals(302, start.status(), start.body());
    assertTrue(start.location().startsWith(issuer + "/protocol/openid-connect/auth?"), start.location());
    Response form = browser.get(start.location());
    assertEquals(200, form.status(), form.body());
    Document page = Jsoup.parse(form.body(), form.uri().toString());
    Element login = page.selectFirst("form#kc-form-login");
    assertNotNull(login, "Keycloak's login form:\n" + form.body());
    Map<String, String> fields = new HashMap<>();
    for (Element input : login.select("input[name]")) {
      fields.put(input.attr("name"), input.val());
    }
    fields.put("username", username);
    fields.put("password", PASSWORD);
    Response submitted = browser.post(login.absUrl("action"), fields);
    assertEquals(302, submitted.status(), "Keycloak accepts the password:\n" + submitted.body());
    assertTrue(submitted.location().startsWith(app.url("/auth/callback?")), submitted.location());
    Response done = browser.get(submitted.location());
    assertEquals(302, done.status(), "Agora accepts Keycloak's answer:\n" + done.body() + "\n" + keycloak.logTail());
    assertEquals(app.url("/"), done.location());
    return done;
  }

  private static boolean signedIn(Browser browser) {
    return browser.get(app.url("/me")).status() == 200;
  }

  private static long member(String email) {
    return TestDatabase.count("SELECT id FROM members WHERE issuer = ? AND email = ?", issuer, email);
  }

  private static String userId(String username) {
    JsonArray users = keycloak.admin("GET", "/" + REALM + "/users?exact=true&username=" + username, null).array();
    assertEquals(1, users.size(), username);
    return users.getJsonObject(0).getString("id");
  }

  private static void awaitSignedOut(Browser browser) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (signedIn(browser) && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
  }

  @Test
  @DisplayName("a member signs in through Keycloak's login form; Agora records them from the verified ID token, admin role and session id included")
  void signInThroughLoginForm() {
    Browser maria = atKeycloak();
    signIn(maria, "maria");
    assertTrue(signedIn(maria));
    long id = member("maria.hoffmann@agora.example");
    assertEquals("Maria Hoffmann", TestDatabase.text("SELECT display_name FROM members WHERE id = ?", id));
    assertEquals("t", TestDatabase.text("SELECT is_admin FROM members WHERE id = ?", id), "the realm role, through the roles claim");
    assertEquals(1, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND provider_sid IS NOT NULL", id),
        "Keycloak's session id (sid) is recorded with the sign-in");
    Document home = Jsoup.parse(maria.get(app.url("/")).body());
    assertEquals("Maria Hoffmann", home.select(".member-name").text());
  }

  @Test
  @DisplayName("a member whose Keycloak account says French gets French pages from their first sign-in")
  void localeClaim() {
    Browser amelie = atKeycloak().acceptLanguage("en");
    signIn(amelie, "amelie");
    assertEquals("fr", TestDatabase.text("SELECT locale FROM members WHERE id = ?", member("amelie.laurent@agora.example")));
    assertEquals("fr", Jsoup.parse(amelie.get(app.url("/")).body()).select("html").attr("lang"));
  }

  @Test
  @DisplayName("after the realm's signing key is rotated and the old one removed, members still sign in")
  void keyRotation() {
    Browser before = atKeycloak();
    signIn(before, "jonas");
    String oldKey = signingKeyIds().get(0);

    String realmId = keycloak.admin("GET", "/" + REALM, null).json().getString("id");
    JsonArray providers = keycloak.admin("GET", "/" + REALM + "/components?type=org.keycloak.keys.KeyProvider", null).array();
    List<String> oldProviders = providers.stream().map(p -> (JsonObject) p)
        .filter(p -> "rsa-generated".equals(p.getString("providerId"))).map(p -> p.getString("id")).toList();
    assertFalse(oldProviders.isEmpty(), "the realm has a generated RSA key: " + providers.encode());
    keycloak.admin("POST", "/" + REALM + "/components", new JsonObject()
        .put("name", "rsa-rotated").put("providerId", "rsa-generated").put("providerType", "org.keycloak.keys.KeyProvider")
        .put("parentId", realmId)
        .put("config", new JsonObject().put("priority", new JsonArray().add("200")).put("enabled", new JsonArray().add("true"))
            .put("active", new JsonArray().add("true")).put("algorithm", new JsonArray().add("RS256"))
            .put("keySize", new JsonArray().add("2048"))));
    for (String old : oldProviders) {
      keycloak.admin("DELETE", "/" + REALM + "/components/" + old, null);
    }
    List<String> keys = signingKeyIds();
    assertFalse(keys.contains(oldKey), "the old key is gone from the key set: " + keys);
    assertEquals(1, keys.size(), "one signing key, the new one: " + keys);

    Browser after = atKeycloak();
    signIn(after, "jonas");
    assertTrue(signedIn(after), "signed in with an ID token from the new key");
    assertTrue(signedIn(before), "sessions from before the rotation stay");
  }

  private static List<String> signingKeyIds() {
    Response certs = new Browser().get(issuer + "/protocol/openid-connect/certs");
    return new JsonObject(certs.body()).getJsonArray("keys").stream().map(k -> (JsonObject) k)
        .filter(k -> "sig".equals(k.getString("use")) && "RSA".equals(k.getString("kty")))
        .map(k -> k.getString("kid")).collect(Collectors.toList());
  }

  @Test
  @DisplayName("when Keycloak ends a member's session (one session, then all), Agora's sessions end with it through back-channel logout")
  void providerInitiatedLogout() throws Exception {
    Browser laptop = atKeycloak();
    Browser phone = atKeycloak();
    signIn(laptop, "elena");
    signIn(phone, "elena");
    long elena = member("elena.rossi@agora.example");
    String laptopSession = TestDatabase.text(
        "SELECT provider_sid FROM sign_ins WHERE member_id = ? ORDER BY id LIMIT 1", elena);

    keycloak.admin("DELETE", "/" + REALM + "/sessions/" + laptopSession, null);
    awaitSignedOut(laptop);
    assertFalse(signedIn(laptop), "the session Keycloak ended is signed out of Agora:\n" + keycloak.logTail());
    assertTrue(signedIn(phone), "the other Keycloak session, and its Agora session, stay");

    keycloak.admin("POST", "/" + REALM + "/users/" + userId("elena") + "/logout", null);
    awaitSignedOut(phone);
    assertFalse(signedIn(phone), "signing the user out everywhere reaches Agora too");
    assertEquals(2, TestDatabase.count("SELECT count(*) FROM sign_ins WHERE member_id = ? AND ended_at IS NOT NULL", elena));
  }
}
