package eu.mhealthhub.agora.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the composer writes: both parts, escaped, inline-styled, in the recipient's language, with the headers mail clients need. */
class MailComposerTest {

  private static Vertx vertx;
  private static MailComposer composer;
  private static UnsubscribeTokens tokens;

  @BeforeAll
  static void setUp() {
    vertx = Vertx.vertx();
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    tokens = new UnsubscribeTokens(key);
    composer = new MailComposer(URI.create("https://agora.example.org"), new I18n(Locale.ENGLISH),
        new Pages(vertx, new I18n(Locale.ENGLISH), false), tokens, Optional.empty());
  }

  @AfterAll
  static void tearDown() {
    vertx.close();
  }

  private static Letter letter(Locale locale, String threadKey, List<MailBlock> body) {
    return new Letter(42, locale, "mention", "[Reimbursement] Pricing DiGA: you were mentioned", Optional.ofNullable(threadKey), body);
  }

  @Test
  @DisplayName("text typed by members is escaped in the HTML part and kept as typed in the text part")
  void escaped() {
    MailMessage m = composer.compose(letter(Locale.ENGLISH, "thread-7", List.of(
        new MailBlock.Paragraph("Amélie <script>alert(1)</script> & co"),
        new MailBlock.Quote("<img src=https://tracker.example/x.png>"),
        new MailBlock.Action("Open the <b>thread</b>", "/threads/7#post-9"))));
    Document html = Jsoup.parse(m.html());
    assertThat(html.select("script")).isEmpty();
    assertThat(html.select("img")).as("no images at all, remote or not").isEmpty();
    assertThat(html.select("b")).isEmpty();
    assertThat(html.select("p").first().text()).isEqualTo("Amélie <script>alert(1)</script> & co");
    assertThat(html.select("blockquote").text()).isEqualTo("<img src=https://tracker.example/x.png>");
    assertThat(html.select("a[href=https://agora.example.org/threads/7#post-9]").text()).isEqualTo("Open the <b>thread</b>");
    assertThat(m.text()).contains("Amélie <script>alert(1)</script> & co", "> <img src=https://tracker.example/x.png>",
        "Open the <b>thread</b>: https://agora.example.org/threads/7#post-9");
  }

  @Test
  @DisplayName("the HTML part is styled inline only: no style sheet, no class, nothing fetched")
  void inlineStylesOnly() {
    Document html = Jsoup.parse(composer.compose(letter(Locale.ENGLISH, null, List.of(
        new MailBlock.Heading("Reimbursement"), new MailBlock.Paragraph("Hello")))).html());
    assertThat(html.select("style, link, script, img, [class], [src]")).isEmpty();
    assertThat(html.select("h2[style]").text()).isEqualTo("Reimbursement");
    assertThat(html.select("body[style]")).hasSize(1);
  }

  @Test
  @DisplayName("a message carries a unique Message-ID under the public host, List-Unsubscribe one-click and Auto-Submitted")
  void headers() {
    MailMessage a = composer.compose(letter(Locale.ENGLISH, "thread-7", List.of(new MailBlock.Paragraph("a"))));
    MailMessage b = composer.compose(letter(Locale.ENGLISH, "thread-7", List.of(new MailBlock.Paragraph("b"))));
    assertThat(a.messageId()).matches("<[A-Za-z0-9.]+@agora\\.example\\.org>").isNotEqualTo(b.messageId());
    String unsubscribe = a.headers().get("List-Unsubscribe");
    assertThat(unsubscribe).startsWith("<https://agora.example.org/mail/unsubscribe?t=").endsWith(">");
    String token = unsubscribe.substring(unsubscribe.indexOf("t=") + 2, unsubscribe.length() - 1);
    assertThat(tokens.verify(token)).contains(new UnsubscribeTokens.Subject(42, "mention"));
    assertThat(a.headers()).containsEntry("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        .containsEntry("Auto-Submitted", "auto-generated");
    assertThat(Jsoup.parse(a.html()).select("a[href^=https://agora.example.org/mail/unsubscribe?t=]")).hasSize(1);
    assertThat(a.text()).contains("https://agora.example.org/mail/unsubscribe?t=" + token);
  }

  @Test
  @DisplayName("messages about one thread reference the same root, so a mail client shows them as one conversation")
  void threading() {
    MailMessage a = composer.compose(letter(Locale.ENGLISH, "thread-7", List.of(new MailBlock.Paragraph("a"))));
    MailMessage b = composer.compose(letter(Locale.ENGLISH, "thread-7", List.of(new MailBlock.Paragraph("b"))));
    MailMessage other = composer.compose(letter(Locale.ENGLISH, "thread-8", List.of(new MailBlock.Paragraph("c"))));
    MailMessage none = composer.compose(letter(Locale.ENGLISH, null, List.of(new MailBlock.Paragraph("d"))));
    assertThat(a.headers().get("References")).isEqualTo("<thread-7@agora.example.org>")
        .isEqualTo(b.headers().get("References")).isEqualTo(a.headers().get("In-Reply-To"));
    assertThat(other.headers().get("References")).isEqualTo("<thread-8@agora.example.org>");
    assertThat(none.headers()).doesNotContainKeys("References", "In-Reply-To");
  }

  @Test
  @DisplayName("the fixed parts are written in the recipient's language")
  void language() {
    MailMessage fr = composer.compose(letter(Locale.FRENCH, null, List.of(new MailBlock.Paragraph("Bonjour"))));
    MailMessage de = composer.compose(letter(Locale.GERMAN, null, List.of(new MailBlock.Paragraph("Hallo"))));
    I18n i18n = new I18n(Locale.ENGLISH);
    assertThat(Jsoup.parse(fr.html()).select("html").attr("lang")).isEqualTo("fr");
    assertThat(Jsoup.parse(fr.html()).text()).contains(i18n.message(Locale.FRENCH, "mail.footer.unsubscribe"));
    assertThat(fr.text()).contains(i18n.message(Locale.FRENCH, "mail.footer.why"));
    assertThat(de.text()).contains(i18n.message(Locale.GERMAN, "mail.footer.why"));
    assertThat(fr.headers()).containsEntry("Content-Language", "fr");
  }

  @Test
  @DisplayName("a link that is not http(s) or a path of Agora is refused, and line breaks cannot enter the subject")
  void unsafeInput() {
    assertThatThrownBy(() -> composer.compose(letter(Locale.ENGLISH, null,
        List.of(new MailBlock.Action("x", "javascript:alert(1)"))))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> composer.compose(letter(Locale.ENGLISH, null,
        List.of(new MailBlock.Action("x", "//evil.example/x"))))).isInstanceOf(IllegalArgumentException.class);
    MailMessage m = composer.compose(new Letter(42, Locale.ENGLISH, "mention", "Hi\r\nBcc: victim@example.org",
        Optional.empty(), List.of()));
    assertThat(m.subject()).isEqualTo("Hi Bcc: victim@example.org");
    assertThatThrownBy(() -> new Letter(42, Locale.ENGLISH, "mention", "s", Optional.of("thread 7\r\nX: y"), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
