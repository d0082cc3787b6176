package eu.mhealthhub.agora.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where the upload routes' body handler writes files while their request is in flight: a fresh
 * directory per running Agora, readable by its owner only (0700), never shared with another instance
 * or user of the machine, and deleted when Agora stops. Each file is deleted when its request ends.
 */
public final class UploadDirectory {

  private UploadDirectory() {}

  /** Creates a new private directory under the system's temporary directory. Blocking. */
  public static Path create() {
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        return Files.createTempDirectory("agora-uploads-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      return Files.createTempDirectory("agora-uploads-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for uploads under "
          + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
    }
  }

  /** Deletes the directory and whatever an interrupted request left in it. Blocking. */
  public static void delete(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory + ": " + e.getMessage(), e);
    }
  }
}
