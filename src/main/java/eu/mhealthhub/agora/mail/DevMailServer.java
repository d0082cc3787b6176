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
import java.util.Comparator;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

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
  /** The number of every message seen so far, by {@link #key}; guarded by {@code this}. */
  private final Map<String, Integer> numbers = new HashMap<>();

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

  /**
   * Every message received since the start, oldest first, numbered from 1. Blocking (it parses MIME).
   * A message keeps its number for the server's life: GreenMail lists its messages mailbox by mailbox, so a
   * message to an older mailbox would otherwise shift the numbers of everything received after it, and a
   * {@code /dev/mail/<n>} link shown a moment ago would open another message.
   */
  public List<Received> received() {
    List<Received> list = new ArrayList<>();
    numbered().forEach((number, m) -> list.add(read(number, m)));
    return list;
  }

  /** The n-th message (from 1), if there is one. Blocking. */
  public Optional<Received> received(int number) {
    return Optional.ofNullable(numbered().get(number)).map(m -> read(number, m));
  }

  /**
   * GreenMail's messages by number: those numbered before keep their number, and those seen for the first time are
   * numbered after them in the order they were received.
   */
  private synchronized SortedMap<Integer, MimeMessage> numbered() {
    SortedMap<Integer, MimeMessage> byNumber = new TreeMap<>();
    List<Map.Entry<String, MimeMessage>> unseen = new ArrayList<>();
    Map<String, Integer> occurrences = new HashMap<>();
    for (MimeMessage m : greenMail.getReceivedMessages()) {
      String base = key(m);
      String key = base + "#" + occurrences.merge(base, 1, Integer::sum);
      Integer number = numbers.get(key);
      if (number != null) {
        byNumber.put(number, m);
      } else {
        unseen.add(Map.entry(key, m));
      }
    }
    unseen.sort(Comparator.comparing(e -> receivedAt(e.getValue())));
    for (Map.Entry<String, MimeMessage> e : unseen) {
      int number = numbers.size() + 1;
      numbers.put(e.getKey(), number);
      byNumber.put(number, e.getValue());
    }
    return byNumber;
  }

  /** What identifies a received message: its Message-ID, recipients and arrival (one message may reach several mailboxes). */
  private static String key(MimeMessage m) {
    try {
      return m.getMessageID() + "\n" + String.join(",", addresses(m.getAllRecipients())) + "\n" + receivedAt(m);
    } catch (MessagingException e) {
      return "unreadable";
    }
  }

  private static Instant receivedAt(MimeMessage m) {
    try {
      return m.getReceivedDate() == null ? Instant.EPOCH : m.getReceivedDate().toInstant();
    } catch (MessagingException e) {
      return Instant.EPOCH;
    }
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
