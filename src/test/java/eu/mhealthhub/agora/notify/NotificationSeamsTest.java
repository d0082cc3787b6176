package eu.mhealthhub.agora.notify;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import eu.mhealthhub.agora.support.TestDatabase;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The service methods the e-mail wiring uses: listener, deliveries, cancel-if-read, digest. */
class NotificationSeamsTest {

  private final TestApp app = TestApp.shared();

  private NotificationService service() {
    return app.agora().services().notifications();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private long thread(Browser b, String slug, String title, String body) {
    Response form = b.get(app.url("/groups/" + slug + "/threads/new"));
    Response r = b.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", title, "body", body, "action", "post"), List.of());
    assertEquals(303, r.status(), r.body());
    return NotificationsTest.idIn(r.location(), "/threads/(\\d+)");
  }

  private void reply(Browser b, long threadId, String body) {
    Response r = b.postMultipart(app.url("/threads/" + threadId + "/posts"), Map.of("_csrf", app.csrf(b),
        "clientToken", Fixtures.unique("c"), "action", "post", "body", body), List.of());
    assertEquals(303, r.status(), r.body());
  }

  @Test
  @DisplayName("the listener gets the rows of each fan-out inside its transaction; unread() tells which are still unread")
  void listenerAndUnread() throws Exception {
    String slug = Fixtures.unique("seam");
    long groupId = Fixtures.group(slug, false, true);
    Browser ana = new Browser();
    long anaId = app.signInNew(ana, "Ana " + slug, slug + "-a@example.org");
    Browser ben = new Browser();
    long benId = app.signInNew(ben, "Ben " + slug, slug + "-b@example.org");
    Fixtures.member(groupId, anaId, "member");
    Fixtures.member(groupId, benId, "member");
    List<Notification> seen = new CopyOnWriteArrayList<>();
    // the shared app's listener is its notification mail, which other tests running meanwhile need: chained, not lost
    java.util.concurrent.atomic.AtomicReference<NotificationService.CreatedListener> next = new java.util.concurrent.atomic.AtomicReference<>();
    NotificationService.CreatedListener wired = service().onCreated((tx, rows) -> {
      seen.addAll(rows.stream().filter(n -> n.recipientId() == benId).toList());
      return next.get().created(tx, rows);
    });
    next.set(wired);
    try {
      thread(ana, slug, "Seams " + slug, "Hello @" + Fixtures.handle(benId));
      exactly(benId, "mention", 1);
      Notified.await("the listener", () -> !seen.isEmpty());
      assertEquals(1, seen.size());
      Notification n = seen.get(0);
      assertEquals(NotificationKind.MENTION, n.kind());
      assertEquals(Delivery.IMMEDIATELY, n.delivery());
      assertEquals("Ana " + slug, n.actorName());
      assertEquals("Group " + slug, n.groupName());
      assertEquals(Set.of(n.id()), await(service().unread(Set.of(n.id(), -1L))));
      assertEquals(303, ben.post(app.url("/notifications/" + n.id() + "/read"), Map.of("_csrf", app.csrf(ben))).status());
      assertEquals(Set.of(), await(service().unread(Set.of(n.id()))));
    } finally {
      // the shared app's listener is its notification mail: every other test on this app needs it back
      service().onCreated(wired);
    }
  }

  @Test
  @DisplayName("a failing listener rolls the fan-out back: no rows, and the job is tried again")
  void failingListener() throws Exception {
    String slug = Fixtures.unique("fail");
    long groupId = Fixtures.group(slug, false, true);
    Browser ana = new Browser();
    long anaId = app.signInNew(ana, "Ana " + slug, slug + "-a@example.org");
    long benId = app.signInNew(new Browser(), "Ben " + slug, slug + "-b@example.org");
    Fixtures.member(groupId, anaId, "member");
    Fixtures.member(groupId, benId, "member");
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicReference<NotificationService.CreatedListener> next = new java.util.concurrent.atomic.AtomicReference<>();
    NotificationService.CreatedListener wired = service().onCreated((tx, rows) ->
        rows.stream().noneMatch(n -> n.recipientId() == benId) ? next.get().created(tx, rows)
            : calls.incrementAndGet() == 1 ? Future.failedFuture(new IllegalStateException("outbox unavailable"))
            : next.get().created(tx, rows));
    next.set(wired);
    try {
      thread(ana, slug, "Retry " + slug, "Hello @" + Fixtures.handle(benId));
      exactly(benId, "mention", 1);
      assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    } finally {
      // the shared app's listener is its notification mail: every other test on this app needs it back
      service().onCreated(wired);
    }
  }

  @Test
  @DisplayName("delivery() and setDelivery(): defaults, then the member's choice")
  void deliveries() throws Exception {
    long id = app.signInNew(new Browser(), "Del " + Fixtures.unique("d"), Fixtures.unique("d") + "@example.org");
    assertEquals(Delivery.IMMEDIATELY, await(service().delivery(id, NotificationKind.MENTION)));
    assertEquals(Delivery.DAILY, await(service().delivery(id, NotificationKind.WATCHED_THREAD)));
    assertEquals(Delivery.PAGE, await(service().delivery(id, NotificationKind.REACTION)));
    await(service().setDelivery(id, NotificationKind.MENTION, Delivery.NEVER));
    assertEquals(Delivery.NEVER, await(service().delivery(id, NotificationKind.MENTION)));
  }

  @Test
  @DisplayName("the digest holds a member's unread daily notifications since an instant, grouped by group, readable ones only")
  void digest() throws Exception {
    String open = Fixtures.unique("dgo");
    String closed = Fixtures.unique("dgc");
    long openId = Fixtures.group(open, false, true);
    long closedId = Fixtures.group(closed, true, true);
    Browser ana = new Browser();
    long anaId = app.signInNew(ana, "Ana " + open, open + "-a@example.org");
    Browser ben = new Browser();
    long benId = app.signInNew(ben, "Ben " + open, open + "-b@example.org");
    for (long g : new long[] {openId, closedId}) {
      Fixtures.member(g, anaId, "member");
      Fixtures.member(g, benId, "member");
    }
    Instant since = Instant.now().minusSeconds(5);
    long t1 = thread(ana, open, "Open digest " + open, "Start.");
    long t2 = thread(ana, closed, "Closed digest " + closed, "Start.");
    for (long t : new long[] {t1, t2}) {
      assertEquals(303, ben.post(app.url("/threads/" + t + "/subscription"), Map.of("_csrf", app.csrf(ben), "level", "watching"))
          .status());
      reply(ana, t, "News.");
    }
    exactly(benId, "watched_thread", 2);
    List<NotificationService.DigestGroup> digest = await(service().digest(benId, Delivery.DAILY, since));
    assertThat(digest).extracting(NotificationService.DigestGroup::groupName).containsExactlyInAnyOrder("Group " + open,
        "Group " + closed);
    assertThat(await(service().digest(benId, Delivery.WEEKLY, since))).isEmpty();
    assertThat(await(service().digest(benId, Delivery.DAILY, Instant.now().plusSeconds(60)))).isEmpty();

    TestDatabase.update("DELETE FROM group_memberships WHERE group_id = ? AND member_id = ?", closedId, benId);
    digest = await(service().digest(benId, Delivery.DAILY, since));
    assertThat(digest).extracting(NotificationService.DigestGroup::groupName).containsExactly("Group " + open);
    assertThat(digest.get(0).items()).extracting(Notification::title).containsExactly("Open digest " + open);
  }
}
