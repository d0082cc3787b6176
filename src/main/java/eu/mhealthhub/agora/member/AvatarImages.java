package eu.mhealthhub.agora.member;

import eu.mhealthhub.agora.DomainException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Turns an uploaded picture into the avatar's PNGs. Blocking (decoding and encoding): run it with
 * {@code executeBlocking}. The type is read from the bytes, not from the name or the browser's
 * claim; the dimensions are read from the header before any pixel is decoded, so a small file
 * claiming a huge image (an image bomb) is refused without allocating it.
 */
final class AvatarImages {

  /** The largest file accepted. */
  static final int MAX_BYTES = 2 * 1024 * 1024;
  /** The largest width or height accepted, read from the header. */
  static final int MAX_SIDE = 4096;
  static final int SMALL = 64;
  static final int LARGE = 256;

  /** The avatar's two sizes as PNG, and a version naming them. */
  record Avatar(byte[] small, byte[] large, String version) {}

  private AvatarImages() {}

  /** The format ImageIO should read, from the file's first bytes; null for anything else. */
  static String format(byte[] data) {
    if (starts(data, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "png";
    }
    if (starts(data, 0xFF, 0xD8, 0xFF)) {
      return "jpeg";
    }
    if (data.length > 12 && starts(data, 'R', 'I', 'F', 'F') && data[8] == 'W' && data[9] == 'E' && data[10] == 'B'
        && data[11] == 'P' && ImageIO.getImageReadersByFormatName("webp").hasNext()) {
      return "webp";
    }
    return null;
  }

  /**
   * The avatar made from {@code data}. Fails with TOO_LARGE for a file over {@link #MAX_BYTES} and
   * BAD_REQUEST for what is not a PNG, JPEG (or WebP where the JDK reads it), cannot be decoded, or
   * is wider or taller than {@link #MAX_SIDE}.
   */
  static Avatar process(byte[] data) {
    if (data.length == 0) {
      throw DomainException.badRequest("profile.error.avatar.missing");
    }
    if (data.length > MAX_BYTES) {
      throw new DomainException(DomainException.Kind.TOO_LARGE, "profile.error.avatar.bytes");
    }
    String format = format(data);
    if (format == null) {
      throw DomainException.badRequest("profile.error.avatar.type");
    }
    BufferedImage image = decode(data, format);
    return new Avatar(png(square(image, SMALL)), png(square(image, LARGE)), version(data));
  }

  private static BufferedImage decode(byte[] data, String format) {
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
    if (!readers.hasNext()) {
      throw DomainException.badRequest("profile.error.avatar.type");
    }
    ImageReader reader = readers.next();
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      // the header only: nothing is decoded before the size is known to be acceptable
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE) {
        throw DomainException.badRequest("profile.error.avatar.dimensions");
      }
      BufferedImage image = reader.read(0);
      if (image == null) {
        throw DomainException.badRequest("profile.error.avatar.type");
      }
      return image;
    } catch (IOException | RuntimeException e) {
      if (e instanceof DomainException d) {
        throw d;
      }
      throw DomainException.badRequest("profile.error.avatar.type");
    } finally {
      reader.dispose();
    }
  }

  /** The image's centre square scaled to {@code side} pixels. */
  private static BufferedImage square(BufferedImage image, int side) {
    int crop = Math.min(image.getWidth(), image.getHeight());
    int x = (image.getWidth() - crop) / 2;
    int y = (image.getHeight() - crop) / 2;
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(image, 0, 0, side, side, x, y, x + crop, y + crop, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** A fresh PNG of the pixels only: no metadata of the upload is carried over. */
  private static byte[] png(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static String version(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean starts(byte[] data, int... prefix) {
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
