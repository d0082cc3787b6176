package eu.mhealthhub.agora.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP forwarder on loopback that a test can break in the ways a network breaks a database:
 * {@link #cut} (connections closed, new ones refused) and {@link #stall} (connections accepted,
 * never answered). {@link #restore} forwards again on the same port.
 */
public final class TcpProxy implements AutoCloseable {

  private enum Mode { FORWARD, STALL }

  private final String targetHost;
  private final int targetPort;
  private final int port;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private volatile Mode mode = Mode.FORWARD;
  private final AtomicLong roundTrips = new AtomicLong();

  public TcpProxy(String targetHost, int targetPort) {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.port = TestApp.freePort();
    listen();
  }

  public int port() {
    return port;
  }

  /**
   * How many round trips PostgreSQL clients have made through this proxy so far: every Sync of the
   * extended protocol and every simple Query ends one (the server answers each with ReadyForQuery).
   * Assumes unencrypted connections, as the tests' embedded PostgreSQL has.
   */
  public long roundTrips() {
    return roundTrips.get();
  }

  /** Closes every connection and stops listening: the database looks gone, connecting is refused. */
  public synchronized void cut() {
    closeListener();
    closeSockets();
  }

  /** Closes every connection; new ones are accepted and then hear nothing: a database that cannot answer. */
  public synchronized void stall() {
    mode = Mode.STALL;
    closeSockets();
  }

  /** Forwards again, on the same port; connections opened while broken are closed first. */
  public synchronized void restore() {
    closeSockets();
    mode = Mode.FORWARD;
    if (server == null) {
      listen();
    }
  }

  private void listen() {
    try {
      ServerSocket s = new ServerSocket();
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = s;
      Thread acceptor = new Thread(() -> accept(s), "tcp-proxy-accept-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        sockets.add(client);
        if (mode != Mode.FORWARD) {
          continue;
        }
        Socket upstream = new Socket(targetHost, targetPort);
        sockets.add(upstream);
        pump(client, upstream, new PgFrontendCounter(roundTrips));
        pump(upstream, client, null);
      } catch (IOException e) {
        // closed by cut() or close(), or the target refused: the client's connection fails
      }
    }
  }

  private void pump(Socket from, Socket to, PgFrontendCounter counter) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
          if (counter != null) {
            counter.read(buffer, n);
          }
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side closed
      } finally {
        close(from);
        close(to);
      }
    }, "tcp-proxy-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void closeListener() {
    ServerSocket s = server;
    server = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }

  private void closeSockets() {
    for (Socket s : sockets) {
      close(s);
    }
  }

  private void close(Socket s) {
    sockets.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public synchronized void close() {
    closeListener();
    closeSockets();
  }

  /**
   * Follows the messages a PostgreSQL client sends: first untyped ones (an SSL request, then the
   * startup message), then typed ones (a type byte and a length that counts itself).
   */
  private static final class PgFrontendCounter {
    private final AtomicLong roundTrips;
    private boolean started;
    /** Bytes of the current message's header read so far, and the header. */
    private int headerRead;
    private final byte[] header = new byte[8];
    /** Bytes of the current message's body still to skip. */
    private long toSkip;

    PgFrontendCounter(AtomicLong roundTrips) {
      this.roundTrips = roundTrips;
    }

    void read(byte[] bytes, int n) {
      int i = 0;
      while (i < n) {
        if (toSkip > 0) {
          int skip = (int) Math.min(toSkip, n - i);
          toSkip -= skip;
          i += skip;
          continue;
        }
        int headerSize = started ? 5 : 8;
        header[headerRead++] = bytes[i++];
        if (headerRead < headerSize) {
          continue;
        }
        headerRead = 0;
        if (started) {
          if (header[0] == 'S' || header[0] == 'Q') {
            roundTrips.incrementAndGet();
          }
          toSkip = intAt(1) - 4;
        } else {
          // 80877103: the SSL request, answered by one byte; the startup message follows, untyped too
          started = intAt(4) != 80877103;
          toSkip = intAt(0) - 8;
        }
      }
    }

    private long intAt(int at) {
      return ((header[at] & 0xffL) << 24) | ((header[at + 1] & 0xff) << 16) | ((header[at + 2] & 0xff) << 8)
          | (header[at + 3] & 0xff);
    }
  }
}
