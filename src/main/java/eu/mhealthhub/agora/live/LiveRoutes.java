package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.document.DocumentService;
import eu.mhealthhub.agora.DomainException;
import eu.mhealthhub.agora.group.GroupService;
import eu.mhealthhub.agora.member.Member;
import eu.mhealthhub.agora.talk.TalkService;
import eu.mhealthhub.agora.thread.ThreadService;
import eu.mhealthhub.agora.web.Viewer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Catching up on missed changes, for a page that reconnects: the events on one address after the
 * last number it applied, each once and in order. When older events were pruned the answer says
 * {@code "reload": true} and the page fetches its content again instead.
 *
 * <pre>
 * GET /live/events?address=thread.12&after=57    {"address", "latest", "reload", "events": [{seq, type, id}]}
 * </pre>
 *
 * Who may read an address is decided as for the pages: {@code thread.<id>}, {@code group.<id>} and {@code document.<id>}
 * by the group policy (a closed group's address answers 404 like a missing one), {@code member.<id>}
 * by that member only, {@code talk.<id>} by anyone (Talks are public).
 */
public final class LiveRoutes {

  public static final int MAX_EVENTS = 500;
  private static final Pattern ADDRESS = Pattern.compile("(thread|group|member|document|talk)\\.([1-9][0-9]{0,18})");

  private final Pool pool;
  private final EventLog log;
  private final GroupService groups;
  private final ThreadService threads;
  private final DocumentService documents;
  private final TalkService talks;

  public LiveRoutes(Pool pool, EventLog log, GroupService groups, ThreadService threads, DocumentService documents,
      TalkService talks) {
    this.pool = pool;
    this.log = log;
    this.groups = groups;
    this.threads = threads;
    this.documents = documents;
    this.talks = talks;
  }

  public void mount(Router router) {
    router.get("/live/events").handler(this::events);
  }

  /** Succeeds when the viewer may receive events on the address; fails with NOT_FOUND otherwise. */
  public Future<Void> authorize(String address, Optional<Member> viewer) {
    Matcher m = address == null ? null : ADDRESS.matcher(address);
    if (m == null || !m.matches()) {
      return Future.failedFuture(DomainException.notFound());
    }
    long id = Long.parseLong(m.group(2));
    return switch (m.group(1)) {
      case "thread" -> threads.locate(id, viewer).mapEmpty();
      case "group" -> groups.access(id, viewer).mapEmpty();
      case "document" -> documents.locate(id, viewer).mapEmpty();
      // Talks and their rooms are public; events name ids only, and what a page fetches for them is filtered per viewer
      case "talk" -> talks.exists(id);
      default -> viewer.map(Member::id).orElse(-1L) == id
          ? Future.succeededFuture() : Future.failedFuture(DomainException.notFound());
    };
  }

  private void events(RoutingContext ctx) {
    String address = ctx.request().getParam("address");
    long after;
    try {
      after = Long.parseLong(ctx.request().getParam("after", "0"));
      if (after < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      ctx.fail(DomainException.badRequest("live.error.after"));
      return;
    }
    authorize(address, Viewer.of(ctx).member())
        .compose(v -> Future.all(log.after(pool, address, after, MAX_EVENTS), log.latest(pool, address),
            log.oldest(pool, address)))
        .map(all -> {
          java.util.List<EventLog.Event> events = all.resultAt(0);
          long latest = all.resultAt(1);
          Long oldest = all.resultAt(2);
          // a gap between what the page has and what is kept, or more than one answer holds: reload
          boolean reload = oldest != null && after < oldest - 1 || latest - after > MAX_EVENTS;
          JsonArray list = new JsonArray();
          if (!reload) {
            events.forEach(e -> list.add(new JsonObject().put("seq", e.seq()).put("type", e.type()).put("id", e.entityId())));
          }
          return new JsonObject().put("address", address).put("latest", latest).put("reload", reload)
              .put("events", list).encode();
        })
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .putHeader("Cache-Control", "no-store").end(body))
        .onFailure(ctx::fail);
  }
}
