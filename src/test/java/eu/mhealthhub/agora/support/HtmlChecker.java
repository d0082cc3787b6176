package eu.mhealthhub.agora.support;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import nu.validator.validation.SimpleDocumentValidator;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXParseException;

/**
 * The Nu HTML Checker (the engine behind validator.w3.org/nu), in this JVM. {@link Browser} passes
 * every HTML page it receives through {@link #assertValid}, and the browser tests pass the pages
 * they scan with axe-core, so an invalid page fails the test that met it.
 *
 * <p>The checker takes a second or two to load its schemas, so one instance serves the whole run
 * (it is not thread-safe: checks take turns). Pages are cached by a hash of their text with the
 * per-session tokens blanked, so the same page seen again by another test or another member costs
 * a hash, not a check. Warnings and informational messages do not fail; errors do.
 *
 * <p>A response that is not a whole document (a live fragment) is checked inside a minimal page,
 * list items inside a list and table rows inside a table, as the page's script inserts them.
 */
public final class HtmlChecker {

  /** One message of the checker. */
  public record Problem(String url, int line, int column, String message, String extract) {
    @Override
    public String toString() {
      return url + ":" + line + ":" + column + ": " + message + (extract.isEmpty() ? "" : "\n      " + extract);
    }
  }

  private static final String SCHEMA = "http://s.validator.nu/html5-all.rnc";
  private static final String FRAGMENT_PROLOG =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>fragment</title></head><body>";
  /** Fragments of list items or table rows are checked inside the element the page inserts them into. */
  private static final Map<String, String[]> FRAGMENT_PARENTS = Map.of(
      "li", new String[] {"<ol>", "</ol>"},
      "tr", new String[] {"<table><tbody>", "</tbody></table>"});
  private static final Pattern FIRST_ELEMENT = Pattern.compile("\\s*<([a-zA-Z][a-zA-Z0-9]*)");
  private static final Pattern DOCTYPE = Pattern.compile("^\\s*<!doctype html", Pattern.CASE_INSENSITIVE);
  /** Values that differ per session or per form and never change whether a page is valid. */
  private static final Pattern TOKENS = Pattern.compile(
      "(name=\"(?:_csrf|clientToken|state|nonce|code_challenge)\" value=\")[^\"]*\"");
  private static final Pattern NUMBERS_IN_PATH = Pattern.compile("/\\d+(?=/|$|\\?)");

  private static final Map<String, List<Problem>> checked = new ConcurrentHashMap<>();
  private static final Map<String, AtomicLong> pagesByKind = new ConcurrentHashMap<>();
  private static final AtomicLong checks = new AtomicLong();
  private static SimpleDocumentValidator validator;
  private static Collector collector;

  private HtmlChecker() {}

  /** Every error the checker finds in one HTML response (a document or a fragment of one). */
  public static List<Problem> check(String html, String url) {
    String key = hash(TOKENS.matcher(html).replaceAll("$1\""));
    pagesByKind.computeIfAbsent(kind(url), k -> new AtomicLong()).incrementAndGet();
    List<Problem> known = checked.get(key);
    if (known != null) {
      return relabel(known, url);
    }
    String prolog = "";
    String document = html;
    if (!DOCTYPE.matcher(html).lookingAt()) {
      Matcher first = FIRST_ELEMENT.matcher(html);
      String[] parent = first.lookingAt() ? FRAGMENT_PARENTS.get(first.group(1).toLowerCase(Locale.ROOT)) : null;
      prolog = FRAGMENT_PROLOG + (parent == null ? "" : parent[0]);
      document = prolog + html + (parent == null ? "" : parent[1]) + "</body></html>";
    }
    List<Problem> problems = run(document, url, prolog.length());
    checked.put(key, problems);
    return problems;
  }

  /** Fails with every error the checker finds, each with its line, column and source extract. */
  public static void assertValid(String html, String url) {
    List<Problem> problems = check(html, url);
    if (!problems.isEmpty()) {
      StringBuilder s = new StringBuilder().append(problems.size()).append(" HTML error(s) in ").append(url)
          .append(" (Nu HTML Checker):");
      problems.forEach(p -> s.append("\n  - ").append(p));
      throw new AssertionError(s.toString());
    }
  }

  /**
   * How many pages were checked, by kind: the path with its numbers replaced by {@code :id} and
   * without its query (so {@code /threads/:id}, {@code /groups/reimbursement}). Cached pages count.
   */
  public static Map<String, Long> pagesByKind() {
    Map<String, Long> copy = new TreeMap<>();
    pagesByKind.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** How many pages the checker itself read (the rest came from the cache). */
  public static long checksRun() {
    return checks.get();
  }

  /** The kinds of page checked so far (see {@link #pagesByKind()}). */
  public static Set<String> kinds() {
    return pagesByKind().keySet();
  }

  /** The kind of page an address or a label ("GET url -> 200") names: see {@link #pagesByKind()}. */
  public static String kind(String url) {
    String path = url;
    int scheme = path.indexOf("://");
    if (scheme >= 0) {
      int slash = path.indexOf('/', scheme + 3);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    for (char end : new char[] {'?', '#', ' '}) {
      int at = path.indexOf(end);
      if (at >= 0) {
        path = path.substring(0, at);
      }
    }
    return NUMBERS_IN_PATH.matcher(path).replaceAll("/:id");
  }

  private static synchronized List<Problem> run(String document, String url, int prolog) {
    try {
      if (validator == null) {
        Runtime.getRuntime().addShutdownHook(new Thread(HtmlChecker::writeSummary));
        collector = new Collector();
        SimpleDocumentValidator v = new SimpleDocumentValidator(true, false, false);
        v.setUpMainSchema(SCHEMA, collector);
        v.setUpValidatorAndParsers(collector, true, false);
        validator = v;
      }
      checks.incrementAndGet();
      collector.start(url, document, prolog);
      InputSource in = new InputSource(new ByteArrayInputStream(document.getBytes(StandardCharsets.UTF_8)));
      in.setSystemId(url);
      validator.checkHtmlInputSource(in);
      return collector.finish();
    } catch (Exception e) {
      throw new IllegalStateException("the Nu HTML Checker failed on " + url, e);
    }
  }

  /** Leaves {@code target/html-checked.txt}: how many pages of each kind this run checked. */
  private static void writeSummary() {
    java.nio.file.Path target = java.nio.file.Path.of("target");
    if (!java.nio.file.Files.isDirectory(target)) {
      return;
    }
    StringBuilder s = new StringBuilder("# HTML pages checked by the Nu HTML Checker in one test JVM\n")
        .append("# pages seen: ").append(pagesByKind().values().stream().mapToLong(Long::longValue).sum())
        .append(", checked (the rest were cached copies): ").append(checksRun()).append('\n');
    pagesByKind().forEach((kind, n) -> s.append(n).append('\t').append(kind).append('\n'));
    try {
      java.nio.file.Files.writeString(target.resolve("html-checked.txt"), s);
    } catch (java.io.IOException e) {
      // a summary that cannot be written is not worth failing a run for
    }
  }

  private static List<Problem> relabel(List<Problem> problems, String url) {
    List<Problem> out = new ArrayList<>();
    problems.forEach(p -> out.add(new Problem(url, p.line(), p.column(), p.message(), p.extract())));
    return out;
  }

  private static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Collects the errors of one check; warnings are ignored. */
  private static final class Collector implements ErrorHandler {
    private String url;
    private String[] lines;
    private int prolog;
    private List<Problem> problems = new ArrayList<>();

    void start(String url, String document, int prolog) {
      this.url = url;
      this.lines = document.split("\n", -1);
      this.prolog = prolog;
      this.problems = new ArrayList<>();
    }

    List<Problem> finish() {
      return List.copyOf(problems);
    }

    @Override
    public void warning(SAXParseException e) {
      // warnings and information do not make a page invalid
    }

    @Override
    public void error(SAXParseException e) {
      add(e);
    }

    @Override
    public void fatalError(SAXParseException e) {
      add(e);
    }

    private void add(SAXParseException e) {
      if (url == null) {
        throw new IllegalStateException("the HTML schema did not load: " + e.getMessage(), e);
      }
      int line = e.getLineNumber();
      int column = e.getColumnNumber();
      String extract = "";
      if (line >= 1 && line <= lines.length) {
        String text = lines[line - 1];
        int at = Math.max(0, Math.min(text.length(), column - 1));
        extract = text.substring(Math.max(0, at - 80), Math.min(text.length(), at + 40)).strip();
        if (line == 1 && prolog > 0) {
          column = Math.max(1, column - prolog);
        }
      }
      problems.add(new Problem(url, line, column, String.valueOf(e.getMessage()).replace('\u201c', '"')
          .replace('\u201d', '"'), extract));
    }
  }
}
