package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.StderrCapture;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away in the middle of its request (a closed tab, a lost connection during an
 * upload) is nobody's error: the server logs it at debug level, keeps nothing of it, and carries on.
 */
class DroppedConnectionsTest {

  private final TestApp app = TestApp.shared();

  @Test
  @DisplayName("an upload aborted halfway and a form dropped halfway log no error, store nothing and leave no file")
  void abortedUploads() throws Exception {
    Browser member = new Browser();
    String slug = Fixtures.unique("dropped");
    Fixtures.member(Fixtures.group(slug, false, true),
        app.signInNew(member, "Dora Dropped", Fixtures.unique("dora") + "@example.org"), "member");
    Response form = member.get(app.url("/groups/" + slug + "/threads/new"));
    assertEquals(200, form.status());
    String csrf = form.inputValue("_csrf");
    String cookie = "agora_session=" + member.cookie("localhost", "agora_session");
    long threadsBefore = TestDatabase.count("SELECT count(*) FROM threads");
    Path uploads = Path.of(System.getProperty("java.io.tmpdir"), "agora-uploads");
    long filesBefore = files(uploads);

    StderrCapture log = StderrCapture.start();
    try {
      String boundary = "----Dropped";
      String fields = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + csrf + "\r\n"
          + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nNever finished\r\n"
          + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nHalf an upload\r\n"
          + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\n"
          + "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n";
      abortAfter("POST /groups/" + slug + "/threads HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie + "\r\n"
          + "Content-Type: multipart/form-data; boundary=" + boundary + "\r\nContent-Length: 5000000\r\n\r\n" + fields,
          300_000);
      abortAfter("POST /groups HTTP/1.1\r\nHost: localhost\r\nCookie: " + cookie + "\r\n"
          + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 200000\r\n\r\n_csrf=" + csrf + "&name=",
          100_000);
      Thread.sleep(1_500);
      // the server is still fine
      assertEquals(200, member.get(app.url("/groups/" + slug)).status());
    } finally {
      log.stop();
    }
    assertEquals(List.of(), log.errors(), "no error logged for a client that went away");
    assertEquals(threadsBefore, TestDatabase.count("SELECT count(*) FROM threads"), "nothing stored");
    assertTrue(files(uploads) <= filesBefore, "the half-written upload was deleted");
  }

  /** Sends the head and the start of a body, then as many filler bytes, then resets the connection. */
  private void abortAfter(String start, int filler) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", app.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(start.getBytes(StandardCharsets.UTF_8));
      byte[] chunk = new byte[10_000];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int sent = 0; sent < filler; sent += chunk.length) {
        out.write(chunk);
      }
      out.flush();
      sleepQuietly(300);
      socket.setSoLinger(true, 0);
    }
  }

  private static long files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.count();
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
