package eu.mhealthhub.agora.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@link Markdown} makes of ordinary forum posts. */
class MarkdownTest {

  private static final String REL = "nofollow ugc noopener";

  private static Element render(String markdown) {
    String html = Markdown.toHtml(markdown);
    MarkdownXssTest.assertSafe(html);
    return Jsoup.parseBodyFragment(html).body();
  }

  // --- toHtml ------------------------------------------------------------

  @Test
  @DisplayName("toHtml: empty and null input render as nothing")
  void empty() {
    assertEquals("", Markdown.toHtml(""));
    assertEquals("", Markdown.toHtml(null));
  }

  @Test
  @DisplayName("toHtml: paragraphs, emphasis, line breaks, quotes, rules and lists render as usual")
  void basics() {
    Element body = render("Hello *there* and **you**.  \nNext line\n\n> quoted\n\n---\n\n"
        + "- one\n- two\n\n3. three\n4. four");
    assertEquals("there", body.selectFirst("p > em").text());
    assertEquals("you", body.selectFirst("p > strong").text());
    assertEquals(1, body.select("p > br").size());
    assertEquals("quoted", body.selectFirst("blockquote > p").text());
    assertEquals(1, body.select("hr").size());
    assertEquals(List.of("one", "two"), body.select("ul > li").eachText());
    Element ol = body.selectFirst("ol");
    assertEquals("3", ol.attr("start"));
    assertEquals(List.of("three", "four"), ol.select("li").eachText());
  }

  @Test
  @DisplayName("toHtml: headings are shifted two levels down, so a post never makes an h1 or h2")
  void headingsShifted() {
    Element body = render("# One\n\n## Two\n\n### Three\n\n#### Four\n\n##### Five\n\n"
        + "###### Six\n\nSetext one\n===\n\nSetext two\n---");
    assertTrue(body.select("h1, h2").isEmpty());
    assertEquals(List.of("One", "Setext one"), body.select("h3").eachText());
    assertEquals(List.of("Two", "Setext two"), body.select("h4").eachText());
    assertEquals(List.of("Three"), body.select("h5").eachText());
    assertEquals(List.of("Four", "Five", "Six"), body.select("h6").eachText());
  }

  @Test
  @DisplayName("toHtml: a heading is never more than one level below the heading before it, as HTML requires")
  void headingsSkipNoLevel() {
    Element body = render("# One\n\n### Three\n\n###### Six\n\n# One again\n\n#### Four");
    assertEquals(List.of("h3", "h4", "h5", "h3", "h4"), body.select("h3, h4, h5, h6").stream().map(Element::tagName).toList());
  }

  @Test
  @DisplayName("render: a fragment continues from the page's heading before it, and tells where it ended")
  void renderContinues() {
    Markdown.Rendered first = Markdown.render("# Part\n\ntext", Markdown.PAGE_HEADING);
    assertEquals(3, first.lastHeading());
    Markdown.Rendered second = Markdown.render("#### Detail", first.lastHeading());
    assertEquals("h4", Jsoup.parseBodyFragment(second.html()).body().child(0).tagName());
    assertEquals(4, second.lastHeading());
    assertEquals(4, Markdown.render("no heading", 4).lastHeading());
  }

  @Test
  @DisplayName("noteToHtml: a note's headings become paragraphs of strong text, the rest renders as usual")
  void noteHasNoHeadings() {
    String html = Markdown.noteToHtml("# Fixed *typos*\n\nAnd a [link](https://example.org).");
    MarkdownXssTest.assertSafe(html);
    Element body = Jsoup.parseBodyFragment(html).body();
    assertTrue(body.select("h1, h2, h3, h4, h5, h6").isEmpty(), html);
    assertEquals("Fixed typos", body.select("p > strong").first().text());
    assertEquals("typos", body.select("p > strong > em").text());
    assertEquals("https://example.org", body.select("a").attr("href"));
  }

  @Test
  @DisplayName("toHtml: quotes and spaces in a link's or an image's address are percent-encoded, so the URL is valid")
  void addressesEncoded() {
    Element body = render("[x](<https://example.org/a \"b\">) ![y](/img/a\"b.png)");
    assertEquals("https://example.org/a%20%22b%22", body.select("a").attr("href"));
    assertEquals("/img/a%22b.png", body.select("img").attr("src"));
  }

  @Test
  @DisplayName("toHtml: GFM tables render with alignment as classes, never style or align attributes")
  void tables() {
    Element body = render("| Left | Centre | Right | None |\n|:-----|:------:|------:|------|\n"
        + "| a | b | c | d |");
    Element table = body.selectFirst("table");
    assertEquals(List.of("Left", "Centre", "Right", "None"),
        table.select("thead > tr > th").eachText());
    Elements cells = table.select("tbody > tr > td");
    assertEquals(List.of("a", "b", "c", "d"), cells.eachText());
    assertEquals("align-left", cells.get(0).attr("class"));
    assertEquals("align-center", cells.get(1).attr("class"));
    assertEquals("align-right", cells.get(2).attr("class"));
    assertFalse(cells.get(3).hasAttr("class"));
    assertEquals("align-right", table.select("th").get(2).attr("class"));
    assertTrue(table.select("[style], [align]").isEmpty());
  }

  @Test
  @DisplayName("toHtml: strikethrough renders as del")
  void strikethrough() {
    Element body = render("This is ~~wrong~~ right.");
    assertEquals("wrong", body.selectFirst("p > del").text());
  }

  @Test
  @DisplayName("toHtml: bare URLs, www addresses and e-mail addresses become links with rel and no target")
  void autolinks() {
    Element body = render("See https://example.org/a?b=1&c=2, www.example.com and write to "
        + "team@example.org or <https://example.net/x>.");
    Elements links = body.select("a");
    assertEquals(List.of("https://example.org/a?b=1&c=2", "http://www.example.com",
        "mailto:team@example.org", "https://example.net/x"), links.eachAttr("href"));
    for (Element a : links) {
      assertEquals(REL, a.attr("rel"));
      assertFalse(a.hasAttr("target"));
    }
  }

  @Test
  @DisplayName("toHtml: explicit links keep their title and get rel, relative ones too")
  void links() {
    Element body = render("[site](https://example.org \"The site\") [here](/threads/3#post-4) "
        + "[mail](mailto:a@example.org)");
    Elements links = body.select("a");
    assertEquals(List.of("https://example.org", "/threads/3#post-4", "mailto:a@example.org"),
        links.eachAttr("href"));
    assertEquals("The site", links.get(0).attr("title"));
    assertEquals(List.of(REL, REL, REL), links.eachAttr("rel"));
  }

  @Test
  @DisplayName("toHtml: a link to an unsafe URL is left as plain text")
  void unsafeLinkIsText() {
    Element body = render("before [click](javascript:alert(1)) after");
    assertTrue(body.select("a").isEmpty());
    assertEquals("before click after", body.text());
  }

  @Test
  @DisplayName("toHtml: images keep http(s) and relative sources with alt and title; other sources drop the image")
  void images() {
    Element body = render("![chart](https://example.org/c.png \"Chart\") ![rel](/img/x.png) "
        + "![bad](data:image/png;base64,AAAA) ![mail](mailto:a@example.org)");
    Elements images = body.select("img");
    assertEquals(List.of("https://example.org/c.png", "/img/x.png"), images.eachAttr("src"));
    assertEquals("chart", images.get(0).attr("alt"));
    assertEquals("Chart", images.get(0).attr("title"));
  }

  @Test
  @DisplayName("toHtml: fenced code keeps a normalised language class and escapes its content")
  void fencedCode() {
    Element body = render("```Python\nprint('<b>hi</b>')\n```\n\n```c++\nint x;\n```\n\n"
        + "```c#\nvar x;\n```\n\n```not\"valid\nx\n```\n\n```averyveryverylonglanguagename\nx\n```"
        + "\n\n```\nplain\n```");
    Elements codes = body.select("pre > code");
    assertEquals(6, codes.size());
    assertEquals("language-python", codes.get(0).attr("class"));
    assertEquals("print('<b>hi</b>')\n", codes.get(0).wholeText());
    assertTrue(codes.get(0).children().isEmpty());
    assertEquals("language-c++", codes.get(1).attr("class"));
    assertEquals("language-c#", codes.get(2).attr("class"));
    assertFalse(codes.get(3).hasAttr("class"));
    assertFalse(codes.get(4).hasAttr("class"));
    assertFalse(codes.get(5).hasAttr("class"));
  }

  @Test
  @DisplayName("toHtml: inline code escapes its content")
  void inlineCode() {
    Element body = render("Use `<em>` for emphasis");
    assertEquals("<em>", body.selectFirst("p > code").text());
    assertTrue(body.select("em").isEmpty());
  }

  @Test
  @DisplayName("toHtml: raw HTML, inline and as a block, shows as text")
  void rawHtmlShownAsText() {
    Element body = render("Some <b>bold</b> text\n\n<div class=\"x\">\nblock\n</div>");
    assertTrue(body.select("b, div").isEmpty());
    assertEquals("Some <b>bold</b> text", body.select("p").get(0).text());
    assertTrue(body.text().contains("<div class=\"x\">"), body.text());
  }

  @Test
  @DisplayName("toHtml: rendering is thread-safe: many threads get the same output")
  void threadSafe() {
    String source = "# T\n\n| a | b |\n|---|:-:|\n| 1 | ~~2~~ |\n\n```js\nx()\n```\n\nhttps://example.org @bob";
    String expected = Markdown.toHtml(source);
    List<String> results = IntStream.range(0, 400).parallel()
        .mapToObj(i -> Markdown.toHtml(source)).toList();
    assertTrue(results.stream().allMatch(expected::equals));
  }

  @Test
  @DisplayName("toHtml: deeply nested hostile input renders without failing")
  void deepNesting() {
    for (String source : List.of(">".repeat(20_000) + " x", "[".repeat(20_000) + "x",
        "*".repeat(20_000) + "x" + "*".repeat(20_000), "- ".repeat(10_000) + "x",
        "<div>".repeat(10_000))) {
      MarkdownXssTest.assertSafe(Markdown.toHtml(source));
      Markdown.mentions(source);
      Markdown.plainText(source, 100);
    }
  }

  // --- mentions ------------------------------------------------------------

  @Test
  @DisplayName("mentions: finds distinct handles in order of first appearance")
  void distinctInOrder() {
    assertEquals(List.of("carol", "alice", "bob_b"),
        Markdown.mentions("@carol, please ask @alice and @bob_b. Thanks @carol!"));
  }

  @Test
  @DisplayName("mentions: handles may hold letters of any script, digits, dots, underscores and hyphens")
  void handleCharacters() {
    assertEquals(List.of("jürgen.müller", "ana-maria", "li_2", "Ζωή"),
        Markdown.mentions("@jürgen.müller @ana-maria (@li_2) @Ζωή"));
  }

  @Test
  @DisplayName("mentions: a dot that ends the sentence is not part of the handle")
  void trailingDot() {
    assertEquals(List.of("dr.who", "ann"), Markdown.mentions("Ask @dr.who. Or @ann..."));
  }

  @Test
  @DisplayName("mentions: mentions inside code spans and code blocks are not mentions")
  void notInCode() {
    assertEquals(List.of("real"), Markdown.mentions(
        "Use `@decorator` here, @real.\n\n```java\n@Override\n```\n\n    @indented"));
  }

  @Test
  @DisplayName("mentions: e-mail addresses are not mentions")
  void notEmail() {
    assertEquals(List.of(), Markdown.mentions("Write to someone@example.org or <x@example.org>."));
    assertEquals(List.of("someone"), Markdown.mentions("Write to someone@example.org, @someone."));
  }

  @Test
  @DisplayName("mentions: mentions inside link texts and image descriptions are not mentions")
  void notInLinks() {
    assertEquals(List.of("after"), Markdown.mentions(
        "[@linked](https://example.org) ![@pictured](https://example.org/a.png) @after"));
  }

  @Test
  @DisplayName("mentions: mentions in emphasis, headings, lists, quotes and tables count")
  void inFormatting() {
    assertEquals(List.of("em", "head", "item", "quote", "cell"), Markdown.mentions(
        "*@em*\n\n# @head\n\n- @item\n\n> @quote\n\n| x |\n|---|\n| @cell |"));
  }

  @Test
  @DisplayName("mentions: handles shorter than 2 or longer than 40 characters are not mentions")
  void length() {
    String forty = "a".repeat(40);
    assertEquals(List.of("ab", forty),
        Markdown.mentions("@a @ab @" + forty + " @" + "b".repeat(41)));
  }

  @Test
  @DisplayName("mentions: an @ right after a letter or digit is not a mention, after punctuation it is")
  void boundaries() {
    assertEquals(List.of("one", "two", "three"),
        Markdown.mentions("x@nope 9@nope (@one) \"@two\" line\n@three"));
  }

  // --- linked mentions ----------------------------------------------------

  private static Element linked(String markdown, String... linkable) {
    String html = Markdown.toHtml(markdown, java.util.Set.of(linkable));
    Element body = Jsoup.parseBodyFragment(html).body();
    // the mention links are the renderer's own; everything else is what the sanitiser let through
    Element rest = body.clone();
    rest.select("a.mention").remove();
    MarkdownXssTest.assertSafe(rest.html());
    return body;
  }

  @Test
  @DisplayName("linked mentions: a linkable handle links to the member's page as written, others stay text")
  void linksLinkableHandles() {
    Element body = linked("Thanks @Ann and @bob, see you @ann.", "ann");
    Elements links = body.select("a.mention");
    assertEquals(List.of("@Ann", "@ann"), links.eachText());
    assertEquals(List.of("/members/ann", "/members/ann"), links.eachAttr("href"));
    assertEquals("Thanks @Ann and @bob, see you @ann.", body.text(), "the text reads as before, the dot outside");
  }

  @Test
  @DisplayName("linked mentions: none inside code spans, code blocks, link texts or image descriptions")
  void noLinksInCodeOrLinks() {
    Element body = linked("`@ann` [@ann](https://example.org) ![@ann](https://example.org/a.png)\n\n"
        + "    @ann in code\n\n```\n@ann fenced\n```\n\n*@ann* at last", "ann");
    Elements links = body.select("a.mention");
    assertEquals(1, links.size(), body.html());
    assertEquals("em", links.get(0).parent().tagName(), "the emphasised one");
    assertTrue(body.select("code a, pre a").isEmpty());
  }

  @Test
  @DisplayName("linked mentions: in headings, lists, quotes and tables too, and with no linkable handle nothing changes")
  void linksEverywhereVisible() {
    Element body = linked("# @ann\n\n- @ann\n\n> @ann\n\n| a |\n| - |\n| @ann |", "ann");
    assertEquals(4, body.select("h3 a.mention, li a.mention, blockquote a.mention, td a.mention").size(), body.html());
    assertEquals(Markdown.toHtml("Hi @ann"), Markdown.toHtml("Hi @ann", java.util.Set.of()));
  }

  @Test
  @DisplayName("mentions: empty and null input have no mentions")
  void emptyMentions() {
    assertEquals(List.of(), Markdown.mentions(""));
    assertEquals(List.of(), Markdown.mentions(null));
  }

  // --- plainText ------------------------------------------------------------

  @Test
  @DisplayName("plainText: drops the markup and link URLs, collapsing whitespace")
  void dropsMarkup() {
    assertEquals("Title Some bold and linked text. a b 1 2 code()",
        Markdown.plainText("# Title\n\nSome **bold** and [linked](https://example.org)   text.\n\n"
            + "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode()\n```", 200));
  }

  @Test
  @DisplayName("plainText: keeps short text whole, without an ellipsis")
  void shortText() {
    assertEquals("Short and sweet", Markdown.plainText("Short   and\n*sweet*", 15));
  }

  @Test
  @DisplayName("plainText: cuts long text at a word boundary and adds an ellipsis")
  void cutAtWord() {
    String excerpt = Markdown.plainText("The quick brown fox jumps over the lazy dog", 20);
    assertEquals("The quick brown fox…", excerpt);
    assertTrue(excerpt.length() <= 20);
    assertEquals("The quick…", Markdown.plainText("The quick brown fox", 14));
  }

  @Test
  @DisplayName("plainText: does not leave a comma dangling before the ellipsis")
  void noDanglingComma() {
    assertEquals("One, two…", Markdown.plainText("One, two, three, four", 12));
  }

  @Test
  @DisplayName("plainText: cuts inside a single very long word when it must")
  void longWord() {
    assertEquals("abcdefghi…", Markdown.plainText("abcdefghijklmnopqrstuvwxyz", 10));
  }

  @Test
  @DisplayName("plainText: raw HTML counts as text and is not interpreted")
  void plainTextRawHtml() {
    assertEquals("a <b>c</b>", Markdown.plainText("a <b>c</b>", 100));
  }

  @Test
  @DisplayName("plainText: never returns more than maxChars characters")
  void neverTooLong() {
    String source = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod.";
    for (int max = 1; max <= source.length() + 2; max++) {
      String excerpt = Markdown.plainText(source, max);
      assertTrue(excerpt.length() <= max, max + ": " + excerpt);
      assertFalse(excerpt.isEmpty(), "empty excerpt for " + max);
    }
  }

  @Test
  @DisplayName("plainText: rejects a maximum below 1")
  void badMax() {
    assertThrows(IllegalArgumentException.class, () -> Markdown.plainText("x", 0));
  }

  // --- plainTextOfHtml -------------------------------------------------------

  /** Sources whose excerpts a member page shows: markup of every kind, references, raw HTML, long text. */
  private static final List<String> EXCERPT_SOURCES = List.of(
      "# Title\n\nSome **bold** and [linked](https://example.org)   text.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode()\n```",
      "Short   and\n*sweet*",
      "Fish & chips < \"caviar\" > 'toast' @ noon = 1 + 1 `a<b`",
      "a <b>c</b> and <script>alert(1)</script>",
      "![a chart of *growth*](https://example.org/c.png) below\n\n> quoted\n> lines\n\n- one\n- two\n\n1. first\n2. second",
      "Line one  \nline two\\\nline three ~~gone~~ https://example.org/auto",
      "Caf\u00e9 na\u00efve \u201cquotes\u201d \u2014 emoji \ud83d\ude00 and &amp; &copy; &#169;",
      "One, two, three, four, five, six, seven, eight, nine, ten, eleven, twelve, thirteen, fourteen, fifteen.",
      "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore "
          + "magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea "
          + "commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore.",
      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
      "");

  @Test
  @DisplayName("plainTextOfHtml: the excerpt cut from the stored HTML is the one plainText makes of the Markdown, at every length")
  void htmlExcerptEqualsMarkdownExcerpt() {
    for (String source : EXCERPT_SOURCES) {
      String html = Markdown.toHtml(source);
      for (int max : new int[] {1, 2, 5, 9, 10, 14, 20, 33, 60, 100, 200, 500}) {
        assertEquals(Markdown.plainText(source, max), Markdown.plainTextOfHtml(html, false, max),
            max + " of " + source + "\n" + html);
      }
    }
  }

  @Test
  @DisplayName("plainTextOfHtml: a mention linked in the stored HTML reads as the handle typed")
  void htmlExcerptOfMention() {
    String source = "Thanks @ana, see you";
    assertEquals("Thanks @ana, see you", Markdown.plainTextOfHtml(Markdown.toHtml(source, java.util.Set.of("ana")), false, 200));
  }

  @Test
  @DisplayName("plainTextOfHtml: only the head of the HTML (cut inside a word, a tag or a reference) ends with an ellipsis, without the cut word")
  void htmlExcerptOfHead() {
    assertEquals("Fish and…", Markdown.plainTextOfHtml("<p>Fish and chi", true, 200));
    assertEquals("Fish and…", Markdown.plainTextOfHtml("<p>Fish and <a href=\"https://exa", true, 200));
    assertEquals("Fish…", Markdown.plainTextOfHtml("<p>Fish &am", true, 200));
    assertEquals("…", Markdown.plainTextOfHtml("<p><a href=\"https://example.org/long", true, 200));
    assertEquals("The quick…", Markdown.plainTextOfHtml("<p>The quick brown fox jumps", true, 14));
    assertTrue(Markdown.plainTextOfHtml("<p>" + "word ".repeat(100), true, 20).length() <= 20);
  }

  @Test
  @DisplayName("plainTextOfHtml: null is empty, and a maximum below 1 is refused")
  void htmlExcerptEdges() {
    assertEquals("", Markdown.plainTextOfHtml(null, false, 10));
    assertThrows(IllegalArgumentException.class, () -> Markdown.plainTextOfHtml("<p>x</p>", false, 0));
  }
}
