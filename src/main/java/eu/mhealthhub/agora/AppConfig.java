package eu.mhealthhub.agora;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything Agora reads from its environment, read once at start. Every other class receives what
 * it needs from this record through its constructor. The README's configuration table lists the
 * same variables in the same order.
 *
 * @param port                HTTP port (AGORA_PORT)
 * @param host                address the HTTP server listens on (AGORA_HOST): loopback unless told otherwise
 * @param publicUrl           the URL members use, without trailing slash (AGORA_PUBLIC_URL)
 * @param database            external PostgreSQL, or empty for the embedded one
 * @param databaseLimits      how long a request waits for a pooled connection and for one statement
 * @param dataDirectory       where the embedded PostgreSQL keeps its files (AGORA_DATA_DIR)
 * @param oidc                external OpenID Connect provider, or empty for the development one
 * @param devOidcPort         loopback port of the development provider, 0 for any free port
 * @param oidcKeyRefresh      how often the provider's signing keys are fetched again, besides when a
 *                            token names a key Agora does not know (AGORA_OIDC_KEY_REFRESH_MINUTES)
 * @param adminEmails         e-mail addresses (verified by the provider) that make a site admin
 * @param adminClaim          claim=value pair in the ID token that makes a site admin
 * @param demoContent         seed the Hub's working groups, threads and Talks once
 * @param defaultLocale       language when neither the member nor the browser chooses one
 * @param defaultTimeZone     time zone for readers who have not chosen one
 * @param sessionIdle         idle timeout of a session
 * @param sessionMaxAge       absolute lifetime of a session, however active
 * @param maxFormBytes        largest accepted form or JSON body
 * @param maxAttachmentBytes  largest accepted attached file
 * @param cluster             other nodes to form a cluster with, or empty for a single node
 * @param mail                SMTP server (or none: a loopback one inside Agora), sender, cancel-if-read delay
 * @param rateLimits          every named rate limit (AGORA_RATE_LIMITS overrides the defaults), see {@link RateLimit}
 * @param trustedProxies      reverse proxies whose X-Forwarded-For names the client (AGORA_TRUSTED_PROXIES), none by default
 * @param contentDirectory    where an operator's own privacy notice and accessibility statement are
 *                            (AGORA_CONTENT_DIR: privacy.&lt;lang&gt;.md, accessibility.&lt;lang&gt;.md), or empty for the built-in ones
 * @param observability       metrics, logs and this node's name
 * @param announcePerMinute   how many e-mails of an announcement to the network's followers are released a minute
 *                            (AGORA_ANNOUNCE_PER_MINUTE)
 * @param embeddedPostgres    the embedded PostgreSQL's memory settings (AGORA_DB_SHARED_BUFFERS, AGORA_DB_WORK_MEM,
 *                            AGORA_DB_MAX_CONNECTIONS), sized for a small server by default
 */
public record AppConfig(
    int port,
    String host,
    URI publicUrl,
    Optional<DatabaseSettings> database,
    DatabaseLimits databaseLimits,
    Path dataDirectory,
    Optional<OidcSettings> oidc,
    int devOidcPort,
    Duration oidcKeyRefresh,
    Set<String> adminEmails,
    Optional<ClaimMatch> adminClaim,
    boolean demoContent,
    Locale defaultLocale,
    ZoneId defaultTimeZone,
    Duration sessionIdle,
    Duration sessionMaxAge,
    int maxFormBytes,
    long maxAttachmentBytes,
    Optional<ClusterSettings> cluster,
    MailSettings mail,
    Map<String, RateLimit> rateLimits,
    List<AddressRange> trustedProxies,
    Map<String, Duration> retention,
    Optional<Path> contentDirectory,
    Observability observability,
    int announcePerMinute,
    EmbeddedPostgresSettings embeddedPostgres) {

  /**
   * What an operator sees of a node: the bearer token that opens {@code /metrics} (AGORA_METRICS_TOKEN,
   * at least 16 characters; unset: no metrics route), the log format (AGORA_LOG_FORMAT, text or json,
   * which Logback reads itself; checked here so a typo stops the start), whether each request gets a
   * log line (AGORA_REQUEST_LOG, on by default with json), and the node's name in logs and metrics
   * (AGORA_NODE_NAME, default the host name).
   */
  public record Observability(Optional<String> metricsToken, String logFormat, boolean requestLog, String node) {
    public static Observability defaults() {
      return new Observability(Optional.empty(), "text", false, hostName());
    }

    static String hostName() {
      String h = System.getenv("HOSTNAME");
      if (h == null || h.isBlank()) {
        try {
          h = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
          h = "agora";
        }
      }
      String plain = h.replaceAll("[^A-Za-z0-9._-]", "-");
      return plain.isEmpty() ? "agora" : plain.substring(0, Math.min(63, plain.length()));
    }
  }

  /**
   * An address or a CIDR range of them ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}),
   * as the network's bytes and the number of leading bits that must match.
   */
  public record AddressRange(byte[] network, int bits) {

    /** Parses a literal address with an optional {@code /bits}; never a host name (no DNS lookup at start). */
    static AddressRange parse(String text) {
      String[] parts = text.split("/", -1);
      byte[] bytes = parts.length > 2 ? null : literal(parts[0]);
      if (bytes == null) {
        throw new IllegalArgumentException(text);
      }
      int bits = bytes.length * 8;
      if (parts.length == 2) {
        if (!parts[1].matches("[0-9]{1,3}") || Integer.parseInt(parts[1]) > bits) {
          throw new IllegalArgumentException(text);
        }
        bits = Integer.parseInt(parts[1]);
      }
      return new AddressRange(bytes, bits);
    }

    /**
     * The bytes of a literal IPv4 or IPv6 address (an IPv4-mapped IPv6 one as IPv4), or null for
     * anything else: parsed without ever asking DNS, so it is safe on an event loop.
     */
    public static byte[] literal(String text) {
      byte[] bytes = text == null ? null : io.netty.util.NetUtil.createByteArrayFromIpAddressString(text.strip());
      if (bytes != null && bytes.length == 16) {
        boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
        for (int i = 0; i < 10 && mapped; i++) {
          mapped = bytes[i] == 0;
        }
        if (mapped) {
          return java.util.Arrays.copyOfRange(bytes, 12, 16);
        }
      }
      return bytes;
    }

    /** Whether the address (its bytes: 4 for IPv4, 16 for IPv6) lies in this range. */
    public boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((address[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * One rate limit: at most {@code count} actions at once, refilled evenly over {@code period}
   * ("1/5s" is one post per five seconds, "20/1d" twenty new threads a day, with a burst of twenty);
   * a count of 0 turns the limit off. Written {@code name=count/period} in AGORA_RATE_LIMITS.
   */
  public record RateLimit(int count, Duration period) {
    public static final RateLimit OFF = new RateLimit(0, Duration.ofSeconds(1));

    public boolean off() {
      return count == 0;
    }
  }

  /**
   * The limits Agora knows and their defaults. Posts follow Discourse (one post each 5 s, 20 new
   * threads a day) and, for new members of a group (trust level 0, see thread.TrustRepository), stricter
   * buckets of their own, {@code post.new} and {@code thread.new}; reactions as Discourse's likes a day; search and
   * sign-in per IP for anonymous visitors; flags per member a day (Discourse's default), notices of illegal content
   * per IP address an hour.
   */
  public static final Map<String, RateLimit> DEFAULT_RATE_LIMITS = Map.ofEntries(
      Map.entry("post", new RateLimit(1, Duration.ofSeconds(5))),
      Map.entry("thread", new RateLimit(20, Duration.ofDays(1))),
      Map.entry("post.new", new RateLimit(1, Duration.ofSeconds(30))),
      Map.entry("thread.new", new RateLimit(3, Duration.ofDays(1))),
      Map.entry("reaction", new RateLimit(50, Duration.ofDays(1))),
      Map.entry("search", new RateLimit(30, Duration.ofMinutes(1))),
      Map.entry("signin", new RateLimit(30, Duration.ofMinutes(1))),
      Map.entry("callback", new RateLimit(30, Duration.ofMinutes(1))),
      Map.entry("bridge", new RateLimit(100, Duration.ofMinutes(1))),
      Map.entry("frame", new RateLimit(120, Duration.ofMinutes(1))),
      Map.entry("talk.message", new RateLimit(5, Duration.ofSeconds(5))),
      Map.entry("talk.question", new RateLimit(3, Duration.ofSeconds(30))),
      Map.entry("talk.vote", new RateLimit(20, Duration.ofSeconds(4))),
      Map.entry("flag", new RateLimit(20, Duration.ofDays(1))),
      Map.entry("notice", new RateLimit(5, Duration.ofHours(1))),
      Map.entry("talk.register", new RateLimit(10, Duration.ofHours(1))),
      Map.entry("talk.register.email", new RateLimit(5, Duration.ofDays(1))),
      // network sign-ups per client address, and the messages they cause per e-mail address
      Map.entry("network.join", new RateLimit(10, Duration.ofHours(1))),
      Map.entry("network.mail", new RateLimit(1, Duration.ofMinutes(10))));

  /** Languages with a complete message bundle. Adding one is adding a file and a tag here. */
  /**
   * How long each kind of old row is kept before the hourly retention job deletes it
   * (AGORA_RETENTION overrides; a missing key means kept forever, as {@code name=off} asks).
   * {@code exports} is also how long a ready data export can be downloaded.
   */
  public static final Map<String, Duration> DEFAULT_RETENTION = Map.of(
      "sign_ins", Duration.ofDays(90),
      "sessions", Duration.ofDays(1),
      "notifications", Duration.ofDays(90),
      "live_events", Duration.ofDays(7),
      "mail", Duration.ofDays(30),
      "digest_runs", Duration.ofDays(90),
      "notification_jobs", Duration.ofDays(7),
      "exports", Duration.ofHours(24),
      "talk_registrations", Duration.ofDays(30),
      // network followers who never confirmed (an imported one: counted from their re-permission message)
      "unconfirmed_followers", Duration.ofDays(30));

  public static final List<Locale> SUPPORTED_LOCALES =
      List.of(Locale.ENGLISH, Locale.FRENCH, Locale.GERMAN);

  /** External PostgreSQL connection settings. */
  public record DatabaseSettings(String host, int port, String name, String user, String password) {
    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }
  }

  /**
   * How long a request may wait for the database before it is answered 503: for a connection from
   * the pool (AGORA_DB_POOL_WAIT_MS, also the TCP connect timeout) and for one statement
   * (AGORA_DB_STATEMENT_TIMEOUT_MS, PostgreSQL's {@code statement_timeout}), and how many
   * connections one node opens (AGORA_DB_POOL_SIZE, 1 to 200, default 8).
   */
  public record DatabaseLimits(Duration poolWait, Duration statementTimeout, int poolSize) {
    public DatabaseLimits(Duration poolWait, Duration statementTimeout) {
      this(poolWait, statementTimeout, 8);
    }
  }

  /**
   * The embedded PostgreSQL's memory (issue 18 point 4), sized for a small server: {@code shared_buffers}
   * (AGORA_DB_SHARED_BUFFERS, default 64MB; the search benchmark's 100,000 posts want 256MB), {@code work_mem}
   * (AGORA_DB_WORK_MEM, default 4MB, per sort or hash of a query) and {@code max_connections}
   * (AGORA_DB_MAX_CONNECTIONS, default 40: two nodes' pools of 16 and a few for backups and psql).
   * Ignored with a configured database.
   */
  public record EmbeddedPostgresSettings(String sharedBuffers, String workMem, int maxConnections) {
    public static final EmbeddedPostgresSettings SMALL = new EmbeddedPostgresSettings("64MB", "4MB", 40);
  }

  /** External OpenID Connect provider. */
  public record OidcSettings(URI issuer, String clientId, String clientSecret) {}

  /**
   * Clustered mode: the Hazelcast members to join (host or host:port), this node's address to
   * bind and announce, its Hazelcast port, the cluster's name (members with another name are not
   * admitted) and the event bus port (0 for any free one).
   */
  public record ClusterSettings(List<String> members, String host, int port, String name, int busPort) {}

  /**
   * E-mail: the SMTP server to send through (AGORA_SMTP_URL; empty starts a loopback server inside
   * Agora, see mail/DevMailServer), the sender (AGORA_MAIL_FROM) and how long an immediate
   * notification is held so that reading it in a page cancels it (AGORA_MAIL_DELAY_SECONDS).
   */
  public record MailSettings(Optional<SmtpSettings> smtp, MailFrom from, Duration delay) {}

  /** Whether the SMTP connection must, may or must not switch to TLS with STARTTLS. */
  public enum StartTls { DISABLED, OPTIONAL, REQUIRED }

  /**
   * An SMTP server: {@code smtps://} is TLS from the first byte ({@code ssl}), {@code smtp://}
   * plain with STARTTLS as the URL asks. With a user, Agora must log in.
   */
  public record SmtpSettings(String host, int port, boolean ssl, StartTls startTls, Optional<String> user,
      Optional<String> password) {
    /** Never prints the password (configurations end up in logs). */
    @Override
    public String toString() {
      return (ssl ? "smtps://" : "smtp://") + user.map(u -> u + "@").orElse("") + host + ":" + port
          + (ssl ? "" : " (STARTTLS " + startTls.name().toLowerCase(Locale.ROOT) + ")");
    }
  }

  /** The sender of every e-mail: an address and an optional display name. */
  public record MailFrom(String address, Optional<String> name) {
    /** As in a From header: {@code "Agora" <agora@example.org>}, or the bare address. */
    public String header() {
      return name.map(n -> "\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\" <" + address + ">").orElse(address);
    }
  }

  /** A claim in the ID token and the value that grants a role; list-valued claims match any element. */
  public record ClaimMatch(String claim, String value) {}

  /** A variable that is missing or malformed; the message names it. */
  public static final class ConfigException extends RuntimeException {
    public ConfigException(String variable, String problem) {
      super(variable + ": " + problem);
    }
  }

  /** The same configuration with other admin e-mails (the development provider's demo admin). */
  public AppConfig withAdminEmails(Set<String> emails) {
    return new AppConfig(port, host, publicUrl, database, databaseLimits, dataDirectory, oidc, devOidcPort, oidcKeyRefresh, Set.copyOf(emails), adminClaim,
        demoContent, defaultLocale, defaultTimeZone, sessionIdle, sessionMaxAge, maxFormBytes, maxAttachmentBytes, cluster, mail, rateLimits, trustedProxies,
        retention, contentDirectory, observability, announcePerMinute, embeddedPostgres);
  }

  public boolean secureCookies() {
    return "https".equals(publicUrl.getScheme());
  }

  public String publicOrigin() {
    return publicUrl.getScheme() + "://" + publicUrl.getRawAuthority();
  }

  /** Reads the configuration from environment variables; throws {@link ConfigException} naming the first bad one. */
  public static AppConfig fromEnvironment(Map<String, String> env) {
    Reader r = new Reader(env);
    int port = r.port("AGORA_PORT", 8080);
    String host = r.host("AGORA_HOST", "127.0.0.1");
    URI publicUrl = r.url("AGORA_PUBLIC_URL", "http://localhost:" + port);
    Optional<DatabaseSettings> database = r.database();
    DatabaseLimits databaseLimits = new DatabaseLimits(Duration.ofMillis(r.positive("AGORA_DB_POOL_WAIT_MS", 5_000)),
        Duration.ofMillis(r.positive("AGORA_DB_STATEMENT_TIMEOUT_MS", 30_000)), r.poolSize("AGORA_DB_POOL_SIZE", 8));
    Path dataDir = Path.of(r.text("AGORA_DATA_DIR", "data"));
    Optional<OidcSettings> oidc = r.oidc();
    int devOidcPort = r.port("AGORA_DEV_OIDC_PORT", 0);
    Duration keyRefresh = Duration.ofMinutes(r.positive("AGORA_OIDC_KEY_REFRESH_MINUTES", 60));
    Set<String> adminEmails = Arrays.stream(r.text("AGORA_ADMIN_EMAILS", "").split(","))
        .map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    for (String email : adminEmails) {
      if (!email.matches("[^@\\s]+@[^@\\s]+")) {
        throw new ConfigException("AGORA_ADMIN_EMAILS", "'" + email + "' is not an e-mail address");
      }
    }
    Optional<ClaimMatch> adminClaim = r.optional("AGORA_ADMIN_CLAIM").map(v -> {
      int eq = v.indexOf('=');
      if (eq <= 0 || eq == v.length() - 1) {
        throw new ConfigException("AGORA_ADMIN_CLAIM", "expected claim=value, for example roles=agora-admin");
      }
      return new ClaimMatch(v.substring(0, eq).trim(), v.substring(eq + 1).trim());
    });
    boolean demo = r.bool("AGORA_DEMO_CONTENT", database.isEmpty());
    Locale locale = r.locale("AGORA_DEFAULT_LOCALE", "en");
    ZoneId zone = r.zone("AGORA_DEFAULT_TIME_ZONE", "Europe/Brussels");
    Duration idle = Duration.ofMinutes(r.positive("AGORA_SESSION_IDLE_MINUTES", 120));
    Duration maxAge = Duration.ofHours(r.positive("AGORA_SESSION_MAX_HOURS", 24 * 7));
    int maxForm = r.positive("AGORA_MAX_FORM_BYTES", 256 * 1024);
    long maxAttachment = r.positive("AGORA_MAX_ATTACHMENT_MB", 10) * 1024L * 1024L;
    Optional<ClusterSettings> cluster = r.optional("AGORA_CLUSTER_MEMBERS").map(list -> {
      List<String> members = Arrays.stream(list.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
      for (String m : members) {
        if (!m.matches("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?")) {
          throw new ConfigException("AGORA_CLUSTER_MEMBERS", "'" + m + "' is not host or host:port");
        }
      }
      String name = r.text("AGORA_CLUSTER_NAME", "agora");
      if (!name.matches("[A-Za-z0-9._~+/=\\-]{1,200}")) {
        throw new ConfigException("AGORA_CLUSTER_NAME", "use 1 to 200 letters, digits and . _ ~ + / = -");
      }
      return new ClusterSettings(members, r.host("AGORA_CLUSTER_HOST", "127.0.0.1"), r.port("AGORA_CLUSTER_PORT", 5701),
          name, r.port("AGORA_CLUSTER_BUS_PORT", 0));
    });
    MailSettings mail = new MailSettings(r.smtp(), r.mailFrom("AGORA_MAIL_FROM", publicUrl),
        Duration.ofSeconds(r.nonNegative("AGORA_MAIL_DELAY_SECONDS", 60)));
    return new AppConfig(port, host, publicUrl, database, databaseLimits, dataDir, oidc, devOidcPort, keyRefresh, adminEmails, adminClaim,
        demo, locale, zone, idle, maxAge, maxForm, maxAttachment, cluster, mail, r.rateLimits("AGORA_RATE_LIMITS"),
        r.addressRanges("AGORA_TRUSTED_PROXIES"), r.retention("AGORA_RETENTION"),
        r.optional("AGORA_CONTENT_DIR").map(d -> {
          if (!java.nio.file.Files.isDirectory(Path.of(d))) {
            throw new ConfigException("AGORA_CONTENT_DIR", "'" + d + "' is not a directory");
          }
          return Path.of(d);
        }), r.observability(), r.positive("AGORA_ANNOUNCE_PER_MINUTE", 60), r.embeddedPostgres());
  }

  private record Reader(Map<String, String> env) {
    /** Comma-separated literal addresses or CIDR ranges; none when unset. */
    List<AddressRange> addressRanges(String name) {
      List<AddressRange> ranges = new java.util.ArrayList<>();
      for (String item : text(name, "").split(",")) {
        if (item.isBlank()) {
          continue;
        }
        try {
          ranges.add(AddressRange.parse(item.trim()));
        } catch (IllegalArgumentException e) {
          throw new ConfigException(name, "'" + item.trim()
              + "' is not an IP address or CIDR range; expected for example 10.0.0.5,172.16.0.0/12,fd00::/8");
        }
      }
      return List.copyOf(ranges);
    }

    /** {@code name=period} pairs separated by commas, period a number and h or d; {@code name=off} keeps forever. */
    Map<String, Duration> retention(String name) {
      Map<String, Duration> kept = new java.util.TreeMap<>(DEFAULT_RETENTION);
      String example = "expected name=period pairs such as sign_ins=30d,exports=48h,live_events=off; names: "
          + String.join(" ", new java.util.TreeSet<>(DEFAULT_RETENTION.keySet()));
      for (String pair : text(name, "").split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*([a-z_]+)\\s*=\\s*(?:(off)|([0-9]{1,5})\\s*([hd]))\\s*")
            .matcher(pair);
        if (!m.matches()) {
          throw new ConfigException(name, "'" + pair.trim() + "': " + example);
        }
        if (!DEFAULT_RETENTION.containsKey(m.group(1))) {
          throw new ConfigException(name, "'" + m.group(1) + "' is not kept by retention; " + example);
        }
        if (m.group(2) != null) {
          if ("exports".equals(m.group(1))) {
            throw new ConfigException(name, "exports cannot be kept forever; give a period such as exports=24h");
          }
          kept.remove(m.group(1));
          continue;
        }
        long amount = Long.parseLong(m.group(3));
        if (amount == 0) {
          throw new ConfigException(name, "'" + pair.trim() + "': the period must be greater than zero (or say off)");
        }
        kept.put(m.group(1), "h".equals(m.group(4)) ? Duration.ofHours(amount) : Duration.ofDays(amount));
      }
      return java.util.Collections.unmodifiableMap(kept);
    }

    /** {@code name=count/period} pairs separated by commas, period a number and s, m, h or d; {@code name=off}. */
    Map<String, RateLimit> rateLimits(String name) {
      Map<String, RateLimit> limits = new java.util.TreeMap<>(DEFAULT_RATE_LIMITS);
      String example = "expected name=count/period pairs such as post=1/5s,thread=20/1d,search=off; names: "
          + String.join(" ", new java.util.TreeSet<>(DEFAULT_RATE_LIMITS.keySet()));
      for (String pair : text(name, "").split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\s*([a-z.]+)\\s*=\\s*(?:(off)|([0-9]{1,7})\\s*/\\s*([0-9]{1,7})\\s*([smhd]))\\s*")
            .matcher(pair);
        if (!m.matches()) {
          throw new ConfigException(name, "'" + pair.trim() + "': " + example);
        }
        if (!DEFAULT_RATE_LIMITS.containsKey(m.group(1))) {
          throw new ConfigException(name, "'" + m.group(1) + "' is not a rate limit; " + example);
        }
        if (m.group(2) != null) {
          limits.put(m.group(1), RateLimit.OFF);
          continue;
        }
        int count = Integer.parseInt(m.group(3));
        long amount = Long.parseLong(m.group(4));
        if (count == 0 || amount == 0) {
          throw new ConfigException(name, "'" + pair.trim() + "': count and period must be greater than zero (or say off)");
        }
        Duration period = switch (m.group(5)) {
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
        limits.put(m.group(1), new RateLimit(count, period));
      }
      return java.util.Collections.unmodifiableMap(limits);
    }

    Optional<String> optional(String name) {
      String v = env.get(name);
      return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String text(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    String required(String name, String because) {
      return optional(name).orElseThrow(() -> new ConfigException(name, "is required " + because));
    }

    int integer(String name, int fallback) {
      String v = optional(name).orElse(null);
      if (v == null) {
        return fallback;
      }
      try {
        return Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new ConfigException(name, "'" + v + "' is not a whole number");
      }
    }

    int port(String name, int fallback) {
      int p = integer(name, fallback);
      if (p < 0 || p > 65535) {
        throw new ConfigException(name, p + " is not a TCP port (0-65535)");
      }
      return p;
    }

    /** An IP address (v4, or v6 with or without brackets) or a host name. */
    String host(String name, String fallback) {
      String v = text(name, fallback);
      String bare = v.startsWith("[") && v.endsWith("]") ? v.substring(1, v.length() - 1) : v;
      if (!bare.matches("[A-Za-z0-9.\\-]{1,253}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
        throw new ConfigException(name, "'" + v + "' is not an IP address or host name, for example 127.0.0.1 or 0.0.0.0");
      }
      return bare;
    }

    EmbeddedPostgresSettings embeddedPostgres() {
      EmbeddedPostgresSettings d = EmbeddedPostgresSettings.SMALL;
      int connections = integer("AGORA_DB_MAX_CONNECTIONS", d.maxConnections());
      if (connections < 10 || connections > 1000) {
        throw new ConfigException("AGORA_DB_MAX_CONNECTIONS", "is " + connections + "; use 10 to 1000");
      }
      return new EmbeddedPostgresSettings(memory("AGORA_DB_SHARED_BUFFERS", d.sharedBuffers()),
          memory("AGORA_DB_WORK_MEM", d.workMem()), connections);
    }

    /** A PostgreSQL memory size: a whole number and kB, MB or GB, e.g. 64MB. */
    String memory(String name, String fallback) {
      String v = text(name, fallback).trim();
      if (!v.matches("[1-9][0-9]{0,6}(kB|MB|GB)")) {
        throw new ConfigException(name, "'" + v + "' is not a size such as 64MB (a whole number, then kB, MB or GB)");
      }
      return v;
    }

    int poolSize(String name, int fallback) {
      int size = positive(name, fallback);
      if (size > 200) {
        throw new ConfigException(name, "is " + size + "; use 1 to 200 (PostgreSQL's max_connections bounds the sum over nodes)");
      }
      return size;
    }

    Observability observability() {
      Optional<String> token = optional("AGORA_METRICS_TOKEN");
      if (token.isPresent() && (token.get().length() < 16 || !token.get().matches("[\\x21-\\x7e]+"))) {
        throw new ConfigException("AGORA_METRICS_TOKEN", "needs at least 16 printable characters without spaces,"
            + " for example the output of: openssl rand -hex 24");
      }
      String format = text("AGORA_LOG_FORMAT", "text");
      if (!format.equals("text") && !format.equals("json")) {
        throw new ConfigException("AGORA_LOG_FORMAT", "'" + format + "' is neither text nor json");
      }
      String requestLog = text("AGORA_REQUEST_LOG", format.equals("json") ? "on" : "off");
      if (!requestLog.equals("on") && !requestLog.equals("off")) {
        throw new ConfigException("AGORA_REQUEST_LOG", "'" + requestLog + "' is neither on nor off");
      }
      String node = text("AGORA_NODE_NAME", Observability.hostName());
      if (!node.matches("[A-Za-z0-9._-]{1,63}")) {
        throw new ConfigException("AGORA_NODE_NAME", "'" + node + "' is not a plain name (letters, digits, . _ -)");
      }
      return new Observability(token, format, requestLog.equals("on"), node);
    }

    int positive(String name, int fallback) {
      int v = integer(name, fallback);
      if (v <= 0) {
        throw new ConfigException(name, "must be greater than zero");
      }
      return v;
    }

    int nonNegative(String name, int fallback) {
      int v = integer(name, fallback);
      if (v < 0) {
        throw new ConfigException(name, "must be zero or more");
      }
      return v;
    }

    /**
     * AGORA_SMTP_URL: {@code smtp://user:password@host:port?starttls=required|optional|disabled} or
     * {@code smtps://user:password@host:port}; user and password percent-encoded. Problems are
     * named without repeating the URL, which may hold a password.
     */
    Optional<SmtpSettings> smtp() {
      String name = "AGORA_SMTP_URL";
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      String example = "expected smtp://user:password@host:587?starttls=required or smtps://user:password@host:465";
      URI u;
      try {
        u = new URI(v.get());
      } catch (URISyntaxException e) {
        throw new ConfigException(name, "is not a URL; " + example);
      }
      boolean ssl;
      if ("smtps".equalsIgnoreCase(u.getScheme())) {
        ssl = true;
      } else if ("smtp".equalsIgnoreCase(u.getScheme())) {
        ssl = false;
      } else {
        throw new ConfigException(name, "the scheme must be smtp or smtps; " + example);
      }
      if (u.getHost() == null) {
        throw new ConfigException(name, "names no host (or a host name Agora cannot read); " + example);
      }
      if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !"/".equals(u.getRawPath()) || u.getRawFragment() != null) {
        throw new ConfigException(name, "must not have a path or fragment; " + example);
      }
      StartTls startTls = ssl ? StartTls.DISABLED : StartTls.OPTIONAL;
      if (u.getRawQuery() != null) {
        for (String pair : u.getRawQuery().split("&")) {
          String[] kv = pair.split("=", 2);
          if (!"starttls".equalsIgnoreCase(kv[0]) || kv.length != 2) {
            throw new ConfigException(name, "knows only the parameter starttls=required|optional|disabled");
          }
          if (ssl) {
            throw new ConfigException(name, "smtps:// is TLS already; starttls applies to smtp:// only");
          }
          startTls = switch (kv[1].toLowerCase(Locale.ROOT)) {
            case "required" -> StartTls.REQUIRED;
            case "optional" -> StartTls.OPTIONAL;
            case "disabled" -> StartTls.DISABLED;
            default -> throw new ConfigException(name, "starttls must be required, optional or disabled");
          };
        }
      }
      Optional<String> user = Optional.empty();
      Optional<String> password = Optional.empty();
      if (u.getRawUserInfo() != null) {
        String[] parts = u.getRawUserInfo().split(":", 2);
        user = Optional.of(decode(parts[0])).filter(s -> !s.isEmpty());
        password = parts.length == 2 ? Optional.of(decode(parts[1])) : Optional.empty();
        if (user.isEmpty()) {
          throw new ConfigException(name, "has a password but no user; " + example);
        }
      }
      int port = u.getPort() == -1 ? (ssl ? 465 : 25) : u.getPort();
      if (port < 1 || port > 65535) {
        throw new ConfigException(name, port + " is not a TCP port");
      }
      return Optional.of(new SmtpSettings(u.getHost(), port, ssl, startTls, user, password));
    }

    /** AGORA_MAIL_FROM: {@code agora@example.org} or {@code Agora <agora@example.org>}; by default agora@ the public host. */
    MailFrom mailFrom(String name, URI publicUrl) {
      Optional<String> v = optional(name);
      if (v.isEmpty()) {
        return new MailFrom("agora@" + publicUrl.getHost(), Optional.of("Agora"));
      }
      String text = v.get();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:\"?([^\"<>\\r\\n]*?)\"?\\s*)?<([^<>\\s]+)>").matcher(text);
      String address;
      Optional<String> display = Optional.empty();
      if (m.matches()) {
        address = m.group(2);
        display = Optional.ofNullable(m.group(1)).map(String::trim).filter(s -> !s.isEmpty());
      } else {
        address = text;
      }
      if (!address.matches("[^@\\s<>\"(),;:]+@[A-Za-z0-9.\\-]+") || address.length() > 254) {
        throw new ConfigException(name, "'" + text + "' is not an e-mail address, for example Agora <agora@example.org>");
      }
      return new MailFrom(address, display);
    }

    boolean bool(String name, boolean fallback) {
      String v = optional(name).orElse(null);
      if (v == null) {
        return fallback;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off" -> false;
        default -> throw new ConfigException(name, "'" + v + "' is not true or false");
      };
    }

    URI url(String name, String fallback) {
      String v = text(name, fallback);
      try {
        URI u = new URI(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
          throw new ConfigException(name, "'" + v + "' is not an http or https URL");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
          throw new ConfigException(name, "'" + v + "' must not have a query or fragment");
        }
        return u;
      } catch (URISyntaxException e) {
        throw new ConfigException(name, "'" + v + "' is not a URL");
      }
    }

    Locale locale(String name, String fallback) {
      String v = text(name, fallback);
      Locale l = Locale.forLanguageTag(v);
      if (SUPPORTED_LOCALES.stream().noneMatch(s -> s.getLanguage().equals(l.getLanguage()))) {
        throw new ConfigException(name, "'" + v + "' is not one of " + SUPPORTED_LOCALES);
      }
      return Locale.forLanguageTag(l.getLanguage());
    }

    ZoneId zone(String name, String fallback) {
      String v = text(name, fallback);
      try {
        return ZoneId.of(v);
      } catch (RuntimeException e) {
        throw new ConfigException(name, "'" + v + "' is not a time zone such as Europe/Paris");
      }
    }

    Optional<DatabaseSettings> database() {
      Optional<String> url = optional("AGORA_DATABASE_URL");
      Optional<String> host = optional("AGORA_DB_HOST");
      if (url.isPresent()) {
        return Optional.of(parseDatabaseUrl(url.get()));
      }
      if (host.isEmpty()) {
        return Optional.empty();
      }
      String because = "when AGORA_DB_HOST is set";
      return Optional.of(new DatabaseSettings(host.get(), port("AGORA_DB_PORT", 5432),
          required("AGORA_DB_NAME", because), required("AGORA_DB_USER", because),
          text("AGORA_DB_PASSWORD", "")));
    }

    private DatabaseSettings parseDatabaseUrl(String v) {
      String name = "AGORA_DATABASE_URL";
      String example = "expected postgresql://user:password@host:5432/database";
      try {
        URI u = new URI(v.startsWith("jdbc:") ? v.substring(5) : v);
        if (!("postgresql".equals(u.getScheme()) || "postgres".equals(u.getScheme()))
            || u.getHost() == null || u.getPath() == null || u.getPath().length() < 2) {
          throw new ConfigException(name, example);
        }
        String user = "";
        String password = text("AGORA_DB_PASSWORD", "");
        if (u.getRawUserInfo() != null) {
          String[] parts = u.getRawUserInfo().split(":", 2);
          user = decode(parts[0]);
          if (parts.length == 2) {
            password = decode(parts[1]);
          }
        }
        user = user.isEmpty() ? text("AGORA_DB_USER", "") : user;
        if (user.isEmpty()) {
          throw new ConfigException(name, "names no user; " + example + " or set AGORA_DB_USER");
        }
        return new DatabaseSettings(u.getHost(), u.getPort() == -1 ? 5432 : u.getPort(),
            u.getPath().substring(1), user, password);
      } catch (URISyntaxException e) {
        throw new ConfigException(name, example);
      }
    }

    private static String decode(String s) {
      return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    Optional<OidcSettings> oidc() {
      Optional<String> issuer = optional("AGORA_OIDC_ISSUER");
      if (issuer.isEmpty()) {
        return Optional.empty();
      }
      URI uri = url("AGORA_OIDC_ISSUER", issuer.get());
      String because = "when AGORA_OIDC_ISSUER is set";
      return Optional.of(new OidcSettings(uri, required("AGORA_OIDC_CLIENT_ID", because),
          required("AGORA_OIDC_CLIENT_SECRET", because)));
    }
  }
}
