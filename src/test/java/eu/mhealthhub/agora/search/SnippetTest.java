package eu.mhealthhub.agora.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The passage of a result, cut and marked in Java from the text and the query's lexemes as PostgreSQL prints them. */
class SnippetTest {

  private static java.util.List<String> hits(Snippet s) {
    return s.parts().stream().filter(Snippet.Part::hit).map(Snippet.Part::text).toList();
  }

  @Test
  @DisplayName("a word is marked when, folded, it is a lexeme, or a stem of four letters or more with a short ending")
  void stemsAndAccents() {
    Snippet s = Snippet.of("Les applications économiques seront remboursées par l’assurance maladie.",
        "'econom' & 'rembours' | 'economique' & 'rembourse'");
    assertThat(hits(s)).containsExactly("économiques", "remboursées");
    assertThat(s.text()).isEqualTo("Les applications économiques seront remboursées par l’assurance maladie");
    assertThat(hits(Snippet.of("Digitale Gesundheitsanwendungen und Straße", "'gesundheitsanwend' | 'strasse'")))
        .containsExactly("Gesundheitsanwendungen", "Straße");
    // an ending longer than five letters is another word, and a short lexeme matches only itself
    assertThat(hits(Snippet.of("evidence evidentiary app apps", "'evid' | 'app'"))).containsExactly("evidence", "app");
  }

  @Test
  @DisplayName("negated words are not marked; with no hit the passage is the first twelve words")
  void noHits() {
    String text = IntStream.rangeClosed(1, 40).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
    Snippet s = Snippet.of(text, "'other' & !'w3'");
    assertThat(hits(s)).isEmpty();
    assertThat(s.text()).isEqualTo("w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12");
    assertThat(Snippet.of(null, "'a'").parts()).isEmpty();
    assertThat(Snippet.of("« ! »", "'a'").text()).isEqualTo("« ! »");
  }

  @Test
  @DisplayName("hits far apart give two fragments of at most thirty words, joined by an ellipsis")
  void fragments() {
    String text = IntStream.rangeClosed(1, 200).mapToObj(i -> i == 20 || i == 150 || i == 190 ? "target" : "w" + i)
        .collect(Collectors.joining(" "));
    Snippet s = Snippet.of(text, "'target'");
    String[] fragments = s.text().split(" … ");
    assertThat(fragments).hasSize(2);
    assertThat(fragments[0].split(" ")).hasSize(30).contains("target");
    assertThat(fragments[1].split(" ")).hasSize(30).contains("target");
    assertThat(hits(s)).hasSize(2);
  }

  @Test
  @DisplayName("the passage's HTML escapes every character of the text and marks the hits")
  void escaped() {
    Snippet s = Snippet.of("Look: <script>alert('x')</script> <img src=x onerror=alert(1)> marker & more", "'marker'");
    assertThat(s.html()).isEqualTo("Look: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; "
        + "<mark>marker</mark> &amp; more");
  }
}
