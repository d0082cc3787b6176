package eu.mhealthhub.agora.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small SMTP server on loopback that answers what a test tells it to: GreenMail accepts every
 * recipient, and a test of refused recipients needs a server that refuses some. It speaks real
 * SMTP over TCP (EHLO, MAIL, RCPT, DATA with dot-stuffing, RSET, NOOP, QUIT), so the client under
 * test runs its whole dialogue; recipients listed in {@code rcptReplies} get that reply, every
 * other one is accepted and its message kept.
 */
public final class ScriptedSmtp implements AutoCloseable {

  /** A message the server accepted: its recipients and its raw text. */
  public record Accepted(List<String> recipients, String data) {}

  private final ServerSocket server;
  private final Map<String, String> rcptReplies = new ConcurrentHashMap<>();
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private ScriptedSmtp(ServerSocket server) {
    this.server = server;
    this.acceptor = new Thread(this::acceptLoop, "scripted-smtp");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  public static ScriptedSmtp start() {
    try {
      return new ScriptedSmtp(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** RCPT TO this address (case-insensitive) answers {@code reply}, e.g. "550 5.1.1 No such user". */
  public ScriptedSmtp replyToRecipient(String address, String reply) {
    rcptReplies.put(address.toLowerCase(java.util.Locale.ROOT), reply);
    return this;
  }

  public int port() {
    return server.getLocalPort();
  }

  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> session(s), "scripted-smtp-session");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void session(Socket socket) {
    try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
         OutputStream out = socket.getOutputStream()) {
      reply(out, "220 scripted.test ESMTP");
      List<String> recipients = new CopyOnWriteArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(java.util.Locale.ROOT);
        if (upper.startsWith("EHLO")) {
          reply(out, "250-scripted.test\r\n250 8BITMIME");
        } else if (upper.startsWith("HELO")) {
          reply(out, "250 scripted.test");
        } else if (upper.startsWith("MAIL FROM")) {
          recipients.clear();
          reply(out, "250 2.1.0 OK");
        } else if (upper.startsWith("RCPT TO")) {
          String address = line.substring(line.indexOf('<') + 1, line.indexOf('>')).toLowerCase(java.util.Locale.ROOT);
          String scripted = rcptReplies.get(address);
          if (scripted == null) {
            recipients.add(address);
            reply(out, "250 2.1.5 OK");
          } else {
            reply(out, scripted);
          }
        } else if (upper.equals("DATA")) {
          reply(out, "354 go ahead");
          StringBuilder data = new StringBuilder();
          while ((line = in.readLine()) != null && !line.equals(".")) {
            data.append(line.startsWith("..") ? line.substring(1) : line).append("\r\n");
          }
          accepted.add(new Accepted(List.copyOf(recipients), data.toString()));
          reply(out, "250 2.0.0 queued");
        } else if (upper.startsWith("RSET") || upper.startsWith("NOOP")) {
          reply(out, "250 OK");
        } else if (upper.startsWith("QUIT")) {
          reply(out, "221 bye");
          return;
        } else {
          reply(out, "502 5.5.2 not implemented");
        }
      }
    } catch (IOException e) {
      // the client went away
    }
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
  }
}
