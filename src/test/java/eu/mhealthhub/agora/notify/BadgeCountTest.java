package eu.mhealthhub.agora.notify;

import static eu.mhealthhub.agora.notify.Notified.exactly;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import eu.mhealthhub.agora.Member;
import eu.mhealthhub.agora.support.Browser;
import eu.mhealthhub.agora.support.Fixtures;
import eu.mhealthhub.agora.support.Response;
import eu.mhealthhub.agora.support.TestApp;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The header badge's count when it expires: one shared read per member, each view going on on its own context. */
class BadgeCountTest {

  private final TestApp app = TestApp.shared();

  private NotificationService service() {
    return app.agora().services().notifications();
  }

  /** What a view saw: its count, and the context its continuation ran on. */
  private record Seen(long count, Context ranOn) {}

  /** A member with one unread mention, and their cached count forgotten. */
  private Member mentioned() throws Exception {
    String slug = Fixtures.unique("badge");
    long groupId = Fixtures.group(slug, false, true);
    Browser ana = new Browser();
    long anaId = app.signInNew(ana, "Ana " + slug, slug + "-a@example.org");
    Browser ben = new Browser();
    long benId = app.signInNew(ben, "Ben " + slug, slug + "-b@example.org");
    Fixtures.member(groupId, anaId, "member");
    Fixtures.member(groupId, benId, "member");
    Response form = ana.get(app.url("/groups/" + slug + "/threads/new"));
    Response r = ana.postMultipart(app.url("/groups/" + slug + "/threads"), Map.of("_csrf", form.inputValue("_csrf"),
        "clientToken", form.inputValue("clientToken"), "title", "Badge " + slug, "body", "Hello @" + Fixtures.handle(benId),
        "action", "post"), List.of());
    assertEquals(303, r.status(), r.body());
    exactly(benId, "mention", 1);
    return app.agora().services().members().find(benId).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS).orElseThrow();
  }

  /**
   * Runs {@code badgeCount} at once on a request-like (duplicated) context of the event loop the caller
   * runs on, and records where its result arrived.
   */
  private CompletableFuture<Seen> viewOn(ContextInternal context, Member member) {
    CompletableFuture<Seen> seen = new CompletableFuture<>();
    context.dispatch(v -> service().badgeCount(member)
        .onSuccess(n -> seen.complete(new Seen(n, Vertx.currentContext())))
        .onFailure(seen::completeExceptionally));
    return seen;
  }

  @Test
  @DisplayName("views in flight when a member's badge count expires share one read of it, and each goes on on its own request's context")
  void concurrentViewsShareOneLoad() throws Exception {
    Member ben = mentioned();
    ContextInternal loop = (ContextInternal) app.agora().vertx().getOrCreateContext();
    // forgotten (as when it expires), then eight views at once, all started before the database answers
    CompletableFuture<List<CompletableFuture<Seen>>> started = new CompletableFuture<>();
    List<ContextInternal> contexts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      contexts.add(loop.duplicate());
    }
    service().countsChanged(Set.of(ben.id()));
    // the bus's copy of that forgetting reaches this node's consumer too: let it pass before the views
    Thread.sleep(500);
    long before = service().badgeLoads();
    loop.runOnContext(v -> {
      List<CompletableFuture<Seen>> views = new ArrayList<>();
      for (ContextInternal c : contexts) {
        views.add(viewOn(c, ben));
      }
      started.complete(views);
    });
    List<CompletableFuture<Seen>> views = started.get(10, TimeUnit.SECONDS);
    for (int i = 0; i < views.size(); i++) {
      Seen seen = views.get(i).get(10, TimeUnit.SECONDS);
      assertEquals(1, seen.count(), "the one unread mention");
      assertSame(contexts.get(i), seen.ranOn(), "view " + i + " goes on on its own context, not the loading view's");
    }
    assertEquals(1, service().badgeLoads() - before, "one read for the eight views");
    // and the count is remembered: a later view reads nothing
    CompletableFuture<Seen> later = new CompletableFuture<>();
    loop.runOnContext(v -> viewOn(loop.duplicate(), ben).whenComplete((seen, e) -> later.complete(seen)));
    assertEquals(1, later.get(10, TimeUnit.SECONDS).count());
    assertEquals(1, service().badgeLoads() - before);
  }

  @Test
  @DisplayName("a view after the member's notifications changed never joins a read that started before the change")
  void loadBeforeAChangeIsNotShared() throws Exception {
    Member ben = mentioned();
    ContextInternal loop = (ContextInternal) app.agora().vertx().getOrCreateContext();
    long before = service().badgeLoads();
    CompletableFuture<List<CompletableFuture<Seen>>> started = new CompletableFuture<>();
    loop.runOnContext(v -> {
      service().countsChanged(Set.of(ben.id()));
      CompletableFuture<Seen> early = viewOn(loop.duplicate(), ben);
      // the count changes (read, a new notice) while the first read is still waiting for the database
      service().countsChanged(Set.of(ben.id()));
      CompletableFuture<Seen> late = viewOn(loop.duplicate(), ben);
      started.complete(List.of(early, late));
    });
    for (CompletableFuture<Seen> view : started.get(10, TimeUnit.SECONDS)) {
      assertEquals(1, view.get(10, TimeUnit.SECONDS).count());
    }
    assertEquals(2, service().badgeLoads() - before, "the later view read the count afresh");
  }
}
