package eu.mhealthhub.agora.attachment;

import eu.mhealthhub.agora.text.CleanText;

/** A file a member attached, already checked: its detected type and SHA-256. */
public record Upload(String fileName, String contentType, byte[] data, String sha256) {

  public static final int MAX_FILES = 5;

  /**
   * A file name safe to store, to show and to put in a header: no paths, no quotes, and only the
   * characters {@link CleanText#line} keeps. Anything else a name may hold ({@code #}, {@code ?},
   * {@code %}, spaces, any script) is kept: links to the file encode it.
   */
  public static String cleanName(String raw) {
    String name = raw == null ? "" : raw;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    name = CleanText.line(name.replace("\"", ""));
    if (name.codePointCount(0, name.length()) > 200) {
      // the end carries the extension; whole code points, so no surrogate half is left behind
      name = name.substring(name.offsetByCodePoints(name.length(), -200));
    }
    return name.isEmpty() || name.equals(".") || name.equals("..") ? "file" : name;
  }
}
