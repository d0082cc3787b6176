package eu.mhealthhub.agora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the environment: defaults for a laptop, and one clear line for every bad value. */
class AppConfigTest {

  @Test
  @DisplayName("with nothing configured Agora runs on 8080 with embedded PostgreSQL, the development provider and demo content")
  void defaults() {
    AppConfig c = AppConfig.fromEnvironment(Map.of());
    assertEquals(8080, c.port());
    assertEquals("127.0.0.1", c.host(), "a laptop's Agora is not reachable from the network unless asked");
    assertEquals("http://localhost:8080", c.publicUrl().toString());
    assertTrue(c.database().isEmpty());
    assertTrue(c.oidc().isEmpty());
    assertTrue(c.demoContent());
    assertEquals(Locale.ENGLISH, c.defaultLocale());
    assertFalse(c.secureCookies());
    assertEquals(java.time.Duration.ofHours(1), c.oidcKeyRefresh(), "the provider's keys are fetched hourly");
    assertEquals(java.time.Duration.ofMinutes(15),
        AppConfig.fromEnvironment(Map.of("AGORA_OIDC_KEY_REFRESH_MINUTES", "15")).oidcKeyRefresh());
    assertEquals(java.time.Duration.ofSeconds(5), c.databaseLimits().poolWait());
    assertEquals(java.time.Duration.ofSeconds(30), c.databaseLimits().statementTimeout());
  }

  @Test
  @DisplayName("the pool wait and the statement timeout are read in milliseconds, the pool size as a count (8 unless set)")
  void databaseLimits() {
    AppConfig c = AppConfig.fromEnvironment(Map.of("AGORA_DB_POOL_WAIT_MS", "750", "AGORA_DB_STATEMENT_TIMEOUT_MS", "12000",
        "AGORA_DB_POOL_SIZE", "40"));
    assertEquals(java.time.Duration.ofMillis(750), c.databaseLimits().poolWait());
    assertEquals(java.time.Duration.ofSeconds(12), c.databaseLimits().statementTimeout());
    assertEquals(40, c.databaseLimits().poolSize());
    assertEquals(8, AppConfig.fromEnvironment(Map.of()).databaseLimits().poolSize());
  }

  @Test
  @DisplayName("the embedded PostgreSQL is sized for a small server (64MB buffers, 4MB work memory, 40 connections) unless told otherwise")
  void embeddedPostgres() {
    AppConfig.EmbeddedPostgresSettings small = AppConfig.fromEnvironment(Map.of()).embeddedPostgres();
    assertEquals(new AppConfig.EmbeddedPostgresSettings("64MB", "4MB", 40), small);
    AppConfig.EmbeddedPostgresSettings big = AppConfig.fromEnvironment(Map.of("AGORA_DB_SHARED_BUFFERS", "256MB",
        "AGORA_DB_WORK_MEM", "16384kB", "AGORA_DB_MAX_CONNECTIONS", "120")).embeddedPostgres();
    assertEquals(new AppConfig.EmbeddedPostgresSettings("256MB", "16384kB", 120), big);
  }

  @Test
  @DisplayName("a database URL and an issuer switch off the embedded database, the development provider and demo content")
  void external() {
    AppConfig c = AppConfig.fromEnvironment(Map.of(
        "AGORA_DATABASE_URL", "postgresql://agora:s%40cret@db.internal:6543/agora",
        "AGORA_OIDC_ISSUER", "https://id.example.org/realms/agora/",
        "AGORA_OIDC_CLIENT_ID", "agora", "AGORA_OIDC_CLIENT_SECRET", "x",
        "AGORA_PUBLIC_URL", "https://agora.example.org/",
        "AGORA_ADMIN_EMAILS", "A@Example.org, b@example.org",
        "AGORA_ADMIN_CLAIM", "roles=agora-admin"));
    AppConfig.DatabaseSettings db = c.database().orElseThrow();
    assertEquals("db.internal", db.host());
    assertEquals(6543, db.port());
    assertEquals("agora", db.name());
    assertEquals("agora", db.user());
    assertEquals("s@cret", db.password());
    assertEquals("https://id.example.org/realms/agora", c.oidc().orElseThrow().issuer().toString());
    assertFalse(c.demoContent());
    assertTrue(c.secureCookies());
    assertEquals("https://agora.example.org", c.publicOrigin());
    assertTrue(c.adminEmails().contains("a@example.org"));
    assertEquals("roles", c.adminClaim().orElseThrow().claim());
  }

  @Test
  @DisplayName("host, port, name, user and password work in place of a URL")
  void databaseParts() {
    AppConfig c = AppConfig.fromEnvironment(Map.of("AGORA_DB_HOST", "pg", "AGORA_DB_NAME", "agora",
        "AGORA_DB_USER", "agora", "AGORA_DB_PASSWORD", "pw"));
    assertEquals("jdbc:postgresql://pg:5432/agora", c.database().orElseThrow().jdbcUrl());
  }

  @Test
  @DisplayName("the listening address and the cluster's name, host and ports come from the environment")
  void hostAndCluster() {
    assertEquals("0.0.0.0", AppConfig.fromEnvironment(Map.of("AGORA_HOST", "0.0.0.0")).host());
    assertEquals("::1", AppConfig.fromEnvironment(Map.of("AGORA_HOST", "[::1]")).host());
    AppConfig.ClusterSettings defaults = AppConfig.fromEnvironment(Map.of("AGORA_CLUSTER_MEMBERS", "10.0.0.1,10.0.0.2"))
        .cluster().orElseThrow();
    assertEquals(new AppConfig.ClusterSettings(java.util.List.of("10.0.0.1", "10.0.0.2"), "127.0.0.1", 5701, "agora", 0),
        defaults);
    AppConfig.ClusterSettings set = AppConfig.fromEnvironment(Map.of("AGORA_CLUSTER_MEMBERS", "10.0.0.1:5701",
        "AGORA_CLUSTER_HOST", "10.0.0.1", "AGORA_CLUSTER_NAME", "agora-Zk3v9_tQ", "AGORA_CLUSTER_BUS_PORT", "5801"))
        .cluster().orElseThrow();
    assertEquals("10.0.0.1", set.host());
    assertEquals("agora-Zk3v9_tQ", set.name());
    assertEquals(5801, set.busPort());
    AppConfig.ConfigException e = assertThrows(AppConfig.ConfigException.class, () -> AppConfig.fromEnvironment(
        Map.of("AGORA_CLUSTER_MEMBERS", "10.0.0.1", "AGORA_CLUSTER_NAME", "two words")));
    assertTrue(e.getMessage().startsWith("AGORA_CLUSTER_NAME:"), e.getMessage());
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "AGORA_PORT|eighty|AGORA_PORT",
      "AGORA_PORT|70000|AGORA_PORT",
      "AGORA_PUBLIC_URL|ftp://agora|AGORA_PUBLIC_URL",
      "AGORA_PUBLIC_URL|localhost:8080|AGORA_PUBLIC_URL",
      "AGORA_DATABASE_URL|mysql://x/y|AGORA_DATABASE_URL",
      "AGORA_DATABASE_URL|postgresql://host-without-db|AGORA_DATABASE_URL",
      "AGORA_DB_HOST|pg|AGORA_DB_NAME",
      "AGORA_OIDC_ISSUER|https://id.example.org|AGORA_OIDC_CLIENT_ID",
      "AGORA_OIDC_ISSUER|not a url|AGORA_OIDC_ISSUER",
      "AGORA_ADMIN_EMAILS|admin|AGORA_ADMIN_EMAILS",
      "AGORA_ADMIN_CLAIM|roles|AGORA_ADMIN_CLAIM",
      "AGORA_DEMO_CONTENT|maybe|AGORA_DEMO_CONTENT",
      "AGORA_DEFAULT_LOCALE|tlh|AGORA_DEFAULT_LOCALE",
      "AGORA_DEFAULT_TIME_ZONE|Mars/Olympus|AGORA_DEFAULT_TIME_ZONE",
      "AGORA_SESSION_MAX_HOURS|0|AGORA_SESSION_MAX_HOURS",
      "AGORA_HOST|not a host|AGORA_HOST",
      "AGORA_HOST|http://0.0.0.0|AGORA_HOST",
      "AGORA_OIDC_KEY_REFRESH_MINUTES|0|AGORA_OIDC_KEY_REFRESH_MINUTES",
      "AGORA_OIDC_KEY_REFRESH_MINUTES|hourly|AGORA_OIDC_KEY_REFRESH_MINUTES",
      "AGORA_DB_POOL_WAIT_MS|soon|AGORA_DB_POOL_WAIT_MS",
      "AGORA_DB_POOL_WAIT_MS|0|AGORA_DB_POOL_WAIT_MS",
      "AGORA_DB_STATEMENT_TIMEOUT_MS|-5|AGORA_DB_STATEMENT_TIMEOUT_MS",
      "AGORA_DB_POOL_SIZE|0|AGORA_DB_POOL_SIZE",
      "AGORA_DB_POOL_SIZE|201|AGORA_DB_POOL_SIZE",
      "AGORA_DB_POOL_SIZE|many|AGORA_DB_POOL_SIZE",
      "AGORA_DB_SHARED_BUFFERS|64|AGORA_DB_SHARED_BUFFERS",
      "AGORA_DB_SHARED_BUFFERS|64 MB|AGORA_DB_SHARED_BUFFERS",
      "AGORA_DB_SHARED_BUFFERS|64MB; fsync=off|AGORA_DB_SHARED_BUFFERS",
      "AGORA_DB_WORK_MEM|0MB|AGORA_DB_WORK_MEM",
      "AGORA_DB_MAX_CONNECTIONS|5|AGORA_DB_MAX_CONNECTIONS",
      "AGORA_DB_MAX_CONNECTIONS|many|AGORA_DB_MAX_CONNECTIONS",
      "AGORA_METRICS_TOKEN|short|AGORA_METRICS_TOKEN",
      "AGORA_METRICS_TOKEN|has spaces in the middle of it|AGORA_METRICS_TOKEN",
      "AGORA_LOG_FORMAT|xml|AGORA_LOG_FORMAT",
      "AGORA_REQUEST_LOG|yes|AGORA_REQUEST_LOG",
      "AGORA_NODE_NAME|node one|AGORA_NODE_NAME",
      "AGORA_SMTP_URL|http://mail.example.org|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtp://|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|mail.example.org:25|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtp://mail.example.org?starttls=sometimes|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtp://mail.example.org?tls=on|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtps://mail.example.org?starttls=required|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtp://:secret@mail.example.org|AGORA_SMTP_URL",
      "AGORA_SMTP_URL|smtp://mail.example.org/inbox|AGORA_SMTP_URL",
      "AGORA_MAIL_FROM|agora|AGORA_MAIL_FROM",
      "AGORA_MAIL_FROM|Agora <not an address>|AGORA_MAIL_FROM",
      "AGORA_MAIL_DELAY_SECONDS|-1|AGORA_MAIL_DELAY_SECONDS",
      "AGORA_MAIL_DELAY_SECONDS|a minute|AGORA_MAIL_DELAY_SECONDS",
      "AGORA_RATE_LIMITS|post=fast|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|post=0/5s|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|post=1/0s|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|post=1/5y|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|spam=1/5s|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|post=1/5s,thread|AGORA_RATE_LIMITS",
      "AGORA_RATE_LIMITS|post=-1/5s|AGORA_RATE_LIMITS",
      "AGORA_TRUSTED_PROXIES|proxy.example.org|AGORA_TRUSTED_PROXIES",
      "AGORA_TRUSTED_PROXIES|10.0.0.0/33|AGORA_TRUSTED_PROXIES",
      "AGORA_TRUSTED_PROXIES|10.0.0.256|AGORA_TRUSTED_PROXIES",
      "AGORA_TRUSTED_PROXIES|10.0.0.1/8/8|AGORA_TRUSTED_PROXIES",
      "AGORA_TRUSTED_PROXIES|fd00::/129|AGORA_TRUSTED_PROXIES"})
  @DisplayName("a missing or malformed value is refused with a message naming the variable")
  void badValues(String name, String value, String named) {
    Map<String, String> env = new HashMap<>();
    env.put(name, value);
    AppConfig.ConfigException e = assertThrows(AppConfig.ConfigException.class, () -> AppConfig.fromEnvironment(env));
    assertTrue(e.getMessage().startsWith(named + ":"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), "one line");
  }

  @Test
  @DisplayName("with no SMTP URL mail goes to the loopback server, from agora@ the public host, held 60 seconds")
  void mailDefaults() {
    AppConfig.MailSettings mail = AppConfig.fromEnvironment(Map.of("AGORA_PUBLIC_URL", "https://agora.example.org")).mail();
    assertTrue(mail.smtp().isEmpty());
    assertEquals("agora@agora.example.org", mail.from().address());
    assertEquals("\"Agora\" <agora@agora.example.org>", mail.from().header());
    assertEquals(java.time.Duration.ofSeconds(60), mail.delay());
    assertEquals(java.time.Duration.ZERO,
        AppConfig.fromEnvironment(Map.of("AGORA_MAIL_DELAY_SECONDS", "0")).mail().delay(), "zero sends at once");
  }

  @Test
  @DisplayName("an smtp URL gives host, port, user, password and whether STARTTLS is required")
  void smtpUrl() {
    AppConfig.SmtpSettings s = AppConfig.fromEnvironment(Map.of("AGORA_SMTP_URL",
        "smtp://agora%40example.org:p%40ss%3Aword@mail.example.org:587?starttls=required")).mail().smtp().orElseThrow();
    assertEquals("mail.example.org", s.host());
    assertEquals(587, s.port());
    assertFalse(s.ssl());
    assertEquals(AppConfig.StartTls.REQUIRED, s.startTls());
    assertEquals("agora@example.org", s.user().orElseThrow());
    assertEquals("p@ss:word", s.password().orElseThrow());
    assertFalse(s.toString().contains("p@ss"), "the password never reaches a log line: " + s);

    AppConfig.SmtpSettings plain = AppConfig.fromEnvironment(Map.of("AGORA_SMTP_URL", "smtp://relay.internal")).mail().smtp().orElseThrow();
    assertEquals(25, plain.port());
    assertEquals(AppConfig.StartTls.OPTIONAL, plain.startTls(), "STARTTLS when the server offers it");
    assertTrue(plain.user().isEmpty());
  }

  @Test
  @DisplayName("an smtps URL is TLS from the first byte, on port 465 unless told otherwise")
  void smtpsUrl() {
    AppConfig.SmtpSettings s = AppConfig.fromEnvironment(Map.of("AGORA_SMTP_URL", "smtps://u:p@mail.example.org"))
        .mail().smtp().orElseThrow();
    assertTrue(s.ssl());
    assertEquals(465, s.port());
    assertEquals(AppConfig.StartTls.DISABLED, s.startTls());
  }

  @Test
  @DisplayName("the sender may carry a display name")
  void mailFrom() {
    AppConfig.MailFrom from = AppConfig.fromEnvironment(Map.of("AGORA_MAIL_FROM", "European mHealth Hub <agora@mhealthhub.eu>"))
        .mail().from();
    assertEquals("agora@mhealthhub.eu", from.address());
    assertEquals("European mHealth Hub", from.name().orElseThrow());
    AppConfig.MailFrom bare = AppConfig.fromEnvironment(Map.of("AGORA_MAIL_FROM", "agora@mhealthhub.eu")).mail().from();
    assertTrue(bare.name().isEmpty());
    assertEquals("agora@mhealthhub.eu", bare.header());
  }

  @Test
  @DisplayName("a bad SMTP URL is named without repeating its password")
  void smtpPasswordNotEchoed() {
    AppConfig.ConfigException e = assertThrows(AppConfig.ConfigException.class, () -> AppConfig.fromEnvironment(
        Map.of("AGORA_SMTP_URL", "smtp://user:hunter2@mail.example.org?starttls=maybe")));
    assertTrue(e.getMessage().startsWith("AGORA_SMTP_URL:"), e.getMessage());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  @DisplayName("rate limits default to Discourse-like values; AGORA_RATE_LIMITS changes some, turns some off, keeps the rest")
  void rateLimits() {
    AppConfig defaults = AppConfig.fromEnvironment(Map.of());
    assertEquals(new AppConfig.RateLimit(1, java.time.Duration.ofSeconds(5)), defaults.rateLimits().get("post"));
    assertEquals(new AppConfig.RateLimit(20, java.time.Duration.ofDays(1)), defaults.rateLimits().get("thread"));
    AppConfig.RateLimit search = defaults.rateLimits().get("search");
    AppConfig config = AppConfig.fromEnvironment(Map.of("AGORA_RATE_LIMITS", " post = 2/10s , thread=5/12h,reaction=off"));
    assertEquals(new AppConfig.RateLimit(2, java.time.Duration.ofSeconds(10)), config.rateLimits().get("post"));
    assertEquals(new AppConfig.RateLimit(5, java.time.Duration.ofHours(12)), config.rateLimits().get("thread"));
    assertTrue(config.rateLimits().get("reaction").off());
    assertEquals(search, config.rateLimits().get("search"));
    assertEquals(AppConfig.DEFAULT_RATE_LIMITS.keySet(), config.rateLimits().keySet());
  }

  @Test
  @DisplayName("trusted proxies are none by default; addresses and CIDR ranges of both families are read, and match by their prefix")
  void trustedProxies() {
    assertTrue(AppConfig.fromEnvironment(Map.of()).trustedProxies().isEmpty());
    var ranges = AppConfig.fromEnvironment(Map.of("AGORA_TRUSTED_PROXIES", " 10.1.2.3, 172.16.0.0/12 ,fd00::/8")).trustedProxies();
    assertEquals(3, ranges.size());
    assertTrue(ranges.get(0).contains(AppConfig.AddressRange.literal("10.1.2.3")));
    assertFalse(ranges.get(0).contains(AppConfig.AddressRange.literal("10.1.2.4")));
    assertTrue(ranges.get(1).contains(AppConfig.AddressRange.literal("172.31.255.1")));
    assertFalse(ranges.get(1).contains(AppConfig.AddressRange.literal("172.32.0.1")));
    assertTrue(ranges.get(2).contains(AppConfig.AddressRange.literal("fd12::1")));
    assertFalse(ranges.get(2).contains(AppConfig.AddressRange.literal("10.1.2.3")), "another family never matches");
  }

  @Test
  @DisplayName("flags, notices and live frames are named rate limits with defaults, configurable like the others")
  void flagAndNoticeLimits() {
    AppConfig defaults = AppConfig.fromEnvironment(Map.of());
    assertEquals(new AppConfig.RateLimit(20, java.time.Duration.ofDays(1)), defaults.rateLimits().get("flag"));
    assertEquals(new AppConfig.RateLimit(5, java.time.Duration.ofHours(1)), defaults.rateLimits().get("notice"));
    assertEquals(new AppConfig.RateLimit(120, java.time.Duration.ofMinutes(1)), defaults.rateLimits().get("frame"));
    AppConfig set = AppConfig.fromEnvironment(Map.of("AGORA_RATE_LIMITS", "flag=5/1d,notice=off,frame=30/10s"));
    assertEquals(new AppConfig.RateLimit(5, java.time.Duration.ofDays(1)), set.rateLimits().get("flag"));
    assertTrue(set.rateLimits().get("notice").off());
    assertEquals(new AppConfig.RateLimit(30, java.time.Duration.ofSeconds(10)), set.rateLimits().get("frame"));
  }
}
