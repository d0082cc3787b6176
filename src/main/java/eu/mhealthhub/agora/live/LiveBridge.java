package eu.mhealthhub.agora.live;

import eu.mhealthhub.agora.member.Member;
import eu.mhealthhub.agora.member.MemberService;
import eu.mhealthhub.agora.web.SessionKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's side of the event bus, at {@code /eventbus}: outbound only, and only to addresses
 * the socket's member may read. Nothing a browser sends reaches the server: no inbound address is
 * permitted, and every publish or send is refused. Every register is decided here with the same
 * rule as {@code GET /live/events}, for the member the socket's session names, looked up now.
 * Only sockets from Agora's own origin are accepted; the iframe transport, which loads its script
 * from a public CDN, is off.
 */
public final class LiveBridge {

  private static final Logger LOG = LoggerFactory.getLogger(LiveBridge.class);

  private final Vertx vertx;
  /** This node's open sockets by member, to close them when the member's rights change. */
  private final java.util.Map<Long, java.util.Set<io.vertx.ext.web.handler.sockjs.SockJSSocket>> sockets =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final LiveRoutes authorizer;
  private final MemberService members;
  private final String origin;

  public LiveBridge(Vertx vertx, LiveRoutes authorizer, MemberService members, String origin) {
    this.vertx = vertx;
    this.authorizer = authorizer;
    this.members = members;
    this.origin = origin;
  }

  public void mount(Router router) {
    vertx.eventBus().<Long>consumer(ChangeFeed.ACCESS_CHANGED, message -> {
      java.util.Set<io.vertx.ext.web.handler.sockjs.SockJSSocket> open = sockets.remove(message.body());
      if (open != null) {
        open.forEach(socket -> socket.close(4001, "access changed"));
      }
    });
    SockJSHandlerOptions options = new SockJSHandlerOptions()
        .setOrigin(origin)
        .setRegisterWriteHandler(false)
        .setHeartbeatInterval(25_000)
        .addDisabledTransport("IFRAME");
    SockJSBridgeOptions bridge = new SockJSBridgeOptions()
        .addOutboundPermitted(new PermittedOptions().setAddressRegex("(thread|group|member|document|talk)\\.[1-9][0-9]{0,18}"))
        .setPingTimeout(60_000);
    // refuse foreign pages with a clean 403 before SockJS would fail the request with its own error
    router.route("/eventbus/*").handler(ctx -> {
      String requestOrigin = ctx.request().getHeader("Origin");
      if (requestOrigin != null && !requestOrigin.equals(origin)) {
        ctx.fail(403);
      } else {
        ctx.next();
      }
    });
    router.route("/eventbus/*").subRouter(SockJSHandler.create(vertx, options).bridge(bridge, this::decide));
  }

  private void decide(BridgeEvent event) {
    BridgeEventType type = event.type();
    switch (type) {
      case SOCKET_CREATED -> {
        Long member = memberId(event.socket().webSession());
        if (member != null) {
          sockets.computeIfAbsent(member, k -> java.util.concurrent.ConcurrentHashMap.newKeySet()).add(event.socket());
        }
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        Long member = memberId(event.socket().webSession());
        if (member != null) {
          sockets.computeIfPresent(member, (k, set) -> {
            set.remove(event.socket());
            return set.isEmpty() ? null : set;
          });
        }
        event.complete(true);
      }
      case SOCKET_IDLE, SOCKET_PING, UNREGISTER, RECEIVE -> event.complete(true);
      case REGISTER -> {
        String address = event.getRawMessage() == null ? null : event.getRawMessage().getString("address");
        viewer(event.socket().webSession())
            .compose(viewer -> authorizer.authorize(address, viewer))
            .onSuccess(v -> event.complete(true))
            .onFailure(e -> event.complete(false));
      }
      default -> {
        // SEND and PUBLISH: browsers never talk to the server over the bridge
        LOG.debug("refused {} from a bridge socket", type);
        event.complete(false);
      }
    }
  }

  private static Long memberId(Session session) {
    return session == null ? null : session.get(SessionKeys.MEMBER_ID);
  }

  private Future<Optional<Member>> viewer(Session session) {
    Long id = memberId(session);
    return id == null ? Future.succeededFuture(Optional.empty()) : members.find(id);
  }
}
