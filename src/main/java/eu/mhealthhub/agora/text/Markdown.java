package eu.mhealthhub.agora.text;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.commonmark.Extension;
import org.commonmark.ext.autolink.AutolinkExtension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Block;
import org.commonmark.node.Code;
import org.commonmark.node.CustomNode;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.DefaultUrlSanitizer;
import org.commonmark.renderer.html.HtmlRenderer;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;

/**
 * Server-side Markdown for user content (forum posts, consensus documents).
 *
 * <p>Rendering is CommonMark with GFM tables, GFM strikethrough and autolinks. Raw HTML in the
 * source is never rendered (it comes out as visible text), URLs are restricted to http, https,
 * mailto and relative ones, and the HTML is then passed through an allow-list sanitiser as a
 * second, independent line of defence. Headings are shifted down by two levels ({@code #} becomes
 * {@code <h3>}, at most {@code <h6>}) so that user content never competes with the page's own
 * {@code <h1>}/{@code <h2>}, and never by more than one level below the heading before it, since
 * HTML forbids skipping levels. Link and image addresses are percent-encoded. Every link carries {@code rel="nofollow ugc noopener"} and none a
 * {@code target}.
 *
 * <p>The sanitiser lets through only {@code p br hr h3-h6 strong em del s code pre blockquote ul
 * ol li table thead tbody tr th td a img}, and of attributes only {@code a href/title/rel},
 * {@code img src/alt/title} (http, https or relative sources; an image without an allowed source
 * is dropped), {@code ol start}, {@code code class="language-xxx"} (xxx matching
 * {@code [a-z0-9+#-]{1,20}}; fenced-code languages are lower-cased first) and {@code th/td
 * class="align-left|align-center|align-right"} (table alignment, instead of {@code align} or
 * {@code style}). A link whose URL is not allowed is reduced to its text.
 *
 * <p>All methods are thread-safe; the parser, renderer and sanitiser policy are shared, immutable
 * instances.
 */
public final class Markdown {

  /** Heading levels are shifted by this much: {@code #} renders as {@code <h3>}. */
  private static final int HEADING_SHIFT = 2;
  /** The level of the page's heading that user content sits under: its own start at {@code <h3>}. */
  public static final int PAGE_HEADING = HEADING_SHIFT;

  private static final Pattern LANGUAGE = Pattern.compile("[a-z0-9+#-]{1,20}");
  private static final Pattern CODE_CLASS = Pattern.compile("language-[a-z0-9+#-]{1,20}");
  private static final Pattern ALIGN_CLASS = Pattern.compile("align-(?:left|center|right)");

  /**
   * {@code @handle}: 2 to 40 letters, digits, dots, underscores or hyphens, not preceded by a
   * letter or digit (so {@code someone@example.org} is no mention) nor by one of the handle's own
   * characters or another {@code @}. The one mention pattern: group 1 is the handle, trailing
   * dots included (see {@link #mentions}).
   */
  public static final Pattern MENTION =
      Pattern.compile("(?<![\\p{L}\\p{N}\\p{M}._@-])@([\\p{L}\\p{N}._-]{2,40})(?![\\p{L}\\p{N}._-])");

  private static final List<Extension> EXTENSIONS = List.of(
      TablesExtension.create(),
      StrikethroughExtension.create(),
      AutolinkExtension.create());

  private static final Parser PARSER = Parser.builder()
      .extensions(EXTENSIONS)
      // bound the nesting that hostile input can build (deep nesting costs stack in every tree walk)
      .maxOpenBlockParsers(64)
      .maxInlineNesting(64)
      .build();

  private static final HtmlRenderer RENDERER = HtmlRenderer.builder()
      .extensions(EXTENSIONS)
      .escapeHtml(true)
      .sanitizeUrls(true)
      .urlSanitizer(new DefaultUrlSanitizer(List.of("http", "https", "mailto")))
      // a quote or a space in a link's address is percent-encoded: HTML allows neither in a URL
      .percentEncodeUrls(true)
      .attributeProviderFactory(context -> Markdown::adjustAttributes)
      .build();

  private static final PolicyFactory POLICY = new HtmlPolicyBuilder()
      .allowElements("p", "br", "hr", "h3", "h4", "h5", "h6",
          "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
          "table", "thead", "tbody", "tr", "th", "td", "a", "img")
      .allowUrlProtocols("http", "https", "mailto")
      .allowAttributes("href", "title").onElements("a")
      .requireRelsOnLinks("nofollow", "ugc", "noopener")
      // a link whose target was not allowed is dropped, keeping its text
      .allowElements((name, attrs) -> hasAttribute(attrs, "href") ? name : null, "a")
      .allowAttributes("src").matching(Markdown::isImageUrl).onElements("img")
      .allowAttributes("alt", "title").onElements("img")
      // an image whose source was not allowed is dropped, not left as an empty <img>
      .allowElements((name, attrs) -> hasAttribute(attrs, "src") ? name : null, "img")
      .allowAttributes("start").matching(Pattern.compile("[0-9]{1,9}")).onElements("ol")
      .allowAttributes("class").matching(CODE_CLASS).onElements("code")
      .allowAttributes("class").matching(ALIGN_CLASS).onElements("th", "td")
      .toFactory();

  private Markdown() {
  }

  /**
   * Renders Markdown to sanitised HTML that is safe to insert into a page unescaped.
   *
   * @param markdown the source; {@code null} is treated as empty
   * @return the HTML fragment (empty for empty input)
   */
  public static String toHtml(String markdown) {
    return render(markdown, PAGE_HEADING).html();
  }

  /**
   * Renders Markdown as {@link #toHtml(String)} does, with each mention (as {@link #mentions}
   * finds them) of a handle in {@code linkable} linked to the member's page as
   * {@code <a class="mention" href="/members/handle">@Handle</a>}. The mentions are found in the
   * syntax tree, so none is linked inside code, links, images or raw HTML.
   *
   * @param markdown the source; {@code null} is treated as empty
   * @param linkable lower-case handles of the members who may be linked
   */
  public static String toHtml(String markdown, Set<String> linkable) {
    if (linkable.isEmpty()) {
      return toHtml(markdown);
    }
    Node document = parse(markdown);
    document.accept(new HeadingShifter(PAGE_HEADING));
    List<String> anchors = MentionLinker.link(document, linkable);
    String html = POLICY.sanitize(RENDERER.render(document));
    // each linked mention's text became a placeholder that the sanitiser keeps as it is (letters
    // and digits with a secret part, so no text can forge one); each is put back as its link
    StringBuilder out = new StringBuilder(html.length() + anchors.size() * 40);
    int from = 0;
    int at;
    while ((at = html.indexOf(MentionLinker.MARK, from)) >= 0) {
      int end = html.indexOf('z', at + MentionLinker.MARK.length());
      out.append(html, from, at).append(anchors.get(Integer.parseInt(html.substring(at + MentionLinker.MARK.length(), end))));
      from = end + 1;
    }
    return out.append(html, from, html.length()).toString();
  }

  /**
   * HTML and the level of its last heading ({@code after} when it has none), so that the next
   * fragment of the same page can continue from it.
   */
  public record Rendered(String html, int lastHeading) {}

  /**
   * Renders Markdown as {@link #toHtml} does, for a page whose last heading before it has level
   * {@code after}: no heading goes more than one level deeper than the one before it (HTML
   * forbids skipping levels), so {@code # A} then {@code ### B} render as {@code <h3>} and
   * {@code <h4>}, and a first heading is at most one level below {@code after}.
   *
   * @param markdown the source; {@code null} is treated as empty
   * @param after the level of the heading before this fragment on the page, 2 to 6
   */
  public static Rendered render(String markdown, int after) {
    Node document = parse(markdown);
    HeadingShifter shifter = new HeadingShifter(after);
    document.accept(shifter);
    return new Rendered(POLICY.sanitize(RENDERER.render(document)), shifter.last);
  }

  /**
   * Renders a short note (a change summary) as {@link #toHtml} does, but with its headings as
   * paragraphs of strong text: a note stands in tables and under a page's title, where a heading of
   * its own would break the page's outline.
   */
  public static String noteToHtml(String markdown) {
    Node document = parse(markdown);
    document.accept(new HeadingFlattener());
    return POLICY.sanitize(RENDERER.render(document));
  }

  /**
   * The distinct {@code @handle} mentions in the text, without the {@code @}, in order of first
   * appearance. Mentions in code spans, code blocks, raw HTML blocks, link texts and image
   * descriptions do not count; neither do e-mail addresses. A handle is {@code @} followed by 2 to
   * 40 letters, digits, dots, underscores or hyphens, not preceded by a letter or digit; a trailing
   * dot (end of a sentence) is not part of it. Handles are returned as written: {@code @Ann} and
   * {@code @ann} are two entries, and whether they name one member is the caller's business.
   *
   * @param markdown the source; {@code null} is treated as empty
   * @return the handles, without duplicates
   */
  public static List<String> mentions(String markdown) {
    TextCollector collector = new TextCollector(false);
    parse(markdown).accept(collector);
    Set<String> found = new LinkedHashSet<>();
    Matcher m = MENTION.matcher(collector.text());
    while (m.find()) {
      String handle = handle(m);
      if (handle != null) {
        found.add(handle);
      }
    }
    return List.copyOf(found);
  }

  /** The handle a {@link #MENTION} match names, without trailing dots; null when too short then. */
  private static String handle(Matcher m) {
    String handle = m.group(1);
    int end = handle.length();
    while (end > 0 && handle.charAt(end - 1) == '.') {
      end--;
    }
    return end >= 2 ? handle.substring(0, end) : null;
  }

  /**
   * Replaces each mention of a linkable handle in the tree's text with a placeholder, and returns
   * the links that stand for the placeholders, by number. The text is read as {@link #mentions}
   * reads it; a mention that spans two text nodes (part of it emphasised, say) stays plain text.
   */
  private static final class MentionLinker {
    static final String MARK = "mention" + secret() + "n";

    private static String secret() {
      java.security.SecureRandom random = new java.security.SecureRandom();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      return b.toString();
    }

    /** Where in a text node's literal a linked mention is, and the number of its link. */
    private record Span(int from, int to, int anchor) {}

    static List<String> link(Node document, Set<String> linkable) {
      TextCollector collector = new TextCollector(false);
      document.accept(collector);
      List<String> anchors = new ArrayList<>();
      // per text node, the literal rebuilt with placeholders, from the end so offsets hold
      Map<Text, List<Span>> spans = new java.util.IdentityHashMap<>();
      Matcher m = MENTION.matcher(collector.text());
      while (m.find()) {
        String handle = handle(m);
        if (handle == null || !linkable.contains(handle.toLowerCase(Locale.ROOT))) {
          continue;
        }
        int start = m.start();
        int end = m.start(1) + handle.length();
        TextCollector.Placed in = collector.textAt(start, end);
        if (in == null) {
          continue;
        }
        anchors.add("<a class=\"mention\" href=\"/members/" + handle.toLowerCase(Locale.ROOT) + "\">@" + handle + "</a>");
        spans.computeIfAbsent(in.node(), k -> new ArrayList<>())
            .add(new Span(start - in.start(), end - in.start(), anchors.size() - 1));
      }
      spans.forEach((node, list) -> {
        StringBuilder literal = new StringBuilder(node.getLiteral());
        for (int i = list.size() - 1; i >= 0; i--) {
          Span span = list.get(i);
          literal.replace(span.from(), span.to(), MARK + span.anchor() + "z");
        }
        node.setLiteral(literal.toString());
      });
      return anchors;
    }
  }

  /**
   * The text of the rendered Markdown without any markup, for excerpts: whitespace collapsed to
   * single spaces, and if longer than {@code maxChars} cut at a word boundary with an ellipsis
   * ({@code "…"}) appended, the whole being at most {@code maxChars} characters. Link texts,
   * code and image descriptions are kept; URLs of links are not. Raw HTML in the source counts as
   * text, just as {@link #toHtml} shows it.
   *
   * <p>The result is plain text, <strong>not</strong> HTML: escape it when putting it in a page.
   *
   * @param markdown the source; {@code null} is treated as empty
   * @param maxChars the maximum length of the result, at least 1
   * @return the excerpt
   */
  public static String plainText(String markdown, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1: " + maxChars);
    }
    TextCollector collector = new TextCollector(true);
    parse(markdown).accept(collector);
    String text = collector.text().replaceAll("(?U)\\s+", " ").strip();
    return excerpt(text, false, maxChars);
  }

  /** Block-level elements of {@link #toHtml}'s output: the text on either side of one is separate words. */
  private static final java.util.Set<String> BLOCK_ELEMENTS = java.util.Set.of("p", "br", "hr", "h1", "h2", "h3", "h4",
      "h5", "h6", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "div");

  /**
   * The excerpt {@link #plainText} makes of a post's Markdown, made instead from the HTML {@link #toHtml} rendered
   * of it and stored: tags dropped (block elements and table cells separate words, an image counts as its
   * description), character references decoded, whitespace collapsed, cut as {@link #plainText} cuts. One pass
   * over the characters, stopping once the excerpt is known, so a page that lists many posts renders none of
   * them again. For the HTML that {@link #toHtml} makes the result is {@link #plainText}'s for its source.
   *
   * @param html     the stored HTML, or its head (null: empty)
   * @param more     whether {@code html} is only the head of the HTML: the excerpt then ends with an ellipsis,
   *                 without the last word, which may be cut
   * @param maxChars the maximum length of the result, at least 1
   * @return the excerpt, plain text (escape it when putting it in a page)
   */
  public static String plainTextOfHtml(String html, boolean more, int maxChars) {
    if (maxChars < 1) {
      throw new IllegalArgumentException("maxChars must be at least 1: " + maxChars);
    }
    String in = html == null ? "" : html;
    StringBuilder out = new StringBuilder(Math.min(in.length(), maxChars + 2));
    boolean space = false; // a space is due before the next character
    int n = in.length();
    int i = 0;
    // enough text to cut as plainText does: it looks at the first maxChars + 1 characters only
    while (i < n && out.length() <= maxChars + 1) {
      char c = in.charAt(i);
      String piece;
      if (c == '<') {
        int end = in.indexOf('>', i);
        if (end < 0) {
          break; // a tag the head cut in two
        }
        int from = i + 1 + (i + 1 < end && in.charAt(i + 1) == '/' ? 1 : 0);
        int to = from;
        while (to < end && Character.isLetterOrDigit(in.charAt(to))) {
          to++;
        }
        String name = in.substring(from, to).toLowerCase(Locale.ROOT);
        piece = name.equals("img") ? attribute(in.substring(to, end), "alt") : "";
        if (BLOCK_ELEMENTS.contains(name)) {
          space = true;
        }
        i = end + 1;
      } else if (c == '&') {
        int semi = in.indexOf(';', i);
        String decoded = semi < 0 || semi - i > 12 ? null : reference(in.substring(i + 1, semi));
        if (decoded == null && semi < 0 && n - i <= 12) {
          break; // a reference the head cut in two
        }
        piece = decoded == null ? "&" : decoded;
        i = decoded == null ? i + 1 : semi + 1;
      } else {
        piece = String.valueOf(c);
        i++;
      }
      for (int k = 0; k < piece.length(); k++) {
        char p = piece.charAt(k);
        if (whitespace(p)) {
          space = true;
        } else {
          if (space && out.length() > 0) {
            out.append(' ');
          }
          space = false;
          out.append(p);
        }
      }
    }
    boolean cut = more || i < n;
    // a space still due after the last word: that word is whole, even in a head
    return excerpt(cut && space && out.length() > 0 ? out + " " : out.toString(), cut, maxChars);
  }

  /** Whitespace as {@code (?U)\\s} sees it. */
  private static boolean whitespace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }

  /** A character reference's text ({@code name} without {@code &} and {@code ;}), or null when it is none. */
  private static String reference(String name) {
    try {
      if (name.startsWith("#x") || name.startsWith("#X")) {
        return Character.toString(Integer.parseInt(name.substring(2), 16));
      }
      if (name.startsWith("#")) {
        return Character.toString(Integer.parseInt(name.substring(1)));
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return switch (name) {
      case "amp" -> "&";
      case "lt" -> "<";
      case "gt" -> ">";
      case "quot" -> "\"";
      case "apos" -> "'";
      case "nbsp" -> "\u00a0";
      default -> null;
    };
  }

  /** An attribute's decoded value in a tag's attributes text ({@code  src="…" alt="…"}), or "" when absent. */
  private static String attribute(String attributes, String name) {
    int at = attributes.indexOf(" " + name + "=\"");
    if (at < 0) {
      return "";
    }
    int from = at + name.length() + 3;
    int to = attributes.indexOf('"', from);
    String raw = to < 0 ? attributes.substring(from) : attributes.substring(from, to);
    StringBuilder value = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      int semi = raw.charAt(i) == '&' ? raw.indexOf(';', i) : -1;
      String decoded = semi < 0 ? null : reference(raw.substring(i + 1, semi));
      value.append(decoded == null ? String.valueOf(raw.charAt(i)) : decoded);
      i = decoded == null ? i : semi;
    }
    return value.toString();
  }

  /**
   * {@code text} (whitespace collapsed, stripped) as it is when at most {@code maxChars} long and complete;
   * otherwise cut at a word boundary with an ellipsis, the whole at most {@code maxChars}. When {@code more}
   * (the text goes on beyond what is here), its last word may be cut and is left out.
   */
  private static String excerpt(String text, boolean more, int maxChars) {
    if (text.length() <= maxChars && !more) {
      return text;
    }
    if (text.isEmpty()) {
      return "…";
    }
    int limit = maxChars - 1; // room for the ellipsis
    int cut = -1;
    // the last space at or before the limit (a space at 'limit' means the word before it fits whole)
    for (int i = Math.min(limit, text.length() - 1); i > 0; i--) {
      if (text.charAt(i) == ' ') {
        cut = i;
        break;
      }
    }
    if (cut <= 0) {
      cut = Math.min(limit, text.length()); // one long word: cut inside it
      if (cut > 0 && Character.isHighSurrogate(text.charAt(cut - 1))) {
        cut--;
      }
    }
    String head = text.substring(0, cut).stripTrailing();
    // no dangling punctuation before the ellipsis ("word,…")
    int end = head.length();
    while (end > 0 && ",;:-–—([{".indexOf(head.charAt(end - 1)) >= 0) {
      end--;
    }
    if (end > 0) {
      head = head.substring(0, end).stripTrailing();
    }
    return head + "…";
  }

  private static Node parse(String markdown) {
    return PARSER.parse(markdown == null ? "" : markdown);
  }

  /** The HTML attributes CommonMark gives, trimmed to what the sanitiser policy lets through. */
  private static void adjustAttributes(Node node, String tagName, Map<String, String> attributes) {
    if (node instanceof TableCell cell) {
      attributes.remove("align");
      attributes.remove("style");
      if (cell.getAlignment() != null) {
        attributes.put("class", "align-" + switch (cell.getAlignment()) {
          case LEFT -> "left";
          case CENTER -> "center";
          case RIGHT -> "right";
        });
      }
    } else if (node instanceof Link link && "a".equals(tagName)) {
      // a destination that the URL sanitiser emptied was unsafe: no link at all, just its text
      if (isBlank(attributes.get("href")) && !isBlank(link.getDestination())) {
        attributes.clear();
      }
    } else if (node instanceof Image image && "img".equals(tagName)) {
      // an unsafe image source: the sanitiser then drops the image (its alt text is lost)
      if (isBlank(attributes.get("src")) && !isBlank(image.getDestination())) {
        attributes.clear();
      }
    } else if (node instanceof FencedCodeBlock && "code".equals(tagName)) {
      String cls = attributes.remove("class");
      if (cls != null && cls.startsWith("language-")) {
        String language = cls.substring("language-".length()).toLowerCase(Locale.ROOT);
        if (LANGUAGE.matcher(language).matches()) {
          attributes.put("class", "language-" + language);
        }
      }
    }
  }

  /** {@code attrs} alternates names and values, as the sanitiser hands them to element policies. */
  private static boolean hasAttribute(List<String> attrs, String name) {
    for (int i = 0; i + 1 < attrs.size(); i += 2) {
      if (attrs.get(i).equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  /** Image sources: http, https or relative; never mailto or data. */
  private static boolean isImageUrl(String url) {
    String u = url.strip().toLowerCase(Locale.ROOT);
    int colon = u.indexOf(':');
    if (colon < 0) {
      return true;
    }
    int firstDelimiter = firstIndexOfAny(u, "/?#");
    if (firstDelimiter >= 0 && firstDelimiter < colon) {
      return true; // the colon is in the path/query/fragment: a relative URL
    }
    String scheme = u.substring(0, colon);
    return scheme.equals("http") || scheme.equals("https");
  }

  private static int firstIndexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /** {@code #} → h3, {@code ##} → h4, …, at most h6. */
  /** Shifts headings down, never more than one level below the heading before. */
  private static final class HeadingShifter extends AbstractVisitor {
    private int last;

    HeadingShifter(int after) {
      this.last = Math.max(HEADING_SHIFT, Math.min(6, after));
    }

    @Override
    public void visit(Heading heading) {
      int level = Math.min(6, Math.min(heading.getLevel() + HEADING_SHIFT, last + 1));
      heading.setLevel(level);
      last = level;
      visitChildren(heading);
    }
  }

  /** Turns each heading into a paragraph holding its text in strong emphasis. */
  private static final class HeadingFlattener extends AbstractVisitor {
    @Override
    public void visit(Heading heading) {
      Paragraph paragraph = new Paragraph();
      StrongEmphasis strong = new StrongEmphasis();
      Node child = heading.getFirstChild();
      while (child != null) {
        Node next = child.getNext();
        strong.appendChild(child);
        child = next;
      }
      paragraph.appendChild(strong);
      heading.insertBefore(paragraph);
      heading.unlink();
      visitChildren(paragraph);
    }
  }

  /**
   * Collects the visible text. For mentions ({@code all == false}) code, links and images are
   * replaced by a separator; for excerpts everything visible is kept.
   */
  private static final class TextCollector extends AbstractVisitor {
    private static final char SEPARATOR = ' ';

    private final boolean all;
    private final StringBuilder out = new StringBuilder();

    TextCollector(boolean all) {
      this.all = all;
    }

    String text() {
      return out.toString();
    }

    /** A text node and where its literal starts in {@link #text()}. */
    record Placed(Text node, int start) {}

    private final List<Placed> placed = new ArrayList<>();

    /** The text node that holds all of {@code [start, end)} of {@link #text()}, if one does. */
    Placed textAt(int start, int end) {
      int low = 0;
      int high = placed.size() - 1;
      while (low <= high) { // the last node that starts at or before start
        int mid = (low + high) >>> 1;
        if (placed.get(mid).start() <= start) {
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      Placed p = high < 0 ? null : placed.get(high);
      return p != null && end <= p.start() + p.node().getLiteral().length() ? p : null;
    }

    @Override
    public void visit(Text text) {
      placed.add(new Placed(text, out.length()));
      out.append(text.getLiteral());
    }

    @Override
    public void visit(Code code) {
      if (all) {
        out.append(code.getLiteral());
      } else {
        out.append(SEPARATOR);
      }
    }

    @Override
    public void visit(FencedCodeBlock block) {
      separate();
      if (all) {
        out.append(block.getLiteral());
      }
      separate();
    }

    @Override
    public void visit(IndentedCodeBlock block) {
      separate();
      if (all) {
        out.append(block.getLiteral());
      }
      separate();
    }

    @Override
    public void visit(HtmlBlock block) {
      // shown as text by toHtml; never a mention
      separate();
      if (all) {
        out.append(block.getLiteral());
      }
      separate();
    }

    @Override
    public void visit(HtmlInline html) {
      if (all) {
        out.append(html.getLiteral());
      } else {
        out.append(SEPARATOR);
      }
    }

    @Override
    public void visit(Link link) {
      if (all) {
        visitChildren(link);
      } else {
        out.append(SEPARATOR);
      }
    }

    @Override
    public void visit(Image image) {
      if (all) {
        visitChildren(image);
      } else {
        out.append(SEPARATOR);
      }
    }

    @Override
    public void visit(SoftLineBreak softLineBreak) {
      out.append('\n');
    }

    @Override
    public void visit(HardLineBreak hardLineBreak) {
      out.append('\n');
    }

    @Override
    protected void visitChildren(Node parent) {
      boolean block = parent instanceof Block;
      if (block) {
        separate();
      }
      super.visitChildren(parent);
      if (block) {
        separate();
      }
    }

    @Override
    public void visit(CustomNode node) {
      // autolinks from the extension are Link nodes; strikethrough is a plain container
      boolean cell = node instanceof TableCell;
      if (cell) {
        out.append(SEPARATOR);
      }
      visitChildren(node);
      if (cell) {
        out.append(SEPARATOR);
      }
    }

    private void separate() {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
    }
  }
}
