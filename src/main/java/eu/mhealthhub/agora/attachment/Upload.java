package eu.mhealthhub.agora.attachment;

/** A file a member attached, already checked: its detected type and SHA-256. */
public record Upload(String fileName, String contentType, byte[] data, String sha256) {

  public static final int MAX_FILES = 5;

  /** A file name safe to store and to put in a header: no paths, no control characters. */
  public static String cleanName(String raw) {
    String name = raw == null ? "" : raw;
    name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    name = name.replaceAll("[\\p{Cntrl}\"]", "").strip();
    if (name.length() > 200) {
      name = name.substring(name.length() - 200);
    }
    return name.isEmpty() || name.equals(".") || name.equals("..") ? "file" : name;
  }
}
