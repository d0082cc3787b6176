package eu.mhealthhub.agora.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import eu.mhealthhub.agora.AppConfig.SmtpSettings;
import eu.mhealthhub.agora.AppConfig.StartTls;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;

/**
 * The SMTP server Agora runs inside itself when AGORA_SMTP_URL is not set (the one-command start):
 * GreenMail on loopback, on a free port. Agora sends to it exactly as to a real server, and
 * {@code /dev/mail} shows what it received. Nothing leaves the machine; what it holds is kept in
 * memory and gone at the next start.
 */
public final class DevMailServer {

  /** One received message as {@code /dev/mail} shows it. */
  public record Received(int number, String from, String to, String subject, Instant date, List<HeaderLine> headers,
      String text, String html) {}

  /** A header line as received (values are shown escaped). */
  public record HeaderLine(String name, String value) {}

  private final GreenMail greenMail;

  private DevMailServer(GreenMail greenMail) {
    this.greenMail = greenMail;
  }

  /** Starts the server on 127.0.0.1 and a free port; blocking, so call it before deploying. */
  public static DevMailServer start() {
    GreenMail mail = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
    mail.start();
    return new DevMailServer(mail);
  }

  /** Where Agora sends: plain SMTP on loopback, no login. */
  public SmtpSettings settings() {
    return new SmtpSettings("127.0.0.1", port(), false, StartTls.DISABLED, Optional.empty(), Optional.empty());
  }

  public int port() {
    return greenMail.getSmtp().getPort();
  }

  /** Every message received since the start, oldest first, numbered from 1. Blocking (it parses MIME). */
  public List<Received> received() {
    MimeMessage[] messages = greenMail.getReceivedMessages();
    List<Received> list = new ArrayList<>(messages.length);
    for (int i = 0; i < messages.length; i++) {
      list.add(read(i + 1, messages[i]));
    }
    return list;
  }

  /** The n-th message (from 1), if there is one. Blocking. */
  public Optional<Received> received(int number) {
    MimeMessage[] messages = greenMail.getReceivedMessages();
    return number < 1 || number > messages.length ? Optional.empty() : Optional.of(read(number, messages[number - 1]));
  }

  public void stop() {
    greenMail.stop();
  }

  private static Received read(int number, MimeMessage m) {
    try {
      List<HeaderLine> headers = new ArrayList<>();
      Enumeration<Header> all = m.getAllHeaders();
      while (all.hasMoreElements()) {
        Header h = all.nextElement();
        headers.add(new HeaderLine(h.getName(), jakarta.mail.internet.MimeUtility.unfold(h.getValue())));
      }
      String[] parts = {"", ""};
      collect(m, parts);
      return new Received(number, String.join(", ", addresses(m.getFrom())),
          String.join(", ", addresses(m.getRecipients(Message.RecipientType.TO))), Optional.ofNullable(m.getSubject()).orElse(""),
          m.getSentDate() == null ? null : m.getSentDate().toInstant(), headers, parts[0], parts[1]);
    } catch (MessagingException | IOException e) {
      throw new IllegalStateException("received message " + number + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<String> addresses(jakarta.mail.Address[] list) {
    List<String> out = new ArrayList<>();
    if (list != null) {
      for (jakarta.mail.Address a : list) {
        out.add(a.toString());
      }
    }
    return out;
  }

  /** The first text/plain and text/html parts, however the message nests them. */
  private static void collect(Part part, String[] parts) throws MessagingException, IOException {
    if (part.isMimeType("text/plain") && parts[0].isEmpty()) {
      parts[0] = String.valueOf(part.getContent());
    } else if (part.isMimeType("text/html") && parts[1].isEmpty()) {
      parts[1] = String.valueOf(part.getContent());
    } else if (part.isMimeType("multipart/*")) {
      Multipart multipart = (Multipart) part.getContent();
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        collect(body, parts);
      }
    }
  }
}
