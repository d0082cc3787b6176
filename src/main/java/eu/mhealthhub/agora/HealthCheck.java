package eu.mhealthhub.agora;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A container health probe that needs no shell, curl or wget: {@code java -cp <agora's classes>
 * eu.mhealthhub.agora.HealthCheck} asks this machine's Agora for {@code GET /health/ready} and exits
 * 0 when it answers 200, 1 otherwise (503 when the database is down or the node drains, no answer
 * within three seconds, nothing listening). The port is {@code AGORA_PORT} (default 8080), or the
 * first argument. The Jib image has no shell, and Jib cannot write a HEALTHCHECK, so
 * docker/compose.yaml runs this; it uses only java.base and loads none of Agora's other classes.
 */
public final class HealthCheck {

  private HealthCheck() {}

  public static void main(String[] args) {
    String port = args.length > 0 ? args[0] : System.getenv().getOrDefault("AGORA_PORT", "8080");
    int status = status(Integer.parseInt(port.trim()), 3000);
    if (status != 200) {
      System.err.println("GET /health/ready on port " + port + ": " + (status < 0 ? "no answer" : status));
    }
    System.exit(status == 200 ? 0 : 1);
  }

  /** The status of {@code GET /health/ready} on loopback, or -1 without a complete status line in time. */
  static int status(int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      OutputStream out = socket.getOutputStream();
      out.write("GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 200; c = in.read()) {
        line.append((char) c);
      }
      String[] parts = line.toString().trim().split(" ");
      return parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }
}
