package eu.mhealthhub.agora.mail;

import eu.mhealthhub.agora.web.I18n;
import eu.mhealthhub.agora.web.Pages;
import eu.mhealthhub.agora.web.Tokens;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes e-mails: a plain-text part and an HTML part (inline styles only, no images, every text
 * escaped by the template engine) from the same blocks, the fixed parts in the recipient's
 * language, and the headers that make mail clients behave: a {@code Message-ID} under the public
 * URL's host, {@code In-Reply-To}/{@code References} to one root per thread key so a client groups
 * a thread's messages, {@code List-Unsubscribe} with a signed one-click link and
 * {@code List-Unsubscribe-Post} (RFC 8058), and {@code Auto-Submitted: auto-generated} (RFC 3834)
 * so that auto-responders stay quiet. Pure: nothing is stored or sent here.
 */
public final class MailComposer {

  /** The template of the HTML part, rendered outside any page. */
  public static final String TEMPLATE = "mail/message";

  private final URI publicUrl;
  private final String host;
  private final I18n i18n;
  private final Pages pages;
  private final UnsubscribeTokens tokens;
  private final Optional<String> unsubscribeMailto;

  /**
   * @param unsubscribeMailto an address that also unsubscribes (with the token as subject), for the
   *                          {@code List-Unsubscribe} header's mailto alternative; empty for none
   */
  public MailComposer(URI publicUrl, I18n i18n, Pages pages, UnsubscribeTokens tokens, Optional<String> unsubscribeMailto) {
    this.publicUrl = publicUrl;
    this.host = publicUrl.getHost();
    this.i18n = i18n;
    this.pages = pages;
    this.tokens = tokens;
    this.unsubscribeMailto = unsubscribeMailto;
  }

  /** One block of the HTML part's model. */
  public record ShownBlock(String kind, String text, String url) {}

  /** Composes the letter (to a member, or with memberId 0 to someone who is not one: no unsubscribe link). Throws IllegalArgumentException for a link that is neither http(s) nor a path of Agora. */
  public MailMessage compose(Letter letter) {
    // memberId 0: a one-off message to someone who is not a member (a notifier's receipt), which
    // has nothing to unsubscribe from and no settings
    boolean toMember = letter.memberId() > 0;
    return compose(letter, toMember ? unsubscribeUrl(letter.memberId(), letter.kind()) : null,
        toMember ? publicUrl + "/me" : null);
  }

  /**
   * Composes a letter to someone who is not a member but may stop what they receive (a follower of
   * the network): the footer and the {@code List-Unsubscribe} header (with RFC 8058's one-click
   * POST) carry the caller's signed links, absolute URLs of Agora.
   */
  public MailMessage composeWithLinks(Letter letter, String unsubscribeUrl, String settingsUrl) {
    return compose(letter, java.util.Objects.requireNonNull(unsubscribeUrl), java.util.Objects.requireNonNull(settingsUrl));
  }

  private MailMessage compose(Letter letter, String unsubscribeUrl, String settingsUrl) {
    I18n.Messages m = i18n.forLocale(letter.locale());
    boolean toMember = unsubscribeUrl != null;
    String subject = letter.subject().replaceAll("[\\r\\n\\t]+", " ").strip();

    List<ShownBlock> shown = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (MailBlock block : letter.body()) {
      if (block instanceof MailBlock.Heading h) {
        shown.add(new ShownBlock("heading", h.text(), null));
        text.append(h.text()).append('\n').append("=".repeat(Math.min(60, Math.max(3, h.text().length())))).append("\n\n");
      } else if (block instanceof MailBlock.Paragraph p) {
        shown.add(new ShownBlock("paragraph", p.text(), null));
        text.append(p.text()).append("\n\n");
      } else if (block instanceof MailBlock.Quote q) {
        shown.add(new ShownBlock("quote", q.text(), null));
        q.text().lines().forEach(line -> text.append("> ").append(line).append('\n'));
        text.append('\n');
      } else if (block instanceof MailBlock.Action a) {
        String url = absolute(a.url());
        shown.add(new ShownBlock("action", a.label(), url));
        text.append(a.label()).append(": ").append(url).append("\n\n");
      }
    }
    text.append("-- \n");
    if (toMember) {
      text.append(m.get("mail.footer.why")).append('\n')
          .append(m.get("mail.footer.unsubscribe")).append(": ").append(unsubscribeUrl).append('\n')
          .append(m.get("mail.footer.settings")).append(": ").append(settingsUrl).append('\n');
    }
    text.append(m.get("mail.footer.auto")).append('\n');

    Map<String, Object> model = new LinkedHashMap<>();
    model.put("subject", subject);
    model.put("blocks", shown);
    model.put("unsubscribeUrl", unsubscribeUrl);
    model.put("settingsUrl", settingsUrl);
    String html = pages.standalone(TEMPLATE, model, letter.locale(), ZoneOffset.UTC);

    Map<String, String> headers = new LinkedHashMap<>();
    letter.threadKey().ifPresent(key -> {
      String root = "<" + key + "@" + host + ">";
      headers.put("In-Reply-To", root);
      headers.put("References", root);
    });
    if (toMember) {
      headers.put("List-Unsubscribe", "<" + unsubscribeUrl + ">"
          + unsubscribeMailto.filter(to -> letter.memberId() > 0).map(to -> ", <mailto:" + to + "?subject=" + tokens.token(letter.memberId(), letter.kind()) + ">")
              .orElse(""));
      headers.put("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    }
    headers.put("Auto-Submitted", "auto-generated");
    headers.put("Content-Language", letter.locale().toLanguageTag());
    return new MailMessage(subject, messageId(), headers, text.toString(), html);
  }

  /** The one-click link for the member and kind; works without signing in. */
  public String unsubscribeUrl(long memberId, String kind) {
    return publicUrl + "/mail/unsubscribe?t=" + tokens.token(memberId, kind);
  }

  /** {@code <time.random@host>}: unique without coordination between nodes. */
  private String messageId() {
    return "<" + Long.toString(System.currentTimeMillis(), 36) + "." + Tokens.random(12).replaceAll("[^A-Za-z0-9]", "x")
        + "@" + host + ">";
  }

  private String absolute(String url) {
    if (url.startsWith("/") && !url.startsWith("//")) {
      return publicUrl + url;
    }
    URI u = URI.create(url);
    if (("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null) {
      return u.toString();
    }
    throw new IllegalArgumentException("an e-mail links only to http(s) addresses and paths of Agora: " + url);
  }
}
