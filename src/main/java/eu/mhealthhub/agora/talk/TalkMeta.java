package eu.mhealthhub.agora.talk;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What a Talk's page says about itself to other sites: OpenGraph properties for link previews and a
 * schema.org {@code Event} in JSON-LD for search engines (online: {@code VirtualLocation} at the
 * Talk's page, organised by the Hub, performed by its speakers).
 *
 * @param jsonLd the JSON-LD, safe inside a {@code <script>} element: {@code <}, {@code >} and
 *               {@code &} are written as JSON escapes, so no text of the Talk can end the element
 */
public record TalkMeta(String title, String description, String url, String jsonLd) {

  /** At most this many characters of the description in previews. */
  static final int PREVIEW = 300;

  public static TalkMeta of(Talk talk, String publicUrl, String organizer) {
    String url = publicUrl + "/talks/" + talk.slug();
    String description = talk.description() == null ? "" : talk.description().strip();
    String preview = description.length() > PREVIEW ? description.substring(0, PREVIEW - 1) + "…" : description;
    JsonArray performers = new JsonArray();
    talk.speakers().forEach(s -> {
      JsonObject p = new JsonObject().put("@type", "Person").put("name", s.name());
      if (s.affiliation() != null && !s.affiliation().isBlank()) {
        p.put("affiliation", new JsonObject().put("@type", "Organization").put("name", s.affiliation()));
      }
      performers.add(p);
    });
    JsonObject event = new JsonObject()
        .put("@context", "https://schema.org")
        .put("@type", "Event")
        .put("name", talk.title())
        .put("description", description)
        .put("startDate", talk.startsAt().toString())
        .put("endDate", talk.endsAt().toString())
        .put("eventStatus", "https://schema.org/EventScheduled")
        .put("eventAttendanceMode", "https://schema.org/OnlineEventAttendanceMode")
        .put("location", new JsonObject().put("@type", "VirtualLocation").put("url", url))
        .put("organizer", new JsonObject().put("@type", "Organization").put("name", organizer).put("url", publicUrl + "/"))
        .put("performer", performers)
        .put("url", url);
    String json = event.encode().replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    return new TalkMeta(talk.title(), preview, url, json);
  }
}
