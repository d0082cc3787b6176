package eu.mhealthhub.agora.support;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;

/** What the server answered, with helpers to read forms and links out of HTML. */
public record Response(int status, HttpHeaders headers, String body, URI uri) {

  public String header(String name) {
    return headers.firstValue(name).orElse(null);
  }

  public List<String> setCookies() {
    return headers.allValues("set-cookie");
  }

  public String location() {
    String l = header("location");
    return l == null ? null : uri.resolve(l).toString();
  }

  /** The body as jsoup parses it, for assertions through CSS selectors. */
  public Document html() {
    return Jsoup.parse(body, uri.toString());
  }

  /** The text of the page's {@code <main>}: what a reader sees, without the header and footer. */
  public String mainText() {
    return html().select("main").text();
  }

  /** The value of the first hidden or text input with this name. */
  public String inputValue(String name) {
    Matcher m = Pattern.compile("<input[^>]*name=\"" + Pattern.quote(name) + "\"[^>]*value=\"([^\"]*)\"").matcher(body);
    return m.find() ? unescape(m.group(1)) : null;
  }

  public static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'").replace("&lt;", "<")
        .replace("&gt;", ">").replace("&#x3D;", "=").replace("&#x60;", "`").replace("&amp;", "&");
  }

  @Override
  public String toString() {
    return status + " " + uri + (header("location") == null ? "" : " -> " + header("location"));
  }
}
