package eu.mhealthhub.agora.talk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Talk speakers' declarations of interest, structured as members' (issue 14 point 2). */
class SpeakerDeclarationsTest {

  private final TestApp app = TestApp.shared();

  private Map<String, String> talkForm(Browser b, String slug) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("_csrf", app.csrf(b));
    f.put("slug", slug);
    f.put("title", "Who pays for apps?");
    f.put("startsAt", "2031-05-01T14:00");
    f.put("endsAt", "2031-05-01T15:00");
    f.put("group", String.valueOf(TestDatabase.count("SELECT id FROM working_groups WHERE slug = 'integration'")));
    return f;
  }

  private long declarations(String slug) {
    return TestDatabase.count("""
        SELECT count(*) FROM talk_speaker_declarations d JOIN talks t ON t.id = d.talk_id WHERE t.slug = ?""", slug);
  }

  /** What a browser sends for the form: filled inputs, checked boxes, selected options, textareas (no buttons). */
  private static Map<String, String> fields(Document html, String form) {
    Map<String, String> f = new LinkedHashMap<>();
    for (Element e : html.select(form + " input[name], " + form + " textarea[name], " + form + " select[name]")) {
      String type = e.attr("type");
      if (("checkbox".equals(type) || "radio".equals(type)) && !e.hasAttr("checked")) {
        continue;
      }
      String value = e.is("select") ? e.select("option[selected]").val() : e.is("textarea") ? e.text() : e.val();
      if (!value.isEmpty()) {
        f.put(e.attr("name"), value);
      }
    }
    return f;
  }

  @Test
  @DisplayName("a Talk with a member speaker and an external one shows both declarations; editing the external one's makes a new version, an unchanged one does not")
  void memberAndExternal() {
    Browser speaker = new Browser();
    long speakerId = app.signInNew(speaker, "Mara Member", Fixtures.unique("mara") + "@example.org");
    String handle = Fixtures.handle(speakerId);
    assertEquals(303, speaker.post(app.url("/me/declaration"), Map.of("_csrf", app.csrf(speaker), "kind.0", "employment",
        "organisation.0", "Sickness Fund", "start.0", "2020-02", "current.0", "1")).status());

    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String slug = Fixtures.unique("speakers");
    Map<String, String> f = talkForm(admin, slug);
    f.put("speaker.0.name", "Mara Member");
    f.put("speaker.0.member", "@" + handle);
    f.put("speaker.1.name", "Eve External");
    f.put("speaker.1.affiliation", "Device maker");
    f.put("speaker.1.kind.0", "speaker_fees");
    f.put("speaker.1.organisation.0", "MedDevice AG");
    f.put("speaker.1.start.0", "2023-06");
    f.put("speaker.1.end.0", "2024-01");
    f.put("speaker.1.band.0", "1k_10k");
    Response made = admin.post(app.url("/talks"), f);
    assertEquals(303, made.status(), made.body());

    Document page = new Browser().get(app.url("/talks/" + slug)).html();
    List<Element> speakers = page.select("ul.speakers > li.speaker");
    assertThat(speakers).hasSize(2);
    assertThat(speakers.get(0).select("a[href=/members/" + handle + "]").text()).isEqualTo("Mara Member");
    assertThat(speakers.get(0).select("a.declaration-badge").attr("href"))
        .as("the member's own declaration in force").isEqualTo("/members/" + handle + "/declarations/1");
    assertThat(speakers.get(1).select("a.declaration-badge")).isEmpty();
    assertThat(speakers.get(1).select(".speaker-declaration .meta").text()).isEqualTo("Declared interests (version 1):");
    assertThat(speakers.get(1).select(".speaker-declaration li").text())
        .isEqualTo("Speaker fees: MedDevice AG, 2023-06 – 2024-01, €1,000 to €10,000");
    assertEquals(1, declarations(slug), "the member speaker's declaration is their own, not kept with the Talk");

    // the edit form holds the rows as they are; saving it unchanged makes no new version
    Response edit = admin.get(app.url("/talks/" + slug + "/edit"));
    assertEquals(200, edit.status());
    Map<String, String> again = fields(edit.html(), "form[action=/talks/" + slug + "/edit]");
    assertThat(again).containsEntry("speaker.1.organisation.0", "MedDevice AG").containsEntry("speaker.0.member", handle);
    assertEquals(303, admin.post(app.url("/talks/" + slug + "/edit"), again).status());
    assertEquals(1, declarations(slug));

    // the external speaker now declares nothing: version 2, and the page shows it
    again.remove("speaker.1.kind.0");
    again.remove("speaker.1.organisation.0");
    again.remove("speaker.1.start.0");
    again.remove("speaker.1.end.0");
    again.remove("speaker.1.band.0");
    again.put("speaker.1.nothingToDeclare", "1");
    assertEquals(303, admin.post(app.url("/talks/" + slug + "/edit"), again).status());
    assertEquals(2, declarations(slug));
    Element external = new Browser().get(app.url("/talks/" + slug)).html().select("ul.speakers > li.speaker").get(1);
    assertThat(external.select(".speaker-declaration .meta").text()).isEqualTo("Declared interests (version 2):");
    assertThat(external.select(".declaration-nothing").text()).isEqualTo("Nothing to declare.");
  }

  @Test
  @DisplayName("bad speaker input (an entry ending before it starts, an unknown kind, an overlong organisation, an unknown handle) gives the form back with problems and stores nothing")
  void badInput() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    String slug = Fixtures.unique("bad-speakers");
    List<Map<String, String>> bad = List.of(
        Map.of("speaker.0.name", "Ed", "speaker.0.kind.0", "employment", "speaker.0.organisation.0", "X",
            "speaker.0.start.0", "2024-05", "speaker.0.end.0", "2023-01"),
        Map.of("speaker.0.name", "Ed", "speaker.0.kind.0", "bribery", "speaker.0.organisation.0", "X",
            "speaker.0.start.0", "2024-05"),
        Map.of("speaker.0.name", "Ed", "speaker.0.kind.0", "employment", "speaker.0.organisation.0", "x".repeat(201),
            "speaker.0.start.0", "2024-05"),
        Map.of("speaker.0.name", "Ed", "speaker.0.member", "nobody-has-this-handle-" + slug),
        Map.of("speaker.0.affiliation", "No name"));
    List<String> fields = List.of("speaker.0.end.0", "speaker.0.kind.0", "speaker.0.organisation.0", "speaker.0.member",
        "speaker.0.name");
    for (int i = 0; i < bad.size(); i++) {
      Map<String, String> f = talkForm(admin, slug);
      f.putAll(bad.get(i));
      Response r = admin.post(app.url("/talks"), f);
      assertEquals(400, r.status(), bad.get(i).toString());
      Document html = r.html();
      assertThat(html.select(".error-summary a").eachAttr("href")).as("the summary links the field")
          .contains("#" + fields.get(i));
      assertThat(html.getElementById(fields.get(i))).as(fields.get(i)).isNotNull();
      assertThat(html.getElementById(fields.get(i)).attr("aria-invalid")).isEqualTo("true");
    }
    Map<String, String> f = talkForm(admin, slug);
    f.putAll(bad.get(0));
    Response r = admin.post(app.url("/talks"), f);
    assertThat(r.html().select("[id=speaker.0.end.0-error]").text()).isEqualTo("The end is before the start.");
    assertThat(r.html().getElementById("speaker.0.organisation.0").val()).as("input kept").isEqualTo("X");
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug), "nothing stored");
  }

  @Test
  @DisplayName("'add another speaker' and 'more interest rows' answer the form again with more blank rows, the input kept and nothing stored")
  void moreRows() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    Response empty = admin.get(app.url("/talks/new"));
    assertThat(empty.html().select("fieldset.talk-speaker")).hasSize(1);
    String slug = Fixtures.unique("more-rows");
    Map<String, String> f = talkForm(admin, slug);
    f.put("speaker.0.name", "Kept Name");
    f.put("more", "speaker");
    Response more = admin.post(app.url("/talks"), f);
    assertEquals(200, more.status());
    assertThat(more.html().select("fieldset.talk-speaker")).hasSize(3);
    assertThat(more.html().getElementById("speaker.0.name").val()).isEqualTo("Kept Name");
    f.put("more", "entries.0");
    Response entries = admin.post(app.url("/talks"), f);
    assertThat(entries.html().select("[id=speaker.0.row] fieldset.declaration-entry")).hasSizeGreaterThan(1);
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug), "nothing stored");
  }
}
