package eu.mhealthhub.agora.support;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Copies what the process writes to stderr while a test runs: Logback's console appender looks {@code System.err}
 * up at every line, so the apps a test starts in this JVM log into the copy too.
 */
public final class StderrCapture {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();

  private StderrCapture() {}

  public static StderrCapture start() {
    StderrCapture c = new StderrCapture();
    OutputStream tee = new OutputStream() {
      @Override
      public void write(int b) {
        synchronized (c.copy) {
          c.original.write(b);
          c.copy.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        synchronized (c.copy) {
          c.original.write(b, off, len);
          c.copy.write(b, off, len);
        }
      }
    };
    System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    return c;
  }

  /** Puts the original stderr back. */
  public void stop() {
    System.err.flush();
    System.setErr(original);
  }

  public List<String> lines() {
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** Lines that are errors or parts of a stack trace. */
  public List<String> errors() {
    return lines().stream().filter(l -> l.contains(" ERROR ") || l.matches("\\s+at .*")
        || l.matches("[\\w.$]+(Exception|Error)\\b.*")).toList();
  }
}
