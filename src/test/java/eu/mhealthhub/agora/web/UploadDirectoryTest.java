package eu.mhealthhub.agora.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Files being uploaded wait in a directory of their own Agora, private to its user. */
class UploadDirectoryTest {

  @Test
  @DisplayName("each running Agora has its own upload directory, readable by its owner only (0700), deleted when it stops")
  void privatePerInstance() throws Exception {
    Path shared = TestApp.shared().agora().services().uploadDirectory();
    Path own;
    try (TestApp app = TestApp.start(Map.of("AGORA_DEMO_CONTENT", "false"), Clock.systemUTC(), r -> { })) {
      own = app.agora().services().uploadDirectory();
      assertNotEquals(shared, own, "not shared between instances");
      for (Path dir : new Path[] {shared, own}) {
        assertTrue(Files.isDirectory(dir), dir.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)), dir.toString());
        assertFalse(dir.startsWith(Path.of("webroot").toAbsolutePath()), "outside webroot");
      }
    }
    assertFalse(Files.exists(own), "deleted at stop");
    assertTrue(Files.isDirectory(shared), "the other instance keeps its own");
  }
}
