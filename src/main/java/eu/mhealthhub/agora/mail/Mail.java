package eu.mhealthhub.agora.mail;

import eu.mhealthhub.agora.AppConfig;
import eu.mhealthhub.agora.AppConfig.SmtpSettings;
import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * E-mail for the rest of Agora: the {@link MailComposer} that writes messages, the {@link Outbox}
 * that records and sends them, the unsubscribe links and the {@link Unsubscribe} they call, and,
 * with no AGORA_SMTP_URL, the loopback {@link DevMailServer} that receives them.
 */
public final class Mail {

  private final Outbox outbox;
  private final MailComposer composer;
  private final UnsubscribeTokens tokens;
  private final Optional<DevMailServer> devServer;
  private final String transport;
  private final AtomicReference<Unsubscribe> unsubscribe;

  private Mail(Outbox outbox, MailComposer composer, UnsubscribeTokens tokens, Optional<DevMailServer> devServer,
      String transport, Unsubscribe unsubscribe) {
    this.outbox = outbox;
    this.composer = composer;
    this.tokens = tokens;
    this.devServer = devServer;
    this.transport = transport;
    this.unsubscribe = new AtomicReference<>(unsubscribe);
  }

  /**
   * Starts e-mail: the loopback server when no SMTP server is configured (blocking: call it off the
   * event loop, before deploying), the unsubscribe key (made once per database), the composer and
   * the outbox. The worker is started by {@link #startWorker}.
   *
   * @param unsubscribe what unsubscribe links do until {@link #unsubscribeWith} says otherwise
   */
  public static Future<Mail> start(Vertx vertx, Pool pool, AppConfig config, I18n i18n, Pages pages, Clock clock,
      Outbox.Settings settings, Unsubscribe unsubscribe) {
    Optional<DevMailServer> dev = config.mail().smtp().isPresent() ? Optional.empty() : Optional.of(DevMailServer.start());
    SmtpSettings smtp = config.mail().smtp().orElseGet(() -> dev.get().settings());
    SmtpSender sender = new SmtpSender(vertx, smtp, config.mail().from(), config.publicUrl().getHost());
    byte[] candidate = new byte[32];
    new SecureRandom().nextBytes(candidate);
    return new MailRepository().serverKey(pool, UnsubscribeTokens.PURPOSE, candidate)
        .map(key -> {
          UnsubscribeTokens tokens = new UnsubscribeTokens(key);
          MailComposer composer = new MailComposer(config.publicUrl(), i18n, pages, tokens, Optional.empty());
          Outbox outbox = new Outbox(vertx, pool, sender, clock, settings);
          String transport = dev.map(d -> "loopback SMTP server 127.0.0.1:" + d.port()
              + " inside Agora (mail does NOT leave this machine; set AGORA_SMTP_URL)").orElse(sender.description());
          return new Mail(outbox, composer, tokens, dev, transport, unsubscribe);
        })
        .onFailure(e -> dev.ifPresent(DevMailServer::stop));
  }

  public Outbox outbox() {
    return outbox;
  }

  public MailComposer composer() {
    return composer;
  }

  public UnsubscribeTokens tokens() {
    return tokens;
  }

  /** The loopback server, when mail does not leave the machine. */
  public Optional<DevMailServer> devServer() {
    return devServer;
  }

  /** Where mail goes, for the start line and the admin page (never a password). */
  public String transport() {
    return transport;
  }

  /** Sets what unsubscribe links do (the notification preferences). */
  public void unsubscribeWith(Unsubscribe implementation) {
    unsubscribe.set(Objects.requireNonNull(implementation));
  }

  /** What unsubscribe links do now. */
  public Unsubscribe unsubscribe() {
    return unsubscribe.get();
  }

  public void startWorker() {
    outbox.start();
  }

  /** Stops the worker after the sends in flight finish; queued rows wait for the next start (on any node). */
  public Future<Void> stopWorker() {
    return outbox.stop();
  }

  /** Stops the loopback server, if there is one; blocking. */
  public void stopServer() {
    devServer.ifPresent(DevMailServer::stop);
  }
}
