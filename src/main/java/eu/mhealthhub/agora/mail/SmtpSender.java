package eu.mhealthhub.agora.mail;

import eu.mhealthhub.agora.AppConfig.MailFrom;
import eu.mhealthhub.agora.AppConfig.SmtpSettings;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.SMTPException;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;

/**
 * Hands one outbox row to the SMTP server with the Vert.x Mail client, one recipient per message,
 * and says whether a failure is worth trying again.
 */
final class SmtpSender {

  /** How long connecting and each SMTP reply may take before the attempt counts as a temporary failure. */
  static final int TIMEOUT_SECONDS = 30;

  private final MailClient client;
  private final MailFrom from;
  private final String description;

  SmtpSender(Vertx vertx, SmtpSettings smtp, MailFrom from, String ownHostname) {
    MailConfig config = new MailConfig()
        .setHostname(smtp.host())
        .setPort(smtp.port())
        .setSsl(smtp.ssl())
        .setStarttls(switch (smtp.startTls()) {
          case REQUIRED -> StartTLSOptions.REQUIRED;
          case OPTIONAL -> StartTLSOptions.OPTIONAL;
          case DISABLED -> StartTLSOptions.DISABLED;
        })
        .setLogin(smtp.user().isPresent() ? LoginOption.REQUIRED : LoginOption.DISABLED)
        .setOwnHostname(ownHostname)
        .setKeepAlive(true)
        .setMaxPoolSize(4)
        .setAllowRcptErrors(false)
        .setConnectTimeout(TIMEOUT_SECONDS * 1000)
        .setIdleTimeout(TIMEOUT_SECONDS)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    // the server's certificate must name the host in AGORA_SMTP_URL
    config.setHostnameVerificationAlgorithm("HTTPS");
    smtp.user().ifPresent(config::setUsername);
    smtp.password().ifPresent(config::setPassword);
    this.client = MailClient.create(vertx, config);
    this.from = from;
    this.description = smtp.toString();
  }

  /** Sends the row's message; fails with the client's failure (see {@link #permanent}). */
  Future<Void> send(OutboxEntry entry) {
    io.vertx.ext.mail.MailMessage message = new io.vertx.ext.mail.MailMessage()
        .setFrom(from.header())
        .setTo(entry.recipient())
        .setSubject(entry.subject())
        .setText(entry.text())
        .setHtml(entry.html());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    headers.set("Message-ID", entry.messageId());
    entry.headers().forEach(headers::set);
    message.setHeaders(headers);
    return client.sendMail(message).mapEmpty();
  }

  /**
   * Whether trying again cannot help: the server answered with a 5xx reply (a refused recipient,
   * a refused sender, a message it will not take). Connection problems, timeouts and 4xx replies
   * are temporary.
   */
  static boolean permanent(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SMTPException smtp) {
        return smtp.isPermanent();
      }
    }
    return false;
  }

  /** One line for the admin page: the server's reply, or what went wrong on the way. */
  static String describe(Throwable failure) {
    String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    text = text.replaceAll("[\\r\\n]+", " ").trim();
    return text.length() > 500 ? text.substring(0, 500) : text;
  }

  String description() {
    return description;
  }

  Future<Void> close() {
    return client.close();
  }
}
