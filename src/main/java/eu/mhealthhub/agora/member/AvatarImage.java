package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.Member;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A member's avatar as served: its bytes, type, the version that names it in URLs and ETags, and the
 * file extension for its name.
 */
public record AvatarImage(Buffer bytes, String contentType, String version, String extension) {

  /** The initials of {@code displayName} on the brand colour, as SVG (text escaped; no script, no link). */
  static AvatarImage initials(String displayName, int size) {
    String letters = new Member(0, displayName == null || displayName.isBlank() ? "?" : displayName, "x", null, null,
        null, false, Instant.EPOCH).initials();
    String text = letters.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size + "\" height=\"" + size
        + "\" viewBox=\"0 0 64 64\"><circle cx=\"32\" cy=\"32\" r=\"32\" fill=\"#0b4f8a\"/>"
        + "<text x=\"32\" y=\"41\" font-family=\"sans-serif\" font-size=\"26\" text-anchor=\"middle\" fill=\"#fff\">"
        + text + "</text></svg>";
    String version = "i" + Integer.toHexString(svg.hashCode());
    return new AvatarImage(Buffer.buffer(svg.getBytes(StandardCharsets.UTF_8)), "image/svg+xml", version, "svg");
  }
}
