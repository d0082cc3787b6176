package eu.mhealthhub.agora.member;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 14, points 1 and 8: an uploaded avatar is checked by content, its size in pixels read from
 * the header before decoding, resized to 64 and 256 pixels, re-encoded as PNG and served with the
 * attachment rules; what is not an image, or an image bomb, is refused and nothing is stored.
 */
class AvatarTest {

  private final TestApp app = TestApp.shared();

  private final class Someone {
    final String tag = Fixtures.unique("avatar");
    final Browser browser = new Browser();
    final long id = app.signInNew(browser, "Avatar " + tag, tag + "@example.org");
    final String handle = Fixtures.handle(id);

    Response upload(String name, String type, byte[] data) {
      return browser.postMultipart(app.url("/me/avatar"), Map.of("_csrf", app.csrf(browser)),
          List.of(new Browser.FilePart("avatar", name, type, data)));
    }

    long stored() {
      return TestDatabase.count("SELECT count(*) FROM member_avatars WHERE member_id = ?", id);
    }
  }

  private static byte[] image(String format, int width, int height) throws IOException {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.fillRect(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, format, out));
    return out.toByteArray();
  }

  /** A JPEG carrying a comment segment, as a camera's metadata would ride along. */
  private static byte[] jpegWithComment(String comment) throws IOException {
    byte[] jpeg = image("jpeg", 300, 200);
    byte[] text = comment.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    out.write(new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) ((text.length + 2) >> 8), (byte) (text.length + 2)});
    out.write(text);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** A valid 1x1 PNG whose header (with a correct checksum) claims {@code side} x {@code side} pixels. */
  private static byte[] bomb(int side) throws IOException {
    byte[] png = image("png", 1, 1);
    // IHDR's data starts after the 8-byte signature, the 4-byte length and the 4-byte type
    ByteBuffer b = ByteBuffer.wrap(png);
    b.putInt(16, side);
    b.putInt(20, side);
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    b.putInt(29, (int) crc.getValue());
    return png;
  }

  @Test
  @DisplayName("an uploaded JPEG becomes 64 and 256 pixel PNGs without its metadata, served inline with nosniff and a sandbox, and shown on the public page; removing it brings the initials back")
  void uploadsResizesAndServes() throws IOException {
    Someone s = new Someone();
    Response done = s.upload("me.jpg", "image/jpeg", jpegWithComment("GPS 50.8503N 4.3517E secret"));
    assertEquals(303, done.status(), done.body());
    assertEquals(1, s.stored());

    for (int size : new int[] {64, 256}) {
      Browser.Download png = new Browser().download(app.url("/members/" + s.handle + "/avatar/" + size));
      assertEquals(200, png.status());
      assertEquals("image/png", png.header("Content-Type"));
      assertEquals("nosniff", png.header("X-Content-Type-Options"));
      assertTrue(png.header("Content-Disposition").startsWith("inline"), png.header("Content-Disposition"));
      assertTrue(png.header("Content-Security-Policy").contains("sandbox"), png.header("Content-Security-Policy"));
      assertNotNull(png.header("ETag"));
      assertNotNull(png.header("Cache-Control"));
      BufferedImage read = ImageIO.read(new ByteArrayInputStream(png.bytes()));
      assertEquals(size, read.getWidth());
      assertEquals(size, read.getHeight());
      assertFalse(new String(png.bytes(), StandardCharsets.ISO_8859_1).contains("secret"), "metadata carried over");
    }
    assertEquals(404, new Browser().download(app.url("/members/" + s.handle + "/avatar/128")).status());

    Document page = new Browser().get(app.url("/members/" + s.handle)).html();
    assertTrue(page.selectFirst("h1 img.avatar-large").attr("src").startsWith("/members/" + s.handle + "/avatar/256?v="));

    Response removed = s.browser.post(app.url("/me/avatar/remove"), Map.of("_csrf", app.csrf(s.browser)));
    assertEquals(303, removed.status(), removed.body());
    assertEquals(0, s.stored());
    Browser.Download drawn = new Browser().download(app.url("/members/" + s.handle + "/avatar/256"));
    assertEquals(200, drawn.status(), "without a picture the initials are drawn");
    assertEquals("image/svg+xml", drawn.header("Content-Type"));
    assertEquals("nosniff", drawn.header("X-Content-Type-Options"));
    assertTrue(drawn.header("Content-Security-Policy").contains("sandbox"));
    assertTrue(new String(drawn.bytes(), StandardCharsets.UTF_8).contains(">A" + s.tag.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + "<"));
    Document initials = new Browser().get(app.url("/members/" + s.handle)).html();
    assertNull(initials.selectFirst("h1 img"));
    assertEquals("A" + s.tag.substring(0, 1).toUpperCase(java.util.Locale.ROOT), initials.selectFirst("h1 .avatar").text());
  }

  @Test
  @DisplayName("a PNG is accepted too, and a second upload replaces the first")
  void replaces() throws IOException {
    Someone s = new Someone();
    assertEquals(303, s.upload("a.png", "image/png", image("png", 40, 40)).status());
    String first = TestDatabase.text("SELECT version FROM member_avatars WHERE member_id = ?", s.id);
    assertEquals(303, s.upload("b.png", "image/png", image("png", 500, 300)).status());
    assertEquals(1, s.stored());
    assertFalse(first.equals(TestDatabase.text("SELECT version FROM member_avatars WHERE member_id = ?", s.id)));
  }

  @Test
  @DisplayName("a text file named .png and sent as image/png is refused by its content: the profile page with a 400 and the problem, nothing stored")
  void refusesTextRenamed() {
    Someone s = new Someone();
    Response refused = s.upload("photo.png", "image/png", "just some words, not a picture".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, refused.status(), refused.body());
    Document page = refused.html();
    assertEquals("The file is not a PNG or JPEG picture.", page.selectFirst("#avatar-error").text());
    assertEquals("true", page.selectFirst("#avatar").attr("aria-invalid"));
    assertEquals(0, s.stored());
  }

  @Test
  @DisplayName("an image bomb (a small PNG whose header claims 100000 x 100000 pixels) is refused before decoding, nothing stored")
  void refusesImageBomb() throws IOException {
    Someone s = new Someone();
    byte[] bomb = bomb(100_000);
    assertTrue(bomb.length < 1000);
    Response refused = s.upload("bomb.png", "image/png", bomb);
    assertEquals(400, refused.status(), refused.body());
    assertEquals("The picture can be at most 4096 pixels wide and high.", refused.html().selectFirst("#avatar-error").text());
    assertEquals(0, s.stored());
  }

  @Test
  @DisplayName("an upload with no file, or a truncated PNG, is refused with 400 and nothing stored")
  void refusesEmptyAndBroken() throws IOException {
    Someone s = new Someone();
    assertEquals(400, s.upload("empty.png", "image/png", new byte[0]).status());
    byte[] png = image("png", 50, 50);
    byte[] truncated = java.util.Arrays.copyOf(png, 40);
    assertEquals(400, s.upload("broken.png", "image/png", truncated).status());
    assertEquals(0, s.stored());
  }

  @Test
  @DisplayName("the header shows the signed-in member's small picture, a post and a document comment their author's, decorative (alt=\"\"); a versioned URL is cached for a year, an unversioned one revalidated by ETag")
  void headerAndPosts() throws Exception {
    Someone s = new Someone();
    Document before = s.browser.get(app.url("/groups")).html();
    assertEquals("A" + s.tag.substring(0, 1).toUpperCase(java.util.Locale.ROOT),
        before.selectFirst(".member-link span.avatar[aria-hidden=true]").text(), "initials until a picture is uploaded");
    assertEquals(303, s.upload("me.png", "image/png", image("png", 300, 200)).status());
    String version = TestDatabase.text("SELECT version FROM member_avatars WHERE member_id = ?", s.id);

    for (String page : new String[] {"/groups", "/me"}) {
      org.jsoup.nodes.Element img = s.browser.get(app.url(page)).html().selectFirst(".member-link img.avatar");
      assertNotNull(img, page);
      assertEquals("/members/" + s.handle + "/avatar/64?v=" + version, img.attr("src"));
      assertEquals("", img.attr("alt"), "decorative: the name stands beside it");
      assertTrue(img.hasAttr("alt"));
    }
    assertNull(new Browser().get(app.url("/groups")).html().selectFirst(".member-link"), "not shown to anyone else");

    String slug = Fixtures.unique("avatar-group");
    long groupId = Fixtures.group(slug, false, true);
    Fixtures.member(groupId, s.id, "member");
    Response form = s.browser.get(app.url("/groups/" + slug + "/threads/new"));
    Response created = s.browser.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf",
        form.inputValue("_csrf"), "clientToken", form.inputValue("clientToken"), "title", "Pictures beside posts",
        "body", "A post with its author's picture.", "action", "post"), List.of());
    assertEquals(303, created.status(), created.body());
    Document thread = new Browser().get(created.location()).html();
    org.jsoup.nodes.Element beside = thread.selectFirst("article.post header img.avatar-small");
    assertNotNull(beside);
    assertEquals("/members/" + s.handle + "/avatar/64?v=" + version, beside.attr("src"),
        "versioned beside posts too: cached for a year, no request on the next page");
    assertEquals("", beside.attr("alt"));

    // a member without a picture: their initials inline beside their post, no image to fetch
    Someone bare = new Someone();
    Fixtures.member(groupId, bare.id, "member");
    Response replyForm = bare.browser.get(created.location());
    long threadId = TestDatabase.count("SELECT id FROM threads WHERE author_id = ? ORDER BY id DESC LIMIT 1", s.id);
    Response replied = bare.browser.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf",
        replyForm.inputValue("_csrf"), "clientToken", replyForm.inputValue("clientToken"), "body", "A reply without a picture.",
        "action", "post"), List.of());
    assertEquals(303, replied.status(), replied.body());
    Document withReply = new Browser().get(created.location()).html();
    org.jsoup.select.Elements posts = withReply.select("article.post");
    assertEquals(2, posts.size());
    org.jsoup.nodes.Element initials = posts.get(1).selectFirst("header span.avatar.avatar-small[aria-hidden=true]");
    assertNotNull(initials, "initials in place of a picture");
    assertEquals("A" + bare.tag.substring(0, 1).toUpperCase(java.util.Locale.ROOT), initials.text());
    assertNull(posts.get(1).selectFirst("header img"), "no image request for a member without a picture");
    assertEquals(1, withReply.select("article.post img.avatar-small").size());

    // a new picture is a new URL: the fragment of the post is not served stale
    assertEquals(303, s.upload("other.png", "image/png", image("png", 120, 120)).status());
    String newer = TestDatabase.text("SELECT version FROM member_avatars WHERE member_id = ?", s.id);
    assertNotEquals(version, newer);
    assertEquals("/members/" + s.handle + "/avatar/64?v=" + newer,
        new Browser().get(created.location()).html().selectFirst("article.post header img.avatar-small").attr("src"));

    // and beside her comment on a section of an open document, on the section's page and the document's
    long openDocument = TestDatabase.count("""
        SELECT d.id FROM documents d JOIN working_groups g ON g.id = d.group_id
         WHERE d.status = 'open' AND g.visibility = 'public' ORDER BY d.id LIMIT 1""");
    Fixtures.member(TestDatabase.count("SELECT group_id FROM documents WHERE id = ?", openDocument), s.id, "member");
    long sectionKey = TestDatabase.count("SELECT min(section_key) FROM document_sections WHERE document_id = ?", openDocument);
    Response commented = s.browser.post(app.url("/documents/" + openDocument + "/sections/" + sectionKey + "/comments"),
        Map.of("_csrf", app.csrf(s.browser), "clientToken", Fixtures.unique("c"), "body", "A comment with a picture"));
    assertEquals(303, commented.status(), commented.body());
    for (String page : new String[] {"/documents/" + openDocument + "/sections/" + sectionKey, "/documents/" + openDocument}) {
      org.jsoup.select.Elements pictures = new Browser().get(app.url(page)).html()
          .select("p.meta img.avatar-small[src=/members/" + s.handle + "/avatar/64]");
      assertTrue(!pictures.isEmpty(), page);
      assertEquals("", pictures.first().attr("alt"));
    }

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<byte[]> versioned = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(app.url("/members/" + s.handle + "/avatar/64?v=" + newer))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("public, max-age=31536000, immutable", versioned.headers().firstValue("Cache-Control").orElseThrow());
    java.net.http.HttpResponse<byte[]> replaced = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(app.url("/members/" + s.handle + "/avatar/64?v=" + version))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("public, no-cache", replaced.headers().firstValue("Cache-Control").orElseThrow(),
        "a replaced picture's old version is no longer cached for a year");
    java.net.http.HttpResponse<byte[]> plain = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(app.url("/members/" + s.handle + "/avatar/64"))).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("public, no-cache", plain.headers().firstValue("Cache-Control").orElseThrow());
    String etag = plain.headers().firstValue("ETag").orElseThrow();
    java.net.http.HttpResponse<byte[]> again = http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(app.url("/members/" + s.handle + "/avatar/64"))).header("If-None-Match", etag).build(),
        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(304, again.statusCode());
    assertEquals(0, again.body().length);
  }
}
