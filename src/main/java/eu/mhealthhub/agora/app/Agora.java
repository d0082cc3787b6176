package eu.mhealthhub.agora.app;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.web.*;
import eu.mhealthhub.agora.Failures;

import eu.mhealthhub.agora.api.Idempotency;
import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.auth.DevSignIn;
import eu.mhealthhub.agora.auth.SignInProvider;
import eu.mhealthhub.agora.auth.SignInSessions;
import eu.mhealthhub.agora.auth.dev.DevOidcProvider;
import eu.mhealthhub.agora.db.Database;
import eu.mhealthhub.agora.db.EmbeddedDatabase;
import eu.mhealthhub.agora.db.Migrations;
import eu.mhealthhub.agora.demo.DemoContent;
import eu.mhealthhub.agora.demo.DemoDocuments;
import eu.mhealthhub.agora.demo.DemoSeeder;
import eu.mhealthhub.agora.attachment.Attachments;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.live.ChangeFeed;
import eu.mhealthhub.agora.thread.ReadTracker;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.NonEmptySessions;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.db.PostgresSessionStore;
import eu.mhealthhub.agora.web.UploadDirectory;
import eu.mhealthhub.agora.app.WebRouter;
import eu.mhealthhub.agora.app.WebVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.sstore.SessionStore;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Agora: database (embedded or configured), migrations, sign-in provider (development
 * or configured), demo content, HTTP verticles. {@link #start} blocks and must not run on an
 * event loop; {@link #stop} drains requests first and releases everything in reverse order.
 */
public final class Agora {

  private static final Logger LOG = LoggerFactory.getLogger(Agora.class);
  /** How often expired sessions are deleted from PostgreSQL. */
  private static final java.time.Duration SESSION_PURGE_INTERVAL = java.time.Duration.ofMinutes(1);
  /** How stale the stored expiry of a session no request changed may get (the idle timeout's precision). */
  private static final java.time.Duration SESSION_TOUCH_INTERVAL = java.time.Duration.ofMinutes(1);

  /** What unsubscribe links do in the moment between mail's start and its wiring to the preferences (nothing serves yet). */
  private static final eu.mhealthhub.agora.mail.Unsubscribe BEFORE_WIRING = (memberId, kind) ->
      Future.failedFuture(new IllegalStateException("unsubscribe before notifications were wired to mail"));

  private final Vertx vertx;
  private final Optional<EmbeddedDatabase> embedded;
  private final Database database;
  private final Optional<DevOidcProvider> devProvider;
  private final Services services;
  private final SessionStore sessions;
  private final String deploymentId;
  private final String summary;

  private Agora(Vertx vertx, Optional<EmbeddedDatabase> embedded, Database database,
      Optional<DevOidcProvider> devProvider, Services services, SessionStore sessions, String deploymentId,
      String summary) {
    this.vertx = vertx;
    this.embedded = embedded;
    this.database = database;
    this.devProvider = devProvider;
    this.services = services;
    this.sessions = sessions;
    this.deploymentId = deploymentId;
    this.summary = summary;
  }

  /** Starts Agora with the given configuration; blocking. */
  public static Agora start(AppConfig config) {
    return start(config, Clock.systemUTC(), router -> { });
  }

  /**
   * Starts Agora with an explicit clock; {@code extraRoutes} lets tests add routes that fail on
   * purpose. Blocking.
   */
  public static Agora start(AppConfig config, Clock clock, Consumer<Router> extraRoutes) {
    // where the start's time goes (issue 18 point 7), logged once ready: bench/start.sh reads it
    StartTimes times = new StartTimes();
    // The database (the embedded PostgreSQL's start, then the migrations) comes up on a thread of its own while
    // Vert.x, the sign-in provider and the templates start on this one: mostly waiting for PostgreSQL and the
    // disk there, mostly CPU here, so the start takes about as long as the longer of the two.
    java.util.concurrent.CompletableFuture<StartedDatabase> databaseStart = new java.util.concurrent.CompletableFuture<>();
    Thread starter = new Thread(() -> {
      try {
        databaseStart.complete(startDatabase(config));
      } catch (Throwable e) {
        databaseStart.completeExceptionally(e);
      }
    }, "agora-database-start");
    starter.setDaemon(true);
    starter.start();
    Optional<EmbeddedDatabase> embedded = Optional.empty();
    Vertx vertx = null;
    java.nio.file.Path uploads = null;
    SignInProvider signInProvider = null;
    eu.mhealthhub.agora.mail.Mail startedMail = null;
    try {
      eu.mhealthhub.agora.ops.Metrics metrics = eu.mhealthhub.agora.ops.Metrics.create(
          config.observability().metricsToken(), config.observability().node());
      vertx = config.cluster().isPresent() ? await(Cluster.start(config.cluster().get(), metrics))
          : Vertx.builder().with(metrics.vertxOptions(new io.vertx.core.VertxOptions())).withMetrics(metrics.factory()).withTracer(metrics.tracer()).build();
      vertx.exceptionHandler(eu.mhealthhub.agora.web.ErrorPages::unhandled);
      times.mark("vertx");
      // the templates compile on a thread of their own too (CPU), while the sign-in provider makes its keys
      I18n i18n = new I18n(config.defaultLocale());
      Pages pages = new Pages(vertx, i18n, config.oidc().isEmpty());
      java.util.concurrent.CompletableFuture<Long> templates = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        long t0 = System.nanoTime();
        pages.warm(WebRouter.TEMPLATES);
        pages.warm(eu.mhealthhub.agora.mail.MailRoutes.TEMPLATES);
        pages.warm(eu.mhealthhub.agora.talk.RegistrationRoutes.TEMPLATES);
        return (System.nanoTime() - t0) / 1_000_000;
      }, task -> {
        Thread t = new Thread(task, "agora-templates");
        t.setDaemon(true);
        t.start();
      });

      Optional<DevOidcProvider> dev = Optional.empty();
      SignInProvider provider;
      AppConfig effective = config;
      if (config.oidc().isPresent()) {
        AppConfig.OidcSettings oidc = config.oidc().get();
        provider = new SignInProvider(vertx, oidc.issuer(), oidc.clientId(), oidc.clientSecret(), false,
            config.oidcKeyRefresh(), clock);
      } else {
        String secret = eu.mhealthhub.agora.web.Tokens.random(32);
        DevOidcProvider devProvider = new DevOidcProvider(vertx,
            new DevOidcProvider.Client(DevSignIn.CLIENT_ID, secret, config.publicUrl() + "/auth/callback",
                config.publicUrl() + "/", config.publicUrl() + "/auth/backchannel-logout"),
            DemoContent.devIdentities(), clock);
        String issuer = await(devProvider.start(config.devOidcPort()));
        dev = Optional.of(devProvider);
        provider = new SignInProvider(vertx, URI.create(issuer), DevSignIn.CLIENT_ID, secret, true,
            config.oidcKeyRefresh(), clock);
        if (config.adminEmails().isEmpty() && config.adminClaim().isEmpty()) {
          effective = config.withAdminEmails(Set.of(DemoContent.ADMIN_EMAIL));
        }
      }
      // Agora starts whether or not the provider answers; sign-in waits for it (503) and retries
      await(provider.start());
      times.mark("sign-in provider");
      signInProvider = provider;

      StartedDatabase started = join(databaseStart);
      embedded = started.embedded();
      AppConfig.DatabaseSettings db = started.settings();
      times.mark("waiting for the database (" + started.times() + ")");
      Database database = new Database(vertx, db, config.databaseLimits());
      ChangeFeed changes = new ChangeFeed(database.pool(), vertx);
      MemberService members = new MemberService(database.pool());
      eu.mhealthhub.agora.notify.NotificationSubjects subjects = new eu.mhealthhub.agora.notify.NotificationSubjects();
      eu.mhealthhub.agora.notify.NotificationService notifications = new eu.mhealthhub.agora.notify.NotificationService(
          vertx, database.pool(), changes, subjects, members::find);
      GroupService groups = new GroupService(database.pool(), changes, notifications);
      Attachments attachments = new Attachments(vertx, database.pool(), effective.maxAttachmentBytes());
      ReadTracker reads = new ReadTracker(vertx, database.pool());
      eu.mhealthhub.agora.limits.RateLimits limits = new eu.mhealthhub.agora.limits.RateLimits(database.pool(), effective.rateLimits());
      ThreadService threads = new ThreadService(database.pool(), groups, attachments, reads, changes, notifications, limits);
      DocumentService documents = new DocumentService(vertx, database.pool(), groups, threads, changes, notifications);
      times.mark("services");
      if (effective.demoContent()) {
        // threads and posts through the thread service: mentions linked and recorded as for any post
        await(new DemoSeeder(database.pool(), clock, threads).seedOnce());
        // through the real service, so the demo documents obey the rules and announce themselves
        await(new DemoDocuments(database.pool(), members, groups, documents).seedOnce());
      }
      times.mark("demo content");
      uploads = UploadDirectory.create();
      SignInSessions signIns = new SignInSessions(vertx, database.pool(), changes, clock);
      TalkService talks = new TalkService(database.pool(), clock, groups, threads, changes, notifications, limits);
      NotificationAudiences.declare(subjects, groups, threads, documents, talks);
      NotificationAudiences.declareDecisions(subjects,
          new eu.mhealthhub.agora.moderation.DecisionService(database.pool(), groups, notifications));
      eu.mhealthhub.agora.declaration.DeclarationService declarations = new eu.mhealthhub.agora.declaration.DeclarationService(
          database.pool(), clock, notifications);
      NotificationAudiences.declareDeclarations(subjects, declarations);
      eu.mhealthhub.agora.mail.Mail mail = await(eu.mhealthhub.agora.mail.Mail.start(vertx, database.pool(), effective, i18n,
          pages, clock, eu.mhealthhub.agora.mail.Outbox.Settings.standard(), BEFORE_WIRING));
      startedMail = mail;
      eu.mhealthhub.agora.notify.NotificationMail notificationMail = eu.mhealthhub.agora.notify.NotificationMail.wire(vertx,
          database.pool(), notifications, mail, i18n, clock, effective.mail().delay(), effective.defaultTimeZone());
      notificationMail.start();
      // the fan-out worker starts only now that the mail listener is wired: a job fanned out before would have made
      // its notifications without their immediate e-mails (while Mail.start ran, a starting node claimed jobs of the
      // other nodes and dropped those mails)
      notifications.start();
      mail.startWorker();
      // registration for Talks mails through the outbox; the Talk service tells it of moves and closes
      talks.registrationsWith(new eu.mhealthhub.agora.talk.TalkRegistrations(database.pool(), clock, mail.outbox(),
          mail.composer(), i18n, limits));
      // every node keeps the set of suspended members in memory, so requests are checked without a round trip
      eu.mhealthhub.agora.moderation.SuspendedMembers suspended = new eu.mhealthhub.agora.moderation.SuspendedMembers(
          vertx, database.pool(), members::forget);
      await(suspended.start());
      eu.mhealthhub.agora.moderation.SuspensionService suspensions = new eu.mhealthhub.agora.moderation.SuspensionService(
          database.pool(), clock, suspended, signIns)
          .recordingDecisions(new eu.mhealthhub.agora.moderation.DecisionService(database.pool(), groups, notifications));
      // data exports are prepared by a worker on every node; retention prunes old rows on one node at a time
      eu.mhealthhub.agora.privacy.ExportService exports = new eu.mhealthhub.agora.privacy.ExportService(
          vertx, database.pool(), clock, notifications, effective.retention().get("exports"));
      NotificationAudiences.declareExports(subjects, exports);
      exports.start();
      // a sign-in is kept at least as long as its session can live (ViewerHandler checks it on every request)
      java.util.Map<String, java.time.Duration> retention = new java.util.HashMap<>(effective.retention());
      java.time.Duration longestSession = effective.sessionMaxAge().plusHours(1);
      retention.computeIfPresent("sign_ins", (k, d) -> d.compareTo(longestSession) < 0 ? longestSession : d);
      new eu.mhealthhub.agora.privacy.RetentionJob(database.pool(), clock, retention).schedule(vertx);
      // the style sheet, script bundle, logo and SockJS client: read, hashed and compressed once
      eu.mhealthhub.agora.web.Assets assets = eu.mhealthhub.agora.web.Assets.load(vertx);
      Services services = new Services(effective, database, provider, i18n, clock,
          members, groups, threads, documents, talks, attachments, changes,
          LiveAudiences.declareRounds(LiveAudiences.declare(members, groups, threads, documents, talks), members,
              new eu.mhealthhub.agora.rounds.RoundService(database.pool(), clock, groups, documents, changes, notifications)),
          new eu.mhealthhub.agora.live.Presence(vertx),
          reads, signIns, assets.version(), new AtomicBoolean(false), uploads, notifications, notificationMail, mail,
          suspended, suspensions, exports, metrics, assets);
      bindMetrics(metrics, services, vertx);
      // live events (pages away longer reload instead of replaying) and sign-ins are pruned by the
      // retention job (privacy/RetentionJob, AGORA_RETENTION), scheduled above
      // the yearly re-confirmation of declarations: checked daily, sent by one node at a time (advisory lock)
      vertx.setPeriodic(150_000, 86_400_000, id -> declarations.sendReminders()
          .onFailure(e -> LOG.warn("declaration reminders not sent: {}", e.getMessage())));
      // API idempotency keys are kept a day, as clients of Stripe-like APIs expect
      Idempotency keys = new Idempotency(vertx, database.pool());
      vertx.setPeriodic(90_000, 3_600_000, id -> keys.prune()
          .onFailure(e -> LOG.warn("idempotency keys not pruned: {}", e.getMessage())));
      vertx.setPeriodic(120_000, 3_600_000, id -> limits.forgetIdle()
          .onFailure(e -> LOG.warn("rate-limit buckets not pruned: {}", e.getMessage())));
      times.mark("mail, workers, assets");
      // sessions live in the cluster when there is one, so any node serves any member; a single
      // node keeps them in PostgreSQL, so a restart signs nobody out
      SessionStore sessions = config.cluster().isPresent()
          ? new NonEmptySessions(io.vertx.ext.web.sstore.ClusteredSessionStore.create(vertx))
          : new PostgresSessionStore(vertx, database.pool(), SESSION_PURGE_INTERVAL, SESSION_TOUCH_INTERVAL);
      int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
      long compiled = templates.join();
      times.mark("waiting for the templates (" + compiled + " ms)");
      String deploymentId = await(vertx.deployVerticle(
          () -> new WebVerticle(services, pages, sessions, extraRoutes),
          new DeploymentOptions().setInstances(instances)));

      times.mark("http");
      LOG.info("started in {} ms since the JVM's start: {}", java.lang.management.ManagementFactory.getRuntimeMXBean()
          .getUptime(), times);
      String summary = "Agora listening on port " + effective.port() + " at " + effective.host() + " (" + effective.publicUrl() + ")"
          + "; database " + (embedded.isPresent() ? "embedded PostgreSQL in " + effective.dataDirectory()
              .resolve("postgres").toAbsolutePath() + " on port " + db.port() : db.host() + ":" + db.port() + "/" + db.name())
          + "; sign-in " + (provider.development() ? "DEVELOPMENT provider at " + provider.issuer() : provider.issuer())
          + (provider.isReady() ? "" : " (UNREACHABLE: " + provider.problem() + "; sign-in answers 503 and retries)")
          + "; mail via " + mail.transport()
          + (effective.demoContent() ? "; demo content on" : "")
          + effective.cluster().map(c -> "; cluster node " + hostPort(c.host(), c.port()) + " (cluster name "
              + c.name() + ") joining " + c.members()).orElse("");
      return new Agora(vertx, embedded, database, dev, services, sessions, deploymentId, summary);
    } catch (RuntimeException e) {
      if (uploads != null) {
        UploadDirectory.delete(uploads);
      }
      if (signInProvider != null) {
        signInProvider.close();
      }
      if (vertx != null) {
        vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> null).join();
      }
      if (startedMail != null) {
        startedMail.stopServer();
      }
      closeDatabase(databaseStart);
      throw e;
    }
  }

  /**
   * Applies the migrations; a database that cannot be reached or refuses the credentials fails the
   * start with one line naming its address.
   */
  /** Agora's own figures beside Vert.x's and the JVM's: live events, bridge sockets, the mail outbox's backlog. */
  private static void bindMetrics(eu.mhealthhub.agora.ops.Metrics metrics, Services services, Vertx vertx) {
    eu.mhealthhub.agora.live.LiveStats live = services.changes().stats();
    metrics.counter("agora.live.events.published", "live events published after their transaction committed",
        live, eu.mhealthhub.agora.live.LiveStats::published);
    metrics.counter("agora.live.events.delivered", "live events delivered to bridge sockets (once per socket)",
        live, eu.mhealthhub.agora.live.LiveStats::delivered);
    metrics.gauge("agora.live.sockets", "bridge sockets open on this node", live::openSockets);
    metrics.counter("agora.live.events.held.back", "live events the resequencer held back until the one before arrived",
        live, eu.mhealthhub.agora.live.LiveStats::heldBack);
    metrics.counter("agora.live.events.fetched", "live events the resequencer read from the log to fill a gap",
        live, eu.mhealthhub.agora.live.LiveStats::fetched);
    metrics.counter("agora.live.gaps.skipped", "gaps in live events the log could not fill (pages caught up themselves)",
        live, eu.mhealthhub.agora.live.LiveStats::skipped);
    metrics.counter("agora.live.events.dropped", "announcements of live events already sent, dropped",
        live, eu.mhealthhub.agora.live.LiveStats::dropped);
    metrics.counter("agora.live.sockets.stalled", "bridge sockets closed because they stopped reading",
        live, eu.mhealthhub.agora.live.LiveStats::stalled);
    // the outbox's backlog is a query: read every 15 s, not per scrape
    java.util.concurrent.atomic.AtomicReference<eu.mhealthhub.agora.mail.Outbox.Backlog> backlog =
        new java.util.concurrent.atomic.AtomicReference<>(new eu.mhealthhub.agora.mail.Outbox.Backlog(0, 0));
    Runnable read = () -> services.mail().outbox().backlog().onSuccess(backlog::set);
    read.run();
    vertx.setPeriodic(15_000, id -> read.run());
    metrics.gauge("agora.mail.outbox.due", "messages due and not yet sent", () -> backlog.get().due());
    metrics.gauge("agora.mail.outbox.oldest.seconds", "how long the oldest due message has waited",
        () -> backlog.get().oldestSeconds());
  }

  private static void migrate(AppConfig.DatabaseSettings db, boolean embedded) {
    try {
      Migrations.apply(db);
    } catch (RuntimeException e) {
      String where = "database at " + db.host() + ":" + db.port() + "/" + db.name();
      String all = Failures.chain(e);
      String origin = embedded ? "" : " (AGORA_DATABASE_URL or AGORA_DB_*)";
      if (Failures.has(e, java.net.ConnectException.class) || all.contains("Connection refused")
          || Failures.has(e, java.net.UnknownHostException.class) || Failures.has(e, java.net.SocketTimeoutException.class)) {
        throw new IllegalStateException(where + " unreachable" + origin + ": " + Failures.root(e), e);
      }
      if (all.contains("password authentication failed") || all.contains("no password was provided")
          || java.util.regex.Pattern.compile("(role|database) \"[^\"]*\" does not exist").matcher(all).find()) {
        throw new IllegalStateException(where + " refused user '" + db.user() + "'" + origin + ": " + Failures.root(e), e);
      }
      throw new IllegalStateException(where + ": migrations failed: " + Failures.root(e), e);
    }
  }

  /** The database a start uses: the embedded one it started, if any, and its address, migrated. */
  private record StartedDatabase(Optional<EmbeddedDatabase> embedded, AppConfig.DatabaseSettings settings, String times) {}

  /** Starts the embedded PostgreSQL unless a database is configured, then applies the migrations. Blocking. */
  private static StartedDatabase startDatabase(AppConfig config) {
    StartTimes times = new StartTimes();
    Optional<EmbeddedDatabase> embedded = config.database().isPresent()
        ? Optional.empty()
        : Optional.of(EmbeddedDatabase.start(config.dataDirectory().resolve("postgres"), config.embeddedPostgres()));
    AppConfig.DatabaseSettings db = config.database().orElseGet(() -> embedded.get().settings());
    times.mark("database");
    try {
      migrate(db, embedded.isPresent());
    } catch (RuntimeException e) {
      embedded.ifPresent(EmbeddedDatabase::close);
      throw e;
    }
    times.mark("migrations");
    return new StartedDatabase(embedded, db, times.toString());
  }

  /** The started database, or the start's own failure (its message names what went wrong). */
  private static StartedDatabase join(java.util.concurrent.CompletableFuture<StartedDatabase> start) {
    try {
      return start.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** After a failed start: waits for the database's start and closes the embedded PostgreSQL it started. */
  private static void closeDatabase(java.util.concurrent.CompletableFuture<StartedDatabase> start) {
    try {
      start.join().embedded().ifPresent(EmbeddedDatabase::close);
    } catch (RuntimeException e) {
      // its start failed too: nothing was left running (startDatabase closes what it started)
    }
  }

  /** How long each step of the start took, in order. */
  private static final class StartTimes {
    private final StringBuilder steps = new StringBuilder();
    private long last = System.nanoTime();

    void mark(String step) {
      long now = System.nanoTime();
      steps.append(steps.length() == 0 ? "" : ", ").append(step).append(' ').append((now - last) / 1_000_000).append(" ms");
      last = now;
    }

    @Override
    public String toString() {
      return steps.toString();
    }
  }

  /** One line saying what started where. */
  public String summary() {
    return summary;
  }

  public Services services() {
    return services;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** Where this node keeps sessions: the cluster, or PostgreSQL for a single node. */
  public SessionStore sessions() {
    return sessions;
  }

  /**
   * Stops accepting requests, lets in-flight ones finish (up to the verticle's grace period), then
   * closes the pool, the development provider, Vert.x and the embedded database. Blocking.
   */
  public void stop() {
    services.draining().set(true);
    try {
      // the sends in flight finish while the pool is open; rows still queued (some written by the
      // requests now draining) wait for another node or the next start
      await(services.mail().stopWorker());
    } catch (RuntimeException e) {
      LOG.warn("mail worker did not stop cleanly", e);
    }
    try {
      await(vertx.undeploy(deploymentId));
    } catch (RuntimeException e) {
      LOG.warn("HTTP did not stop cleanly", e);
    }
    try {
      services.provider().close();
      services.notifications().stop();
      services.exports().stop();
      services.suspended().stop();
      await(services.reads().stop());
      sessions.close();
      await(database.close());
      devProvider.ifPresent(p -> await(p.stop()));
      await(vertx.close());
      services.mail().stopServer();
    } finally {
      try {
        UploadDirectory.delete(services.uploadDirectory());
      } catch (RuntimeException e) {
        LOG.warn("uploads directory not deleted: {}", e.getMessage());
      }
      embedded.ifPresent(EmbeddedDatabase::close);
    }
  }

  private static String hostPort(String host, int port) {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("timed out", e);
    }
  }
}
