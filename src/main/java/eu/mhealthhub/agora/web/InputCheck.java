package eu.mhealthhub.agora.web;

import eu.mhealthhub.agora.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Refuses, with 400, input that cannot be text before any feature sees it: a percent escape that
 * is not one, a NUL, or bytes that are not UTF-8, anywhere in the address (path and query), a form
 * field or a JSON body. Left through, a NUL reaches PostgreSQL (which refuses it: a 500), invalid
 * UTF-8 becomes U+FFFD silently (stored as if the member had typed it), and a broken escape makes
 * Vert.x throw while it decodes the path or a parameter.
 */
public final class InputCheck {

  private InputCheck() {}

  /** Checks the raw request target; mount it first, before anything decodes the path. */
  public static Handler<RoutingContext> address() {
    return ctx -> {
      if (isText(ctx.request().uri())) {
        ctx.next();
      } else {
        ctx.fail(refusal());
      }
    };
  }

  /** Checks a parsed body (after a body handler), then hands on to {@code next}. */
  public static Handler<RoutingContext> body(Handler<RoutingContext> next) {
    return ctx -> {
      if (bodyIsText(ctx)) {
        next.handle(ctx);
      } else {
        ctx.fail(refusal());
      }
    };
  }

  private static DomainException refusal() {
    return DomainException.badRequest("error.input.encoding");
  }

  private static boolean bodyIsText(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null) {
      return true;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    switch (type) {
      case "application/x-www-form-urlencoded":
        return raw == null || isText(raw.toString(StandardCharsets.ISO_8859_1));
      case "multipart/form-data":
        // Netty has decoded the fields already, turning bytes that are not UTF-8 into U+FFFD
        for (Map.Entry<String, String> field : ctx.request().formAttributes()) {
          if (!isPlain(field.getKey()) || !isPlain(field.getValue())) {
            return false;
          }
        }
        for (FileUpload file : ctx.fileUploads()) {
          if (!isPlain(file.name()) || !isPlain(file.fileName())) {
            return false;
          }
        }
        return true;
      case "application/json":
        return raw == null || jsonIsText(raw);
      default:
        return true;
    }
  }

  private static boolean jsonIsText(Buffer raw) {
    String text = strictUtf8(raw.getBytes(), raw.length());
    if (text == null) {
      return false;
    }
    if (!text.contains("\\u0000")) {
      return true;
    }
    try {
      return jsonIsPlain(Json.decodeValue(raw));
    } catch (DecodeException e) {
      // not JSON at all: the route answers that
      return true;
    }
  }

  private static boolean jsonIsPlain(Object value) {
    if (value instanceof String s) {
      return s.indexOf('\0') < 0;
    }
    if (value instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().indexOf('\0') >= 0 || !jsonIsPlain(e.getValue())) {
          return false;
        }
      }
    }
    if (value instanceof JsonArray a) {
      for (Object v : a) {
        if (!jsonIsPlain(v)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Decoded text: no NUL, and no U+FFFD, which is what a decoder leaves where bytes were not UTF-8. */
  private static boolean isPlain(String s) {
    return s == null || s.indexOf('\0') < 0 && s.indexOf('\uFFFD') < 0;
  }

  /**
   * Whether percent-encoded text (an address, a urlencoded body; one char per byte as received)
   * has only well-formed escapes and decodes to UTF-8 without a NUL.
   */
  static boolean isText(String raw) {
    if (raw == null) {
      return true;
    }
    int length = raw.length();
    boolean plain = true;
    for (int i = 0; i < length && plain; i++) {
      char c = raw.charAt(i);
      plain = c != '%' && c > 0x1f && c < 0x7f;
    }
    if (plain) {
      return true;
    }
    byte[] bytes = new byte[length * 3];
    int n = 0;
    for (int i = 0; i < length; i++) {
      char c = raw.charAt(i);
      int b;
      if (c == '%') {
        if (i + 2 >= length) {
          return false;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return false;
        }
        b = hi << 4 | lo;
        i += 2;
      } else if (c > 0xff) {
        // already decoded text rather than bytes as received: keep its UTF-8 bytes
        int codePoint = raw.codePointAt(i);
        byte[] utf8 = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, bytes, n, utf8.length);
        n += utf8.length;
        i += Character.charCount(codePoint) - 1;
        continue;
      } else {
        b = c;
      }
      if (b == 0) {
        return false;
      }
      bytes[n++] = (byte) b;
    }
    return strictUtf8(bytes, n) != null;
  }

  private static String strictUtf8(byte[] bytes, int length) {
    try {
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
