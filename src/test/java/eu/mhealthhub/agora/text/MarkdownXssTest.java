package eu.mhealthhub.agora.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import eu.mhealthhub.agora.support.HtmlChecker;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Comment;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.XmlDeclaration;
import org.jsoup.nodes.DocumentType;
import org.jsoup.select.NodeTraversor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Known cross-site scripting payloads (in the style of the OWASP XSS filter evasion cheat sheet,
 * plus Markdown-specific ones) go through {@link Markdown#toHtml}; the output is parsed as a
 * browser would (jsoup) and must hold nothing that can run script, load a frame or style the page.
 */
class MarkdownXssTest {

  private static final Set<String> ALLOWED_ELEMENTS = Set.of(
      "p", "br", "hr", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code", "pre",
      "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a", "img");

  private static final Map<String, Set<String>> ALLOWED_ATTRIBUTES = Map.of(
      "a", Set.of("href", "title", "rel"),
      "img", Set.of("src", "alt", "title"),
      "ol", Set.of("start"),
      "code", Set.of("class"),
      "th", Set.of("class"),
      "td", Set.of("class"));

  private static final Pattern SCHEME = Pattern.compile("^([a-z][a-z0-9+.-]*):");

  static Stream<Arguments> payloads() {
    String tab = "\t";
    return Stream.of(
        // script tags, every casing and some broken ones
        xss("script tag", "<script>alert(1)</script>"),
        xss("script tag upper case", "<SCRIPT>alert(1)</SCRIPT>"),
        xss("script tag mixed case", "<ScRiPt>alert(1)</sCrIpT>"),
        xss("external script", "<script src=https://evil.example/x.js></script>"),
        xss("script with slash attribute", "<SCRIPT/XSS SRC=\"http://xss.rocks/xss.js\"></SCRIPT>"),
        xss("double open bracket", "<<script>alert(1)//<</script>"),
        xss("script split by script", "<scr<script>ipt>alert(1)</script>"),
        xss("unclosed script", "<script>alert(1)"),
        xss("script in a paragraph", "hello <script>alert(1)</script> world"),
        xss("script after a blank line in a list", "- item\n\n  <script>alert(1)</script>"),
        // event handlers on images and others
        xss("img onerror", "<img src=x onerror=alert(1)>"),
        xss("img onerror mixed case", "<IMG SRC=x OnErRoR=alert(1)>"),
        xss("img javascript src", "<img src=\"javascript:alert(1)\">"),
        xss("img javascript src no quotes", "<IMG SRC=JaVaScRiPt:alert('XSS')>"),
        xss("img backtick src", "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>"),
        xss("img malformed quotes", "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\">"),
        xss("img fromCharCode", "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>"),
        xss("img eval src", "<img src=x:alert(alt) onerror=eval(src) alt=0>"),
        xss("img with NUL", "<img src=\"x\u0000\" onerror=alert(1)>"),
        xss("svg onload", "<svg onload=alert(1)>"),
        xss("svg script", "<svg><script>alert(1)</script></svg>"),
        xss("svg xlink", "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"),
        xss("math link", "<math href=\"javascript:alert(1)\">x</math>"),
        xss("math mglyph style", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
        xss("iframe javascript", "<iframe src=\"javascript:alert(1)\"></iframe>"),
        xss("iframe srcdoc", "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>"),
        xss("object data", "<object data=\"javascript:alert(1)\"></object>"),
        xss("embed src", "<embed src=\"javascript:alert(1)\">"),
        xss("style element", "<style>body{background:url(javascript:alert(1))}</style>"),
        xss("style attribute url", "<div style=\"background:url(javascript:alert(1))\">x</div>"),
        xss("style expression", "<div style=\"width: expression(alert(1))\">x</div>"),
        xss("style with entity", "<DIV STYLE=\"background-image: url(&#1;javascript:alert('XSS'))\">"),
        xss("behavior htc", "<XSS STYLE=\"behavior: url(xss.htc);\">"),
        xss("link stylesheet", "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">"),
        xss("table background", "<TABLE BACKGROUND=\"javascript:alert('XSS')\">"),
        xss("base href", "<base href=\"javascript:alert(1)//\">"),
        xss("meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">"),
        xss("form button formaction", "<form><button formaction=javascript:alert(1)>x</button></form>"),
        xss("details ontoggle", "<details open ontoggle=alert(1)>"),
        xss("video source onerror", "<video><source onerror=alert(1)></video>"),
        xss("body onload", "<body onload=alert(1)>"),
        xss("body odd onload", "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>"),
        xss("input autofocus", "<input autofocus onfocus=alert(1)>"),
        xss("unknown element handler", "<x onclick=alert(1)>click me"),
        xss("isindex", "<isindex type=image src=1 onerror=alert(1)>"),
        xss("template", "<template><script>alert(1)</script></template>"),
        xss("textarea", "<textarea><script>alert(1)</script></textarea>"),
        xss("noscript mutation", "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">"),
        xss("HTML comment", "<!-- <script>alert(1)</script> -->"),
        xss("CDATA", "<![CDATA[<script>alert(1)</script>]]>"),
        xss("nested unclosed tags", "<b><i><script>alert(1)"),
        xss("unclosed img", "<div><p><img src=x onerror=alert(1)"),
        // raw HTML links
        xss("raw link onclick", "<a href=\"http://example.com\" onclick=\"alert(1)\">x</a>"),
        xss("raw link decimal entity", "<a href=\"&#106;avascript:alert(1)\">x</a>"),
        xss("raw link colon entity", "<a href=\"javascript&colon;alert(1)\">x</a>"),
        xss("raw link tab entity", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>"),
        xss("raw link entity mid-word", "<a href=\"javas&#99;ript:alert(1)\">x</a>"),
        xss("raw link backticks", "<a href=\"`javascript:alert(1)`\">x</a>"),
        xss("raw link data", "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>"),
        // Markdown links
        xss("markdown javascript link", "[x](javascript:alert(1))"),
        xss("markdown javascript link mixed case", "[x](JaVaScRiPt:alert(1))"),
        xss("markdown link decimal entity", "[x](&#106;avascript:alert(1))"),
        xss("markdown link hex entities", "[x](&#x6A;&#x61;vascript:alert(1))"),
        xss("markdown link colon entity", "[x](javascript&#58;alert(1))"),
        xss("markdown link named colon entity", "[x](javascript&colon;alert(1))"),
        xss("markdown link tab-split", "[x](<java" + tab + "script:alert(1)>)"),
        xss("markdown link tab-split bare", "[x](java" + tab + "script:alert(1))"),
        xss("markdown link newline-split", "[x](<java\nscript:alert(1)>)"),
        xss("markdown link leading spaces", "[x](   javascript:alert(1))"),
        xss("markdown link control character", "[x](\u0001javascript:alert(1))"),
        xss("markdown link angle brackets", "[x](<javascript:alert(1)>)"),
        xss("markdown link comment trick", "[x](javascript://%0Aalert(1))"),
        xss("markdown link backslash", "[x](\\javascript:alert(1))"),
        xss("markdown link unicode escape text", "[x](\\u006Aavascript:alert(1))"),
        xss("markdown link fullwidth letters", "[x](\uFF4A\uFF41\uFF56\uFF41script:alert(1))"),
        xss("markdown link percent-encoded scheme", "[x](java%0ascript:alert(1))"),
        xss("markdown link vbscript", "[x](vbscript:msgbox(1))"),
        xss("markdown link VBScript", "[x](VBScript:msgbox(1))"),
        xss("markdown link data", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
        xss("markdown link DATA", "[x](DATA:text/html,<script>alert(1)</script>)"),
        xss("markdown link attribute break", "[x](http://example.com/\"onmouseover=\"alert(1))"),
        xss("markdown link title break", "[x](http://example.com \"t\\\" onclick=\\\"alert(1)\")"),
        xss("markdown link text with html", "[<img src=x onerror=alert(1)>](http://example.com)"),
        // autolinks
        xss("autolink javascript", "<javascript:alert(1)>"),
        xss("autolink JAVASCRIPT", "<JAVASCRIPT:alert(1)>"),
        xss("autolink vbscript", "<vbscript:msgbox(1)>"),
        xss("autolink data", "<data:text/html,alert(1)>"),
        xss("bare javascript text", "javascript:alert(1)"),
        xss("extension autolink with script", "www.example.com/<script>alert(1)</script>"),
        xss("extension autolink attribute break", "https://example.com/\"onmouseover=\"alert(1)"),
        xss("extension autolink mailto", "mailto:javascript:alert(1)"),
        // reference links
        xss("reference javascript", "[x][r]\n\n[r]: javascript:alert(1)"),
        xss("reference javascript in brackets", "[x][r]\n\n[r]: <javascript:alert(1)> \"title\""),
        xss("reference entity", "[x][r]\n\n[r]: &#106;avascript:alert(1)"),
        xss("reference data", "[x]\n\n[x]: data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
        xss("reference title break", "[x][r]\n\n[r]: http://a.example '\" onmouseover=alert(1) x=\"'"),
        // images
        xss("markdown image javascript", "![x](javascript:alert(1))"),
        xss("markdown image data html", "![x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
        xss("markdown image data svg", "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)"),
        xss("markdown image vbscript", "![x](vbscript:msgbox(1))"),
        xss("markdown image onerror in title", "![x](http://example.com/a.png \"\\\" onerror=\\\"alert(1)\")"),
        xss("markdown image onerror in alt", "![x\" onerror=\"alert(1)](http://example.com/a.png)"),
        xss("markdown image onerror in src", "![x](x\"onerror=\"alert(1))"),
        xss("markdown image reference", "![x][i]\n\n[i]: javascript:alert(1)"),
        // code and other Markdown constructs
        xss("code span", "`<script>alert(1)</script>`"),
        xss("fenced code", "```html\n<script>alert(1)</script>\n```"),
        xss("fenced code info string", "```\"><script>alert(1)</script>\nx\n```"),
        xss("fenced code class break", "```x\" onclick=\"alert(1)\nx\n```"),
        xss("indented code", "    <script>alert(1)</script>"),
        xss("table cell html", "| a |\n|---|\n| <img src=x onerror=alert(1)> |"),
        xss("strikethrough html", "~~<script>alert(1)</script>~~"),
        xss("heading html", "# <script>alert(1)</script>"),
        xss("blockquote html", "> <iframe src=javascript:alert(1)>"),
        xss("deep nesting", ">".repeat(300) + " <script>alert(1)</script>"),
        xss("deep link nesting", "[".repeat(300) + "x" + "](javascript:alert(1))".repeat(300)),
        xss("latin-1 script trick", "\u00BCscript\u00BEalert(\u00A2XSS\u00A2)\u00BC/script\u00BE"),
        xss("UTF-7 script", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"));
  }

  private static Arguments xss(String name, String payload) {
    return Arguments.of(name, payload);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  @DisplayName("an XSS payload renders to nothing that can run script")
  void payloadIsHarmless(String name, String payload) {
    assertSafe(Markdown.toHtml(payload));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("payloads")
  @DisplayName("an XSS payload renders to valid HTML in a post (Nu HTML Checker)")
  void payloadIsValidHtml(String name, String payload) {
    HtmlChecker.assertValid(inPost(Markdown.toHtml(payload)), "Markdown: " + name);
  }

  @Test
  @DisplayName("every Markdown feature renders to valid HTML in a post (Nu HTML Checker)")
  void featuresAreValidHtml() {
    String markdown = """
        # Heading one
        ## Heading two
        ### Heading three

        Some *emphasis*, **strong**, ~~struck~~, `code <b>`, a line\
        break, https://example.org/a?b=1&c=2, www.example.org, someone@example.org,
        [a link](/threads/1 "with a title"), ![an image](/static/img/agora.svg "title") and ![](https://example.org/x.png).

        > a quote
        > > nested

        1. one
        2. two
           - nested *item*
           - another

        5. starts at five

        - [ ] a task
        - [x] done

        | left | centre | right |
        |:-----|:------:|------:|
        | a    | b      | c     |

        ```java
        if (a < b && c > d) { return "x"; }
        ```

            indented code

        ---

        <div onclick="x">raw html</div> & an ampersand, <https://example.org/autolink>.
        """;
    HtmlChecker.assertValid(inPost(Markdown.toHtml(markdown)), "Markdown: features");
  }

  /** A fragment where a thread page puts a post: under the page's (hidden) heading of its posts. */
  private static String inPost(String html) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>post</title></head><body><main>"
        + "<h1>thread</h1><h2>posts</h2><article class=\"post\"><div class=\"body\">\n" + html
        + "\n</div></article><h2>reply</h2></main></body></html>";
  }

  @Test
  @DisplayName("there are at least 60 payloads")
  void enoughPayloads() {
    assertTrue(payloads().count() >= 60, "payload count");
  }

  @Test
  @DisplayName("the safety check itself catches dangerous HTML")
  void checkerCatchesDangerousHtml() {
    for (String bad : List.of(
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<p style=\"color:red\">x</p>",
        "<a href=\"javascript:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
        "<a href=\"java&#9;script:alert(1)\" rel=\"nofollow ugc noopener\">x</a>",
        "<img src=\"data:image/png;base64,AAAA\">",
        "<a href=\"http://example.com\">no rel</a>",
        "<h1>page title</h1>",
        "<iframe src=\"https://example.com\"></iframe>",
        "<!-- comment -->")) {
      assertThrows(AssertionError.class, () -> assertSafe(bad), bad);
    }
    assertSafe("<p><a href=\"https://example.com\" rel=\"nofollow ugc noopener\">ok</a></p>");
  }

  @Test
  @DisplayName("escaped raw HTML is still visible as text")
  void rawHtmlIsVisible() {
    Document doc = Jsoup.parseBodyFragment(Markdown.toHtml("<script>alert(1)</script>"));
    assertEquals("<script>alert(1)</script>", doc.body().text());
  }

  /** Parses the HTML as a browser would and checks it against the allow-list. */
  static void assertSafe(String html) {
    Document doc = Jsoup.parseBodyFragment(html);
    NodeTraversor.traverse((Node node, int depth) -> {
      if (node instanceof Comment || node instanceof DataNode || node instanceof XmlDeclaration
          || node instanceof DocumentType) {
        fail("unexpected " + node.nodeName() + " in " + html);
      }
    }, doc.body());
    for (Element el : doc.body().getAllElements()) {
      if (el == doc.body()) {
        continue;
      }
      String tag = el.normalName();
      assertTrue(ALLOWED_ELEMENTS.contains(tag), "element <" + tag + "> in " + html);
      for (Attribute attribute : el.attributes()) {
        String name = attribute.getKey().toLowerCase(Locale.ROOT);
        String value = attribute.getValue(); // entities decoded
        assertFalse(name.startsWith("on"), "event handler " + name + " in " + html);
        assertFalse(name.equals("style"), "style attribute in " + html);
        assertTrue(ALLOWED_ATTRIBUTES.getOrDefault(tag, Set.of()).contains(name),
            "attribute " + name + " on <" + tag + "> in " + html);
        // browsers ignore ASCII whitespace and control characters inside a URL's scheme
        String squashed = value.replaceAll("[\\s\\p{Cc}\\p{Cf}]", "").toLowerCase(Locale.ROOT);
        for (String forbidden : List.of("javascript", "vbscript", "data:")) {
          assertFalse(squashed.contains(forbidden),
              forbidden + " in " + name + "=\"" + value + "\" in " + html);
        }
        if (name.equals("href") || name.equals("src")) {
          Matcher m = SCHEME.matcher(squashed);
          if (m.find()) {
            Set<String> allowed = tag.equals("img") ? Set.of("http", "https")
                : Set.of("http", "https", "mailto");
            assertTrue(allowed.contains(m.group(1)), "scheme " + m.group(1) + " in " + html);
          }
        }
      }
      if (tag.equals("a")) {
        assertEquals("nofollow ugc noopener", el.attr("rel"), "rel of a link in " + html);
        assertFalse(el.hasAttr("target"), "target on a link in " + html);
      }
      if (tag.equals("code") && el.hasAttr("class")) {
        assertTrue(el.attr("class").matches("language-[a-z0-9+#-]{1,20}"), "class in " + html);
      }
      if ((tag.equals("td") || tag.equals("th")) && el.hasAttr("class")) {
        assertTrue(el.attr("class").matches("align-(left|center|right)"), "class in " + html);
      }
    }
  }
}
