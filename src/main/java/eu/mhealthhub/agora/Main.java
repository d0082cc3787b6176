package eu.mhealthhub.agora;

import eu.mhealthhub.agora.app.Agora;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Starts Agora from environment variables; {@code backup [file]} and {@code restore <file>} instead
 * back up or restore its database (see {@link eu.mhealthhub.agora.db.BackupCommand}), and {@code seed-archive}
 * fills it with a Hub-sized archive (see {@link eu.mhealthhub.agora.db.ArchiveCommand}). A bad variable stops the start with one line naming it
 * and exit code 2; SIGTERM or SIGINT drain requests, close everything and exit 0.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    AppConfig config;
    try {
      config = AppConfig.fromEnvironment(System.getenv());
    } catch (AppConfig.ConfigException e) {
      System.err.println("Agora cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (eu.mhealthhub.agora.db.ArchiveCommand.handles(args)) {
      System.exit(eu.mhealthhub.agora.db.ArchiveCommand.run(config, System.out, System.err));
      return;
    }
    if (eu.mhealthhub.agora.db.BackupCommand.handles(args)) {
      System.exit(eu.mhealthhub.agora.db.BackupCommand.run(args, config, System.out, System.err));
      return;
    }
    Agora agora;
    try {
      agora = Agora.start(config);
    } catch (RuntimeException e) {
      LOG.error("Agora did not start: {}", e.getMessage(), e);
      System.err.println("Agora cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    LOG.info(agora.summary());
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable shutdown = () -> {
      LOG.info("stopping: draining requests");
      try {
        agora.stop();
        LOG.info("stopped");
      } finally {
        stopped.countDown();
      }
    };
    // Handled as signals rather than a shutdown hook so that a clean stop exits 0, not 143.
    Signal.handle(new Signal("TERM"), s -> new Thread(shutdown, "agora-shutdown").start());
    Signal.handle(new Signal("INT"), s -> new Thread(shutdown, "agora-shutdown").start());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    System.exit(0);
  }
}
