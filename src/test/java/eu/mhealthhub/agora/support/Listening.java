package eu.mhealthhub.agora.support;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Who listens where on this machine: by connecting, and by reading the kernel's socket table. */
public final class Listening {

  private Listening() {}

  /** An IPv4 address of this machine that is not loopback, if it has one. */
  public static Optional<InetAddress> otherLocalAddress() {
    try {
      for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!ni.isUp() || ni.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return Optional.of(a);
          }
        }
      }
      return Optional.empty();
    } catch (SocketException e) {
      return Optional.empty();
    }
  }

  /** True when a TCP connection to the address and port is accepted within a second. */
  public static boolean accepts(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The local addresses of the listening TCP sockets on this port ("0.0.0.0" and "::" for every
   * interface), read from Linux's /proc/net/tcp and tcp6; empty where those do not exist.
   */
  public static Optional<Set<String>> boundAddresses(int port) {
    Path tcp = Path.of("/proc/net/tcp");
    Path tcp6 = Path.of("/proc/net/tcp6");
    if (!Files.isReadable(tcp)) {
      return Optional.empty();
    }
    Set<String> found = new HashSet<>();
    try {
      read(Files.readAllLines(tcp), port, found);
      if (Files.isReadable(tcp6)) {
        read(Files.readAllLines(tcp6), port, found);
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  private static void read(List<String> lines, int port, Set<String> found) throws IOException {
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !"0A".equals(f[3])) {
        continue; // not LISTEN
      }
      String[] local = f[1].split(":");
      if (Integer.parseInt(local[1], 16) != port) {
        continue;
      }
      found.add(decode(local[0]));
    }
  }

  /** /proc prints addresses as host-order 32-bit words in hex. */
  private static String decode(String hex) throws IOException {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = word * 8 + (3 - i) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    InetAddress a = InetAddress.getByAddress(bytes);
    String text = a.getHostAddress();
    return a.isAnyLocalAddress() ? (bytes.length == 4 ? "0.0.0.0" : "::") : text;
  }
}
