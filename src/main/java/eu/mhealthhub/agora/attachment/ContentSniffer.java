package eu.mhealthhub.agora.attachment;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Decides what a file is from its bytes, never from what the browser claimed. Accepted: PDF, PNG,
 * JPEG, GIF, WebP, Office Open XML and OpenDocument text, spreadsheets and presentations, legacy
 * Office files, and CSV (UTF-8 text whose name ends in .csv). Everything else, HTML and SVG
 * included, is refused.
 */
public final class ContentSniffer {

  private ContentSniffer() {}

  /** The content type to store and serve, or empty when the file is not of an accepted kind. */
  public static Optional<String> detect(byte[] data, String fileName) {
    if (data.length == 0) {
      return Optional.empty();
    }
    if (starts(data, "%PDF-")) {
      return Optional.of("application/pdf");
    }
    if (starts(data, new int[] {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
      return Optional.of("image/png");
    }
    if (starts(data, new int[] {0xFF, 0xD8, 0xFF})) {
      return Optional.of("image/jpeg");
    }
    if (starts(data, "GIF87a") || starts(data, "GIF89a")) {
      return Optional.of("image/gif");
    }
    if (data.length > 12 && starts(data, "RIFF") && new String(data, 8, 4, StandardCharsets.US_ASCII).equals("WEBP")) {
      return Optional.of("image/webp");
    }
    if (starts(data, new int[] {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})) {
      return legacyOffice(fileName);
    }
    if (starts(data, new int[] {'P', 'K', 0x03, 0x04})) {
      return zipDocument(data);
    }
    if (fileName.toLowerCase(Locale.ROOT).endsWith(".csv") && isText(data)) {
      return Optional.of("text/csv");
    }
    return Optional.empty();
  }

  private static Optional<String> legacyOffice(String fileName) {
    String name = fileName.toLowerCase(Locale.ROOT);
    if (name.endsWith(".doc")) {
      return Optional.of("application/msword");
    }
    if (name.endsWith(".xls")) {
      return Optional.of("application/vnd.ms-excel");
    }
    if (name.endsWith(".ppt")) {
      return Optional.of("application/vnd.ms-powerpoint");
    }
    return Optional.empty();
  }

  /** Office Open XML is told apart by its parts, OpenDocument by its first entry, "mimetype". */
  private static Optional<String> zipDocument(byte[] data) {
    Set<String> names = new HashSet<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(data))) {
      ZipEntry entry;
      int count = 0;
      while ((entry = zip.getNextEntry()) != null && count++ < 2000) {
        String name = entry.getName();
        if (count == 1 && name.equals("mimetype")) {
          String mime = new String(zip.readNBytes(100), StandardCharsets.US_ASCII).trim();
          if (mime.equals("application/vnd.oasis.opendocument.text")
              || mime.equals("application/vnd.oasis.opendocument.spreadsheet")
              || mime.equals("application/vnd.oasis.opendocument.presentation")) {
            return Optional.of(mime);
          }
          return Optional.empty();
        }
        names.add(name);
      }
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!names.contains("[Content_Types].xml")) {
      return Optional.empty();
    }
    if (names.stream().anyMatch(n -> n.startsWith("word/"))) {
      return Optional.of("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }
    if (names.stream().anyMatch(n -> n.startsWith("xl/"))) {
      return Optional.of("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    }
    if (names.stream().anyMatch(n -> n.startsWith("ppt/"))) {
      return Optional.of("application/vnd.openxmlformats-officedocument.presentationml.presentation");
    }
    return Optional.empty();
  }

  private static boolean isText(byte[] data) {
    for (byte b : data) {
      if (b == 0) {
        return false;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data));
      String head = new String(data, 0, Math.min(data.length, 512), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      return !head.contains("<html") && !head.contains("<script") && !head.contains("<svg");
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean starts(byte[] data, String prefix) {
    byte[] p = prefix.getBytes(StandardCharsets.US_ASCII);
    if (data.length < p.length) {
      return false;
    }
    for (int i = 0; i < p.length; i++) {
      if (data[i] != p[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean starts(byte[] data, int[] prefix) {
    if (data.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((data[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
