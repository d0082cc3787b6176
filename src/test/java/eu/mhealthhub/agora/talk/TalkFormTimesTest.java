package eu.mhealthhub.agora.talk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Times typed into the Talk form. A {@code datetime-local} input shows nothing for a value it
 * cannot read, so a time Agora cannot read comes back in a text field, as typed, with a message.
 */
class TalkFormTimesTest {

  private final TestApp app = TestApp.shared();

  private Response create(Browser admin, Map<String, String> fields) {
    Map<String, String> form = new LinkedHashMap<>(fields);
    form.put("_csrf", app.csrf(admin));
    String body = form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
    return admin.request("POST", app.url("/talks"), "application/x-www-form-urlencoded", body);
  }

  private Browser admin() {
    Browser admin = new Browser();
    app.signIn(admin, "demo-maria");
    return admin;
  }

  @Test
  @DisplayName("an unreadable start time comes back with 400 in a text field holding exactly what was typed, with a message saying how to write it")
  void unreadableTimeKept() {
    Browser admin = admin();
    String slug = Fixtures.unique("times");
    Response r = create(admin, Map.of("slug", slug, "title", "Times", "startsAt", "14 May 2030, 2pm",
        "endsAt", "2030-05-14T15:30"));
    assertEquals(400, r.status(), r.body());
    Document page = Jsoup.parse(r.body());
    Element start = page.selectFirst("input#startsAt");
    assertEquals("text", start.attr("type"), "a text field, which can show any value");
    assertEquals("14 May 2030, 2pm", start.val(), "what was typed is kept");
    assertEquals("true", start.attr("aria-invalid"));
    assertEquals("zone-help startsAt-error", start.attr("aria-describedby"));
    assertEquals("Agora cannot read this date and time. Write it as year-month-day hours:minutes, for example 2026-05-14 14:30.",
        page.selectFirst("#startsAt-error").text());
    Element end = page.selectFirst("input#endsAt");
    assertEquals("datetime-local", end.attr("type"), "a readable time keeps its date picker");
    assertEquals("2030-05-14T15:30", end.val());
    assertEquals(0, TestDatabase.count("SELECT count(*) FROM talks WHERE slug = ?", slug));
  }

  @Test
  @DisplayName("a missing time is still asked for with a date picker, not a text field")
  void missingTime() {
    Response r = create(admin(), Map.of("slug", Fixtures.unique("times"), "title", "Times", "startsAt", "",
        "endsAt", "2030-05-14T15:30"));
    assertEquals(400, r.status());
    Document page = Jsoup.parse(r.body());
    assertEquals("datetime-local", page.selectFirst("input#startsAt").attr("type"));
    assertEquals("Give a date and time.", page.selectFirst("#startsAt-error").text());
  }

  @Test
  @DisplayName("a time typed as '2030-05-14 14:30' (as in a browser without a date picker) is read, shown back in the date picker's form, and stored")
  void spaceSeparatedTime() {
    Browser admin = admin();
    String slug = Fixtures.unique("times");
    Response other = create(admin, Map.of("slug", slug, "title", "", "startsAt", "2030-05-14 14:30",
        "endsAt", "2030-05-14 15:45"));
    assertEquals(400, other.status(), "the missing title is the only problem");
    Document page = Jsoup.parse(other.body());
    assertNull(page.selectFirst("#startsAt-error"));
    assertEquals("datetime-local", page.selectFirst("input#startsAt").attr("type"));
    assertEquals("2030-05-14T14:30", page.selectFirst("input#startsAt").val());

    Response saved = create(admin, Map.of("slug", slug, "title", "Times", "startsAt", "2030-05-14 14:30",
        "endsAt", "2030-05-14 15:45"));
    assertEquals(303, saved.status(), saved.body());
    String zone = TestDatabase.text("SELECT coalesce(time_zone, 'Europe/Brussels') FROM members WHERE subject = 'demo-maria'");
    assertEquals("2030-05-14 14:30", TestDatabase.text(
        "SELECT to_char(starts_at AT TIME ZONE ?, 'YYYY-MM-DD HH24:MI') FROM talks WHERE slug = ?", zone, slug));
  }
}
