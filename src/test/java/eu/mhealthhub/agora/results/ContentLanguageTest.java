package eu.mhealthhub.agora.results;

import static org.assertj.core.api.Assertions.assertThat;

import eu.mhealthhub.agora.document.DocumentStoryTest;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The language a consensus document is written in and a Talk is held in: chosen in their forms,
 * shown as the lang attribute of their text, used by the results library's language filter; a value
 * Agora does not record brings the form back with a problem and stores nothing.
 */
class ContentLanguageTest {

  private final TestApp app = TestApp.shared();

  private Browser signedIn(String handle) {
    Browser b = new Browser();
    app.signIn(b, handle);
    return b;
  }

  private Response newDocument(Browser b, String slug, String title, String language) {
    Response form = b.get(app.url("/groups/" + slug + "/documents/new"));
    assertThat(form.status()).isEqualTo(200);
    Document page = form.html();
    assertThat(page.select("select#language option").eachAttr("value")).containsExactly("en", "fr", "de", "es", "it");
    assertThat(page.select("select#language option[selected]").attr("value")).isEqualTo("en");
    assertThat(page.select("label[for=language]").text()).isEqualTo("Language of the document");
    return b.post(app.url("/groups/" + slug + "/documents"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", "Le texte " + title,
        "summary", "Premier jet", "language", language, "action", "save"));
  }

  @Test
  @DisplayName("a document's language is chosen when it is written, shown as the lang of its text, changed on edit, and filters the library")
  void documentLanguage() {
    Browser pieter = signedIn("demo-pieter");
    String group = ResultsFixtures.moderatedGroup(false);
    String title = ResultsFixtures.word("Docfr");
    Response created = newDocument(pieter, group, title, "fr");
    assertThat(created.status()).isEqualTo(303);
    long id = TestDatabase.count("SELECT id FROM documents WHERE title = ?", title);
    assertThat(TestDatabase.count("SELECT count(*) FROM documents WHERE id = ? AND language = 'fr'", id)).isEqualTo(1);

    Document shown = pieter.get(app.url("/documents/" + id)).html();
    assertThat(shown.selectFirst("h1").attr("lang")).isEqualTo("fr");
    assertThat(shown.selectFirst("article#document-text").attr("lang")).isEqualTo("fr");

    Response editForm = pieter.get(app.url("/documents/" + id + "/edit"));
    assertThat(editForm.html().select("select#language option[selected]").attr("value")).isEqualTo("fr");
    Response edited = pieter.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", editForm.inputValue("_csrf"),
        "clientToken", editForm.inputValue("clientToken"), "base", editForm.inputValue("base"),
        "body", "Der Text " + title, "summary", "Auf Deutsch", "language", "de", "action", "save"));
    assertThat(edited.status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM documents WHERE id = ? AND language = 'de'", id)).isEqualTo(1);
    assertThat(pieter.get(app.url("/documents/" + id)).html().selectFirst("article#document-text").attr("lang"))
        .isEqualTo("de");

    ResultsFixtures.adopt(app, pieter, id);
    Document german = new Browser().get(app.url("/results?group=" + group + "&language=de")).html();
    assertThat(german.select("li.result")).hasSize(1);
    assertThat(german.select("li.result").text()).contains(title);
    assertThat(new Browser().get(app.url("/results?group=" + group + "&language=en")).html().select("li.result"))
        .isEmpty();
    assertThat(new Browser().get(app.url("/results?group=" + group + "&language=fr")).html().select("li.result"))
        .isEmpty();
  }

  @Test
  @DisplayName("a document with a language Agora does not record comes back with the problem beside the select, nothing stored")
  void documentBadLanguage() {
    Browser pieter = signedIn("demo-pieter");
    String group = ResultsFixtures.moderatedGroup(false);
    String title = ResultsFixtures.word("Docxx");
    Response refused = newDocument(pieter, group, title, "xx");
    assertThat(refused.status()).isEqualTo(400);
    Document page = refused.html();
    assertThat(page.select("#language-error").text()).isEqualTo("Choose one of the languages offered.");
    assertThat(page.selectFirst("select#language").attr("aria-invalid")).isEqualTo("true");
    assertThat(page.select("input#title").val()).isEqualTo(title);
    assertThat(TestDatabase.count("SELECT count(*) FROM documents WHERE title = ?", title)).isZero();

    long id = DocumentStoryTest.create(app, pieter, group, ResultsFixtures.word("Docen"), "English text");
    Response editForm = pieter.get(app.url("/documents/" + id + "/edit"));
    Response badEdit = pieter.post(app.url("/documents/" + id + "/edit"), Map.of("_csrf", editForm.inputValue("_csrf"),
        "clientToken", editForm.inputValue("clientToken"), "base", editForm.inputValue("base"),
        "body", "Changed text", "summary", "Changed", "language", "klingon", "action", "save"));
    assertThat(badEdit.status()).isEqualTo(400);
    assertThat(badEdit.html().select("#language-error").text()).isEqualTo("Choose one of the languages offered.");
    assertThat(TestDatabase.count("SELECT current_revision FROM documents WHERE id = ?", id)).isEqualTo(1);
    assertThat(TestDatabase.count("SELECT count(*) FROM documents WHERE id = ? AND language = 'en'", id)).isEqualTo(1);
  }

  private Response talk(Browser admin, String path, Map<String, String> fields) {
    Map<String, String> form = new LinkedHashMap<>(fields);
    form.put("_csrf", app.csrf(admin));
    form.putIfAbsent("startsAt", "2030-05-14T14:00");
    form.putIfAbsent("endsAt", "2030-05-14T15:00");
    return admin.post(app.url(path), form);
  }

  @Test
  @DisplayName("a Talk's language is chosen in its form, shown as the lang of its title and description, changed on edit, and filters the library")
  void talkLanguage() {
    Browser admin = signedIn("demo-maria");
    String group = ResultsFixtures.moderatedGroup(false);
    long groupId = TestDatabase.count("SELECT id FROM working_groups WHERE slug = ?", group);
    Document empty = admin.get(app.url("/talks/new")).html();
    assertThat(empty.select("select#language option").eachAttr("value")).containsExactly("en", "fr", "de", "es", "it");
    assertThat(empty.select("select#language option[selected]").attr("value")).isEqualTo("en");
    assertThat(empty.select("label[for=language]").text()).isEqualTo("Language of the Talk");

    String slug = Fixtures.unique("lang-talk");
    String title = ResultsFixtures.word("Talkit");
    Response created = talk(admin, "/talks", Map.of("slug", slug, "title", title, "description", "Una conferenza",
        "language", "it", "group", Long.toString(groupId)));
    assertThat(created.status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ? AND language = 'it'", slug)).isEqualTo(1);
    Document shown = admin.get(app.url("/talks/" + slug)).html();
    assertThat(shown.selectFirst("h1").attr("lang")).isEqualTo("it");
    assertThat(shown.selectFirst(".talk-description").attr("lang")).isEqualTo("it");

    Document editForm = admin.get(app.url("/talks/" + slug + "/edit")).html();
    assertThat(editForm.select("select#language option[selected]").attr("value")).isEqualTo("it");
    Response edited = talk(admin, "/talks/" + slug + "/edit", Map.of("title", title, "description", "Una charla",
        "language", "es", "group", Long.toString(groupId)));
    assertThat(edited.status()).isEqualTo(303);
    assertThat(TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ? AND language = 'es'", slug)).isEqualTo(1);

    TestDatabase.update("UPDATE talks SET room_state = 'closed', closed_at = now(), summary = 'Resumen' WHERE slug = ?",
        slug);
    Document spanish = new Browser().get(app.url("/results?group=" + group + "&language=es")).html();
    assertThat(spanish.select("li.result").text()).contains(title);
    assertThat(new Browser().get(app.url("/results?group=" + group + "&language=it")).html().select("li.result").text())
        .doesNotContain(title);
  }

  @Test
  @DisplayName("a Talk with a language Agora does not record comes back with the problem beside the select, nothing stored or changed")
  void talkBadLanguage() {
    Browser admin = signedIn("demo-maria");
    String slug = Fixtures.unique("lang-bad");
    Response refused = talk(admin, "/talks", Map.of("slug", slug, "title", "Bad language", "language", "xx"));
    assertThat(refused.status()).isEqualTo(400);
    Document page = refused.html();
    assertThat(page.select("#language-error").text()).isEqualTo("Choose one of the languages offered.");
    assertThat(page.selectFirst("select#language").attr("aria-invalid")).isEqualTo("true");
    assertThat(TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug)).isZero();

    assertThat(talk(admin, "/talks", Map.of("slug", slug, "title", "Good language", "language", "fr")).status())
        .isEqualTo(303);
    Response badEdit = talk(admin, "/talks/" + slug + "/edit", Map.of("title", "Changed title", "language", "EN"));
    assertThat(badEdit.status()).isEqualTo(400);
    assertThat(TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ? AND language = 'fr' AND title = 'Good language'",
        slug)).isEqualTo(1);
  }
}
